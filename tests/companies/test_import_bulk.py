"""The fast paths of the bulk import: raw INSERTs, chunking, the cheap checks before the
general ones. Each must write or decide exactly what the slow, general path would."""

from __future__ import annotations

import csv
import datetime as dt
import io
import random
import sys
from collections.abc import Iterator
from typing import Any

import pytest
from django.core.exceptions import ValidationError
from django.db import connection
from django.utils import timezone, translation

from bitgoeul.accounts.brn import brn_check_digit, brn_format
from bitgoeul.accounts.models import Organization
from bitgoeul.audit.models import AuditEvent
from bitgoeul.companies.importing import inserts
from bitgoeul.companies.importing.fields import guess_mapping, parse_date, parse_int
from bitgoeul.companies.importing.inserts import RawInsert
from bitgoeul.companies.importing.readers import iter_records, read_table
from bitgoeul.companies.importing.rows import _check_digit_ok, _url, _valid_url
from bitgoeul.companies.models import Company, Technology
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


def _csv(rows: list[list[str]]) -> bytes:
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(HEADERS)
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
    """The term columns are what `set_terms` computes from the saved company, and the FTS5
    rows (SQLite) are exactly the term columns."""
    companies = list(
        Company.objects.select_related("organization").prefetch_related("technologies")
    )
    stored = {c.pk: (c.search_name, c.search_body, c.search_tags) for c in companies}
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
    if connection.vendor == "sqlite":
        assert _fts_rows() == stored


@pytest.fixture
def small_chunks(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(importing, "CHUNK_ROWS", 7)


@pytest.mark.usefixtures("small_chunks")
def test_raw_inserts_write_what_the_model_path_writes(world: World) -> None:
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


def test_raw_insert_rows_equal_bulk_create_rows(world: World) -> None:
    """Column by column, what RawInsert stores (as an import does: on the writer thread, with
    multi-row VALUES on SQLite and COPY on PostgreSQL) is what bulk_create stores."""
    now = timezone.now()
    orgs = RawInsert(Organization)
    profiles = RawInsert(Company)

    def through_writer(insert: RawInsert, row: list[Any]) -> None:
        with inserts.BackgroundWriter() as writer:

            def job() -> None:
                with writer.cursor() as cursor:
                    insert.execute(writer, cursor, [row])

            writer.submit(job)

    through_writer(
        orgs,
        orgs.row(
            orgs.fixed({"kind": "company", "created_at": now}),
            {"name": "원시", "brn": _brn(1), "parent_id": world.chapter.pk},
        ),
    )
    Organization.objects.bulk_create(
        [
            Organization(
                name="원시", kind="company", brn=_brn(2), parent=world.chapter, created_at=now
            )
        ]
    )
    raw, model = (Organization.objects.get(brn=_brn(i)) for i in (1, 2))
    values = {
        "founded_on": dt.date(2019, 3, 1),
        "employees": 12,
        "revenue": 3 * 10**9,
        "province": "gwangju",
        "ksic_code": "62010",
        "ksic_section": "J",
        "search_body": "협동로봇 협동 로봇",
    }
    through_writer(
        profiles,
        profiles.row(
            profiles.fixed({"created_at": now, "updated_at": now}),
            {"organization_id": raw.pk, **values},
        ),
    )
    Company.objects.bulk_create(
        [Company(organization_id=model.pk, created_at=now, updated_at=now, **values)]
    )

    def stored(model_class: type[Any], pk: int, skip: set[str]) -> dict[str, Any]:
        row = model_class.objects.filter(pk=pk).values().get()
        return {k: v for k, v in row.items() if k not in skip}

    assert stored(Organization, raw.pk, {"id", "brn"}) == stored(
        Organization, model.pk, {"id", "brn"}
    )
    assert stored(Company, raw.pk, {"organization_id"}) == stored(
        Company, model.pk, {"organization_id"}
    )


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
def test_a_failure_while_writing_rolls_everything_back(
    world: World, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A chunk failing on the writer thread (after two went in) undoes the whole import."""
    calls = []
    real = importing._Creator.write

    def failing(self: Any, *args: Any) -> None:
        calls.append(1)
        if len(calls) == 3:
            raise RuntimeError("disk full")
        real(self, *args)

    monkeypatch.setattr(importing._Creator, "write", failing)
    with pytest.raises(RuntimeError):
        _run(_csv(_rows(30)))
    assert not Organization.objects.filter(brn__in=[_brn(i) for i in range(30)]).exists()
    assert not AuditEvent.objects.filter(action="company.import").exists()
    assert _fts_rows() == {}


@pytest.mark.usefixtures("small_chunks")
def test_skip_invalid_with_raw_inserts(world: World) -> None:
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


def test_sqlite_page_cache_is_restored(world: World) -> None:
    if connection.vendor != "sqlite":
        pytest.skip("SQLite only")
    with connection.cursor() as cursor:
        cursor.execute("PRAGMA cache_size")
        before = cursor.fetchone()[0]
        _run(_csv(_rows(3)))
        cursor.execute("PRAGMA cache_size")
        assert cursor.fetchone()[0] == before


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


@pytest.mark.django_db
def test_background_writer_runs_one_job_ahead_and_reraises() -> None:
    order: list[str] = []
    before = sys.getswitchinterval()
    with inserts.BackgroundWriter() as writer:
        assert sys.getswitchinterval() <= inserts.SWITCH_INTERVAL
        writer.submit(lambda: order.append("first"))
        writer.submit(lambda: order.append("second"))  # waits for the first
        writer.wait()
        assert order == ["first", "second"]

        def failing() -> None:
            raise RuntimeError("disk full")

        writer.submit(failing)
        with pytest.raises(RuntimeError, match="disk full"):
            writer.wait()
    assert sys.getswitchinterval() == before


@pytest.mark.django_db
def test_background_writer_raises_a_job_error_on_leaving() -> None:
    def failing() -> None:
        raise RuntimeError("disk full")

    with pytest.raises(RuntimeError, match="disk full"), inserts.BackgroundWriter() as writer:
        writer.submit(failing)


def test_background_writer_cursor_is_the_same_connection(world: World) -> None:
    """A job sees (and writes in) the caller's open transaction."""
    seen: list[int] = []
    marker = "B" * 10
    with inserts.BackgroundWriter() as writer:

        def job() -> None:
            with writer.cursor() as cursor:
                cursor.execute(
                    f"SELECT count(*) FROM accounts_organization WHERE brn = {writer.mark}",
                    [marker],
                )
                seen.append(cursor.fetchone()[0])

        Organization.objects.create(name="보이는가", kind="company", brn=marker)
        writer.submit(job)
    assert seen == [1]


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
    assert found[_brn(7)] == (existing.pk, "company", "(주)찾는회사")


@pytest.mark.django_db
def test_overlapping_writers_restore_the_switch_interval_once_both_end() -> None:
    before = sys.getswitchinterval()
    first, second = inserts.BackgroundWriter(), inserts.BackgroundWriter()
    first.__enter__()
    second.__enter__()
    first.__exit__(None, None, None)
    assert sys.getswitchinterval() <= inserts.SWITCH_INTERVAL  # the second still runs
    second.__exit__(None, None, None)
    assert sys.getswitchinterval() == before
