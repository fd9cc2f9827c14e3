"""The Slurm export and the sacct ingestion against a real Slurm (docs/slurm.md).

Run where `scripts/slurm/start.sh` started a single-node cluster (as root; `.ci/run` does it)
with `BITGOEUL_SLURM=1`; skipped otherwise, so `make test` skips them. The database is
pytest-django's test database: sacctmgr, sbatch and sacct are outside programs, and the
management commands run in this process.

Every run makes fresh company accounts (random 사업자등록번호) and removes them at the end,
since Slurm's accounting database outlives the test. With `BITGOEUL_SLURM_SAVE=DIR` the sacct
outputs are also copied to DIR (how tests/compute/data/sacct_* were made).
"""

from __future__ import annotations

import io
import json
import os
import pwd
import random
import shutil
import subprocess
import time
from collections import defaultdict
from collections.abc import Iterator
from pathlib import Path

import pytest
from django.core.management import call_command
from django.utils import timezone

from bitgoeul.accounts.brn import brn_check_digit
from bitgoeul.companies.models import Company
from bitgoeul.compute.models import GrantPart, UsageEntry
from bitgoeul.compute.periods import period_of
from tests.compute.factories_sched import (
    make_chapter,
    make_company,
    make_grant,
    make_member,
    make_pool,
)

ENABLED = os.environ.get("BITGOEUL_SLURM") == "1"
pytestmark = [
    pytest.mark.slurm,
    pytest.mark.django_db,
    pytest.mark.skipif(
        not ENABLED,
        reason="needs a running Slurm: as root, sh scripts/slurm/start.sh, then BITGOEUL_SLURM=1 "
        "(docs/slurm.md; .ci/run does both)",
    ),
]
LOGINS = ("bgci_kim", "bgci_lee")
SACCT_FORMAT = (
    "JobID,JobIDRaw,JobName,Cluster,Account,User,Partition,State,ExitCode,"
    "Submit,Start,End,Elapsed,ElapsedRaw,AllocTRES"
)
DONE = {"COMPLETED", "FAILED", "CANCELLED", "TIMEOUT", "OUT_OF_MEMORY", "NODE_FAIL"}


def run(
    *args: str, user: str | None = None, check: bool = True
) -> subprocess.CompletedProcess[str]:
    command = ["runuser", "-u", user, "--", *args] if user else list(args)
    return subprocess.run(command, capture_output=True, text=True, check=check, timeout=60)


@pytest.fixture(autouse=True)
def slurm_cluster() -> None:
    if shutil.which("sacctmgr") is None or os.geteuid() != 0:
        pytest.fail("BITGOEUL_SLURM=1 but no Slurm here, or not root: run scripts/slurm/start.sh")
    assert run("scontrol", "ping").returncode == 0
    for login in LOGINS:  # the Unix users exist before Slurm hears of them (docs/slurm.md)
        try:
            pwd.getpwnam(login)
        except KeyError:
            run("useradd", "--no-create-home", "--shell", "/bin/sh", login)


def fresh_brn() -> str:
    first = f"{random.randint(101, 899):03d}81{random.randint(0, 9999):04d}"
    return first + str(brn_check_digit(first))


@pytest.fixture
def companies() -> Iterator[tuple[Company, Company]]:
    """Two companies in two chapters, each with a member who has a cluster login, and grants
    in the current month: A 10 GPU-hours of A100 (2 of them reclaimed) and 0.5 of H100; B 0.05
    GPU-hours (3 minutes) of H100. Their Slurm accounts are removed afterwards."""
    now_period = period_of(timezone.now())
    make_pool("a100")
    make_pool("h100")
    gwangju = make_chapter("chapter:bgci-gwangju", "광주전남지회")
    busan = make_chapter("chapter:bgci-busan", "부산지회")
    a = make_company(gwangju, "(주)빛고을에이아이 'quote' $(x)", brn=fresh_brn())
    b = make_company(busan, "(주)부산로보틱스", brn=fresh_brn())
    make_grant(
        a,
        {("a100", now_period): 10, ("h100", now_period): 0.5},
        reclaimed={("a100", now_period): 2},
    )
    make_grant(b, {("h100", now_period): 0.05})
    make_member(a, LOGINS[0])
    make_member(b, LOGINS[1])
    yield a, b
    accounts = [account(a), account(b)]
    for name in accounts:
        run("scancel", "-A", name, check=False)
    time.sleep(1)
    for name in accounts:
        run("sacctmgr", "-i", "delete", "user", "where", f"account={name}", check=False)
        run("sacctmgr", "-i", "delete", "account", name, check=False)
    for chapter in ("ch-bgci-gwangju", "ch-bgci-busan"):
        run("sacctmgr", "-i", "delete", "account", chapter, check=False)


def account(company: Company) -> str:
    return f"co-{company.organization.brn}"


