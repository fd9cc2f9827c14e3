"""News posts: the review by another staff member, edits of published posts, cross-posting."""

from __future__ import annotations

from typing import Any

import pytest
from django.core import mail

from bitgoeul.accounts.enums import MembershipRole
from bitgoeul.audit.models import AuditEvent
from bitgoeul.promotion import access
from bitgoeul.promotion import selectors_news as selectors
from bitgoeul.promotion.enums import PostState, Topic
from bitgoeul.promotion.models import CrossPost, NewsPost
from bitgoeul.promotion.services import news as services
from tests.conftest import World
from tests.promotion.factories_news import make_post, staff_of, technology

DATA = {
    "title": "2027년 AI 실증 지원사업 공고",
    "title_en": "",
    "summary": "실증 지원사업을 공고합니다.",
    "body": "본문",
    "body_en": "",
    "topic": Topic.FUNDING,
    "event_id": None,
}


def _draft(world: World) -> NewsPost:
    return services.post_create(actor=world.operator, organization=world.operator_org, data=DATA)


def test_post_review_needs_another_staff_member(world: World) -> None:
    post = _draft(world)
    services.post_set_state(post=post, state=PostState.IN_REVIEW, actor=world.operator)
    colleague = staff_of(world.operator_org)
    assert access.can_review_post(world.operator, post) is False
    assert access.can_review_post(colleague, post) is True
    assert access.can_review_post(world.chapter_staff, post) is False


def test_post_review_by_an_administrator_of_the_organisation_even_their_own(world: World) -> None:
    admin = staff_of(world.operator_org, MembershipRole.ADMIN)
    post = services.post_create(actor=admin, organization=world.operator_org, data=DATA)
    services.post_set_state(post=post, state=PostState.IN_REVIEW, actor=admin)
    assert access.can_review_post(admin, post) is True


def test_post_submit_notifies_the_other_staff_and_publish_notifies_the_author(
    world: World, django_capture_on_commit_callbacks: Any
) -> None:
    colleague = staff_of(world.operator_org, user__email="colleague@example.kr")
    post = _draft(world)
    with django_capture_on_commit_callbacks(execute=True):
        services.post_set_state(post=post, state=PostState.IN_REVIEW, actor=world.operator)
    assert [n.kind for n in colleague.notifications.all()] == ["news.submitted"]
    assert world.operator.notifications.count() == 0
    with django_capture_on_commit_callbacks(execute=True):
        services.post_set_state(post=post, state=PostState.PUBLISHED, actor=colleague)
    post.refresh_from_db()
    assert (post.state, post.reviewed_by, post.published_at is not None) == (
        PostState.PUBLISHED,
        colleague,
        True,
    )
    assert world.operator.notifications.count() == 1
    actions = list(
        AuditEvent.objects.filter(object_id=str(post.pk))
        .order_by("pk")
        .values_list("action", "before", "after")
    )
    assert actions == [
        ("news.create", None, actions[0][2]),
        ("news.set_state", {"state": "draft"}, {"state": "in_review", "note": ""}),
        ("news.set_state", {"state": "in_review"}, {"state": "published", "note": ""}),
    ]
    assert [m.to for m in mail.outbox] == [["colleague@example.kr"], [world.operator.email]]


def test_post_returned_keeps_the_note_and_can_be_submitted_again(world: World) -> None:
    colleague = staff_of(world.operator_org)
    post = _draft(world)
    services.post_set_state(post=post, state=PostState.IN_REVIEW, actor=world.operator)
    services.post_set_state(
        post=post, state=PostState.RETURNED, actor=colleague, note="날짜를 고쳐 주세요."
    )
    assert (post.state, post.review_note) == (PostState.RETURNED, "날짜를 고쳐 주세요.")
    services.post_set_state(post=post, state=PostState.IN_REVIEW, actor=world.operator)
    assert post.state == PostState.IN_REVIEW


def test_post_cannot_be_published_without_review(world: World) -> None:
    post = _draft(world)
    with pytest.raises(services.IllegalTransition):
        services.post_set_state(post=post, state=PostState.PUBLISHED, actor=world.operator)
    assert NewsPost.objects.get(pk=post.pk).state == PostState.DRAFT


