"""Revisions compared: text line by line, tables row by row, files by name."""

from __future__ import annotations

import pytest
from django.test import Client
from django.urls import reverse

from bitgoeul.programs.diffs import LineChange, RowChange, line_diff, row_diff
from bitgoeul.programs.selectors import revision_diff
from bitgoeul.programs.services import applications as services
from tests.conftest import World
from tests.programs.apps_setup import open_call, save, started

COLUMNS = [{"key": "item"}, {"key": "amount"}]


def test_line_diff_marks_removed_and_added_lines() -> None:
    assert line_diff("하나\n둘\n셋", "하나\n둘 고침\n셋\n넷") == [
        LineChange("same", "하나"),
        LineChange("removed", "둘"),
        LineChange("added", "둘 고침"),
        LineChange("same", "셋"),
        LineChange("added", "넷"),
    ]


def test_row_diff_pairs_changed_rows_and_lists_added_and_removed() -> None:
    before = [
        {"item": "장비", "amount": 1},
        {"item": "인건비", "amount": 2},
        {"item": "여비", "amount": 3},
    ]
    after = [{"item": "장비", "amount": 1}, {"item": "인건비", "amount": 5}]
    assert row_diff(COLUMNS, before, after) == [
        RowChange("same", ["장비", 1], ["장비", 1]),
        RowChange("changed", ["인건비", 2], ["인건비", 5]),
        RowChange("removed", ["여비", 3], []),
    ]
    assert row_diff(COLUMNS, None, [{"item": "새 항목", "amount": 9}]) == [
        RowChange("added", [], ["새 항목", 9])
    ]


@pytest.mark.django_db
def test_revision_diff_compares_two_revisions_field_by_field(world: World) -> None:
    application = started(
        world, open_call(world, rows=True), budget=[{"item": "장비", "amount": "1"}]
    )
    first = services.application_submit(application=application, actor=world.owner)
    services.application_request_changes(application=application, actor=world.operator, note="보완")
    save(
        application,
        world.owner,
        {
            "summary": "딥러닝으로 도로 시설물을 점검합니다.\n야간 점검도 합니다.",
            "budget": [{"item": "장비", "amount": "2"}],
        },
    )
    second = services.application_submit(application=application, actor=world.owner)
    diff = {d.form_field.key: d for d in revision_diff(application, first, second)}
    assert [k for k, d in diff.items() if d.changed] == ["summary", "budget"]
    assert [line.status for line in diff["summary"].lines] == ["same", "added"]
    assert [row.status for row in diff["budget"].rows] == ["changed"]


@pytest.mark.django_db
def test_diff_page_for_staff_shows_the_changed_lines(world: World, client: Client) -> None:
    application = started(world)
    services.application_submit(application=application, actor=world.owner)
    services.application_request_changes(application=application, actor=world.operator, note="보완")
    save(application, world.owner, {"title": "바뀐 과제명"})
    services.application_submit(application=application, actor=world.owner)
    client.force_login(world.operator)
    page = client.get(
        reverse("programs:application_diff", args=[application.pk]) + "?a=1&b=2"
    ).content.decode()
    assert (
        "바뀐 과제명" in page
        and 'class="diff-added"' in page
        and "답변 1개가 바뀌었습니다." in page
    )


@pytest.mark.django_db
def test_diff_page_with_one_revision_says_so(world: World, client: Client) -> None:
    application = started(world)
    services.application_submit(application=application, actor=world.owner)
    client.force_login(world.owner)
    page = client.get(reverse("programs:application_diff", args=[application.pk])).content.decode()
    assert "제출본이 하나뿐이라 아직 비교할 것이 없습니다." in page
