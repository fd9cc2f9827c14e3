"""The plan built from the grants, the Slurm script (run by sh against a recording stand-in
for sacctmgr: the real one is in test_slurm_real.py) and the reconcile of `sacctmgr show assoc`."""

from __future__ import annotations

import io
import os
import subprocess
from pathlib import Path

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError

from bitgoeul.accounts.enums import MembershipRole
from bitgoeul.compute.enums import GrantState, RoundState
from bitgoeul.compute.schedulers import (
    ChapterPlan,
    CompanyPlan,
    Plan,
    gpu_minutes,
    nominal_gpus,
    slurm_reconcile,
    slurm_script,
)
from bitgoeul.compute.selectors_sched import scheduler_plan
from tests.compute.factories_sched import (
    make_chapter,
    make_company,
    make_grant,
    make_member,
    make_pool,
    make_round,
)
from tests.factories import MembershipFactory


def test_minutes_round_down_and_gpus_round_up() -> None:
    assert (gpu_minutes(1.1), gpu_minutes(0.999), gpu_minutes(8.0), gpu_minutes(-1)) == (
        66,
        59,
        480,
        0,
    )
    # January: 744 hours
    assert (
        nominal_gpus(744, "2027-01"),
        nominal_gpus(745, "2027-01"),
        nominal_gpus(0, "2027-01"),
    ) == (
        1,
        2,
        0,
    )


@pytest.mark.django_db
def test_the_plan_holds_decided_active_grants_net_of_reclaims_and_members_logins() -> None:
    make_pool("a100")
    make_pool("h100")
    make_pool("t4")
    gwangju = make_chapter("chapter:gwangju", "광주전남지회")
    first = make_company(gwangju, "(주)빛고을에이아이")
    other = make_company(None, "(주)무소속")
    decided, draft = make_round(), make_round(RoundState.CLOSED, name="미결정")
    make_grant(
        first,
        {("a100", "2027-01"): 10.5, ("a100", "2027-02"): 1.1},
        round=decided,
        reclaimed={("a100", "2027-01"): 2},
    )
    make_grant(first, {("h100", "2027-01"): 3})  # rolling
    make_grant(first, {("t4", "2027-01"): 99}, round=draft)  # not decided: not enforced
    make_grant(other, {("t4", "2027-01"): 99}, state=GrantState.ENDED)
    make_grant(other, {("h100", "2027-02"): 744})
    make_member(first, "kim")
    make_member(first, None)  # no login yet
    gone = make_member(first, "park")
    gone.is_active = False
    gone.save(update_fields=["is_active"])
    both = make_member(other, "lee")
    MembershipFactory.create(user=both, organization=first.organization, role=MembershipRole.MEMBER)

    plan = scheduler_plan(period="2027-01")
    first_account = f"co-{first.organization.brn}"
    other_account = f"co-{other.organization.brn}"
    assert plan == Plan(
        models=("a100", "h100", "t4"),
        period="2027-01",
        chapters=(
            ChapterPlan(
                "ch-gwangju",
                "광주전남지회",
                (
                    CompanyPlan(
                        first_account,
                        "(주)빛고을에이아이",
                        ("kim", "lee"),
                        {"a100": 576, "h100": 180},  # (10.5 - 2 + 1.1) × 60
                        {"a100": 1, "h100": 1},
                    ),
                ),
            ),
            ChapterPlan(
                "ch-none",
                "-",
                (CompanyPlan(other_account, "(주)무소속", ("lee",), {"h100": 44640}, {}),),
            ),
        ),
    )
    only_round = scheduler_plan(round_id=decided.pk, period="2027-02")
    assert [(c.account, c.gpu_minutes, c.gpus) for _, c in only_round.companies()] == [
        (first_account, {"a100": 576}, {"a100": 1})  # minutes of every period, GPUs of one
    ]
    assert scheduler_plan(round_id=draft.pk).chapters == ()


PLAN = Plan(
    models=("a100", "h100"),
    period="2027-01",
    chapters=(
        ChapterPlan(
            "ch-gwangju",
            "광주전남지회",
            (
                CompanyPlan(
                    "co-1208112342",
                    "(주)빛고을 '$(touch pwned)' `id`",
                    ("kim", "lee"),
                    {"a100": 480},
                    {"a100": 1},
                ),
            ),
        ),
    ),
)

