"""The weekly digest: subscriptions, what each subscriber's e-mail gathers, sending it at most
once a week, and the one-click unsubscribe (RFC 8058) with a signed token.

What a digest holds is asked of the visibility rules with the subscriber as the viewer
(`posts_at_least`, `events_at_least`), so a digest never shows what its reader may not see.
"""

from __future__ import annotations

import datetime as dt
import logging
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

from django.conf import settings
from django.core import signing
from django.core.mail import EmailMultiAlternatives, get_connection
from django.db import transaction
from django.db.models import Q
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from bitgoeul.accounts.models import Organization, User
from bitgoeul.audit.services import audit_record
from bitgoeul.companies.models import Technology
from bitgoeul.core.visibility import ViewLevel
from bitgoeul.promotion import access
from bitgoeul.promotion.enums import EventState, PostState, Topic
from bitgoeul.promotion.models import DigestSubscription, Event, NewsPost
from bitgoeul.promotion.selectors_news import event_url, hosted_q, shared_by_q

logger = logging.getLogger(__name__)

# The salt keeps a token signed for another purpose (or another app) from unsubscribing.
UNSUBSCRIBE_SALT = "bitgoeul.promotion.digest.unsubscribe"
WEEK = dt.timedelta(days=7)
# Upcoming events a digest lists: those starting within the next two weeks.
EVENTS_AHEAD = dt.timedelta(days=14)


# --- subscriptions -----------------------------------------------------------------------------


def _choices(subscription: DigestSubscription) -> dict[str, Any]:
    return {
        "is_active": subscription.is_active,
        "organizations": sorted(subscription.organizations.values_list("pk", flat=True)),
        "topics": sorted(subscription.topics),
        "technologies": sorted(subscription.technologies.values_list("pk", flat=True)),
    }


@transaction.atomic
def digest_subscription_save(
    *,
    actor: Any,
    user: User,
    is_active: bool,
    organizations: Sequence[Organization],
    topics: Sequence[str],
    technologies: Sequence[Technology],
) -> DigestSubscription:
    """Create or change the user's subscription; the audit lists only what changed."""
    unknown = set(topics) - set(Topic.values)
    if unknown:
        raise ValueError(f"unknown topics {sorted(unknown)}")
    subscription, created = DigestSubscription.objects.select_for_update().get_or_create(
        user=user, defaults={"is_active": is_active}
    )
    before = {} if created else _choices(subscription)
    subscription.is_active = is_active
    subscription.topics = sorted(set(topics))
    if is_active:
        subscription.unsubscribed_at = None
    elif subscription.unsubscribed_at is None and not created:
        subscription.unsubscribed_at = timezone.now()
    subscription.save()
    subscription.organizations.set(organizations)
    subscription.technologies.set(technologies)
    after = _choices(subscription)
    changed = [k for k in after if after.get(k) != before.get(k)]
    if changed:
        audit_record(
            actor=actor,
            action="digest.subscribe",
            obj=subscription,
            before={k: before[k] for k in changed if k in before},
            after={k: after[k] for k in changed},
        )
    return subscription


def unsubscribe_token(subscription: DigestSubscription) -> str:
    """A signed token naming the subscriber, for the link in each e-mail: the same for every
    e-mail of the subscriber, and without expiry (an old e-mail's link must still work)."""
    return signing.Signer(salt=UNSUBSCRIBE_SALT).sign_object(
        {"u": subscription.user_id}, compress=True
    )


def subscription_for_token(token: str) -> DigestSubscription | None:
    """The subscription a token names; None for a tampered, foreign or unknown token."""
    try:
        payload = signing.Signer(salt=UNSUBSCRIBE_SALT).unsign_object(token)
    except signing.BadSignature:
        return None
    if not isinstance(payload, dict) or not isinstance(payload.get("u"), int):
        return None
    return DigestSubscription.objects.filter(user_id=payload["u"]).first()


def unsubscribe_url(subscription: DigestSubscription) -> str:
    return settings.BASE_URL + reverse(
        "promotion:digest_unsubscribe", args=[unsubscribe_token(subscription)]
    )


@transaction.atomic
def digest_unsubscribe(*, subscription: DigestSubscription, actor: Any = None) -> bool:
    """Turn the digest off; False when it was already off (nothing written)."""
    current = DigestSubscription.objects.select_for_update().get(pk=subscription.pk)
    if not current.is_active:
        return False
    current.is_active, current.unsubscribed_at = False, timezone.now()
    current.save(update_fields=["is_active", "unsubscribed_at"])
    audit_record(
        actor=actor,
        action="digest.unsubscribe",
        obj=current,
        before={"is_active": True},
        after={"is_active": False},
    )
    subscription.is_active, subscription.unsubscribed_at = False, current.unsubscribed_at
    return True


# --- contents ----------------------------------------------------------------------------------


@dataclass
class Digest:
    subscription: DigestSubscription
    posts: list[NewsPost] = field(default_factory=list)
    events: list[Event] = field(default_factory=list)

    @property
    def is_empty(self) -> bool:
        return not self.posts and not self.events


