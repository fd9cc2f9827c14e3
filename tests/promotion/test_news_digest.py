"""The weekly digest: what each subscriber gets (their choices and what they may see), nothing
when nothing matches, at most once a week, the RFC 8058 headers, and the signed unsubscribe link
(one click by POST; GET only asks; tampered and foreign tokens refused)."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.conf import settings
from django.core import mail, signing
from django.core.mail import EmailMultiAlternatives
from django.core.mail.backends.base import BaseEmailBackend
from django.core.management import call_command
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from bitgoeul.audit.models import AuditEvent
from bitgoeul.promotion.enums import Audience, EventState, PostState, Topic
from bitgoeul.promotion.models import DigestSubscription, EventCoHost
from bitgoeul.promotion.services import digest as services
from bitgoeul.promotion.services.news import crosspost_create
from tests.conftest import World
from tests.promotion.factories_news import make_event, make_post, technology


def _subscribe(user: Any, **choices: Any) -> DigestSubscription:
    return services.digest_subscription_save(
        actor=user,
        user=user,
        is_active=True,
        organizations=choices.get("organizations", []),
        topics=choices.get("topics", []),
        technologies=choices.get("technologies", []),
    )


def _titles(subscription: DigestSubscription) -> tuple[list[str], list[str]]:
    digest = services.digest_contents(subscription, timezone.now())
    return [p.title for p in digest.posts], [e.title for e in digest.events]


def test_digest_gathers_the_chosen_organisations_including_what_they_share(
    world: World,
) -> None:
    city = make_post(world.operator_org, title="시 공지")
    make_post(world.chapter, title="지회 소식")
    make_post(world.other_chapter, title="부산 소식")
    crosspost_create(actor=world.chapter_staff, post=city, organization=world.chapter)
    make_event(world.chapter, title="지회 설명회")
    cohosted = make_event(world.operator_org, title="시 행사, 지회 공동")
    EventCoHost.objects.create(event=cohosted, organization=world.chapter, state="accepted")
    make_event(world.other_chapter, title="부산 행사")
    subscription = _subscribe(world.owner, organizations=[world.chapter])
    posts, events = _titles(subscription)
    assert (sorted(posts), sorted(events)) == (
        ["시 공지", "지회 소식"],
        ["시 행사, 지회 공동", "지회 설명회"],
    )


def test_digest_topics_and_technologies_narrow_it(world: World) -> None:
    vision = technology()
    tagged = make_post(world.operator_org, title="비전 AI 공고", topic=Topic.FUNDING)
    tagged.technologies.set([vision])
    make_post(world.operator_org, title="투자 소식", topic=Topic.INVESTMENT)
    make_post(world.operator_org, title="태그 없는 공고", topic=Topic.FUNDING)
    assert _titles(_subscribe(world.owner, topics=[Topic.FUNDING]))[0] == [
        "태그 없는 공고",
        "비전 AI 공고",
    ]
    assert _titles(_subscribe(world.teammate, technologies=[vision]))[0] == ["비전 AI 공고"]


def test_digest_shows_only_what_the_subscriber_may_see_and_this_weeks_news(world: World) -> None:
    make_event(
        world.chapter, title="지회 교육", audience=Audience.CHAPTER, audience_chapter=world.chapter
    )
    make_event(world.operator_org, title="초안", state=EventState.DRAFT)
    make_event(world.operator_org, title="취소", state=EventState.CANCELLED)
    make_event(
        world.operator_org, title="한 달 뒤", starts_at=timezone.now() + dt.timedelta(days=30)
    )
    make_event(
        world.operator_org, title="지난 행사", starts_at=timezone.now() - dt.timedelta(days=3)
    )
    make_post(
        world.operator_org, title="지난달 소식", published_at=timezone.now() - dt.timedelta(days=20)
    )
    make_post(world.operator_org, title="검토 중", state=PostState.IN_REVIEW)
    # the Gwangju company's member sees the chapter's training; the Busan company's does not
    assert _titles(_subscribe(world.owner)) == ([], ["지회 교육"])
    assert _titles(_subscribe(world.outsider)) == ([], [])


def test_digest_send_mails_once_a_week_with_one_click_unsubscribe_headers(world: World) -> None:
    make_post(world.operator_org, title="시 공지")
    subscription = _subscribe(world.owner)
    _subscribe(world.outsider, organizations=[world.other_chapter])  # nothing for them
    now = timezone.now()
    run = services.digest_send(now=now)
    assert (run.sent, run.empty, run.failed) == (1, 1, 0)
    (message,) = mail.outbox
    assert message.to == [world.owner.email]
    token = services.unsubscribe_token(subscription)
    assert message.extra_headers == {
        "List-Unsubscribe": f"<{settings.BASE_URL}/digest/unsubscribe/{token}/>",
        "List-Unsubscribe-Post": "List-Unsubscribe=One-Click",
    }
    assert "시 공지" in str(message.body)
    assert isinstance(message, EmailMultiAlternatives)
    content, mimetype = message.alternatives[0]
    assert (mimetype, "시 공지" in str(content)) == ("text/html", True)
    subscription.refresh_from_db()
    assert subscription.last_sent_at == now

    make_post(world.operator_org, title="다음 공지", published_at=now + dt.timedelta(days=1))
    assert services.digest_send(now=now + dt.timedelta(days=6)).sent == 0
    assert services.digest_send(now=now + dt.timedelta(days=7)).sent == 1
    assert len(mail.outbox) == 2


def test_digest_command_dry_run_sends_nothing(world: World, capsys: Any) -> None:
    make_post(world.operator_org)
    _subscribe(world.owner)
    call_command("news", "digest", "--dry-run")
    assert capsys.readouterr().out == (
        "1 digests sent, 0 with nothing to send, 0 failed (dry run)\n"
    )
    assert (len(mail.outbox), DigestSubscription.objects.get().last_sent_at) == (0, None)


def test_unsubscribe_get_asks_and_post_unsubscribes_without_login(
    world: World, client: Client
) -> None:
    subscription = _subscribe(world.owner)
    url = reverse("promotion:digest_unsubscribe", args=[services.unsubscribe_token(subscription)])
    page = client.get(url)
    assert page.status_code == 200
    assert DigestSubscription.objects.get(pk=subscription.pk).is_active is True
    # a mail client's one-click POST: no session, no CSRF token
    csrf_client = Client(enforce_csrf_checks=True)
    response = csrf_client.post(url, {"List-Unsubscribe": "One-Click"})
    assert response.status_code == 200
    assert DigestSubscription.objects.get(pk=subscription.pk).is_active is False
    assert AuditEvent.objects.filter(action="digest.unsubscribe").count() == 1
    assert services.digest_send().sent == 0


def test_unsubscribe_with_a_tampered_token_changes_nothing(world: World, client: Client) -> None:
    subscription = _subscribe(world.owner)
    token = services.unsubscribe_token(subscription)
    tampered = token[:-2] + ("AA" if not token.endswith("AA") else "BB")
    response = client.post(reverse("promotion:digest_unsubscribe", args=[tampered]))
    assert response.status_code == 404
    assert DigestSubscription.objects.get(pk=subscription.pk).is_active is True


def test_unsubscribe_token_of_another_purpose_or_user_leaves_others_subscribed(
    world: World, client: Client
) -> None:
    mine = _subscribe(world.owner)
    theirs = _subscribe(world.teammate)
    foreign = signing.Signer(salt="another.purpose").sign_object({"u": world.owner.pk})
    assert client.post(reverse("promotion:digest_unsubscribe", args=[foreign])).status_code == 404
    # signed in as the teammate, the owner's link unsubscribes the owner only
    client.force_login(world.teammate)
    client.post(reverse("promotion:digest_unsubscribe", args=[services.unsubscribe_token(mine)]))
    assert (
        DigestSubscription.objects.get(pk=mine.pk).is_active,
        DigestSubscription.objects.get(pk=theirs.pk).is_active,
    ) == (False, True)


def test_digest_settings_page_saves_choices(world: World, client: Client) -> None:
    client.force_login(world.owner)
    assert client.get(reverse("promotion:digest")).status_code == 200
    response = client.post(
        reverse("promotion:digest"),
        {"is_active": "on", "organizations": [world.chapter.pk], "topics": [Topic.FUNDING]},
    )
    assert response.status_code == 302
    subscription = DigestSubscription.objects.get(user=world.owner)
    assert (
        subscription.is_active,
        list(subscription.organizations.all()),
        subscription.topics,
    ) == (True, [world.chapter], [Topic.FUNDING])


class RefusingBackend(BaseEmailBackend):
    """A mail server that is down (the outside world)."""

    def send_messages(self, email_messages: Any) -> int:
        raise ConnectionRefusedError("smtp down")


def test_digest_not_sent_stays_due_for_the_next_run(world: World, settings: Any) -> None:
    make_post(world.operator_org, title="시 공지")
    subscription = _subscribe(world.owner)
    settings.EMAIL_BACKEND = f"{__name__}.RefusingBackend"
    run = services.digest_send()
    assert (
        run.sent,
        run.failed,
        DigestSubscription.objects.get(pk=subscription.pk).last_sent_at,
    ) == (
        0,
        1,
        None,
    )
    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
    assert (services.digest_send().sent, len(mail.outbox)) == (1, 1)
