"""The fields each role receives of a news post on the post page, in `GET /api/v1/news` and in
the feeds: the news half of the field harness (tests/companies/field_rules.py does companies).

Expectations are written out here, independently of `access.POST_FIELDS`, so that a change of
the rule or a surface that stops asking it shows up as a difference (`news_field_leaks`)."""

from __future__ import annotations

from django.test import Client
from django.urls import reverse

from bitgoeul.promotion.enums import PostState
from bitgoeul.promotion.models import NewsPost
from tests.conftest import ROLES, World
from tests.promotion.factories_news import make_post, staff_of

PUBLIC, PRIVATE = "public", "private"
# the city's post: its staff (operator) see it privately, everyone else publicly
LEVELS = {role: (PRIVATE if role == "operator" else PUBLIC) for role in ROLES}
# each field's value in the scene (text that appears on a page) → the level that shows it
PAGE_VALUES = {
    "title": ("공동홍보 필드 점검 공지", PUBLIC),
    "body": ("필드 점검 본문 문장", PUBLIC),
    "state": ("게시됨", PRIVATE),
    "review_note": ("내부 검토 의견 문장", PRIVATE),
}
API_FIELDS = {"title": PUBLIC, "body": PUBLIC, "published_at": PUBLIC, "state": PRIVATE}
API_FIELDS |= {"review_note": PRIVATE}


def news_scene(world: World) -> NewsPost:
    return make_post(
        world.operator_org,
        title=PAGE_VALUES["title"][0],
        body=PAGE_VALUES["body"][0],
        review_note=PAGE_VALUES["review_note"][0],
        state=PostState.PUBLISHED,
        author=staff_of(world.operator_org),
    )


def _shows(level: str, minimum: str) -> bool:
    return minimum == PUBLIC or level == PRIVATE


def news_field_leaks(world: World, post: NewsPost, roles: list[str] = ROLES) -> list[str]:
    problems: list[str] = []
    for role in roles:
        client = Client()
        user = world.user(role)
        if user is not None:
            client.force_login(user)
        level = LEVELS[role]
        page = client.get(reverse("promotion:news_detail", args=[post.pk])).content.decode()
        for name, (text, minimum) in PAGE_VALUES.items():
            if (text in page) != _shows(level, minimum):
                problems.append(f"page {role}: {name} {'shown' if text in page else 'hidden'}")
        (item,) = client.get("/api/v1/news").json()["items"]
        for name, minimum in API_FIELDS.items():
            if (item[name] is not None) != _shows(level, minimum):
                problems.append(f"api {role}: {name} {'shown' if item[name] else 'hidden'}")
        for feed in ("promotion:feed_news", "promotion:feed_organization_news"):
            kwargs = {"org_id": world.operator_org.pk} if "organization" in feed else {}
            body = client.get(reverse(feed, kwargs=kwargs)).content.decode()
            if PAGE_VALUES["review_note"][0] in body:
                problems.append(f"feed {role}: review_note shown")
    return problems
