"""Background export of the audit trail to CSV (UTF-8 with BOM so Excel reads Korean)."""

from __future__ import annotations

import csv
import datetime as dt
from pathlib import Path

from django.conf import settings
from django.urls import reverse
from django.utils import timezone

from bitgoeul.audit.selectors import actor_label, audit_event_list
from bitgoeul.jobs.models import Job
from bitgoeul.jobs.registry import job_kind
from bitgoeul.jobs.services import JobReporter

BATCH = 2000


@job_kind("audit.export")
def audit_export(job: Job, reporter: JobReporter) -> None:
    params = dict(job.params)
    for key in ("since", "until"):
        if params.get(key):
            params[key] = dt.date.fromisoformat(params[key])
    events = audit_event_list(**params).order_by("at", "pk")
    total = events.count()
    reporter.progress(0, total)
    reporter.log(f"{total} events to export")
    relative = Path("exports") / f"audit-{job.pk}.csv"
    path = Path(settings.MEDIA_ROOT) / relative
    path.parent.mkdir(parents=True, exist_ok=True)
    with path.open("w", encoding="utf-8-sig", newline="") as handle:
        writer = csv.writer(handle)
        writer.writerow(
            ["at", "actor", "action", "object_type", "object_id", "before", "after", "request_id"]
        )
        done = 0
        for event in events.iterator(chunk_size=BATCH):
            writer.writerow(
                [
                    timezone.localtime(event.at).isoformat(),
                    actor_label(event.actor),
                    event.action,
                    event.object_type,
                    event.object_id,
                    event.before if event.before is not None else "",
                    event.after if event.after is not None else "",
                    event.request_id,
                ]
            )
            done += 1
            if done % BATCH == 0:
                reporter.progress(done)
    reporter.log(f"wrote {done} rows")
    reporter.result(file=str(relative), url=reverse("jobs:download", args=[job.pk]))
