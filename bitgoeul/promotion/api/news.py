"""The news API of the promotion app: `GET /api/v1/news`, the published posts anyone may read
(each field as `POST_FIELDS` shows it at the caller's level), with the organisations that share
each post."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.http import HttpRequest
from django.urls import reverse
from ninja import Query, Router, Schema
from pydantic import Field

from bitgoeul.accounts.api_auth import SessionAuth, TokenAuth
from bitgoeul.promotion import access
from bitgoeul.promotion import selectors_news as selectors
from bitgoeul.promotion.enums import Topic

router = Router(tags=["news"])
MAX_LIMIT = 100


def _anyone(request: HttpRequest) -> Any:
    """Last of the authentications of public reads: a caller who sent no credentials reads as
    anonymous; one who sent a bad token is still told so (401)."""
    if request.headers.get("Authorization"):
        return None
    return request.user if request.user.is_authenticated else "anonymous"


PUBLIC = [TokenAuth(), SessionAuth(csrf=True), _anyone]


class SharedByOut(Schema):
    organization_id: int
    organization: str
    note: str
    shared_at: dt.datetime


class PostOut(Schema):
    """A published post; fields the caller's level does not show are null (`POST_FIELDS`)."""

    id: int
    url: str
    organization_id: int | None
    organization: str | None
    topic: str | None
    title: str | None
    title_en: str | None
    summary: str | None
    body: str | None
    body_en: str | None
    technologies: list[str] | None
    event: int | None
    published_at: dt.datetime | None
    updated_at: dt.datetime | None
    shared_by: list[SharedByOut] | None
    state: str | None
    review_note: str | None


class NewsFilters(Schema):
    organization: int | None = Field(None, description="its own posts and those it shares")
    topic: Topic | None = None
    technology: str | None = Field(None, description="a technology code, e.g. vision")
    q: str = Field("", max_length=100, description="words in the title, summary or body")
    limit: int = Field(20, ge=1, le=MAX_LIMIT)
    offset: int = Field(0, ge=0)


class NewsPage(Schema):
    count: int
    items: list[PostOut]


@router.get(
    "/news",
    response=NewsPage,
    url_name="news_list",
    auth=PUBLIC,
    summary="Published news posts, newest first",
)
def news_list(request: HttpRequest, filters: Query[NewsFilters]) -> dict[str, Any]:
    technology = None
    if filters.technology:
        match = selectors.active_technologies().filter(code=filters.technology).first()
        technology = match.pk if match else -1
    posts = selectors.news_search(
        request.user,  # type: ignore[arg-type]
        organization=filters.organization,
        topic=filters.topic or "",
        technology=technology,
        text=filters.q,
    )
    count = posts.count()
    items = []
    for post in posts[filters.offset : filters.offset + filters.limit]:
        level = access.post_view_level(request.user, post)  # type: ignore[arg-type]
        values = {
            "organization_id": post.organization_id,
            "organization": post.organization.name,
            "topic": post.topic,
            "title": post.title,
            "title_en": post.title_en,
            "summary": post.summary,
            "body": post.body,
            "body_en": post.body_en,
            "technologies": [t.code for t in post.technologies.all()],
            "event": post.event_id,
            "published_at": post.published_at,
            "updated_at": post.updated_at,
            "shared_by": [
                {
                    "organization_id": c.organization_id,
                    "organization": c.organization.name,
                    "note": c.note,
                    "shared_at": c.shared_at,
                }
                for c in post.live_crossposts  # type: ignore[attr-defined]
            ],
            "state": post.state,
            "review_note": post.review_note,
        }
        redacted = access.POST_FIELDS.redact(values, level)
        url = reverse("promotion:news_detail", args=[post.pk])
        items.append({"id": post.pk, "url": url, **redacted})
    return {"count": count, "items": items}
