"""Reviewer pages (blind mode, conflicts, the scoring form), the score table and its export,
the selection run page and the applicant's result page."""

from __future__ import annotations

import io
from typing import Any

import pytest
from django.db import transaction
from django.test import Client
from django.urls import reverse

from bitgoeul.programs.enums import ConflictSource, ReviewState
from bitgoeul.programs.models import Conflict, Review, Reviewer
from bitgoeul.programs.services.selection import (
    SelectionSettings,
    selection_approve,
    selection_start,
)
from tests.conftest import World
from tests.programs.factories import ApplicationFactory, ReviewerFactory
from tests.programs.scoring_setup import assign, call_in_review, scene, scored

pytestmark = pytest.mark.django_db


def blind_scene(world: World, blind: bool = True) -> dict[str, Any]:
    made = scene(world)
    made["call"].blind = blind
    made["call"].save()
    Review.objects.filter(pk=made["review"].pk).update(state=ReviewState.DRAFT, total=None)
    return made


@pytest.mark.parametrize("blind", [True, False])
def test_reviewer_page_hides_identity_in_blind_calls(
    world: World, client: Client, blind: bool
) -> None:
    made = blind_scene(world, blind)
    client.force_login(world.reviewer)
    page = client.get(reverse("programs:review_score", args=[made["assignment"].pk]))
    text = page.content.decode()
    assert page.status_code == 200
    assert ("(주)빛고을에이아이" in text) is (not blind)
    assert "사업계획서.pdf" not in text  # the uploaded name never, blind or not
    assert f"application-{made['application'].pk}-plan-1.pdf" in text


def test_reviewer_download_is_named_by_number_and_field(world: World, client: Client) -> None:
    made = blind_scene(world)
    client.force_login(world.reviewer)
    response = client.get(
        reverse("programs:review_file", args=[made["assignment"].pk, made["file"].pk])
    )
    assert response.status_code == 200
    assert response["Content-Disposition"] == (
        f'attachment; filename="application-{made["application"].pk}-plan-1.pdf"'
    )


def test_my_reviews_blind_list_and_queries(
    world: World, client: Client, django_assert_max_num_queries: Any
) -> None:
    made = blind_scene(world)
    client.force_login(world.reviewer)
    with django_assert_max_num_queries(12):
        page = client.get(reverse("programs:my_reviews"))
    text = page.content.decode()
    assert "(주)빛고을에이아이" not in text
    assert reverse("programs:review_score", args=[made["assignment"].pk]) in text
    # many rows: the same number of queries
    reviewer = Reviewer.objects.get(user=world.reviewer)
    for _ in range(5):
        assign(ApplicationFactory.create(call=made["call"]), reviewer, made["assignment"].stage)
    with django_assert_max_num_queries(12):
        page = client.get(reverse("programs:my_reviews"))
    assert page.content.decode().count("/programs/reviews/") >= 6


def test_conflict_hides_the_assignment(world: World, client: Client) -> None:
    made = blind_scene(world)
    Conflict.objects.create(
        application=made["application"],
        reviewer_id=world.reviewer.pk,
        source=ConflictSource.DECLARED,
    )
    client.force_login(world.reviewer)
    assert (
        client.get(reverse("programs:review_score", args=[made["assignment"].pk])).status_code
        == 404
    )
    url = reverse("programs:review_file", args=[made["assignment"].pk, made["file"].pk])
    assert client.get(url).status_code == 404
    listing = client.get(reverse("programs:my_reviews")).content.decode()
    assert reverse("programs:review_score", args=[made["assignment"].pk]) not in listing


def test_scoring_form_saves_draft_then_submits(client: Client) -> None:
    call, stage, criteria = call_in_review()
    reviewer = ReviewerFactory.create()
    assignment = assign(ApplicationFactory.create(call=call), reviewer, stage)
    client.force_login(reviewer.user)
    url = reverse("programs:review_score", args=[assignment.pk])
    first = {f"score_{criteria[0].pk}": "8", "comment_to_applicant": "좋습니다", "action": "save"}
    assert client.post(url, first).status_code == 302
    review = Review.objects.get(assignment=assignment)
    assert (review.state, review.comment_to_applicant) == (ReviewState.DRAFT, "좋습니다")
    # submit without the second criterion: refused, still a draft
    page = client.post(url, {**first, "action": "submit"}, follow=True)
    assert Review.objects.get(pk=review.pk).state == ReviewState.DRAFT
    assert "사업성" in page.content.decode()
    # n/a on the second: submitted, total over the first alone
    done = {**first, f"na_{criteria[1].pk}": "on", "action": "submit"}
    assert client.post(url, done).status_code == 302
    review.refresh_from_db()
    assert (review.state, review.total) == (ReviewState.SUBMITTED, 80.0)


def test_scoring_form_refuses_score_and_na_together(client: Client) -> None:
    call, stage, criteria = call_in_review()
    reviewer = ReviewerFactory.create()
    assignment = assign(ApplicationFactory.create(call=call), reviewer, stage)
    client.force_login(reviewer.user)
    url = reverse("programs:review_score", args=[assignment.pk])
    page = client.post(
        url, {f"score_{criteria[0].pk}": "8", f"na_{criteria[0].pk}": "on", "action": "save"}
    )
    assert page.status_code == 200
    assert Review.objects.filter(assignment=assignment).count() == 0


def spread_call() -> tuple[Any, Any]:
    call, stage, _ = call_in_review()
    application = ApplicationFactory.create(call=call, title="=HYPERLINK(1)")
    first, second = ReviewerFactory.create(), ReviewerFactory.create()
    scored(assign(application, first, stage), [9, None])  # 90
    scored(assign(application, second, stage), [5, 2])  # 50 × 0.6 + 40 × 0.4 = 30 + 16 = 46
    return call, (first, second)


