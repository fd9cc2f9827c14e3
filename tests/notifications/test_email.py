"""Preferences per kind and channel; e-mail after commit, in the recipient's language."""

from __future__ import annotations

from typing import Any

from django.db import transaction

from bitgoeul.companies.models import Company
from bitgoeul.companies.notification_kinds import SCORE_JUMP
from bitgoeul.notifications.models import Notification
from bitgoeul.notifications.services import notification_preferences_set, notify
from tests.conftest import World

JUMP = {"before": 65.5, "after": 98.7}


def _choose(user: Any, in_app: bool, email: bool) -> None:
    notification_preferences_set(user=user, choices={SCORE_JUMP: (in_app, email)}, actor=user)


def test_by_default_a_score_jump_is_in_the_app_only(
    world: World, company: Company, django_capture_on_commit_callbacks: Any, mailoutbox: list
) -> None:
    with django_capture_on_commit_callbacks(execute=True):
        sent = notify(recipients=[world.operator], kind=SCORE_JUMP, obj=company, params=JUMP)
    assert (sent, len(mailoutbox)) == (1, 0)


def test_in_app_off_writes_no_row_and_email_on_sends_one(
    world: World, company: Company, django_capture_on_commit_callbacks: Any, mailoutbox: list
) -> None:
    _choose(world.operator, in_app=False, email=True)
    with django_capture_on_commit_callbacks(execute=True):
        sent = notify(recipients=[world.operator], kind=SCORE_JUMP, obj=company, params=JUMP)
    assert (sent, Notification.objects.count(), [m.to for m in mailoutbox]) == (
        0,
        0,
        [[world.operator.email]],
    )


def test_email_off_sends_no_mail(
    world: World, company: Company, django_capture_on_commit_callbacks: Any, mailoutbox: list
) -> None:
    _choose(world.operator, in_app=True, email=True)
    _choose(world.operator, in_app=True, email=False)
    with django_capture_on_commit_callbacks(execute=True):
        notify(recipients=[world.operator], kind=SCORE_JUMP, obj=company, params=JUMP)
    assert (Notification.objects.count(), len(mailoutbox)) == (1, 0)


def test_email_waits_for_the_commit(
    world: World, company: Company, django_capture_on_commit_callbacks: Any, mailoutbox: list
) -> None:
    _choose(world.operator, in_app=True, email=True)
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        with transaction.atomic():
            notify(recipients=[world.operator], kind=SCORE_JUMP, obj=company, params=JUMP)
        assert len(mailoutbox) == 0
    assert len(callbacks) == 1


def test_email_is_written_in_each_recipients_language(
    world: World, company: Company, django_capture_on_commit_callbacks: Any, mailoutbox: list
) -> None:
    world.operator.language = "en"
    world.operator.save(update_fields=["language"])
    for user in (world.owner, world.operator):
        _choose(user, in_app=True, email=True)
    with django_capture_on_commit_callbacks(execute=True):
        notify(recipients=[world.owner, world.operator], kind=SCORE_JUMP, obj=company, params=JUMP)
    mails = sorted(mailoutbox, key=lambda m: m.to[0] != world.owner.email)
    assert [(m.to, m.subject, m.body.splitlines()[1]) for m in mails] == [
        (
            [world.owner.email],
            "[빛고을] 관심기업의 잠재력 점수 변동: (주)빛고을에이아이",
            "잠재력 점수가 65.5점에서 98.7점으로 바뀌었습니다",
        ),
        (
            [world.operator.email],
            "[Bitgoeul] A watched company's potential score changed: (주)빛고을에이아이",
            "Potential score moved from 65.5 to 98.7",
        ),
    ]
    assert f"/companies/{company.pk}/" in mails[0].body
