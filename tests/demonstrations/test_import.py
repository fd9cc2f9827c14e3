"""Measurements from an XLSX file: every row checked before anything is written, each problem
named by row and column."""

from __future__ import annotations

import datetime as dt
import io
from decimal import Decimal

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.urls import reverse
from django.utils import timezone, translation
from openpyxl import load_workbook

from bitgoeul.demonstrations.enums import ProjectState
from bitgoeul.demonstrations.measurements_import import ImportRefused, read_rows
from bitgoeul.demonstrations.models import Measurement, Project, Site
from tests.conftest import World
from tests.demonstrations.factories import make_project, xlsx

pytestmark = pytest.mark.django_db


def _day(days_ago: int) -> str:
    return (timezone.localdate() - dt.timedelta(days=days_ago)).isoformat()


def _read(project: Project, rows: list[list[object]]) -> list[tuple[str, dt.date, Decimal, str]]:
    with translation.override("en"):
        read = read_rows(
            xlsx(rows),
            list(project.kpis.all()),
            starts_on=project.starts_on,
            ends_on=project.ends_on,
        )
    return [(r.kpi.name, r.measured_on, r.value, r.note) for r in read]


def _problems(project: Project, rows: list[list[object]] | bytes) -> list[str]:
    data = rows if isinstance(rows, bytes) else xlsx(rows)
    with translation.override("en"), pytest.raises(ImportRefused) as refused:
        read_rows(
            data, list(project.kpis.all()), starts_on=project.starts_on, ends_on=project.ends_on
        )
    return refused.value.problems


@pytest.fixture
def project(world: World, site: Site) -> Project:
    project = make_project(world.company, site=site, state=ProjectState.APPROVED, kpis=2)
    # a name Excel would run as a formula: the template writes it as text, the import reads it
    project.kpis.filter(position=1).update(name="=판독 정확도 1")
    return project


def test_rows_are_read_by_kpi_name_in_either_language_and_blank_rows_skipped(
    project: Project,
) -> None:
    rows = _read(
        project,
        [
            ["KPI", "Date", "Value", "Note"],
            ["판독 정확도", _day(3), 91.5, "1차"],
            [None, None, None, None],
            [
                "reading accuracy 1",
                dt.datetime.combine(timezone.localdate() - dt.timedelta(days=2), dt.time()),
                "1,200",
                "",
            ],
        ],
    )
    assert rows == [
        ("판독 정확도", timezone.localdate() - dt.timedelta(days=3), Decimal("91.5000"), "1차"),
        ("=판독 정확도 1", timezone.localdate() - dt.timedelta(days=2), Decimal("1200.0000"), ""),
    ]


def test_korean_headers_are_understood(project: Project) -> None:
    rows = _read(project, [["성과지표", "측정일", "측정값"], ["판독 정확도", _day(1), 90]])
    assert [r[2] for r in rows] == [Decimal("90.0000")]


def test_each_bad_cell_is_named_by_row_and_column(project: Project) -> None:
    problems = _problems(
        project,
        [
            ["Date", "KPI", "Value"],
            [_day(1), "판독 정확도", 90],
            ["어제", "판독 정확도", 90],
            [_day(1), "응답 시간", "많음"],
            [_day(400), "판독 정확도", 90],
        ],
    )
    assert problems == [
        "Row 3, column A: write the date as YYYY-MM-DD.",
        "Row 4, column B: “응답 시간” is not a KPI of this project.",
        "Row 4, column C: write a number.",
        "Row 5, column A: the date is outside the project's period "
        f"({project.starts_on} to {project.ends_on}).",
    ]


def test_missing_columns_and_other_files_are_refused_with_what_to_do(project: Project) -> None:
    assert _problems(project, [["KPI", "Value"], ["판독 정확도", 1]]) == [
        "The first row must name the columns KPI, Date and Value. Missing: Date."
    ]
    assert _problems(project, b"%PDF-1.4 not a sheet") == [
        "The file is not an Excel (XLSX) file. Save it as XLSX."
    ]
    assert _problems(project, [["KPI", "Date", "Value"]]) == ["The file has no measurement rows."]


def test_an_upload_with_one_bad_row_writes_nothing(
    client: Client, world: World, project: Project
) -> None:
    client.force_login(world.owner)
    data = xlsx(
        [["KPI", "Date", "Value"], ["판독 정확도", _day(2), 90], ["판독 정확도", _day(1), "x"]]
    )
    url = reverse("demonstrations:measurement_upload", args=[project.pk])
    response = client.post(url, {"file": SimpleUploadedFile("m.xlsx", data)}, follow=True)
    assert Measurement.objects.count() == 0
    assert "3행 C열" in response.content.decode()
    good = xlsx(
        [["KPI", "Date", "Value"], ["판독 정확도", _day(2), 90], ["판독 정확도", _day(1), 93]]
    )
    client.post(url, {"file": SimpleUploadedFile("m.xlsx", good)})
    assert sorted(Measurement.objects.values_list("value", "source")) == [
        (Decimal("90.0000"), "xlsx"),
        (Decimal("93.0000"), "xlsx"),
    ]


def test_the_template_reads_back_as_a_valid_file(
    client: Client, world: World, project: Project
) -> None:
    client.force_login(world.owner)
    response = client.get(reverse("demonstrations:measurement_template", args=[project.pk]))
    sheet = load_workbook(io.BytesIO(response.content)).active
    assert sheet is not None
    rows = [list(r) for r in sheet.iter_rows(values_only=True)]
    assert rows[0] == ["KPI", "Date", "Value", "Note"]
    assert [(name, value) for name, _, value, _ in _read(project, rows)] == [
        ("판독 정확도", Decimal(0)),
        ("=판독 정확도 1", Decimal(0)),
    ]


def test_a_file_over_the_limit_is_refused_before_it_is_read_whole(project: Project) -> None:
    from bitgoeul.demonstrations.measurements_import import MAX_BYTES

    assert _problems(project, b"PK\x03\x04" + b"0" * MAX_BYTES) == [
        "The file is larger than 2 MB. Split it and upload each part."
    ]
