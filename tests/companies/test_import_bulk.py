"""The bulk import: short write transactions that stay all or nothing, chunking, and the cheap
checks before the general ones (each must decide exactly what the general path would)."""

from __future__ import annotations

import csv
import datetime as dt
import importlib
import io
import random
import threading
import uuid
from collections.abc import Callable, Iterator
from typing import Any

import pytest
from django.apps import apps as django_apps
from django.core.exceptions import ValidationError
from django.db import connection, connections
from django.utils import translation

from bitgoeul.accounts.brn import brn_check_digit, brn_format
from bitgoeul.accounts.models import Organization
from bitgoeul.audit.models import AuditEvent
from bitgoeul.companies.importing.fields import guess_mapping, parse_date, parse_int
from bitgoeul.companies.importing.readers import iter_records, read_table
from bitgoeul.companies.importing.rows import _check_digit_ok, _url, _valid_url
from bitgoeul.companies.models import Company, CompanyImportUndo, Technology
from bitgoeul.companies.search_index import FTS_TABLE, set_terms
from bitgoeul.companies.services import importing
from bitgoeul.companies.services.importing import ImportReport, company_import_run
from tests.companies.helpers import make_company
from tests.conftest import World

HEADERS = [
    "회사명",
    "사업자등록번호",
    "지역",
    "설립일",
    "종업원수",
    "사업내용",
    "주요제품",
    "AI기술",
]


@pytest.fixture(autouse=True)
def english() -> Iterator[None]:
    with translation.override("en"):
        yield


def _brn(index: int) -> str:
    first = f"{301 + index // 10000:03d}81{index % 10000:04d}"
    return first + str(brn_check_digit(first))


def _rows(count: int, start: int = 0) -> list[list[str]]:
    return [
        [
            f"(주)무등로보틱스{i}",
            brn_format(_brn(i)) if i % 2 else _brn(i),
            ["광주", "전남", "부산", "서울"][i % 4],
            f"20{10 + i % 10}-0{1 + i % 9}-1{i % 10}",
            str(5 + i),
            f"협동로봇을 만드는 기업입니다 {['딥러닝', '반도체장비를', '스마트팩토리'][i % 3]}",
            "물류로봇, 검사장비",
            "robotics" if i % 3 else "",
        ]
        for i in range(start, start + count)
    ]


def _csv(rows: list[list[str]], headers: list[str] = HEADERS) -> bytes:
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(headers)
    writer.writerows(rows)
    return out.getvalue().encode()


def _run(data: bytes, **options: Any) -> ImportReport:
    table = read_table(data, "a.csv")
    return company_import_run(
        table=table,
        mapping=guess_mapping(table.headers),
        actor=None,
        dry_run=bool(options.pop("dry_run", False)),
        **options,
    )


def _fts_rows() -> dict[int, tuple[str, str, str]]:
    if connection.vendor != "sqlite":
        return {}
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT rowid, name, body, tags FROM {FTS_TABLE}")
        return {row[0]: tuple(row[1:]) for row in cursor.fetchall()}


def _assert_terms_and_index_correct() -> None:
    """The term columns (and the name keys) are what `set_terms` computes from the saved
    company, and the FTS5 rows (SQLite) are exactly the term columns."""
    companies = list(
        Company.objects.select_related("organization").prefetch_related("technologies")
    )
    stored = {c.pk: (c.search_name, c.search_body, c.search_tags) for c in companies}
    stored_keys = {c.pk: c.search_name_keys for c in companies}
    set_terms(
        companies,
        [(c.organization.name, c.organization.name_en) for c in companies],
        [list(c.technologies.all()) for c in companies],
    )

    def comparable(terms: tuple[str, str, str]) -> tuple[str, str, list[str]]:
        return terms[0], terms[1], sorted(terms[2].split())  # tags: in whatever order

    recomputed = {c.pk: (c.search_name, c.search_body, c.search_tags) for c in companies}
    assert {k: comparable(v) for k, v in stored.items()} == {
        k: comparable(v) for k, v in recomputed.items()
    }
    assert stored_keys == {c.pk: c.search_name_keys for c in companies}
    if connection.vendor == "sqlite":
        assert _fts_rows() == stored