def export(tmp_path: Path, *args: str) -> str:
    out = tmp_path / "export.out"
    call_command("compute", "export", "slurm", *args, "-o", str(out), stderr=io.StringIO())
    return out.read_text(encoding="utf-8")


def our_assocs(*accounts: str) -> list[tuple[str, str, str, str]]:
    text = run(
        "sacctmgr", "-n", "-P", "show", "assoc", "format=Account,User,ParentName,GrpTRESMins"
    ).stdout
    rows = [line.split("|") for line in text.splitlines()]
    # sacctmgr lists TRES in the order of their ids on the cluster: compare them sorted
    return sorted((a, u, p, ",".join(sorted(t.split(",")))) for a, u, p, t in rows if a in accounts)


def test_the_export_applies_once_changes_nothing_again_and_reconcile_finds_only_changes(
    companies: tuple[Company, Company], tmp_path: Path
) -> None:
    a, b = companies
    script = tmp_path / "accounts.sh"
    script.write_text(export(tmp_path), encoding="utf-8")
    first = run("sh", str(script))
    assert first.returncode == 0, first.stderr
    ours = (account(a), account(b), "ch-bgci-gwangju", "ch-bgci-busan")
    applied = our_assocs(*ours)
    assert applied == sorted(
        [
            ("ch-bgci-busan", "", "root", ""),
            ("ch-bgci-gwangju", "", "root", ""),
            # 8 A100-hours after the reclaim, 0.5 H100-hour; the total holds untyped requests
            (account(a), "", "ch-bgci-gwangju", "gres/gpu:a100=480,gres/gpu:h100=30,gres/gpu=510"),
            (account(a), LOGINS[0], "", ""),
            (account(b), "", "ch-bgci-busan", "gres/gpu:a100=0,gres/gpu:h100=3,gres/gpu=3"),
            (account(b), LOGINS[1], "", ""),
        ]
    )

    again = run("sh", str(script))
    assert (again.returncode, again.stdout, our_assocs(*ours)) == (0, "", applied)

    assoc = tmp_path / "assoc.txt"
    assoc.write_text(run("sacctmgr", "show", "assoc", "-P").stdout, encoding="utf-8")
    assert export(tmp_path, "--reconcile", str(assoc)) == ""

    # more A100 taken back from A: only its limit changes, and applying that settles it
    part = GrantPart.objects.get(grant__company=a, pool__model="a100")
    part.reclaimed_gpu_hours = 4
    part.save(update_fields=["reclaimed_gpu_hours"])
    changes = export(tmp_path, "--reconcile", str(assoc))
    assert changes.splitlines()[2:] == [
        f"sacctmgr -i modify account where name={account(a)} set "
        "GrpTRESMins=gres/gpu=390,gres/gpu:a100=360,gres/gpu:h100=30"
    ]
    (tmp_path / "changes.sh").write_text(changes, encoding="utf-8")
    assert run("sh", str(tmp_path / "changes.sh")).returncode == 0
    assoc.write_text(run("sacctmgr", "show", "assoc", "-P").stdout, encoding="utf-8")
    assert export(tmp_path, "--reconcile", str(assoc)) == ""


def submit(user: str, *args: str) -> str:
    done = run("sbatch", "--parsable", "--chdir=/tmp", "--output=/dev/null", *args, user=user)
    return done.stdout.strip().split(";")[0]


def states(job_ids: list[str]) -> dict[str, tuple[str, str]]:
    """JobID -> (State, Reason) of the allocations of these jobs (array tasks by their own id)."""
    text = run(
        "sacct", "-X", "-n", "-P", "-j", ",".join(job_ids), "-o", "JobID,State,Reason"
    ).stdout
    return {
        job: (state.split(" ")[0], reason)
        for job, state, reason in (line.split("|") for line in text.splitlines())
    }


def queued(job_ids: list[str]) -> dict[str, tuple[str, str]]:
    """JobID -> (State, Reason) as the controller holds them now. A pending job's reason is
    read here, not from sacct: the accounting database keeps the reason it first recorded
    (e.g. Priority) until the job's state changes, so on a loaded machine sacct may never show
    AssocGrpGRESMinutes."""
    text = run("squeue", "-h", "-j", ",".join(job_ids), "-o", "%i|%T|%r").stdout
    return {
        job: (state, reason)
        for job, state, reason in (line.split("|") for line in text.splitlines())
    }


def wait_until(check: object, seconds: float = 120) -> None:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if check():  # type: ignore[operator]
            return
        time.sleep(1)
    raise AssertionError("timed out waiting for Slurm")


