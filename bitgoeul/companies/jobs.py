"""Background work of the companies app: imports, exports and score recomputation."""

from __future__ import annotations

import logging
import uuid
from pathlib import Path

from django.conf import settings
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from bitgoeul.companies.enums import ImportState
from bitgoeul.companies.exports import export_ids, export_write
from bitgoeul.companies.importing.isolated import read_isolated
from bitgoeul.companies.importing.readers import FileError
from bitgoeul.companies.models import CompanyImport
from bitgoeul.companies.search import SearchFilters
from bitgoeul.companies.services.importing import (
    ImportConflict,
    MappingError,
    company_import_discard_stale,
    company_import_run,
    rejected_rows_write,
)
from bitgoeul.companies.services.scoring import score_recompute
from bitgoeul.jobs.enums import JobStatus
from bitgoeul.jobs.models import Job
from bitgoeul.jobs.presenting import download_action
from bitgoeul.jobs.registry import JobAction, JobView, job_kind
from bitgoeul.jobs.runner import JobFailure
from bitgoeul.jobs.services import JobReporter

logger = logging.getLogger(__name__)


class ImportFailed(JobFailure):
    """What the job page shows when an import fails: a message for people, never the
    exception's text (that goes to the log)."""


def present_import(job: Job) -> JobView:
    """A dry run says what would be imported and offers the report and the real import; an
    import says what it wrote and opens the list."""
    upload = CompanyImport.objects.filter(pk=job.params.get("import")).first()
    name = upload.original_name if upload else ""
    dry_run = bool(job.params.get("dry_run", True))
    values = {"done": job.done, "total": job.total, "name": name}
    if dry_run:
        title = _("Check before import: %(name)s") % values
        progress = ngettext(
            "%(done)s of %(total)s row checked", "%(done)s of %(total)s rows checked", job.total
        )
    else:
        title = _("Import: %(name)s") % values
        progress = ngettext(
            "%(done)s of %(total)s row imported", "%(done)s of %(total)s rows imported", job.total
        )
    if upload is None:
        return JobView(title=title, progress=progress % values)
    report_url = reverse("companies:import_detail", args=[upload.pk])
    report = upload.report or {}
    counts = {k: int(report.get(k) or 0) for k in ("created", "updated", "rejected", "flagged")}
    counts["rows"] = job.total
    summary = ""
    actions: list[JobAction] = []
    if job.status == JobStatus.SUCCEEDED and dry_run:
        summary = (
            _(
                "Checked %(rows)s rows: %(created)s would be new companies and %(updated)s would "
                "update companies already registered; %(rejected)s rows have errors and would be "
                "left out."
            )
            % counts
        )
        actions.append(JobAction(_("See the report"), report_url, primary=not counts["created"]))
        if upload.state == ImportState.CHECKED and counts["created"] + counts["updated"]:
            actions.append(
                JobAction(
                    _("Import the valid rows"),
                    reverse("companies:import_run", args=[upload.pk]),
                    primary=True,
                    method="post",
                    fields={"skip_invalid": "on"},
                )
            )
    elif job.status == JobStatus.SUCCEEDED:
        summary = (
            _(
                "%(created)s new companies were added and %(updated)s companies were updated; "
                "%(rejected)s rows with errors were left out."
            )
            % counts
        )
        actions.append(JobAction(_("Open the company list"), reverse("companies:list"), True))
        actions.append(JobAction(_("See the report"), report_url))
        if upload.rejected_file:
            actions.append(
                JobAction(
                    _("Download the rows left out"),
                    reverse("companies:import_rejected", args=[upload.pk]),
                )
            )
    elif job.status == JobStatus.FAILED:
        actions.append(JobAction(_("Back to the import"), report_url))
    return JobView(title=title, summary=summary, progress=progress % values, actions=tuple(actions))


@job_kind("companies.import", present=present_import)
def company_import_job(job: Job, reporter: JobReporter) -> None:
    """Dry run or real run of an uploaded import (params: import, dry_run, skip_invalid)."""
    upload = CompanyImport.objects.select_related("uploaded_by").get(pk=job.params["import"])
    with translation.override(upload.uploaded_by.language):
        try:
            _import(job, reporter, upload)
        except (FileError, MappingError, ImportConflict) as exc:
            _failed(upload)
            raise ImportFailed(str(exc)) from exc
        except Exception as exc:
            logger.exception("import %s (job %s) failed", upload.pk, job.pk)
            _failed(upload)
            raise ImportFailed(
                _(
                    "The import stopped because of an error on the server; nothing was "
                    "written. Try again later, or tell the operator (job %(job)s)."
                )
                % {"job": str(job.pk)[:8]}
            ) from exc


def _failed(upload: CompanyImport) -> None:
    upload.state, upload.finished_at = ImportState.FAILED, timezone.now()
    upload.save(update_fields=["state", "finished_at"])


