from __future__ import annotations

import datetime as dt

from django.conf import settings
from django.utils import timezone

from bitgoeul.jobs.models import WorkerHeartbeat


def worker_last_seen() -> dt.datetime | None:
    beat = WorkerHeartbeat.objects.order_by("-last_seen").first()
    return beat.last_seen if beat else None


def worker_is_alive() -> bool:
    last = worker_last_seen()
    stale = dt.timedelta(seconds=settings.WORKER_HEARTBEAT_STALE_SECONDS)
    return last is not None and timezone.now() - last < stale