def test_jobs_under_the_companies_accounts_reach_the_ledger(
    companies: tuple[Company, Company], tmp_path: Path
) -> None:
    a, b = companies
    script = tmp_path / "accounts.sh"
    script.write_text(export(tmp_path), encoding="utf-8")
    assert run("sh", str(script)).returncode == 0
    kim, lee = LOGINS
    co_a, co_b = account(a), account(b)
    jobs = [
        submit(kim, "-A", co_a, "--gres=gpu:a100:1", "-t", "2", "--wrap", "sleep 2"),
        submit(kim, "-A", co_a, "--gres=gpu:a100:2", "-t", "1", "--array=0-2", "--wrap", "sleep 1"),
        submit(kim, "-A", co_a, "--gres=gpu:h100:1", "-t", "1", "--wrap", "sleep 1; exit 3"),
        submit(kim, "-A", co_a, "--gres=gpu:a100:1", "-t", "2", "--wrap", "sleep 60"),
        # 10 minutes × 1 H100 asked, 3 granted: held by the limit
        submit(lee, "-A", co_b, "--gres=gpu:h100:1", "-t", "10", "--wrap", "sleep 1"),
        # untyped GPUs escape the typed limits: the gres/gpu total holds them
        submit(lee, "-A", co_b, "--gres=gpu:1", "-t", "10", "--wrap", "sleep 1"),
    ]
    cancelled, over = jobs[3], jobs[4:]
    wait_until(lambda: states([cancelled]).get(cancelled, ("",))[0] == "RUNNING")
    time.sleep(2)
    run("scancel", cancelled)
    held = ("PENDING", "AssocGrpGRESMinutes")
    wait_until(lambda: [queued(over).get(job) for job in over] == [held, held])
    run("scancel", *over)
    wait_until(lambda: all(s in DONE for s, _ in states(jobs).values()))
    final = states(jobs)
    assert sorted(s for s, _ in final.values()) == [
        "CANCELLED",
        "CANCELLED",
        "CANCELLED",
        "COMPLETED",
        "COMPLETED",
        "COMPLETED",
        "COMPLETED",
        "FAILED",
    ]

    def sacct(*args: str) -> str:
        return run("sacct", "-a", "-j", ",".join(jobs), *args).stdout

    with_steps = tmp_path / "sacct.txt"
    with_steps.write_text(sacct("--parsable2", "-o", SACCT_FORMAT), encoding="utf-8")
    saved = {
        "sacct_parsable2_steps.txt": with_steps.read_text(encoding="utf-8"),
        "sacct_parsable2_allocations.txt": sacct("--parsable2", "-X", "-o", SACCT_FORMAT),
        "sacct_parsable2_noheader.txt": sacct("--parsable2", "-n", "-o", SACCT_FORMAT),
        "sacct.json": sacct("--json"),
    }
    if target := os.environ.get("BITGOEUL_SLURM_SAVE"):
        for name, text in saved.items():
            (Path(target) / name).write_text(text, encoding="utf-8")

    # the truth, from sacct's allocation rows: ElapsedRaw × the GPUs of each model
    expected: dict[tuple[str, str], float] = defaultdict(float)
    started: dict[str, int] = defaultdict(int)
    header, *rows = saved["sacct_parsable2_allocations.txt"].splitlines()
    col = {name: i for i, name in enumerate(header.split("|"))}
    for row in rows:
        cells = row.split("|")
        if cells[col["Start"]] in ("None", "Unknown"):
            continue
        started[cells[col["Account"]]] += 1
        for item in cells[col["AllocTRES"]].split(","):
            name, _, count = item.partition("=")
            if name.startswith("gres/gpu:"):
                key = (cells[col["Account"]], name.removeprefix("gres/gpu:"))
                expected[key] += int(cells[col["ElapsedRaw"]]) * int(count)
    assert started == {co_a: 6}  # B's jobs never started
    assert {key for key, seconds in expected.items() if seconds > 0} == {
        (co_a, "a100"),
        (co_a, "h100"),
    }

    out = io.StringIO()
    call_command("compute", "ingest", "sacct", str(with_steps), "--json", stdout=out)
    summary = json.loads(out.getvalue())
    grant_a = a.gpu_grants.get()
    assert (summary["source"], summary["allocations"], summary["new"], summary["skipped"]) == (
        "sacct",
        8,
        6,
        [],
    )
    assert summary["accounts"][co_a] == {
        "jobs": 6,
        "gpu_seconds": {
            model: seconds for (acct, model), seconds in expected.items() if acct == co_a
        },
        "grant": grant_a.pk,
        "matched": True,
    }
    assert summary["accounts"].get(co_b, {}).get("jobs", 0) == 0
    ledger: dict[tuple[str, str], float] = defaultdict(float)
    for entry in UsageEntry.objects.filter(account__in=[co_a, co_b]):
        ledger[entry.account, entry.model] += entry.gpu_seconds
        assert entry.grant_id == grant_a.pk
    assert dict(ledger) == dict(expected)

    again = io.StringIO()
    call_command("compute", "ingest", "sacct", str(with_steps), "--json", stdout=again)
    # one ledger line per started job (each used one model), none added the second time
    assert (json.loads(again.getvalue())["new"], UsageEntry.objects.count()) == (0, 6)