FAKE_SACCTMGR = """#!/bin/sh
# records each call, one argument a line, calls separated by '--'; every "show" is empty
for arg in "$@"; do printf '%s\\n' "$arg" >> "$SACCTMGR_LOG"; done
echo '--' >> "$SACCTMGR_LOG"
"""


def test_the_script_quotes_names_and_makes_what_is_missing(tmp_path: Path) -> None:
    bin_dir = tmp_path / "bin"
    bin_dir.mkdir()
    (bin_dir / "sacctmgr").write_text(FAKE_SACCTMGR, encoding="utf-8")
    (bin_dir / "sacctmgr").chmod(0o755)
    script = tmp_path / "accounts.sh"
    script.write_text(slurm_script(PLAN), encoding="utf-8")
    log = tmp_path / "calls.log"
    env = {**os.environ, "PATH": f"{bin_dir}:{os.environ['PATH']}", "SACCTMGR_LOG": str(log)}
    done = subprocess.run(["sh", str(script)], cwd=tmp_path, env=env, capture_output=True)
    assert (done.returncode, done.stderr) == (0, b"")
    calls = [c.strip("\n").split("\n") for c in log.read_text(encoding="utf-8").split("--\n")]
    changes = [c for c in calls if c and c[0] == "-i"]
    assert changes == [
        [
            "-i",
            "add",
            "account",
            "ch-gwangju",
            "parent=root",
            "description=광주전남지회",
            "organization=bitgoeul",
        ],
        [
            "-i",
            "add",
            "account",
            "co-1208112342",
            "parent=ch-gwangju",
            "description=(주)빛고을 '$(touch pwned)' `id`",
            "organization=bitgoeul",
        ],
        ["-i", "add", "user", "kim", "account=co-1208112342"],
        ["-i", "add", "user", "lee", "account=co-1208112342"],
        [
            "-i",
            "modify",
            "account",
            "where",
            "name=co-1208112342",
            "set",
            "GrpTRESMins=gres/gpu=480,gres/gpu:a100=480,gres/gpu:h100=0",
        ],
    ]
    assert not (tmp_path / "pwned").exists()


HEADER = (
    "Cluster|Account|User|Partition|Share|Priority|GrpJobs|GrpTRES|GrpSubmit|GrpWall|GrpTRESMins"
    "|MaxJobs|MaxTRES|MaxTRESPerNode|MaxSubmit|MaxWall|MaxTRESMins|QOS|Def QOS|GrpTRESRunMins"
)


def row(cluster: str, account: str, user: str = "", tres_mins: str = "") -> str:
    return f"{cluster}|{account}|{user}||1||||||{tres_mins}|||||||normal||"


def test_reconcile_of_a_cluster_that_matches_prints_nothing() -> None:
    assoc = "\n".join(
        [
            HEADER,
            row("aidc", "root"),
            row("aidc", "root", "root"),
            row("aidc", "ch-gwangju"),
            row(
                "aidc", "co-1208112342", tres_mins="gres/gpu=480,gres/gpu:h100=0,gres/gpu:a100=480"
            ),
            row("aidc", "co-1208112342", "kim"),
            row("aidc", "co-1208112342", "lee"),
        ]
    )
    result = slurm_reconcile(PLAN, assoc)
    assert (result.commands, result.left_alone, result.script()) == ([], [], "")


def test_reconcile_prints_only_changes_and_leaves_others_alone() -> None:
    assoc = "\n".join(
        [
            HEADER,
            row("aidc", "root"),
            row("aidc", "physics", tres_mins="cpu=100"),
            row("aidc", "physics", "lee"),
            row("aidc", "ch-gwangju"),
            row("aidc", "co-1208112342", tres_mins="gres/gpu:a100=600,gres/gpu:v100=5,cpu=9"),
            row("aidc", "co-1208112342", "kim"),
            row("aidc", "co-1208112342", "choi"),
            row("aidc", "co-9999999999"),
        ]
    )
    result = slurm_reconcile(PLAN, assoc)
    assert result.commands == [
        "sacctmgr -i add user lee account=co-1208112342",
        "sacctmgr -i modify account where name=co-1208112342 set "
        "GrpTRESMins=gres/gpu=480,gres/gpu:a100=480,gres/gpu:h100=0,gres/gpu:v100=-1",
    ]
    assert result.left_alone == [
        "users of co-1208112342 not among its members' logins: choi",
        "accounts not made by Bitgoeul (not co-/ch-): physics",
        "Bitgoeul accounts this plan does not name: co-9999999999",
    ]


