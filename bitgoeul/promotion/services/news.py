"""Every write of news posts and cross-posts. Who may call which function is decided in
`promotion.access` (`can_edit_post`, `can_review_post`, `crosspost_org_ids`, …); these functions
own the states and the data.

Post flow (`TRANSITIONS`): staff write a draft and submit it for review; another staff member
(or an administrator) of the same organisation publishes it or returns it with a note; a
returned post is edited and submitted again. A published post may still be edited (the edit is
audited and shows on every page and feed that shares it: cross-posts reference the post, never
copy it) and may be withdrawn, which hides it and its cross-posts.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from django.db import transaction
from django.utils import timezone

from bitgoeul.accounts.models import Organization
from bitgoeul.audit.services import audit_record
from bitgoeul.companies.models import Technology
from bitgoeul.promotion import notification_kinds_news as notices
from bitgoeul.promotion.enums import EDITABLE_POST_STATES, PostState
from bitgoeul.promotion.models import CrossPost, NewsPost

TRANSITIONS: dict[str, set[str]] = {
    PostState.DRAFT: {PostState.IN_REVIEW, PostState.WITHDRAWN},
    PostState.RETURNED: {PostState.IN_REVIEW, PostState.WITHDRAWN},
    PostState.IN_REVIEW: {PostState.PUBLISHED, PostState.RETURNED},
    PostState.PUBLISHED: {PostState.WITHDRAWN},
    PostState.WITHDRAWN: set(),
}
CONTENT_FIELDS = ("title", "title_en", "summary", "body", "body_en", "topic", "event_id")


class IllegalTransition(ValueError):
    """A post asked to move to a state its current state does not lead to."""

    def __init__(self, current: str, wanted: str) -> None:
        super().__init__(f"a post in state {current!r} cannot move to {wanted!r}")
        self.current, self.wanted = current, wanted


class PostLocked(ValueError):
    """The post is in review or withdrawn: its content may not change."""


class AlreadyShared(ValueError):
    """The organisation already shares this post."""


def _content(post: NewsPost) -> dict[str, Any]:
    values: dict[str, Any] = {name: getattr(post, name) for name in CONTENT_FIELDS}
    values["technologies"] = sorted(t.pk for t in post.technologies.all())
    return values


@transaction.atomic
def post_create(
    *,
    actor: Any,
    organization: Organization,
    data: dict[str, Any],
    technologies: Sequence[Technology] = (),
) -> NewsPost:
    """A draft post of `organization` written by `actor` (`data`: title, title_en, summary,
    body, body_en, topic, event)."""
    now = timezone.now()
    post = NewsPost.objects.create(
        organization=organization, author=actor, created_at=now, updated_at=now, **data
    )
    post.technologies.set(technologies)
    audit_record(actor=actor, action="news.create", obj=post, after=_content(post))
    return post


@transaction.atomic
def post_update(
    *, actor: Any, post: NewsPost, data: dict[str, Any], technologies: Sequence[Technology]
) -> NewsPost:
    """Change a draft, returned or published post; `updated_at` moves (feeds' `<updated>`)
    only when something changed, and the audit lists only what changed."""
    current = NewsPost.objects.select_for_update().get(pk=post.pk)
    if current.state not in EDITABLE_POST_STATES:
        raise PostLocked(current.state)
    before = _content(current)
    for name, value in data.items():
        setattr(current, name, value)
    current.technologies.set(technologies)
    after = _content(current)
    changed = [k for k in after if after[k] != before[k]]
    if changed:
        current.updated_at = timezone.now()
        current.save()
        audit_record(
            actor=actor,
            action="news.update",
            obj=current,
            before={k: before[k] for k in changed},
            after={k: after[k] for k in changed},
        )
    return current


@transaction.atomic
def post_set_state(*, post: NewsPost, state: str, actor: Any, note: str = "") -> NewsPost:
    """Move the post along `TRANSITIONS` (the row locked, "before" read from it). Side effects,
    in the same transaction:
    - IN_REVIEW: the organisation's other staff are notified that a post awaits review;
    - PUBLISHED: who reviewed it and when it was published (first publication only keeps its
      date); the author is notified;
    - RETURNED: who reviewed it and the note; the author is notified;
    - WITHDRAWN: the post and its cross-posts disappear from every page and feed;
    - one audit event `news.set_state`."""
    current = NewsPost.objects.select_for_update().get(pk=post.pk)
    before = current.state
    if state not in TRANSITIONS[before]:
        raise IllegalTransition(before, state)
    now = timezone.now()
    user = actor if getattr(actor, "is_authenticated", False) else None
    current.state = state
    fields = ["state"]
    if state in (PostState.PUBLISHED, PostState.RETURNED):
        current.reviewed_by, current.review_note = user, note
        fields += ["reviewed_by", "review_note"]
    if state == PostState.PUBLISHED:
        current.published_at = current.published_at or now
        fields.append("published_at")
    current.save(update_fields=fields)
    audit_record(
        actor=actor,
        action="news.set_state",
        obj=current,
        before={"state": before},
        after={"state": state, "note": note},
    )
    if state == PostState.IN_REVIEW:
        notices.post_submitted_notify(post=current, actor=actor)
    elif state in (PostState.PUBLISHED, PostState.RETURNED):
        notices.post_reviewed_notify(post=current, actor=actor)
    for name in fields:
        setattr(post, name, getattr(current, name))
    return current


@transaction.atomic
def crosspost_create(
    *, actor: Any, post: NewsPost, organization: Organization, note: str = ""
) -> CrossPost:
    """`organization` republishes a published post (shown with "by <author organisation>,
    shared by <organization>" and a link to the original). Sharing again after a withdrawal
    brings the same row back; sharing twice is `AlreadyShared`; a post that is not published
    is an `IllegalTransition`."""
    current = NewsPost.objects.select_for_update().get(pk=post.pk)
    if current.state != PostState.PUBLISHED:
        raise IllegalTransition(current.state, "shared")
    if organization.pk == current.organization_id:
        raise ValueError("an organisation does not share its own post")
    existing = CrossPost.objects.filter(post=current, organization=organization).first()
    now = timezone.now()
    if existing is not None and existing.withdrawn_at is None:
        raise AlreadyShared(organization.pk)
    if existing is not None:
        crosspost = existing
        crosspost.note, crosspost.shared_by, crosspost.shared_at = note, actor, now
        crosspost.withdrawn_at = None
        crosspost.save(update_fields=["note", "shared_by", "shared_at", "withdrawn_at"])
    else:
        crosspost = CrossPost.objects.create(
            post=current, organization=organization, note=note, shared_by=actor, shared_at=now
        )
    audit_record(
        actor=actor,
        action="news.crosspost_create",
        obj=current,
        after={"organization": organization.pk, "note": note},
    )
    notices.post_shared_notify(post=current, crosspost=crosspost, actor=actor)
    return crosspost


@transaction.atomic
def crosspost_withdraw(*, actor: Any, crosspost: CrossPost) -> CrossPost:
    """The sharing organisation stops showing the post (the post itself is untouched)."""
    current = CrossPost.objects.select_for_update().get(pk=crosspost.pk)
    if current.withdrawn_at is not None:
        return current
    current.withdrawn_at = timezone.now()
    current.save(update_fields=["withdrawn_at"])
    audit_record(
        actor=actor,
        action="news.crosspost_withdraw",
        obj=current.post,
        before={"organization": current.organization_id, "shared": True},
        after={"organization": current.organization_id, "shared": False},
    )
    return current
