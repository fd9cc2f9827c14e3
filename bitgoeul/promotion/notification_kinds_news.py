"""The notification kinds of news posts, registered from `ready()`. Review notices go to the
post's organisation's staff and author, whose access is PRIVATE (`post_view_level`); `can_see`
asks that rule."""

from __future__ import annotations

from typing import Any

from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from bitgoeul.accounts.models import User
from bitgoeul.accounts.selectors import organization_users
from bitgoeul.core.visibility import ViewLevel
from bitgoeul.notifications.registry import Kind, kind_register
from bitgoeul.notifications.services import notify
from bitgoeul.promotion import access
from bitgoeul.promotion.enums import PostState
from bitgoeul.promotion.models import CrossPost, NewsPost

SUBMITTED = "news.submitted"
REVIEWED = "news.reviewed"
SHARED = "news.shared"
RELATED = ("organization",)


def _link(post: NewsPost) -> str:
    return reverse("promotion:news_detail", args=[post.pk])


def _title(post: NewsPost) -> str:
    return post.title


def _can_see_private(user: Any, post: NewsPost) -> bool:
    return access.post_view_level(user, post) >= ViewLevel.PRIVATE


def _submitted_text(post: NewsPost, params: dict[str, Any]) -> str:
    return _("%(author)s submitted a news post for review.") % {"author": params.get("author", "")}


def _reviewed_text(post: NewsPost, params: dict[str, Any]) -> str:
    if params.get("state") == PostState.PUBLISHED:
        return _("Your news post was published.")
    return _("Your news post was returned for changes. Note: %(note)s") % {
        "note": params.get("note", "")
    }


def _shared_text(post: NewsPost, params: dict[str, Any]) -> str:
    return _("%(organization)s shared your organisation's news post.") % {
        "organization": params.get("organization", "")
    }


for kind in (
    Kind(
        code=SUBMITTED,
        label=gettext_lazy("A news post awaits your review"),
        model="promotion.newspost",
        text=_submitted_text,
        link=_link,
        title=_title,
        can_see=_can_see_private,
        select_related=RELATED,
        email_default=True,
    ),
    Kind(
        code=REVIEWED,
        label=gettext_lazy("The review of your news post"),
        model="promotion.newspost",
        text=_reviewed_text,
        link=_link,
        title=_title,
        can_see=_can_see_private,
        select_related=RELATED,
        email_default=True,
    ),
    Kind(
        code=SHARED,
        label=gettext_lazy("Another organisation shared your news"),
        model="promotion.newspost",
        text=_shared_text,
        link=_link,
        title=_title,
        can_see=_can_see_private,
        select_related=RELATED,
    ),
):
    kind_register(kind)


def _staff(post: NewsPost) -> list[User]:
    return organization_users({post.organization_id}, roles=sorted(access.STAFF_ROLES))


def post_submitted_notify(*, post: NewsPost, actor: Any) -> int:
    """The organisation's staff other than the one who submitted it."""
    author = getattr(actor, "name", "") or getattr(actor, "email", "")
    recipients = [u for u in _staff(post) if u.pk != getattr(actor, "pk", None)]
    return notify(
        recipients=recipients, kind=SUBMITTED, obj=post, params={"author": author}, actor=actor
    )


def post_reviewed_notify(*, post: NewsPost, actor: Any) -> int:
    recipients = [post.author] if post.author is not None else []
    return notify(
        recipients=recipients,
        kind=REVIEWED,
        obj=post,
        params={"state": post.state, "note": post.review_note},
        actor=actor,
    )


def post_shared_notify(*, post: NewsPost, crosspost: CrossPost, actor: Any) -> int:
    return notify(
        recipients=_staff(post),
        kind=SHARED,
        obj=post,
        params={"organization": crosspost.organization.name},
        actor=actor,
    )