def _import(job: Job, reporter: JobReporter, upload: CompanyImport) -> None:
    dry_run = bool(job.params.get("dry_run", True))
    table = read_isolated(Path(settings.MEDIA_ROOT) / upload.file, upload.original_name)
    reporter.log(f"{len(table.rows)} rows ({upload.file_format}, {upload.encoding or '-'})")
    if not dry_run:
        # Batches of imports whose worker was killed (each import job writes its upload's id
        # as its batch): every batch but those of the import jobs running now.
        running = Job.objects.filter(kind="companies.import", status=JobStatus.RUNNING)
        keep = [uuid.UUID(j.params["import"]) for j in running if j.params.get("import")]
        company_import_discard_stale(actor=job.owner, keep=keep)
    report = company_import_run(
        table=table,
        mapping=upload.mapping,
        actor=job.owner,
        dry_run=dry_run,
        skip_invalid=bool(job.params.get("skip_invalid")),
        source=upload.original_name,
        progress=lambda done, total: reporter.progress(done, total),
        batch=upload.pk,
    )
    rejected = ""
    if report.rejected:
        relative = Path("imports") / f"rejected-{upload.pk}.csv"
        rejected_rows_write(table, report, Path(settings.MEDIA_ROOT) / relative)
        rejected = str(relative)
    upload.report = report.summary()
    upload.rejected_file = rejected
    upload.state = ImportState.IMPORTED if report.written else ImportState.CHECKED
    upload.finished_at = timezone.now()
    upload.save(update_fields=["report", "rejected_file", "state", "finished_at"])
    reporter.log(
        f"created {report.created}, updated {report.updated}, rejected {report.rejected}, "
        f"written: {report.written}"
    )
    reporter.result(url=reverse("companies:import_detail", args=[upload.pk]), file=rejected)


def present_export(job: Job) -> JobView:
    file_format = "XLSX" if job.params.get("format") == "xlsx" else "CSV"
    values = {"done": job.done, "total": job.total, "format": file_format}
    summary = ""
    actions: tuple[JobAction, ...] = ()
    if job.status == JobStatus.SUCCEEDED and job.result_file:
        summary = (
            ngettext(
                "%(total)s company was written to a %(format)s file.",
                "%(total)s companies were written to a %(format)s file.",
                job.total,
            )
            % values
        )
        actions = (download_action(job),)
    return JobView(
        title=_("Export of the company list (%(format)s)") % values,
        summary=summary,
        progress=ngettext(
            "%(done)s of %(total)s company written",
            "%(done)s of %(total)s companies written",
            job.total,
        )
        % values,
        actions=actions,
    )


@job_kind("companies.export", present=present_export)
def company_export_job(job: Job, reporter: JobReporter) -> None:
    """Export a filtered list (params: text, sort, filters, format)."""
    params = job.params
    with translation.override(job.owner.language):
        companies = export_ids(
            viewer=job.owner,
            text=params.get("text", ""),
            filters=SearchFilters.from_params(params.get("filters", {})),
            sort=params.get("sort", "name"),
        )
        total = len(companies)
        reporter.progress(0, total)
        file_format = "xlsx" if params.get("format") == "xlsx" else "csv"
        stamp = timezone.localtime().strftime("%Y%m%d-%H%M")
        relative = Path("exports") / f"companies-{stamp}-{str(job.pk)[:8]}.{file_format}"
        count = export_write(
            companies,
            job.owner,
            Path(settings.MEDIA_ROOT) / relative,
            file_format,
            progress=lambda done: reporter.progress(done),
        )
    reporter.log(f"wrote {count} companies")
    reporter.result(file=str(relative), url=reverse("jobs:download", args=[job.pk]))


def present_rescore(job: Job) -> JobView:
    values = {"done": job.done, "total": job.total, "version": job.params.get("weights", "")}
    summary = ""
    actions: tuple[JobAction, ...] = ()
    if job.status == JobStatus.SUCCEEDED:
        summary = (
            ngettext(
                "The potential score of %(total)s company was recomputed with weights version "
                "%(version)s.",
                "The potential scores of %(total)s companies were recomputed with weights version "
                "%(version)s.",
                job.total,
            )
            % values
        )
        actions = (JobAction(_("Open the scoring page"), reverse("companies:scoring"), True),)
    return JobView(
        title=_("Recomputation of the potential scores"),
        summary=summary,
        progress=ngettext(
            "%(done)s of %(total)s company scored",
            "%(done)s of %(total)s companies scored",
            job.total,
        )
        % values,
        actions=actions,
    )


@job_kind("companies.rescore", present=present_rescore)
def company_rescore_job(job: Job, reporter: JobReporter) -> None:
    run = score_recompute(
        actor=job.owner, progress=lambda done, total: reporter.progress(done, total)
    )
    reporter.log(f"scored {run.companies} companies with weights v{run.weights.version}")
    reporter.result(url=reverse("companies:scoring"))