def digest_contents(subscription: DigestSubscription, now: dt.datetime) -> Digest:
    """The week's published news and the next two weeks' events that match the subscriber's
    choices (an empty group matches everything) and that the subscriber may see. The week
    starts at the last digest sent, or seven days ago if that is later."""
    user = subscription.user
    since = now - WEEK
    if subscription.last_sent_at and subscription.last_sent_at > since:
        since = subscription.last_sent_at
    org_ids = list(subscription.organizations.values_list("pk", flat=True))
    tech_ids = list(subscription.technologies.values_list("pk", flat=True))
    posts = NewsPost.objects.filter(
        access.posts_at_least(user, ViewLevel.PUBLIC),
        state=PostState.PUBLISHED,
        published_at__gte=since,
        published_at__lt=now,
    )
    events = Event.objects.filter(
        access.events_at_least(user, ViewLevel.PUBLIC),
        state=EventState.PUBLISHED,
        starts_at__gte=now,
        starts_at__lt=now + EVENTS_AHEAD,
    )
    if org_ids:
        by_org = Q()
        for org_id in org_ids:
            by_org |= shared_by_q(org_id)
        posts = posts.filter(pk__in=NewsPost.objects.filter(by_org).values("pk"))
        hosted = Q()
        for org_id in org_ids:
            hosted |= hosted_q(org_id)
        events = events.filter(hosted)
    if subscription.topics:
        posts = posts.filter(topic__in=subscription.topics)
        events = events.filter(topic__in=subscription.topics)
    if tech_ids:
        posts = posts.filter(technologies__pk__in=tech_ids)
        events = events.filter(technologies__pk__in=tech_ids)
    return Digest(
        subscription=subscription,
        posts=list(
            posts.distinct().select_related("organization").order_by("-published_at", "-pk")
        ),
        events=list(events.distinct().select_related("organizer").order_by("starts_at", "pk")),
    )


# --- sending -----------------------------------------------------------------------------------


@dataclass
class DigestRun:
    sent: int = 0
    empty: int = 0
    failed: int = 0


def _due_q(now: dt.datetime) -> Q:
    return Q(last_sent_at__isnull=True) | Q(last_sent_at__lte=now - WEEK)


def digests_due(now: dt.datetime) -> Any:
    """Active subscriptions of active users not sent a digest in the last seven days."""
    return (
        DigestSubscription.objects.filter(is_active=True, user__is_active=True)
        .filter(_due_q(now))
        .select_related("user")
        .order_by("pk")
    )


def digest_message(digest: Digest) -> EmailMultiAlternatives:
    """The e-mail (plain text and HTML) in the subscriber's language, with the RFC 8058 headers
    that let a mail client unsubscribe with one click."""
    subscription = digest.subscription
    user = subscription.user
    with translation.override(user.language or settings.LANGUAGE_CODE):
        language = translation.get_language() or "ko"
        context = {
            "digest": digest,
            "language": language,
            "base_url": settings.BASE_URL,
            "unsubscribe_url": unsubscribe_url(subscription),
            "settings_url": settings.BASE_URL + reverse("promotion:digest"),
            "posts": [
                (post, settings.BASE_URL + reverse("promotion:news_detail", args=[post.pk]))
                for post in digest.posts
            ],
            "events": [(event, settings.BASE_URL + event_url(event.pk)) for event in digest.events],
        }
        subject = _("[Bitgoeul] This week's news and events")
        text = render_to_string("promotion/news/digest_email.txt", context)
        html = render_to_string("promotion/news/digest_email.html", context)
    message = EmailMultiAlternatives(
        subject,
        text,
        None,
        [user.email],
        headers={
            "List-Unsubscribe": f"<{context['unsubscribe_url']}>",
            "List-Unsubscribe-Post": "List-Unsubscribe=One-Click",
        },
    )
    message.attach_alternative(html, "text/html")
    return message


def digest_send(*, now: dt.datetime | None = None, dry_run: bool = False) -> DigestRun:
    """Send each due subscriber one digest (nothing when nothing matches) and record
    `last_sent_at`. Two runs at once cannot send a subscriber two e-mails: each first claims
    the subscription with one conditional UPDATE of `last_sent_at` (the database lets one
    writer through; the other then finds it no longer due), and the claim is undone when
    nothing matched, in a dry run, or when the e-mail could not be sent (due for the next run).
    """
    now = now or timezone.now()
    run = DigestRun()
    connection = get_connection()
    for subscription in list(digests_due(now)):
        with transaction.atomic():
            claimed = (
                DigestSubscription.objects.filter(pk=subscription.pk, is_active=True)
                .filter(_due_q(now))
                .update(last_sent_at=now)
            )
            if not claimed:
                continue  # another run sent it meanwhile, or it was turned off
            # the contents start from the last digest before this claim
            digest = digest_contents(subscription, now)
            if digest.is_empty or dry_run:
                run.empty += digest.is_empty
                run.sent += not digest.is_empty
                transaction.set_rollback(True)
                continue
            try:
                connection.send_messages([digest_message(digest)])
            except Exception:  # one bad address or a mail server hiccup must not stop the run
                logger.exception("weekly digest %s was not sent", subscription.pk)
                run.failed += 1
                transaction.set_rollback(True)
                continue
            run.sent += 1
    return run
