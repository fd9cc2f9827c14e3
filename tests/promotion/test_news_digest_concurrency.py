"""Two digest runs at once (a cron overlap, a second host): each subscriber still gets one
e-mail. Written for any database: each run claims a subscription with one conditional UPDATE of
`last_sent_at`, and the database lets one writer through (without a claim under a lock each
subscriber got four e-mails on PostgreSQL, and sometimes two on SQLite)."""

from __future__ import annotations

import time
from concurrent.futures import ThreadPoolExecutor
from threading import Barrier

import pytest
from django.core import mail
from django.db import OperationalError, close_old_connections, connections
from django.utils import timezone

from bitgoeul.accounts.enums import MembershipRole, OrganizationKind
from bitgoeul.promotion.services import digest as services
from tests.factories import MembershipFactory, OrganizationFactory
from tests.promotion.factories_news import make_post

RUNS = 4


@pytest.mark.django_db(transaction=True)
def test_concurrent_digest_runs_send_each_subscriber_one_email() -> None:
    city = OrganizationFactory.create(kind=OrganizationKind.OPERATOR)
    make_post(city, title="시 공지")
    subscribers = [
        MembershipFactory.create(organization=city, role=MembershipRole.STAFF).user
        for _ in range(3)
    ]
    for user in subscribers:
        services.digest_subscription_save(
            actor=user, user=user, is_active=True, organizations=[], topics=[], technologies=[]
        )
    now = timezone.now()
    barrier = Barrier(RUNS)

    def run(_: int) -> str:
        close_old_connections()
        try:
            barrier.wait()
            # SQLite's shared in-memory test database answers "locked" instead of waiting:
            # run again, as cron would next time
            for _ in range(2000):
                try:
                    services.digest_send(now=now)
                    return "done"
                except OperationalError as error:
                    if "locked" not in str(error):
                        raise
                    time.sleep(0.005)
            return "gave up"
        finally:
            connections.close_all()

    with ThreadPoolExecutor(max_workers=RUNS) as pool:
        outcomes = list(pool.map(run, range(RUNS)))
    assert (outcomes, sorted(m.to[0] for m in mail.outbox)) == (
        ["done"] * RUNS,
        sorted(u.email for u in subscribers),
    )
