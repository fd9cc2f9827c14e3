"""The usage ledger: idempotent ingestion, corrections, refusals, matching, assignment, CLI."""

from __future__ import annotations

import datetime as dt
import json
from io import StringIO
from pathlib import Path

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.management import CommandError, call_command

from bitgoeul.accounts.enums import MembershipRole, OrganizationKind
from bitgoeul.audit.models import AuditEvent
from bitgoeul.compute.enums import GrantState, UsageSource
from bitgoeul.compute.models import AccountMapping, UsageEntry
from bitgoeul.compute.periods import SEOUL
from bitgoeul.compute.services.usage import UsageIn, usage_account_assign, usage_ingest
from tests.compute.ingest_fixtures import SACCT, company, grant_for, ledger
from tests.factories import MembershipFactory, OrganizationFactory, UserFactory

pytestmark = pytest.mark.django_db
START = dt.datetime(2026, 12, 1, 9, tzinfo=SEOUL)


def run(path: Path, *args: str) -> dict:
    out = StringIO()
    call_command("compute", "ingest", "sacct", str(path), "--json", *args, stdout=out)
    return json.loads(out.getvalue())


def test_the_cli_prints_the_contract_summary_and_a_second_run_adds_nothing(tmp_path: Path) -> None:
    book = ledger()
    path = tmp_path / "sacct.txt"
    path.write_text(SACCT.format(a=book.account), encoding="utf-8")
    first = run(path)
    assert first == {
        "source": "sacct",
        "rows": 9,
        "allocations": 5,
        "new": 4,
        "duplicates": 0,
        "skipped": [{"line": 9, "reason": "AllocTRES is not a TRES list"}],
        "accounts": {
            book.account: {
                "jobs": 3,
                "gpu_seconds": {"a100": 7200, "h100": 60, "untyped": 480},
                "grant": book.grant.pk,
                "matched": True,
            },
            "co-9999999999": {
                "jobs": 1,
                "gpu_seconds": {"a100": 30},
                "grant": None,
                "matched": False,
            },
        },
    }
    assert UsageEntry.objects.count() == 4
    line = UsageEntry.objects.get(job="101")
    assert (line.cluster, line.grant, line.pool, line.company_id, line.period, line.seq) == (
        "aidc",
        book.grant,
        book.a100,
        book.company.pk,
        "2026-12",
        0,
    )
    # every column read back through the ORM (lines are written by executemany)
    assert (line.started_at, line.ended_at, line.state, line.user_name, line.gpu_seconds) == (
        dt.datetime(2026, 12, 1, 9, tzinfo=SEOUL),
        dt.datetime(2026, 12, 1, 10, tzinfo=SEOUL),
        "COMPLETED",
        "kim",
        7200.0,
    )
    assert (line.model, line.source, line.sm_gpu_seconds, line.energy_wh) == (
        "a100",
        "sacct",
        None,
        None,
    )
    assert UsageEntry.objects.get(job="107").ended_at is None  # still running
    assert UsageEntry.objects.get(job="102_1").pool is None  # untyped: no pool
    second = run(path)
    assert (second["new"], second["duplicates"], UsageEntry.objects.count()) == (0, 4, 4)
    assert second["accounts"] == first["accounts"]
    events = AuditEvent.objects.filter(action="compute.usage_ingest")
    assert [(e.after or {})["new"] for e in events.order_by("pk")] == [4, 0]


def test_dry_run_writes_nothing_and_columns_read_a_file_without_header(tmp_path: Path) -> None:
    book = ledger()
    header, *rows = SACCT.format(a=book.account).splitlines()
    path = tmp_path / "noheader.txt"
    path.write_text("\n".join(rows), encoding="utf-8")
    summary = run(path, "--dry-run", "--columns", header.replace("|", ","), "--cluster", "x")
    assert (summary["new"], summary["allocations"]) == (4, 5)
    assert UsageEntry.objects.count() == 0
    assert AuditEvent.objects.filter(action="compute.usage_ingest").count() == 0


def test_a_grown_job_adds_a_correction_and_a_shrunk_one_is_refused(tmp_path: Path) -> None:
    book = ledger()
    text = "JobID|Account|State|Start|End|ElapsedRaw|AllocTRES\n"
    row = "55|{a}|{s}|2026-12-01T09:00:00|Unknown|{e}|gres/gpu:h100=2\n"
    path = tmp_path / "s.txt"
    path.write_text(text + row.format(a=book.account, s="RUNNING", e=100), encoding="utf-8")
    assert run(path)["new"] == 1
    path.write_text(text + row.format(a=book.account, s="COMPLETED", e=400), encoding="utf-8")
    assert run(path)["new"] == 1
    lines = list(UsageEntry.objects.order_by("seq").values_list("seq", "gpu_seconds", "state"))
    assert lines == [(0, 200.0, "RUNNING"), (1, 600.0, "COMPLETED")]
    path.write_text(text + row.format(a=book.account, s="COMPLETED", e=300), encoding="utf-8")
    summary = run(path)
    assert (summary["new"], summary["duplicates"], summary["accounts"]) == (0, 0, {})
    assert summary["skipped"][0]["line"] == 2
    assert "never goes back" in summary["skipped"][0]["reason"]
    assert UsageEntry.objects.count() == 2