def test_published_post_edit_is_audited_and_moves_updated_at(world: World) -> None:
    post = make_post(world.operator_org)
    before = post.updated_at
    vision = technology()
    changed = services.post_update(
        actor=world.operator,
        post=post,
        data={**DATA, "title": "고친 제목"},
        technologies=[vision],
    )
    assert changed.updated_at > before
    event = AuditEvent.objects.get(action="news.update")
    assert (event.before, event.after) == (
        {
            "title": "인공지능 실증 지원사업 공고",
            "summary": "요약",
            "body": "본문입니다.",
            "technologies": [],
        },
        {
            "title": "고친 제목",
            "summary": DATA["summary"],
            "body": "본문",
            "technologies": [vision.pk],
        },
    )


def test_post_update_without_change_writes_nothing(world: World) -> None:
    post = make_post(world.operator_org, summary=DATA["summary"], body="본문")
    before = post.updated_at
    services.post_update(
        actor=world.operator,
        post=post,
        data={**DATA, "title": post.title},
        technologies=[],
    )
    assert (NewsPost.objects.get(pk=post.pk).updated_at, AuditEvent.objects.count()) == (
        before,
        0,
    )


def test_post_in_review_cannot_change(world: World) -> None:
    post = make_post(world.operator_org, state=PostState.IN_REVIEW)
    with pytest.raises(services.PostLocked):
        services.post_update(actor=world.operator, post=post, data=DATA, technologies=[])


def test_crosspost_shows_with_attribution_and_follows_edits(world: World) -> None:
    post = make_post(world.operator_org, title="시 공지")
    assert access.crosspost_org_ids(world.chapter_staff, post) == {world.chapter.pk}
    assert access.crosspost_org_ids(world.operator, post) == set()
    crosspost = services.crosspost_create(
        actor=world.chapter_staff, post=post, organization=world.chapter, note="회원사 필독"
    )
    services.post_update(
        actor=world.operator, post=post, data={**DATA, "title": "시 공지 (수정)"}, technologies=[]
    )
    items = selectors.organization_news(world.chapter, None, 10)
    assert [(i.post.title, i.crosspost) for i in items] == [("시 공지 (수정)", crosspost)]
    assert NewsPost.objects.count() == 1  # referenced, never copied
    assert world.operator.notifications.filter(kind="news.shared").count() == 1


def test_crosspost_twice_is_refused_and_withdrawal_hides_it(world: World) -> None:
    post = make_post(world.operator_org)
    crosspost = services.crosspost_create(
        actor=world.chapter_staff, post=post, organization=world.chapter
    )
    with pytest.raises(services.AlreadyShared):
        services.crosspost_create(actor=world.chapter_staff, post=post, organization=world.chapter)
    services.crosspost_withdraw(actor=world.chapter_staff, crosspost=crosspost)
    assert selectors.organization_news(world.chapter, None, 10) == []
    again = services.crosspost_create(
        actor=world.chapter_staff, post=post, organization=world.chapter
    )
    assert (again.pk, again.withdrawn_at) == (crosspost.pk, None)
    assert list(
        AuditEvent.objects.filter(object_id=str(post.pk))
        .order_by("pk")
        .values_list("action", flat=True)
    ) == ["news.crosspost_create", "news.crosspost_withdraw", "news.crosspost_create"]


def test_crosspost_of_an_unpublished_post_is_refused(world: World) -> None:
    post = make_post(world.operator_org, state=PostState.IN_REVIEW)
    assert access.crosspost_org_ids(world.chapter_staff, post) == set()
    with pytest.raises(services.IllegalTransition):
        services.crosspost_create(actor=world.chapter_staff, post=post, organization=world.chapter)
    assert CrossPost.objects.count() == 0


def test_withdrawn_post_disappears_with_its_crossposts(world: World) -> None:
    post = make_post(world.operator_org)
    services.crosspost_create(actor=world.chapter_staff, post=post, organization=world.chapter)
    services.post_set_state(post=post, state=PostState.WITHDRAWN, actor=world.operator)
    assert selectors.organization_news(world.chapter, None, 10) == []
    assert list(selectors.published_posts(None)) == []
    assert access.post_view_level(world.owner, post) == 0


def test_company_members_cannot_write_news(world: World) -> None:
    assert (access.can_publish_for(world.owner), access.staff_org_ids(world.owner)) == (
        False,
        set(),
    )
