"""Background export of the audit trail to CSV (UTF-8 with BOM so Excel reads Korean)."""

from __future__ import annotations

import csv
import datetime as dt
from pathlib import Path

from django.conf import settings
from django.db.models import Max
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from bitgoeul.audit.selectors import actor_label, audit_event_list
from bitgoeul.core.paging import pages_by_pk
from bitgoeul.jobs.models import Job, JobStatus
from bitgoeul.jobs.presenting import download_action
from bitgoeul.jobs.registry import JobAction, JobView, job_kind
from bitgoeul.jobs.services import JobReporter

BATCH = 2000


def present_audit_export(job: Job) -> JobView:
    values = {"done": job.done, "total": job.total}
    summary = ""
    actions: tuple[JobAction, ...] = ()
    if job.status == JobStatus.SUCCEEDED and job.result_file:
        summary = (
            ngettext(
                "%(total)s event of the audit trail was written to a CSV file.",
                "%(total)s events of the audit trail were written to a CSV file.",
                job.total,
            )
            % values
        )
        actions = (download_action(job),)
    return JobView(
        title=_("Export of the audit trail"),
        summary=summary,
        progress=ngettext(
            "%(done)s of %(total)s event written", "%(done)s of %(total)s events written", job.total
        )
        % values,
        actions=actions,
    )


# Safe to run again after a lost worker: it writes a new file and renames it only when whole.
@job_kind("audit.export", retry_when_lost=True, present=present_audit_export)
def audit_export(job: Job, reporter: JobReporter) -> None:
    params = dict(job.params)
    for key in ("since", "until"):
        if params.get(key):
            params[key] = dt.date.fromisoformat(params[key])
    events = audit_event_list(**params)
    # The events as they were when the export started (the trail only grows); read in pages
    # by primary key (the order they were recorded in), so no read stays open while progress
    # is written (SQLite refuses such a write: "database is locked").
    last_pk = events.aggregate(last=Max("pk"))["last"] or 0
    events = events.filter(pk__lte=last_pk)
    total = events.count()
    reporter.progress(0, total)
    reporter.log(f"{total} events to export")
    relative = Path("exports") / f"audit-{job.pk}.csv"
    path = Path(settings.MEDIA_ROOT) / relative
    path.parent.mkdir(parents=True, exist_ok=True)
    partial = path.with_suffix(".part")
    try:
        with partial.open("w", encoding="utf-8-sig", newline="") as handle:
            writer = csv.writer(handle)
            writer.writerow(
                [
                    "at",
                    "actor",
                    "action",
                    "object_type",
                    "object_id",
                    "before",
                    "after",
                    "request_id",
                ]
            )
            done = 0
            for page in pages_by_pk(events, BATCH):
                writer.writerows(
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
                    for event in page
                )
                done += len(page)
                reporter.progress(done)
    except BaseException:
        partial.unlink(missing_ok=True)  # a full disk, a lost database: no half file is left
        raise
    partial.replace(path)  # the download link never points at half a file
    reporter.log(f"wrote {done} rows")
    reporter.result(file=str(relative), url=reverse("jobs:download", args=[job.pk]))