def test_matching_prefers_the_grant_with_a_part_for_the_pool_and_period() -> None:
    book = ledger()
    # a newer grant of the same company, for January only
    january = grant_for(book.company, [(book.a100, "2027-01")])
    old = grant_for(book.company, [(book.a100, "2026-12")], state=GrantState.ENDED)
    entries = [
        UsageIn(job="1", account=book.account, model="a100", started_at=START, gpu_seconds=10),
        UsageIn(
            job="2",
            account=book.account,
            model="a100",
            started_at=START.replace(month=11),
            gpu_seconds=10,
        ),
        UsageIn(
            job="3",
            account=book.account,
            model="a100",
            started_at=dt.datetime(2027, 1, 5, tzinfo=SEOUL),
            gpu_seconds=10,
        ),
    ]
    usage_ingest(source=UsageSource.AGENT, cluster="c", entries=entries, actor=None)
    grants = dict(UsageEntry.objects.values_list("job", "grant_id"))
    # December: the grant with the December part; November: no part -> the newest active grant
    assert grants == {"1": book.grant.pk, "2": january.pk, "3": january.pk}
    assert old.pk not in grants.values()


def test_staff_assign_an_unmatched_account_and_later_usage_follows_the_mapping() -> None:
    book = ledger()
    entry = UsageIn(job="9", account="lab-gpu", model="h100", started_at=START, gpu_seconds=50)
    result = usage_ingest(source=UsageSource.SACCT, cluster="aidc", entries=[entry], actor=None)
    assert result.accounts == {"lab-gpu": None}
    staff = UserFactory.create()
    MembershipFactory(
        user=staff,
        organization=OrganizationFactory(kind=OrganizationKind.OPERATOR),
        role=MembershipRole.MEMBER,
    )
    member = UserFactory.create()
    with pytest.raises(PermissionDenied):
        usage_account_assign(actor=member, cluster="aidc", account="lab-gpu", grant=book.grant)
    assert (
        usage_account_assign(actor=staff, cluster="aidc", account="lab-gpu", grant=book.grant) == 1
    )
    line = UsageEntry.objects.get(job="9")
    assert (line.grant, line.company_id, line.pool, line.gpu_seconds) == (
        book.grant,
        book.company.pk,
        book.h100,
        50.0,
    )
    assert AccountMapping.objects.get().grant == book.grant
    with pytest.raises(ValidationError):
        usage_account_assign(actor=staff, cluster="aidc", account="lab-gpu", grant=book.grant)
    later = UsageIn(job="10", account="lab-gpu", model="h100", started_at=START, gpu_seconds=5)
    usage_ingest(source=UsageSource.SACCT, cluster="aidc", entries=[later], actor=None)
    assert UsageEntry.objects.get(job="10").grant == book.grant
    event = AuditEvent.objects.get(action="compute.account_assign")
    assert event.after is not None
    assert event.after == {
        "cluster": "aidc",
        "account": "lab-gpu",
        "grant": book.grant.pk,
        "lines": 1,
    }


def test_one_file_reporting_a_job_twice_keeps_the_running_total() -> None:
    company()
    entries = [
        UsageIn(job="5", account="a", model="t4", started_at=START, gpu_seconds=10),
        UsageIn(job="5", account="a", model="t4", started_at=START, gpu_seconds=10),
        UsageIn(job="5", account="a", model="t4", started_at=START, gpu_seconds=25),
    ]
    result = usage_ingest(source=UsageSource.AGENT, cluster="c", entries=entries, actor=None)
    assert result.outcomes == ["new", "duplicate", "correction"]
    assert list(UsageEntry.objects.order_by("seq").values_list("seq", "gpu_seconds")) == [
        (0, 10.0),
        (1, 15.0),
    ]


def test_without_json_the_cli_reads_with_a_progress_bar_and_prints_a_table(tmp_path: Path) -> None:
    book = ledger()
    path = tmp_path / "sacct.txt"
    path.write_text(SACCT.format(a=book.account), encoding="utf-8")
    out = StringIO()
    call_command("compute", "ingest", "sacct", str(path), stdout=out)
    text = out.getvalue()
    assert "line 9 skipped: AllocTRES is not a TRES list" in text
    assert "added 4 allocations, 0 already in the ledger, 1 lines skipped" in text
    assert book.account in text
    assert UsageEntry.objects.count() == 4


def test_a_file_without_the_needed_columns_is_refused_whole(tmp_path: Path) -> None:
    path = tmp_path / "bad.txt"
    path.write_text("JobID|State\n1|COMPLETED\n", encoding="utf-8")
    with pytest.raises(CommandError, match="Account, Start, AllocTRES"):
        call_command("compute", "ingest", "sacct", str(path), "--json", stdout=StringIO())


def test_the_cli_detects_sacct_json_in_a_file(tmp_path: Path) -> None:
    book = ledger()
    job = {
        "job_id": 77,
        "account": book.account,
        "state": {"current": ["COMPLETED"]},
        "time": {"elapsed": 50, "start": 1764547200, "end": 1764547250},
        "tres": {"allocated": [{"type": "gres", "name": "gpu:h100", "count": 2}]},
    }
    path = tmp_path / "sacct.json"
    path.write_text("\n  " + json.dumps({"jobs": [job]}), encoding="utf-8")
    call_command("compute", "ingest", "sacct", str(path), stdout=StringIO())
    line = UsageEntry.objects.get()
    assert (line.job, line.model, line.gpu_seconds, line.grant) == ("77", "h100", 100.0, book.grant)
