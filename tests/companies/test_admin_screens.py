"""Operator staff's screens: the technology table edited in place, the scoring page's version
notes, the import's step indicator."""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.urls import reverse

from bitgoeul.audit.models import AuditEvent
from bitgoeul.companies.models import CompanyImport, Technology
from bitgoeul.companies.services.scoring import score_weights_create
from tests.companies.files import csv_bytes
from tests.conftest import World

pytestmark = pytest.mark.django_db


def fields(tech: Technology, **changes: Any) -> dict[str, Any]:
    data = {
        "code": tech.code,
        "name": tech.name,
        "name_en": tech.name_en,
        "position": tech.position,
        **changes,
    }
    if tech.is_active:
        data["is_active"] = "on"
    return {f"t{tech.pk}-{key}": value for key, value in data.items()}


def test_the_technology_list_is_a_table_without_open_forms(world: World, client: Client) -> None:
    client.force_login(world.operator)
    page = client.get(reverse("companies:technologies"), HTTP_ACCEPT_LANGUAGE="ko")
    html = page.content.decode()
    count = Technology.objects.count()
    assert count > 1
    assert html.count('<tr id="technology-') == count
    table = html.split("<h1>", 1)[1].split("<h2>", 1)[0]
    assert "<form" not in table and "<input" not in table  # rows are text until one is opened
    assert '<th scope="col">코드</th>' in html and '<th scope="col">표시 순서</th>' in html
    assert ">Code<" not in html and ">Position<" not in html


def test_a_technology_row_opens_as_a_form_saves_and_closes_in_place(
    world: World, client: Client
) -> None:
    tech = Technology.objects.get(code="vision")
    client.force_login(world.operator)
    edit = reverse("companies:technology_edit", args=[tech.pk])
    opened = client.get(edit, HTTP_HX_REQUEST="true").content.decode()
    assert opened.startswith(f'<tr id="technology-{tech.pk}" class="technology-editing">')
    assert f'hx-post="{edit}"' in opened and 'hx-target="closest tr"' in opened
    assert "<script" not in opened and " on" not in re.sub(r'"[^"]*"', "", opened).lower()
    saved = client.post(edit, fields(tech, name="컴퓨터 비전 인식"), HTTP_HX_REQUEST="true")
    row = saved.content.decode()
    assert saved.status_code == 200
    assert row.startswith(f'<tr id="technology-{tech.pk}">') and "컴퓨터 비전 인식" in row
    assert "<form" not in row
    tech.refresh_from_db()
    assert tech.name == "컴퓨터 비전 인식"
    assert AuditEvent.objects.filter(action="technology.save").count() == 1
    # an invalid change keeps the row open with the reason
    other = Technology.objects.exclude(pk=tech.pk).first()
    assert other is not None
    refused = client.post(edit, fields(tech, code=other.code), HTTP_HX_REQUEST="true")
    refused_row = refused.content.decode()
    assert 'class="technology-editing"' in refused_row and "form-hint-invalid" in refused_row
    # cancel swaps the row back
    closed = client.get(reverse("companies:technology_row", args=[tech.pk]), HTTP_HX_REQUEST="true")
    assert closed.content.decode().startswith(f'<tr id="technology-{tech.pk}">')


def test_without_script_the_edit_link_opens_the_row_on_the_full_page(
    world: World, client: Client
) -> None:
    tech = Technology.objects.get(code="vision")
    client.force_login(world.operator)
    page = client.get(reverse("companies:technology_edit", args=[tech.pk])).content.decode()
    assert page.count('class="technology-editing"') == 1 and "<h1>" in page
    response = client.post(reverse("companies:technology_edit", args=[tech.pk]), fields(tech))
    assert response["Location"] == reverse("companies:technologies")


def test_the_scoring_page_shows_notes_people_wrote_and_describes_the_first_version(
    world: World, client: Client
) -> None:
    score_weights_create(
        actor=world.operator,
        weights={"revenue_growth": 10},
        jump_threshold=10,
        note="투자 신호를 줄였습니다",
    )
    client.force_login(world.operator)
    html = client.get(reverse("companies:scoring"), HTTP_ACCEPT_LANGUAGE="ko").content.decode()
    assert "Initial weights (issue 4)." not in html
    assert "플랫폼을 설치할 때 정한 처음 가중치입니다." in html
    assert "투자 신호를 줄였습니다" in html


def test_the_import_steps_mark_the_current_step(
    world: World, client: Client, media_root: Path, django_capture_on_commit_callbacks: Any
) -> None:
    def current(html: str) -> list[str]:
        steps = html.split('<ol class="krds-step-wrap', 1)[1].split("</ol>", 1)[0]
        return re.findall(r'aria-current="step"><span><span class="step">(\d)단계', steps)

    client.force_login(world.operator)
    page = client.get(reverse("companies:import_upload"), HTTP_ACCEPT_LANGUAGE="ko")
    assert current(page.content.decode()) == ["1"]
    upload = SimpleUploadedFile("회원사.csv", csv_bytes(), "text/csv")
    client.post(reverse("companies:import_upload"), {"file": upload})
    stored = CompanyImport.objects.get()
    detail = reverse("companies:import_detail", args=[stored.pk])
    html = client.get(detail, HTTP_ACCEPT_LANGUAGE="ko").content.decode()
    assert current(html) == ["2"]
    assert '<li class="done"><span><span class="step">1단계' in html
    mapping = {f"map-col{i}": stored.mapping[h] for i, h in enumerate(stored.headers)}
    with django_capture_on_commit_callbacks(execute=True):
        client.post(detail, mapping)
    html = client.get(detail, HTTP_ACCEPT_LANGUAGE="ko").content.decode()
    assert current(html) == ["3"]