def test_score_table_shows_names_aggregates_na_and_disagreement(
    world: World, client: Client
) -> None:
    call, (first, _) = spread_call()
    call.organizer = world.operator_org
    call.save()
    client.force_login(world.operator)
    text = client.get(reverse("programs:score_table", args=[call.pk])).content.decode()
    assert first.user.name in text
    assert "90.00" in text and "46.00" in text and "68.00" in text  # mean (90 + 46) / 2
    assert "해당 없음 1개" in text
    assert '<span class="flag">평가위원 간 이견</span>' in text  # spread 44 > 25


def test_score_table_export_is_xlsx_with_safe_cells(world: World, client: Client) -> None:
    from openpyxl import load_workbook

    call, _ = spread_call()
    client.force_login(world.operator)
    response = client.get(reverse("programs:score_table_export", args=[call.pk]))
    sheet = load_workbook(io.BytesIO(response.content)).active
    assert sheet is not None
    rows = list(sheet.iter_rows(values_only=True))
    assert rows[1][2] == "'=HYPERLINK(1)"
    assert (rows[1][4], rows[1][9]) == (68.0, 1)


def test_selection_run_page_words_reasons_and_what_ifs(
    world: World, client: Client, django_capture_on_commit_callbacks: Any
) -> None:
    call, _ = spread_call()
    with django_capture_on_commit_callbacks(execute=True):
        run = selection_start(
            call=call, actor=world.operator, settings=SelectionSettings(score_basis="mean")
        )
    client.force_login(world.operator)
    text = client.get(reverse("programs:selection_run", args=[run.pk])).content.decode()
    assert "1위로 선정되었습니다." in text
    assert "예산 +10%" in text


def test_result_page_shows_comments_never_reviewer_names(
    world: World, client: Client, django_capture_on_commit_callbacks: Any
) -> None:
    from tests.factories import MembershipFactory

    call, stage, _ = call_in_review()
    application = ApplicationFactory.create(call=call)
    member = MembershipFactory.create(organization=application.company.organization).user
    reviewer = ReviewerFactory.create()
    scored(assign(application, reviewer, stage), [8, 4], comment="시장 분석을 보완하세요")
    with django_capture_on_commit_callbacks(execute=True):
        run = selection_start(call=call, actor=world.operator, settings=SelectionSettings())
    with transaction.atomic():
        selection_approve(run=run, actor=world.operator)
    client.force_login(member)
    text = client.get(
        reverse("programs:application_result", args=[application.pk])
    ).content.decode()
    assert "시장 분석을 보완하세요" in text
    assert reviewer.user.name not in text
    assert reviewer.user.email not in text


def test_selection_form_names_provinces_in_korean_and_starts_a_run(
    world: World, client: Client, django_capture_on_commit_callbacks: Any
) -> None:
    from bitgoeul.programs.models import SelectionRun

    call, _ = spread_call()
    client.force_login(world.operator)
    data = {
        "policy": "rank",
        "score_basis": "calibrated",
        "floor_kind": "region",
        "floors": "광주 0.2",
        "seed": "3",
    }
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(reverse("programs:selection", args=[call.pk]), data)
    run = SelectionRun.objects.get()
    assert response.status_code == 302
    assert (run.inputs["group_floors"], run.seed, run.budget) == (
        {"region:gwangju": 0.2},
        3,
        call.budget,
    )


def test_staff_lists_keep_their_query_count(
    world: World, client: Client, django_capture_on_commit_callbacks: Any
) -> None:
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    call, stage, _ = call_in_review()
    reviewers = [ReviewerFactory.create() for _ in range(3)]

    def add_application() -> None:
        application = ApplicationFactory.create(call=call)
        for reviewer in reviewers:
            scored(assign(application, reviewer, stage), [7, 3])

    def counts() -> list[int]:
        with django_capture_on_commit_callbacks(execute=True):
            run = selection_start(call=call, actor=world.operator, settings=SelectionSettings())
        out = []
        for url in (
            reverse("programs:score_table", args=[call.pk]),
            reverse("programs:score_table_export", args=[call.pk]),
            reverse("programs:selection_run", args=[run.pk]),
        ):
            with CaptureQueriesContext(connection) as queries:
                assert client.get(url).status_code == 200
            out.append(len(queries))
        return out

    client.force_login(world.operator)
    add_application()
    one = counts()
    for _ in range(4):
        add_application()
    assert counts() == one  # the same queries for 1 and 5 applications
    assert max(one) <= 16


def test_an_assignment_taken_back_is_404(world: World, client: Client) -> None:
    made = blind_scene(world)
    made["assignment"].active = False
    made["assignment"].save()
    client.force_login(world.reviewer)
    url = reverse("programs:review_score", args=[made["assignment"].pk])
    assert client.get(url).status_code == 404
    assert client.post(url, {"action": "save"}).status_code == 404


def test_reviewer_home_counts_reviews_to_submit(world: World, client: Client) -> None:
    made = blind_scene(world)  # one draft review
    client.force_login(world.reviewer)
    text = client.get(reverse("web:home")).content.decode()
    assert "점수를 기다리는 신청서" in text
    assert reverse("programs:my_reviews") in text
    Review.objects.filter(pk=made["review"].pk).update(state=ReviewState.SUBMITTED)
    assert "점수를 기다리는 신청서" not in client.get(reverse("web:home")).content.decode()
