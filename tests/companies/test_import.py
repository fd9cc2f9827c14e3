from __future__ import annotations

import csv
import datetime as dt
from collections.abc import Iterator
from pathlib import Path

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from django.utils import translation

from bitgoeul.accounts.models import Organization
from bitgoeul.audit.models import AuditEvent
from bitgoeul.companies.importing.fields import guess_mapping
from bitgoeul.companies.importing.readers import FileError, read_table
from bitgoeul.companies.models import Company, CompanyMetric
from bitgoeul.companies.search import company_search
from bitgoeul.companies.services.importing import (
    ImportReport,
    MappingError,
    company_import_run,
    rejected_rows_write,
)
from tests.companies.files import HEADERS, ROWS, csv_bytes, html_xls_bytes, xlsx_bytes
from tests.companies.helpers import make_company
from tests.conftest import World


@pytest.fixture(autouse=True)
def english() -> Iterator[None]:
    with translation.override("en"):
        yield


def run(data: bytes, name: str, actor: object = None, **options: object) -> ImportReport:
    table = read_table(data, name)
    mapping = {**guess_mapping(table.headers), **options.pop("mapping", {})}  # type: ignore[dict-item]
    return company_import_run(
        table=table,
        mapping=mapping,
        actor=actor,
        dry_run=bool(options.pop("dry_run", False)),
        **options,  # type: ignore[arg-type]
    )


@pytest.mark.parametrize(
    ("data", "name", "file_format", "encoding"),
    [
        (csv_bytes(), "회원사.csv", "csv", "utf-8"),
        (b"\xef\xbb\xbf" + csv_bytes(), "회원사.csv", "csv", "utf-8-sig"),
        (csv_bytes(encoding="cp949"), "회원사.csv", "csv", "cp949"),
        (csv_bytes(encoding="euc-kr"), "회원사.csv", "csv", "cp949"),
        (xlsx_bytes(), "회원사.xlsx", "xlsx", ""),
        (html_xls_bytes(), "회원사.xls", "html", "cp949"),
        (html_xls_bytes(encoding="utf-8"), "회원사.xls", "html", "utf-8"),
    ],
)
def test_read_table_reads_each_format(
    data: bytes, name: str, file_format: str, encoding: str
) -> None:
    table = read_table(data, name)
    assert (table.file_format, table.encoding, table.headers) == (file_format, encoding, HEADERS)
    assert table.rows == ROWS


def test_read_table_skips_a_title_row_above_the_headers() -> None:
    assert read_table(xlsx_bytes(), "a.xlsx").row_numbers == [3, 4]


