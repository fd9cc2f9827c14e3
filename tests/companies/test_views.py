from __future__ import annotations

import datetime as dt
from pathlib import Path
from typing import Any

import pytest
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.urls import reverse
from openpyxl import load_workbook

from bitgoeul.audit.models import AuditEvent
from bitgoeul.companies.ksic import ksic_label, section_of, validate_ksic
from bitgoeul.companies.models import Company, CompanyImport
from bitgoeul.companies.regions import province_for
from bitgoeul.jobs.models import Job
from tests.companies.files import csv_bytes
from tests.companies.helpers import company_record, make_company
from tests.conftest import World


@pytest.fixture
def company(world: World) -> Company:
    return company_record(world.company)


def test_ksic_codes() -> None:
    validate_ksic("62010")
    validate_ksic("J62")
    for bad in ("6", "620101", "00", "abc"):
        with pytest.raises(ValidationError):
            validate_ksic(bad)
    assert (section_of("62010"), section_of("27112"), section_of("04")) == ("J", "C", "")
    assert ksic_label("62010", "en") == "62010 · Computer programming, consultancy and related"


def test_provinces_and_chapters() -> None:
    def chapter(text: str) -> str | None:
        province = province_for(text)
        return province.chapter if province else None

    assert chapter("광주광역시 북구 첨단과기로 123") == "gwangju-jeonnam"
    assert chapter("전남 나주시") == "gwangju-jeonnam"
    assert chapter("경상북도 포항시") == "daegu-gyeongbuk"
    assert chapter("전라북도 전주시") == "jeonbuk"
    assert chapter("세종특별자치시") == ""  # headquarters
    assert chapter("Mars") is None


def test_editing_the_address_moves_the_company_to_its_chapter(
    world: World, company: Company, client: Client
) -> None:
    client.force_login(world.owner)
    data = {
        "name": "(주)빛고을에이아이",
        "address": "부산광역시 해운대구 센텀중앙로 79",
        "ksic_code": "J62010",
        "patents": 3,
        "technologies": [],
    }
    response = client.post(reverse("companies:edit", args=[company.pk]), data)
    assert response.status_code == 302, response.content[:500]
    company.refresh_from_db()
    company.organization.refresh_from_db()
    assert (company.province, company.district, company.ksic_code) == ("busan", "해운대구", "62010")
    assert company.organization.parent == world.other_chapter
    event = AuditEvent.objects.get(action="company.update")
    assert event.after is not None and event.after["chapter"] == world.other_chapter.pk


def test_yearly_figures_investments_and_certifications(
    world: World, company: Company, client: Client
) -> None:
    client.force_login(world.owner)
    for year, revenue in ((2022, 500_000_000), (2024, 2_000_000_000)):
        client.post(
            reverse("companies:metric_set", args=[company.pk]),
            {"year": year, "revenue": revenue, "employees": 10},
        )
    client.post(
        reverse("companies:investment_add", args=[company.pk]),
        {"date": "2024-03-02", "round": "series_a", "amount": 3_000_000_000, "investors": "KB"},
    )
    client.post(
        reverse("companies:certification_add", args=[company.pk]),
        {"kind": "venture", "venture_type": "rnd", "issued_on": "2024-01-10"},
    )
    company.refresh_from_db()
    assert (company.revenue, company.growth) == (2_000_000_000, 1.0)
    certification = company.certifications.get()
    assert certification.expires_on == dt.date(2027, 1, 9)
    page = client.get(reverse("companies:detail", args=[company.pk])).content.decode()
    assert 'data-chart="chart-revenue"' in page
    assert "3,000,000,000" in page


def test_venture_certification_needs_its_type(
    world: World, company: Company, client: Client
) -> None:
    client.force_login(world.owner)
    client.post(reverse("companies:certification_add", args=[company.pk]), {"kind": "venture"})
    assert company.certifications.count() == 0


def test_import_wizard_cp949(
    world: World, client: Client, django_capture_on_commit_callbacks: Any
) -> None:
    client.force_login(world.operator)
    upload = SimpleUploadedFile("회원사.csv", csv_bytes(encoding="cp949"), "text/csv")
    response = client.post(reverse("companies:import_upload"), {"file": upload})
    job_import = CompanyImport.objects.get()
    assert response["Location"] == reverse("companies:import_detail", args=[job_import.pk])
    assert (job_import.encoding, job_import.mapping["매출액(백만원)"]) == ("cp949", "revenue")
    page = client.get(response["Location"]).content.decode()
    assert "(주)빛고을에이아이" in page  # the preview of the first values
    # jsonb (PostgreSQL) does not keep the keys' order: go by the headers' order
    mapping = {f"map-col{i}": job_import.mapping[h] for i, h in enumerate(job_import.headers)}
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(reverse("companies:import_detail", args=[job_import.pk]), mapping)
    job_import.refresh_from_db()
    assert (job_import.state, job_import.report["created"], Company.objects.count()) == (
        "checked",
        2,
        0,
    )
    with django_capture_on_commit_callbacks(execute=True):
        client.post(reverse("companies:import_run", args=[job_import.pk]))
    job_import.refresh_from_db()
    assert (job_import.state, Company.objects.count()) == ("imported", 2)
    assert Job.objects.filter(kind="companies.import").count() == 2


def test_import_upload_refuses_unreadable_files(world: World, client: Client) -> None:
    client.force_login(world.operator)
    upload = SimpleUploadedFile("old.xls", b"\xd0\xcf\x11\xe0" + b"\0" * 64)
    response = client.post(reverse("companies:import_upload"), {"file": upload})
    assert response.status_code == 200
    assert CompanyImport.objects.count() == 0


@pytest.mark.parametrize("file_format", ["csv", "xlsx"])
def test_export_the_filtered_list(
    world: World,
    client: Client,
    media_root: Path,
    file_format: str,
    django_capture_on_commit_callbacks: Any,
) -> None:
    make_company("(주)반도체장비", products="반도체장비", revenue=10**9)
    make_company("(주)식품", description="식품")
    client.force_login(world.operator)
    with django_capture_on_commit_callbacks(execute=True):
        client.post(reverse("companies:export"), {"q": "반도체", "format": file_format})
    job = Job.objects.get(kind="companies.export")
    path = media_root / job.result_file
    if file_format == "csv":
        text = path.read_bytes()
        assert text.startswith(b"\xef\xbb\xbf")
        lines = text.decode("utf-8-sig").splitlines()
        assert len(lines) == 2 and lines[1].startswith("(주)반도체장비")
    else:
        sheet = load_workbook(path).worksheets[0]
        rows = list(sheet.iter_rows(values_only=True))
        assert (len(rows), rows[1][0], rows[1][13]) == (2, "(주)반도체장비", 10**9)


def test_technology_tags_are_managed_by_operators(world: World, client: Client) -> None:
    client.force_login(world.operator)
    client.post(
        reverse("companies:technologies"),
        {
            "code": "agritech",
            "name": "농업",
            "name_en": "Agriculture",
            "is_active": "on",
            "position": 20,
        },
    )
    company = make_company("(주)스마트팜", technologies=("agritech",))
    assert company.technologies.get().code == "agritech"