@pytest.fixture
def small_chunks(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(importing, "CHUNK_ROWS", 7)


@pytest.mark.usefixtures("small_chunks")
def test_chunked_import_writes_every_field(world: World) -> None:
    report = _run(_csv(_rows(30)))
    assert (report.written, report.created) == (True, 30)
    robotics = Technology.objects.get(code="robotics")
    for i, row in enumerate(_rows(30)):
        company = Company.objects.select_related("organization").get(organization__brn=_brn(i))
        org = company.organization
        assert (org.name, org.name_en, org.kind) == (row[0], "", "company")
        assert org.parent == (world.chapter if row[2] in {"광주", "전남"} else org.parent)
        assert company.founded_on == dt.date.fromisoformat(row[3])
        assert (company.employees, company.patents, company.revenue) == (5 + i, 0, None)
        assert (company.province, company.is_public, company.needs_review) == (
            {"광주": "gwangju", "전남": "jeonnam", "부산": "busan", "서울": "seoul"}[row[2]],
            False,
            False,
        )
        assert list(company.technologies.all()) == ([robotics] if i % 3 else [])
        assert company.created_at == company.updated_at == org.created_at
    _assert_terms_and_index_correct()
    assert AuditEvent.objects.filter(action="company.import").count() == 1


@pytest.mark.usefixtures("small_chunks")
def test_upsert_of_existing_and_new_companies_in_one_file(world: World) -> None:
    existing = make_company("(주)무등로보틱스1", description="옛 설명", technologies=("vision",))
    Organization.objects.filter(pk=existing.pk).update(brn=_brn(1))
    before = existing.organization.created_at
    report = _run(_csv(_rows(20)))
    assert (report.created, report.updated, report.rejected) == (19, 1, 0)
    existing.refresh_from_db()
    assert existing.description.startswith("협동로봇을 만드는")
    assert existing.organization.created_at == before
    assert existing.organization.parent == world.chapter  # 전남 → 광주전남
    assert sorted(t.code for t in existing.technologies.all()) == ["robotics", "vision"]
    assert Company.objects.count() == 20
    _assert_terms_and_index_correct()


@pytest.mark.usefixtures("small_chunks")
def test_a_bad_row_writes_nothing_even_after_many_chunks(world: World) -> None:
    rows = _rows(40)
    rows[33][1] = "120-81-47520"  # wrong check digit
    report = _run(_csv(rows))
    assert (report.written, report.rejected) == (False, 1)
    assert not Company.objects.exists()
    assert _fts_rows() == {}


@pytest.mark.usefixtures("small_chunks")
def test_skip_invalid_in_chunks(world: World) -> None:
    rows = _rows(20)
    rows[4][3] = "2999-01-01"
    report = _run(_csv(rows), skip_invalid=True)
    assert (report.written, report.created, report.rejected) == (True, 19, 1)
    assert not Organization.objects.filter(brn=_brn(4)).exists()
    _assert_terms_and_index_correct()


def test_progress_reaches_the_total(world: World, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(importing, "CHUNK_ROWS", 3)
    seen: list[tuple[int, int]] = []
    table = read_table(_csv(_rows(10)), "a.csv")
    company_import_run(
        table=table,
        mapping=guess_mapping(table.headers),
        actor=None,
        dry_run=False,
        progress=lambda done, total: seen.append((done, total)),
    )
    assert seen[-1] == (10, 10)
    assert [d for d, _ in seen] == sorted(d for d, _ in seen)


def test_check_digit_fast_path_agrees_with_the_foundation() -> None:
    rng = random.Random(3)
    for _ in range(20_000):
        digits = "".join(rng.choice("0123456789") for _ in range(10))
        assert _check_digit_ok(digits) == (brn_check_digit(digits[:9]) == int(digits[9]))


@pytest.mark.parametrize(
    "url",
    [
        "https://www.bitgoeul-ai.kr",
        "http://a.co.kr/path?x=1",
        "HTTPS://WWW.EXAMPLE.COM/",
        "https://-bad.kr",
        "https://bad-.kr",
        "https://localhost",
        "https://a..kr",
        "https://1.2.3.4",
        "https://例子.测试",
        "https://a.kr:8080/x",
        "https://a.k",
        "https://a.kr/ space",
        "ftp://a.kr",
        "https://" + "a" * 64 + ".kr",
    ],
)
def test_url_fast_path_agrees_with_url_validator(url: str) -> None:
    try:
        _url(url)
        valid = True
    except ValidationError:
        valid = False
    assert _valid_url(url) == valid


@pytest.mark.parametrize(
    ("text", "expected"),
    [("2019-03-01", dt.date(2019, 3, 1)), ("2019-02-30", None), ("2019", dt.date(2019, 1, 1))],
)
def test_date_fast_path(text: str, expected: dt.date | None) -> None:
    if expected is None:
        with pytest.raises(ValueError, match="not a date"):
            parse_date(text)
    else:
        assert parse_date(text) == expected


def test_int_fast_path() -> None:
    assert parse_int("1,234", 1_000_000) == 1_234_000_000
    assert parse_int("007") == 7
    assert parse_int("12명") == 12
    assert parse_int("3.5억") == 350_000_000


@pytest.mark.usefixtures("small_chunks")
def test_decisions_carry_across_chunks(world: World) -> None:
    """A number repeated many chunks later, and two name-matched rows for one company in
    different chunks, are rejected as when the file is decided in one piece."""
    existing = make_company("(주)한빛정밀", description="옛 설명")
    existing.province = "gwangju"
    existing.save(update_fields=["province"])
    rows = _rows(20)
    rows[18][1] = rows[2][1]  # the number of row 2 again (file row 4)
    rows[3] = ["(주)한빛정밀", "", "광주", "2015-01-01", "7", "새 설명", "", ""]
    rows[17] = ["㈜한빛정밀", "", "광주", "2015-01-01", "8", "또 새 설명", "", ""]
    report = _run(_csv(rows), skip_invalid=True)
    outcomes = {o.row - 1: o for o in report.rows}  # file row → data row index + 1
    assert (report.created, report.updated, report.rejected) == (17, 1, 2)
    assert outcomes[19].action == "reject"
    assert "row 4" in outcomes[19].reasons[0]
    assert outcomes[4].action == "update" and outcomes[4].review
    assert outcomes[18].action == "reject"
    assert "row 5 already updates" in outcomes[18].reasons[0]
    existing.refresh_from_db()
    assert existing.description == "새 설명" and existing.needs_review
    _assert_terms_and_index_correct()


def test_iter_records_with_one_or_many_mapped_columns() -> None:
    table = read_table("회사명,메모,사업자등록번호\n가,x,1\n나,y,2\n".encode(), "a.csv")
    one = list(iter_records(table, {"회사명": "name"}))
    assert one == [(2, {"name": "가"}), (3, {"name": "나"})]
    assert list(iter_records(table, {"회사명": "name", "사업자등록번호": "brn", "메모": ""})) == [
        (2, {"name": "가", "brn": "1"}),
        (3, {"name": "나", "brn": "2"}),
    ]


@pytest.mark.parametrize("extra", [0, 50])
def test_existing_companies_are_found_by_lookup_or_by_reading_all(world: World, extra: int) -> None:
    """Few numbers: looked up; more numbers than the database has: every organisation read."""
    existing = make_company("(주)찾는회사")
    Organization.objects.filter(pk=existing.pk).update(brn=_brn(7))
    wanted = [_brn(7), *(_brn(1000 + i) for i in range(extra))]
    found = importing._existing_by_brn(wanted)
    assert list(found) == [_brn(7)]
    assert found[_brn(7)] == importing._Existing(existing.pk, "company", "(주)찾는회사")


@pytest.fixture
def fts_emptied() -> Iterator[None]:
    """Tests that commit: the full-text table is not a model, so the database flush after such
    a test leaves its rows; empty it for the tests that follow."""
    yield
    if connection.vendor == "sqlite":
        with connection.cursor() as cursor:
            cursor.execute(f"DELETE FROM {FTS_TABLE}")


@pytest.fixture
def seed_rows(transactional_db: None) -> None:
    """The rows the data migrations write (technologies, the first score weights): a test
    that commits may run after another committing test, whose flush emptied every table.
    (Not serialized_rollback: on PostgreSQL it collides with the content types that such a
    flush recreates.)"""
    seed = importlib.import_module(
        "bitgoeul.companies.migrations.0003_default_technologies_and_weights"
    )
    seed.forwards(django_apps, None)


class _Commits:
    """The write statements (INSERT, UPDATE, DELETE) of each transaction committed on the
    default connection while installed."""

    def __init__(self, monkeypatch: pytest.MonkeyPatch) -> None:
        self.sizes: list[int] = []
        self._pending = 0
        real = connection._commit  # type: ignore[attr-defined]

        def commit() -> None:
            real()
            self.sizes.append(self._pending)
            self._pending = 0

        monkeypatch.setattr(connection, "_commit", commit)

    def __call__(self, execute: Callable[..., Any], sql: str, *args: Any) -> Any:
        if sql.lstrip().upper().startswith(("INSERT", "UPDATE", "DELETE")):
            self._pending += 1
        return execute(sql, *args)


@pytest.mark.django_db(transaction=True)
@pytest.mark.usefixtures("fts_emptied", "seed_rows")
def test_an_import_commits_in_short_transactions_and_others_write_between(
    world: World, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Each chunk commits on its own (SQLite's write lock is free between chunks: another
    connection writes while the import runs), and no transaction grows with the file."""
    monkeypatch.setattr(importing, "CHUNK_ROWS", 50)
    commits = _Commits(monkeypatch)
    others: list[str] = []

    def another_write() -> None:  # what a login does: a short write on its own connection
        try:
            AuditEvent.objects.create(action="user.login", object_type="accounts.user")
            others.append("written")
        except Exception as exc:  # "database is locked" / "table is locked"
            others.append(repr(exc))
        finally:
            connections.close_all()

    def progress(done: int, total: int) -> None:
        if done == 100:  # between two chunks
            thread = threading.Thread(target=another_write)
            thread.start()
            thread.join()

    table = read_table(_csv(_rows(400)), "a.csv")
    with connection.execute_wrapper(commits):
        report = company_import_run(
            table=table,
            mapping=guess_mapping(table.headers),
            actor=None,
            dry_run=False,
            progress=progress,
        )
    assert (report.written, report.created, report.transactions) == (True, 400, 9)
    assert others == ["written"]
    assert len(commits.sizes) >= 9
    # 50 rows: organisations, companies, full-text rows and audit in a few statements each
    assert max(commits.sizes) <= 12
    assert Company.objects.filter(import_batch__isnull=True).count() == Company.objects.count()
    assert not CompanyImportUndo.objects.exists()


@pytest.mark.django_db(transaction=True)
@pytest.mark.usefixtures("fts_emptied", "seed_rows")
def test_a_failure_in_chunk_three_leaves_no_rows_and_no_changed_company(
    world: World, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Two chunks are committed (new companies hidden, one existing company changed) before the
    third fails: the new ones are deleted and the changed one is as it was."""
    monkeypatch.setattr(importing, "CHUNK_ROWS", 7)
    existing = make_company("(주)무등로보틱스1", description="옛 설명", employees=3)
    Organization.objects.filter(pk=existing.pk).update(brn=_brn(1), name="옛 이름")
    importing._refresh_terms([existing.pk])  # the terms of the name it has
    headers = [*HEADERS, "기준연도"]
    rows = [[*row, "2023"] for row in _rows(30)]
    data = _csv(rows, headers)
    calls: list[int] = []
    real = importing._Writer.write_chunk
    seen_hidden: list[int] = []

    def failing(self: Any, chunk: list[Any]) -> None:
        calls.append(1)
        if len(calls) == 3:
            seen_hidden.append(Company.objects.filter(import_batch=self.batch).count())
            raise RuntimeError("disk full")
        real(self, chunk)

    monkeypatch.setattr(importing._Writer, "write_chunk", failing)
    before = Company.objects.values().get(pk=existing.pk)
    indexed = set(_fts_rows())
    with pytest.raises(RuntimeError, match="disk full"):
        _run(data)
    assert seen_hidden == [13]  # 14 rows written, one of them an update
    assert (
        not Organization.objects.filter(brn__in=[_brn(i) for i in range(30)])
        .exclude(pk=existing.pk)
        .exists()
    )
    after = Company.objects.values().get(pk=existing.pk)
    assert {k: v for k, v in after.items() if k != "updated_at"} == {
        k: v for k, v in before.items() if k != "updated_at"
    }
    existing.refresh_from_db()
    assert (existing.organization.name, existing.metrics.count()) == ("옛 이름", 0)
    assert not CompanyImportUndo.objects.exists()
    assert not AuditEvent.objects.filter(action="company.import").exists()
    assert AuditEvent.objects.filter(action="company.import_discard").count() == 1
    assert set(_fts_rows()) == indexed


@pytest.mark.django_db(transaction=True)
@pytest.mark.usefixtures("fts_emptied", "seed_rows")
def test_overlapping_imports_say_which_companies_instead_of_crashing(
    world: World, monkeypatch: pytest.MonkeyPatch
) -> None:
    """While a first import writes, a second file with some of its numbers is checked: those
    rows are rejected as being added by another import. A second import checked before the
    first wrote its numbers, and written in between, makes the first fail with a message
    naming them (no unique-constraint error), and the first leaves nothing behind."""
    monkeypatch.setattr(importing, "CHUNK_ROWS", 5)
    table = read_table(_csv(_rows(10)), "a.csv")
    mapping = guess_mapping(table.headers)
    checks: list[ImportReport] = []
    real = importing._Writer.write_chunk

    nested: list[bool] = []

    def another_import(data: bytes, *, dry_run: bool) -> ImportReport:
        other = read_table(data, "b.csv")
        nested.append(True)
        try:
            return company_import_run(table=other, mapping=mapping, actor=None, dry_run=dry_run)
        finally:
            nested.pop()

    def with_a_second_import(self: Any, chunk: list[Any]) -> None:
        if nested:  # the second import writes as usual
            real(self, chunk)
            return
        if not checks:  # before the first chunk: rows 5 to 8 come in through another file
            checks.append(another_import(_csv(_rows(4, start=5)), dry_run=False))
        real(self, chunk)
        if len(checks) == 1:  # the first chunk (rows 0 to 4) is written, still hidden
            checks.append(another_import(_csv(_rows(3, start=3)), dry_run=True))

    monkeypatch.setattr(importing._Writer, "write_chunk", with_a_second_import)
    with pytest.raises(importing.ImportConflict) as failure:
        company_import_run(table=table, mapping=mapping, actor=None, dry_run=False)
    assert str(failure.value) == (
        "Another import or a person added these companies after this file was checked: "
        "(주)무등로보틱스5, (주)무등로보틱스6, (주)무등로보틱스7, (주)무등로보틱스8. "
        "Run the check (dry run) again, then import."
    )
    written, checked = checks
    assert (written.written, written.created) == (True, 4)
    busy = "another import is adding this company now: check the file again once it ends"
    assert [(o.row, o.action, o.reasons) for o in checked.rows] == [
        (2, "reject", [busy]),
        (3, "reject", [busy]),
        (4, "update", []),  # row 5 came in through the other file, which has ended
    ]
    numbers = set(Organization.objects.values_list("brn", flat=True))
    assert [i for i in range(10) if _brn(i) in numbers] == [5, 6, 7, 8]


def test_the_batches_of_killed_imports_are_discarded_but_not_running_ones(world: World) -> None:
    """A worker killed mid-import leaves its batch hidden; the next import discards it, but
    leaves the batch of an import still running."""
    killed, running = uuid.uuid4(), uuid.uuid4()
    abandoned = make_company("(주)버려진")
    alive = make_company("(주)쓰는중")
    Company.objects.filter(pk=abandoned.pk).update(import_batch=killed)
    Company.objects.filter(pk=alive.pk).update(import_batch=running)
    changed = make_company("(주)바뀐", description="새 설명")
    CompanyImportUndo.objects.create(
        batch=killed,
        company=changed,
        before={"company": {"description": "옛 설명"}, "organization": {}},
        after={"company": {"description": "새 설명"}, "organization": {}},
    )
    assert importing.company_import_discard_stale(actor=None, keep=[running]) == 1
    assert not Organization.objects.filter(pk=abandoned.pk).exists()
    assert Company.objects.get(pk=alive.pk).import_batch == running
    changed.refresh_from_db()
    assert changed.description == "옛 설명"
    assert not CompanyImportUndo.objects.exists()
