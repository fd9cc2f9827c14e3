"""The news area's rows of the URL × role table (tests/test_url_access.py).

Posts here belong to the city office (operator staff write and review them); the Gwangju
chapter's staff share them. A draft or a post in review is unknown (404) outside its
organisation's staff; a published post is public, and acts on it by others are refused (403).
Feeds, the calendar and organisation pages are public; the digest settings need a sign-in; the
unsubscribe link works for anyone holding it."""

from __future__ import annotations

from typing import Any

from bitgoeul.promotion.enums import PostState
from bitgoeul.promotion.models import CrossPost
from bitgoeul.promotion.services import digest
from tests.conftest import World
from tests.promotion.factories_news import make_post, staff_of
from tests.test_url_access import Rule, everyone, only, signed_in


def _post(w: World, state: str = PostState.PUBLISHED, author: Any = None) -> dict[str, Any]:
    return {"post_id": make_post(w.operator_org, state=state, author=author or w.operator).pk}


def _in_review_by_colleague(w: World) -> dict[str, Any]:
    return _post(w, PostState.IN_REVIEW, staff_of(w.operator_org))


def _crosspost(w: World) -> dict[str, Any]:
    post = make_post(w.operator_org)
    shared = CrossPost.objects.create(post=post, organization=w.chapter, shared_by=w.chapter_staff)
    return {"crosspost_id": shared.pk}


def _unsubscribe_token(w: World) -> dict[str, Any]:
    subscription = digest.digest_subscription_save(
        actor=w.owner, user=w.owner, is_active=True, organizations=[], topics=[], technologies=[]
    )
    return {"token": digest.unsubscribe_token(subscription)}


STAFF_PAGE = only({"chapter_staff": 200, "operator": 200}, otherwise=403)
CITY_ACT_ON_PUBLISHED = only({"operator": 302}, otherwise=403)
CITY_ACT_ON_UNPUBLISHED = only({"operator": 302}, otherwise=404)

RULES: dict[str, Rule] = {
    "promotion:news_list": Rule(everyone(200)),
    "promotion:news_mine": Rule(STAFF_PAGE),
    "promotion:news_create": Rule(STAFF_PAGE),
    "promotion:news_detail": Rule(everyone(200), kwargs=_post),
    "promotion:news_edit": Rule(only({"operator": 200}, otherwise=403), kwargs=_post),
    "promotion:news_submit": Rule(
        CITY_ACT_ON_UNPUBLISHED, method="post", kwargs=lambda w: _post(w, PostState.DRAFT)
    ),
    "promotion:news_review": Rule(
        CITY_ACT_ON_UNPUBLISHED,
        method="post",
        kwargs=_in_review_by_colleague,
        data=lambda w: {"decision": "publish"},
    ),
    "promotion:news_withdraw": Rule(CITY_ACT_ON_PUBLISHED, method="post", kwargs=_post),
    "promotion:news_share": Rule(
        only({"chapter_staff": 302}, otherwise=403),
        method="post",
        kwargs=_post,
        data=lambda w: {"organization": w.chapter.pk, "note": ""},
    ),
    "promotion:crosspost_withdraw": Rule(
        only({"chapter_staff": 302}, otherwise=403), method="post", kwargs=_crosspost
    ),
    "promotion:organization": Rule(everyone(200), kwargs=lambda w: {"org_id": w.chapter.pk}),
    "promotion:calendar": Rule(everyone(200)),
    "promotion:feed_news": Rule(everyone(200)),
    "promotion:feed_events": Rule(everyone(200)),
    "promotion:feed_events_ics": Rule(everyone(200)),
    "promotion:feed_organization_news": Rule(
        everyone(200), kwargs=lambda w: {"org_id": w.chapter.pk}
    ),
    "promotion:feed_organization_events": Rule(
        everyone(200), kwargs=lambda w: {"org_id": w.chapter.pk}
    ),
    "promotion:feed_organization_events_ics": Rule(
        everyone(200), kwargs=lambda w: {"org_id": w.chapter.pk}
    ),
    "promotion:digest": Rule(signed_in(200)),
    "promotion:digest_unsubscribe": Rule(everyone(200), kwargs=_unsubscribe_token),
    "api-1:news_list": Rule(everyone(200)),
}