def test_read_table_refuses_a_damaged_binary_xls() -> None:
    with pytest.raises(FileError, match=r"The Excel 97–2003 file cannot be opened"):
        read_table(b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\0" * 100, "old.xls")


def test_read_table_refuses_a_fake_xlsx() -> None:
    with pytest.raises(FileError, match="not an Excel workbook"):
        read_table(b"hello", "a.xlsx")


def test_guess_mapping_recognises_korean_and_english_headers() -> None:
    assert guess_mapping(["회사명", "Business Registration Number", "매출액 (억원)", "비고"]) == {
        "회사명": "name",
        "Business Registration Number": "brn",
        "매출액 (억원)": "revenue",
        "비고": "",
    }


@pytest.mark.parametrize(
    ("data", "name"),
    [
        (csv_bytes(encoding="cp949"), "a.csv"),
        (xlsx_bytes(), "a.xlsx"),
        (html_xls_bytes(), "a.xls"),
    ],
)
def test_import_creates_companies_with_their_chapter(world: World, data: bytes, name: str) -> None:
    report = run(data, name, actor=world.operator)
    assert (report.written, report.created, report.updated, report.rejected) == (True, 2, 0, 0)
    company = Company.objects.select_related("organization").get(organization__brn="1208147521")
    assert company.organization.name == "(주)빛고을에이아이"
    assert company.organization.parent == world.chapter  # 광주 → 광주전남
    assert (company.province, company.ksic_code, company.ksic_section) == ("gwangju", "62010", "J")
    assert (company.employees, company.revenue) == (24, 1_250_000_000)
    assert company.founded_on == dt.date(2019, 3, 1)
    assert company.website == "https://www.bitgoeul-ai.kr"
    other = Company.objects.get(organization__brn="1048145012")
    assert (other.province, other.organization.parent_id) == ("jeonnam", world.chapter.pk)
    event = AuditEvent.objects.get(action="company.import")
    assert event.after is not None
    assert (event.actor, event.after["created"]) == (world.operator, 2)


def test_imported_companies_are_searchable(world: World) -> None:
    run(csv_bytes(), "a.csv")
    found = [c.organization.name for c in company_search(viewer=world.operator, text="협동로봇을")]
    assert found == ["(주)영산로보틱스"]


def test_import_upserts_by_brn(world: World) -> None:
    run(csv_bytes(), "a.csv")
    changed = [[*ROWS[0][:7], "31", "1,500", ""]]
    report = run(csv_bytes(changed), "b.csv")
    assert (report.created, report.updated) == (0, 1)
    company = Company.objects.get(organization__brn="1208147521")
    assert (company.employees, company.revenue) == (31, 1_500_000_000)
    assert company.website == "https://www.bitgoeul-ai.kr"  # an empty cell erases nothing
    assert Organization.objects.filter(brn="1208147521").count() == 1


def test_import_without_brn_updates_by_name_and_region_and_flags(world: World) -> None:
    existing = make_company(
        "(주)무등데이터", address="광주 북구 첨단과기로 208", parent=world.chapter
    )
    rows = [["(주) 무등데이터", "", "", "", "데이터 라벨링", "광주", "", "9", "", ""]]
    report = run(csv_bytes(rows), "a.csv")
    assert (report.updated, report.flagged, report.rows[0].review) == (1, 1, True)
    existing.refresh_from_db()
    assert (existing.needs_review, existing.employees) == (True, 9)


def test_import_without_brn_and_no_match_creates_a_prospect(world: World) -> None:
    rows = [["(주)처음보는회사", "", "", "", "", "부산", "", "", "", ""]]
    report = run(csv_bytes(rows), "a.csv")
    assert (report.rejected, report.created, report.prospects) == (0, 1, 1)
    assert report.rows[0].reasons == ["no business registration number: imported as a prospect"]
    company = Company.objects.select_related("organization").get()
    assert (company.is_prospect, company.organization.is_prospect) == (True, True)
    assert (company.organization.brn, company.province, company.is_public) == (None, "busan", False)


def test_a_row_without_number_matches_a_name_with_a_space(world: World) -> None:
    existing = make_company("(주)빛고을 로보틱스", parent=world.chapter)
    existing.province = "gwangju"
    existing.save(update_fields=["province"])
    rows = [["빛고을로보틱스", "", "", "", "협동로봇", "광주", "", "", "", ""]]
    report = run(csv_bytes(rows), "a.csv")
    assert (report.updated, report.created, report.rows[0].review) == (1, 0, True)
    existing.refresh_from_db()
    assert existing.products == "협동로봇"


def test_bad_rows_are_explained_and_nothing_is_written(world: World) -> None:
    rows = [
        ROWS[0],
        ["(주)틀린번호", "120-81-47522", "", "", "", "", "", "", "", ""],
        ["(주)미래날짜", "1048145012", "", "", "", "", "2999-01-01", "열명", "", ""],
        ["(주)코드오류", "2148800475", "", "00123", "", "", "", "", "", ""],
        ["(주)중복", "120-81-47521", "", "", "", "", "", "", "", ""],
    ]
    before = (Organization.objects.count(), AuditEvent.objects.count())
    report = run(csv_bytes(rows), "a.csv")
    assert (report.written, report.created, report.rejected) == (False, 1, 4)
    reasons = {o.row: o.reasons for o in report.rows}
    assert "should be 1 by the check-digit rule" in reasons[3][0]
    assert any("in the future" in r for r in reasons[4])
    assert any("“열명” is not a number" in r for r in reasons[4])
    assert "00 is not a KSIC division" in reasons[5][0]
    assert reasons[6] == ["the same business registration number as row 2"]
    assert (Organization.objects.count(), AuditEvent.objects.count()) == before


def test_skip_invalid_writes_the_good_rows(world: World) -> None:
    rows = [ROWS[0], ["(주)틀린번호", "120-81-47522", "", "", "", "", "", "", "", ""]]
    report = run(csv_bytes(rows), "a.csv", skip_invalid=True)
    assert (report.written, report.created, report.rejected) == (True, 1, 1)
    assert Company.objects.count() == 1


def test_dry_run_reports_and_writes_nothing(world: World) -> None:
    report = run(csv_bytes(), "a.csv", dry_run=True)
    assert ([o.action for o in report.rows], report.written) == (["create", "create"], False)
    assert Company.objects.count() == 0


def test_rejected_rows_file_has_the_rows_and_reasons(world: World, tmp_path: Path) -> None:
    rows = [ROWS[0], ["(주)틀린번호", "120-81-47522", "", "", "", "", "", "", "", ""]]
    table = read_table(csv_bytes(rows), "a.csv")
    report = company_import_run(
        table=table, mapping=guess_mapping(table.headers), actor=None, dry_run=True
    )
    path = tmp_path / "rejected.csv"
    assert rejected_rows_write(table, report, path) == 1
    assert path.read_bytes().startswith(b"\xef\xbb\xbf")
    lines = list(csv.reader(path.read_text(encoding="utf-8-sig").splitlines()))
    assert lines[0] == ["Row", *HEADERS, "Why it was rejected"]
    assert lines[1][:3] == ["3", "(주)틀린번호", "120-81-47522"]
    assert "check-digit" in lines[1][-1]


def test_unknown_headers_are_mapped_by_the_user(world: World) -> None:
    headers = ["상호", "사업자 번호", "주력 분야"]
    data = csv_bytes([["(주)새빛", "1208147521", "음성인식 상담"]], headers=headers)
    report = run(data, "a.csv", mapping={"사업자 번호": "brn", "주력 분야": "products"})
    assert report.created == 1
    assert Company.objects.get().products == "음성인식 상담"


def test_mapping_without_name_or_brn_is_refused(world: World) -> None:
    table = read_table(csv_bytes(), "a.csv")
    with pytest.raises(MappingError):
        company_import_run(table=table, mapping={"지역": "region"}, actor=None, dry_run=True)


def test_yearly_figures_are_recorded_with_the_year_column(world: World) -> None:
    headers = ["회사명", "사업자등록번호", "기준연도", "매출액", "종업원수"]
    rows = [
        ["(주)가람", "1208147521", "2022", "1억", "5"],
        ["(주)가람", "1208147521", "2023", "", ""],
    ]
    run(csv_bytes(rows[:1], headers=headers), "a.csv")
    run(csv_bytes([["(주)가람", "1208147521", "2024", "4억", "9"]], headers=headers), "b.csv")
    company = Company.objects.get()
    assert list(CompanyMetric.objects.values_list("year", "revenue")) == [
        (2022, 100_000_000),
        (2024, 400_000_000),
    ]
    assert company.growth == 1.0


def test_cli_import_dry_run_and_real(
    world: World, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    path = tmp_path / "회원사.csv"
    path.write_bytes(csv_bytes(encoding="cp949"))
    call_command("companies", "import", str(path), "--dry-run")
    out = capsys.readouterr().out
    assert "would create 2" in out and "nothing was written" in out
    assert Company.objects.count() == 0
    call_command("companies", "import", str(path), "--actor", world.operator.email)
    assert Company.objects.count() == 2


def test_cli_import_fails_loudly_on_rejected_rows(world: World, tmp_path: Path) -> None:
    path = tmp_path / "bad.csv"
    path.write_bytes(csv_bytes([["(주)틀린번호", "120-81-47522", "", "", "", "", "", "", "", ""]]))
    with pytest.raises(CommandError, match="nothing was written"):
        call_command("companies", "import", str(path))
    assert (tmp_path / "bad-rejected.csv").exists()


def test_cli_mapping_option(world: World, tmp_path: Path) -> None:
    path = tmp_path / "a.csv"
    path.write_bytes(
        csv_bytes([["(주)새빛", "1208147521", "음성"]], headers=["상호", "번호", "분야"])
    )
    call_command("companies", "import", str(path), "--mapping", "번호=brn,분야=products")
    assert Company.objects.get().products == "음성"
    with pytest.raises(CommandError, match="unknown fields"):
        call_command("companies", "import", str(path), "--mapping", "번호=serial")


@pytest.mark.parametrize("cell", ["nan", "inf", "1e400", "-inf"])
def test_a_number_that_is_not_finite_rejects_its_row_only(world: World, cell: str) -> None:
    rows = [ROWS[0], [*ROWS[1][:7], cell, "", ""]]
    report = run(csv_bytes(rows), "a.csv", skip_invalid=True)
    assert (report.written, report.created, report.rejected) == (True, 1, 1)
    assert report.rows[1].reasons == [f"“{cell}” is not a number"]


@pytest.mark.parametrize(
    ("employees", "revenue", "reason"),
    [
        ("1e30", "", "“1e30” is too large"),
        ("99999999999999999999", "", "“99999999999999999999” is too large"),
        ("2147483648", "", "“2147483648” is too large"),
        ("", "99999999999999999999", "“99999999999999999999” is too large"),
        ("", "1e300", "“1e300” is too large"),
    ],
)
def test_the_dry_run_refuses_numbers_beyond_the_column(
    world: World, employees: str, revenue: str, reason: str
) -> None:
    """What the database would refuse on the real run is a row rejection in the dry run."""
    rows = [[*ROWS[1][:7], employees, revenue, ""]]
    report = run(csv_bytes(rows), "a.csv", dry_run=True)
    assert (report.rejected, report.rows[0].reasons) == (1, [reason])


def test_the_largest_numbers_the_columns_hold_are_imported(world: World) -> None:
    rows = [[*ROWS[1][:7], "2147483647", "9223372036854", ""]]
    report = run(csv_bytes(rows), "a.csv")
    assert report.created == 1
    company = Company.objects.get(organization__brn="1048145012")
    assert (company.employees, company.revenue) == (2147483647, 9223372036854 * 10**6)


def test_row_numbers_do_not_shift_after_a_blank_row(world: World, tmp_path: Path) -> None:
    data = (
        "회사명,사업자등록번호\r\n(주)첫째,1208147521\r\n,\r\n\r\n(주)틀린번호,120-81-47522\r\n"
    ).encode()
    table = read_table(data, "a.csv")
    report = company_import_run(
        table=table, mapping=guess_mapping(table.headers), actor=None, dry_run=True
    )
    assert [(o.row, o.action) for o in report.rows] == [(2, "create"), (5, "reject")]
    path = tmp_path / "rejected.csv"
    rejected_rows_write(table, report, path)
    lines = list(csv.reader(path.read_text(encoding="utf-8-sig").splitlines()))
    assert lines[1][:3] == ["5", "(주)틀린번호", "120-81-47522"]


def test_the_rejected_rows_file_neutralises_formulas(world: World, tmp_path: Path) -> None:
    rows = [['=HYPERLINK("http://x")', "120-81-47522", "@SUM(A1)", "", "", "", "", "", "", ""]]
    table = read_table(csv_bytes(rows), "a.csv")
    report = company_import_run(
        table=table, mapping=guess_mapping(table.headers), actor=None, dry_run=True
    )
    path = tmp_path / "rejected.csv"
    rejected_rows_write(table, report, path)
    lines = list(csv.reader(path.read_text(encoding="utf-8-sig").splitlines()))
    assert lines[1][:4] == ["2", '\'=HYPERLINK("http://x")', "120-81-47522", "'@SUM(A1)"]