def test_reconcile_names_the_cluster_when_there_are_several_and_checks_parents() -> None:
    assoc = "\n".join(
        [
            "Cluster|Account|User|ParentName|GrpTRESMins",
            "aidc|ch-gwangju||root|",
            "aidc|co-1208112342||ch-busan|gres/gpu=480,gres/gpu:a100=480,gres/gpu:h100=0",
            "aidc|co-1208112342|kim||",
            "aidc|co-1208112342|lee||",
            "edge|root|||",
        ]
    )
    assert slurm_reconcile(PLAN, assoc).commands == [
        "sacctmgr -i modify account where name=co-1208112342 cluster=aidc set parent=ch-gwangju",
        "sacctmgr -i add account ch-gwangju parent=root description='광주전남지회' "
        "organization=bitgoeul cluster=edge",
        "sacctmgr -i add account co-1208112342 parent=ch-gwangju "
        "description='(주)빛고을 '\"'\"'$(touch pwned)'\"'\"' `id`' "
        "organization=bitgoeul cluster=edge",
        "sacctmgr -i add user kim account=co-1208112342 cluster=edge",
        "sacctmgr -i add user lee account=co-1208112342 cluster=edge",
        "sacctmgr -i modify account where name=co-1208112342 cluster=edge set "
        "GrpTRESMins=gres/gpu=480,gres/gpu:a100=480,gres/gpu:h100=0",
    ]


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("", "empty file"),
        ("aidc|root||||", "the first line is not the header"),
        ("Cluster|Account|User|GrpTRESMins\naidc|root", "line 2: 2 fields, the header has 4"),
    ],
)
def test_reconcile_refuses_what_is_not_sacctmgr_output(text: str, message: str) -> None:
    with pytest.raises(ValueError, match=message):
        slurm_reconcile(PLAN, text)


@pytest.mark.django_db
def test_the_command_writes_the_reconcile_and_says_what_it_left_alone(tmp_path: Path) -> None:
    make_pool("a100")
    company = make_company(make_chapter("chapter:gwangju", "광주전남지회"), "(주)빛고을")
    make_grant(company, {("a100", "2027-01"): 1})
    assoc = tmp_path / "assoc.txt"
    assoc.write_text(
        "\n".join([HEADER, row("aidc", "root"), row("aidc", "physics")]), encoding="utf-8"
    )
    out, err = io.StringIO(), io.StringIO()
    call_command("compute", "export", "slurm", "--reconcile", str(assoc), stdout=out, stderr=err)
    account = f"co-{company.organization.brn}"
    assert out.getvalue().splitlines() == [
        "#!/bin/sh",
        "set -eu",
        "sacctmgr -i add account ch-gwangju parent=root description='광주전남지회' "
        "organization=bitgoeul",
        f"sacctmgr -i add account {account} parent=ch-gwangju description='(주)빛고을' "
        "organization=bitgoeul",
        f"sacctmgr -i modify account where name={account} set "
        "GrpTRESMins=gres/gpu=60,gres/gpu:a100=60",
    ]
    assert err.getvalue() == "left alone: accounts not made by Bitgoeul (not co-/ch-): physics\n"


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["slurm", "--round", "999"], "no round 999"),
        (["kueue", "--period", "2027-13"], "--period must be YYYY-MM"),
        (["kueue", "--reconcile", "assoc.txt"], "--reconcile is for slurm only"),
        (["slurm", "--reconcile", "/nonexistent/assoc.txt"], "/nonexistent/assoc.txt: "),
    ],
)
def test_the_command_refuses_wrong_arguments(args: list[str], message: str) -> None:
    with pytest.raises(CommandError, match=message):
        call_command("compute", "export", *args, stdout=io.StringIO())
