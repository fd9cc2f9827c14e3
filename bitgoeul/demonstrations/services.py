"""Every write of the demonstrations app. Who may call which function is decided in `access`;
these functions own the states.

Project flow (`TRANSITIONS`): the company writes a draft and submits it; the site's host and
the operator each approve (both needed, in either order: the second approval moves the project
to APPROVED, "under way"), or either returns it for changes (both approvals start again) or
rejects it. Under way, the company records measurements and then submits its results with the
closing report; the operator accepts them (CLOSED) or returns them (under way again). Each
state change locks the project row, reads "before" from it, checks the transition table
(`IllegalTransition` otherwise), writes one audit event and notifies those who act next.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Sequence
from decimal import Decimal
from typing import IO, Any

from django.core.exceptions import ValidationError
from django.core.files.base import File
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from bitgoeul.accounts.enums import OrganizationKind
from bitgoeul.accounts.models import Organization
from bitgoeul.audit.services import audit_record
from bitgoeul.companies.models import Company
from bitgoeul.demonstrations import notification_kinds as notices
from bitgoeul.demonstrations.enums import (
    EDITABLE_STATES,
    MeasurementSource,
    PermitKind,
    PermitStatus,
    ProjectState,
)
from bitgoeul.demonstrations.files import CONTENT_TYPES, check_photo
from bitgoeul.demonstrations.measurements_import import Row
from bitgoeul.demonstrations.models import (
    Kpi,
    Measurement,
    Permit,
    Project,
    ProjectPhoto,
    Site,
)
from bitgoeul.demonstrations.search_index import project_terms
from bitgoeul.equipment.models import Booking
from bitgoeul.programs.files import check_document

TRANSITIONS: dict[str, set[str]] = {
    ProjectState.DRAFT: {ProjectState.SUBMITTED},
    ProjectState.RETURNED: {ProjectState.SUBMITTED},
    ProjectState.SUBMITTED: {ProjectState.APPROVED, ProjectState.RETURNED, ProjectState.REJECTED},
    ProjectState.APPROVED: {ProjectState.REPORTED},
    ProjectState.REPORTED: {ProjectState.CLOSED, ProjectState.APPROVED},
    ProjectState.CLOSED: set(),
    ProjectState.REJECTED: set(),
}
PLAN_FIELDS = (
    "title",
    "title_en",
    "site_id",
    "domain",
    "product",
    "goal",
    "starts_on",
    "ends_on",
    "gpu_hours",
    "risks",
)
HOST = "host"
OPERATOR = "operator"


class IllegalTransition(ValueError):
    """A project asked to move to a state its current state does not lead to."""

    def __init__(self, current: str, wanted: str) -> None:
        super().__init__(f"a project in state {current!r} cannot move to {wanted!r}")
        self.current, self.wanted = current, wanted


class PlanLocked(ValueError):
    """The plan may change only while the project is a draft or returned for changes."""


def _locked(project: Project) -> Project:
    return Project.objects.select_for_update().select_related("site", "company").get(pk=project.pk)


def _move(project: Project, state: str) -> str:
    """Move a locked project to `state` (not saved); the state it left."""
    before = project.state
    if state not in TRANSITIONS[before]:
        raise IllegalTransition(before, state)
    project.state = state
    return before


def _index(project: Project) -> None:
    project.search_terms = project_terms(project)


def _plan_values(project: Project) -> dict[str, Any]:
    values = {name: getattr(project, name) for name in PLAN_FIELDS}
    return {k: (v.isoformat() if isinstance(v, dt.date) else v) for k, v in values.items()}


def _check_plan(data: dict[str, Any], company: Company, bookings: Iterable[Booking]) -> None:
    if data["ends_on"] < data["starts_on"]:
        raise ValidationError({"ends_on": _("The project must end on or after the day it starts.")})
    site = Site.objects.filter(pk=data["site_id"], is_active=True).first()
    if site is None:
        raise ValidationError({"site": _("Choose a site that is open to new projects.")})
    for booking in bookings:
        if booking.company_id != company.pk:
            # only the company's own bookings may be linked: another company's would reveal it
            raise ValidationError({"bookings": _("Link only your company's own bookings.")})


# --- sites -------------------------------------------------------------------------------------


@transaction.atomic
def site_create(*, actor: Any, host: Organization, data: dict[str, Any]) -> Site:
    if host.kind != OrganizationKind.INSTITUTION:
        raise ValueError("a demonstration site is hosted by an institution")
    site = Site.objects.create(host=host, **data)
    audit_record(
        actor=actor,
        action="demonstration.site_create",
        obj=site,
        after={"name": site.name, "host": host.pk, "kind": site.kind},
    )
    return site


# --- the plan ----------------------------------------------------------------------------------


@transaction.atomic
def project_create(
    *, actor: Any, company: Company, data: dict[str, Any], bookings: Sequence[Booking] = ()
) -> Project:
    """A draft project of `company` (`data`: the `PLAN_FIELDS`)."""
    _check_plan(data, company, bookings)
    now = timezone.now()
    project = Project(company=company, created_by=actor, created_at=now, updated_at=now, **data)
    project.company = Company.objects.select_related("organization").get(pk=company.pk)
    _index(project)
    project.save()
    project.bookings.set(bookings)
    audit_record(
        actor=actor,
        action="demonstration.create",
        obj=project,
        after={**_plan_values(project), "bookings": sorted(b.pk for b in bookings)},
    )
    return project


@transaction.atomic
def project_update(
    *, actor: Any, project: Project, data: dict[str, Any], bookings: Sequence[Booking]
) -> Project:
    """Change the plan of a draft or returned project; the audit lists only what changed."""
    project = _locked(project)
    if project.state not in EDITABLE_STATES:
        raise PlanLocked(project.state)
    _check_plan(data, project.company, bookings)
    before = {
        **_plan_values(project),
        "bookings": sorted(project.bookings.values_list("pk", flat=True)),
    }
    for name, value in data.items():
        setattr(project, name, value)
    project.updated_at = timezone.now()
    project.site = Site.objects.get(pk=project.site_id)
    _index(project)
    project.save()
    project.bookings.set(bookings)
    after = {**_plan_values(project), "bookings": sorted(b.pk for b in bookings)}
    changed = [k for k in after if after[k] != before[k]]
    if changed:
        audit_record(
            actor=actor,
            action="demonstration.update",
            obj=project,
            before={k: before[k] for k in changed},
            after={k: after[k] for k in changed},
        )
    return project


@transaction.atomic
def kpi_add(
    *,
    actor: Any,
    project: Project,
    name: str,
    name_en: str = "",
    unit: str,
    target: Decimal,
    direction: str,
    method: str = "",
) -> Kpi:
    project = _locked(project)
    if project.state not in EDITABLE_STATES:
        raise PlanLocked(project.state)
    position = project.kpis.count()
    kpi = Kpi.objects.create(
        project=project,
        name=name,
        name_en=name_en,
        unit=unit,
        target=target,
        direction=direction,
        method=method,
        position=position,
    )
    audit_record(
        actor=actor,
        action="demonstration.kpi_add",
        obj=project,
        after={"kpi": name, "unit": unit, "target": str(target), "direction": direction},
    )
    return kpi


@transaction.atomic
def kpi_delete(*, actor: Any, kpi: Kpi) -> None:
    project = _locked(kpi.project)
    if project.state not in EDITABLE_STATES:
        raise PlanLocked(project.state)
    audit_record(
        actor=actor,
        action="demonstration.kpi_delete",
        obj=project,
        before={"kpi": kpi.name, "unit": kpi.unit, "target": str(kpi.target)},
    )
    kpi.delete()


@transaction.atomic
def permit_save(
    *,
    actor: Any,
    project: Project,
    kind: str,
    status: str,
    reference: str = "",
    note: str = "",
) -> Permit:
    """Add the permission of `kind` or change its status. Permits go on being granted while a
    project is under approval or under way, so this is open until the project closes."""
    project = _locked(project)
    if project.state in (ProjectState.CLOSED, ProjectState.REJECTED):
        raise PlanLocked(project.state)
    if kind not in PermitKind.values or status not in PermitStatus.values:
        raise ValueError(f"unknown permit kind or status {kind!r} {status!r}")
    permit = Permit.objects.select_for_update().filter(project=project, kind=kind).first()
    before = (
        {"status": permit.status, "reference": permit.reference, "note": permit.note}
        if permit
        else {}
    )
    if permit is None:
        permit = Permit(project=project, kind=kind)
    permit.status, permit.reference, permit.note = status, reference, note
    permit.save()
    after = {"status": status, "reference": reference, "note": note}
    changed = [k for k in after if before.get(k) != after[k]]
    if changed:
        audit_record(
            actor=actor,
            action="demonstration.permit_save",
            obj=project,
            before={"permit": kind, **{k: before[k] for k in changed if k in before}},
            after={"permit": kind, **{k: after[k] for k in changed}},
        )
    return permit


# --- approval ----------------------------------------------------------------------------------


@transaction.atomic
def project_submit(*, actor: Any, project: Project) -> Project:
    """Submit a draft (or a returned plan) to the host and the operator; both approve anew.
    A plan without a KPI cannot be judged, so it is refused."""
    project = _locked(project)
    if not project.kpis.exists():
        raise ValidationError(_("Add at least one KPI before you submit the plan."))
    before = _move(project, ProjectState.SUBMITTED)
    project.submitted_at = timezone.now()
    project.host_approved_at = project.operator_approved_at = None
    project.host_approved_by = project.operator_approved_by = None
    project.updated_at = project.submitted_at
    project.save()
    audit_record(
        actor=actor,
        action="demonstration.submit",
        obj=project,
        before={"state": before},
        after={"state": project.state},
    )
    notices.project_submitted_notify(project=project, actor=actor)
    return project


@transaction.atomic
def project_approve(*, actor: Any, project: Project, role: str) -> Project:
    """Record the approval of the host (`role="host"`) or the operator (`"operator"`). The
    second of the two moves the project to APPROVED and tells the company."""
    if role not in (HOST, OPERATOR):
        raise ValueError(f"unknown approving role {role!r}")
    project = _locked(project)
    if project.state != ProjectState.SUBMITTED:
        raise IllegalTransition(project.state, ProjectState.APPROVED)
    now = timezone.now()
    if role == HOST:
        if project.host_approved_at is not None:
            raise IllegalTransition(project.state, ProjectState.APPROVED)
        project.host_approved_at, project.host_approved_by = now, actor
    else:
        if project.operator_approved_at is not None:
            raise IllegalTransition(project.state, ProjectState.APPROVED)
        project.operator_approved_at, project.operator_approved_by = now, actor
    before = project.state
    if project.host_approved_at and project.operator_approved_at:
        _move(project, ProjectState.APPROVED)
        project.decision_note = ""
    project.updated_at = now
    project.save()
    audit_record(
        actor=actor,
        action="demonstration.approve",
        obj=project,
        before={"state": before},
        after={"state": project.state, "approved_as": role},
    )
    if project.state == ProjectState.APPROVED:
        notices.project_decided_notify(project=project, actor=actor)
    return project


@transaction.atomic
def project_decline(*, actor: Any, project: Project, reject: bool, note: str) -> Project:
    """Return the plan for changes, or reject it for good; the note says why (required)."""
    if not note.strip():
        raise ValidationError({"note": _("Say why, so that the company knows what to change.")})
    project = _locked(project)
    before = _move(project, ProjectState.REJECTED if reject else ProjectState.RETURNED)
    project.decision_note = note.strip()
    project.host_approved_at = project.operator_approved_at = None
    project.host_approved_by = project.operator_approved_by = None
    project.updated_at = timezone.now()
    project.save()
    audit_record(
        actor=actor,
        action="demonstration.reject" if reject else "demonstration.return",
        obj=project,
        before={"state": before},
        after={"state": project.state, "note": project.decision_note},
    )
    notices.project_decided_notify(project=project, actor=actor)
    return project


# --- measurements ------------------------------------------------------------------------------


def _check_measurement_date(project: Project, measured_on: dt.date) -> None:
    if not project.starts_on <= measured_on <= project.ends_on:
        raise ValidationError(
            {
                "measured_on": _(
                    "Choose a date within the project's period (%(start)s to %(end)s)."
                )
                % {"start": project.starts_on.isoformat(), "end": project.ends_on.isoformat()}
            }
        )
    if measured_on > timezone.localdate():
        raise ValidationError({"measured_on": _("A measurement cannot be in the future.")})


@transaction.atomic
def measurements_add(
    *, actor: Any, project: Project, rows: Sequence[Row], source: str
) -> list[Measurement]:
    """Record measurements of the project's KPIs, all or none (a project under way only)."""
    project = _locked(project)
    if project.state != ProjectState.APPROVED:
        raise IllegalTransition(project.state, project.state)
    if source not in MeasurementSource.values:
        raise ValueError(f"unknown measurement source {source!r}")
    kpi_ids = set(project.kpis.values_list("pk", flat=True))
    for row in rows:
        if row.kpi.pk not in kpi_ids:
            raise ValidationError({"kpi": _("Choose a KPI of this project.")})
        _check_measurement_date(project, row.measured_on)
    now = timezone.now()
    created = Measurement.objects.bulk_create(
        [
            Measurement(
                kpi=row.kpi,
                measured_on=row.measured_on,
                value=row.value.quantize(Decimal("0.0001")),
                note=row.note,
                source=source,
                recorded_by=actor,
                created_at=now,
            )
            for row in rows
        ]
    )
    audit_record(
        actor=actor,
        action="demonstration.measurements_add",
        obj=project,
        after={"count": len(created), "source": source},
    )
    return created


# --- results and closing -----------------------------------------------------------------------


@transaction.atomic
def project_report(
    *, actor: Any, project: Project, summary: str, file: IO[bytes] | None, name: str, size: int
) -> Project:
    """Submit the results with the closing report (a summary and a document)."""
    if not summary.strip():
        raise ValidationError({"summary": _("Summarise the results.")})
    if file is None:
        raise ValidationError({"report": _("Attach the closing report.")})
    try:
        check_document(file, name, size)
    except ValidationError as error:
        raise ValidationError({"report": error.messages}) from error
    project = _locked(project)
    if not Measurement.objects.filter(kpi__project=project).exists():
        raise ValidationError(_("Record at least one measurement before you report the results."))
    before = _move(project, ProjectState.REPORTED)
    project.report_summary = summary.strip()
    project.report_file.save(name, File(file, name=name), save=False)
    project.reported_at = project.updated_at = timezone.now()
    project.save()
    audit_record(
        actor=actor,
        action="demonstration.report",
        obj=project,
        before={"state": before},
        after={"state": project.state},
    )
    notices.results_submitted_notify(project=project, actor=actor)
    return project


@transaction.atomic
def project_review(*, actor: Any, project: Project, accept: bool, note: str) -> Project:
    """The operator's review of the results: accept (the project closes) or return them with a
    note (the project is under way again, for more measurements or a better report)."""
    if not accept and not note.strip():
        raise ValidationError({"note": _("Say what the company should add or change.")})
    project = _locked(project)
    before = _move(project, ProjectState.CLOSED if accept else ProjectState.APPROVED)
    project.review_note = note.strip()
    project.updated_at = timezone.now()
    if accept:
        project.closed_at = project.updated_at
    project.save()
    audit_record(
        actor=actor,
        action="demonstration.close" if accept else "demonstration.results_return",
        obj=project,
        before={"state": before},
        after={"state": project.state, "note": project.review_note},
    )
    notices.results_reviewed_notify(project=project, actor=actor)
    return project


# --- the showcase ------------------------------------------------------------------------------


@transaction.atomic
def project_publish(
    *, actor: Any, project: Project, is_public: bool, story: str, story_en: str
) -> Project:
    """What the company shows the public: whether the project is in the showcase, and its
    story. It shows once both approvals are in (`access.public_q`)."""
    project = _locked(project)
    if is_public and not story.strip():
        raise ValidationError({"story": _("Write the story before you publish the project.")})
    before = {"is_public": project.is_public, "story": project.story, "story_en": project.story_en}
    project.is_public, project.story, project.story_en = is_public, story.strip(), story_en.strip()
    project.company = Company.objects.select_related("organization").get(pk=project.company_id)
    _index(project)
    project.updated_at = timezone.now()
    project.save()
    after = {"is_public": is_public, "story": project.story, "story_en": project.story_en}
    changed = [k for k in after if after[k] != before[k]]
    if changed:
        audit_record(
            actor=actor,
            action="demonstration.publish",
            obj=project,
            before={k: before[k] for k in changed},
            after={k: after[k] for k in changed},
        )
    return project


@transaction.atomic
def photo_add(
    *, actor: Any, project: Project, file: IO[bytes], name: str, size: int, caption: str
) -> ProjectPhoto:
    kind = check_photo(file, name, size)
    if not caption.strip():
        # the caption is the photo's text alternative: a photo without one tells a blind
        # visitor nothing
        raise ValidationError({"caption": _("Describe what the photo shows.")})
    project = _locked(project)
    photo = ProjectPhoto(
        project=project,
        content_type=CONTENT_TYPES[kind],
        caption=caption.strip(),
        position=project.photos.count(),
    )
    photo.file.save(name, File(file, name=name), save=False)
    photo.save()
    audit_record(
        actor=actor,
        action="demonstration.photo_add",
        obj=project,
        after={"photo": photo.pk, "caption": photo.caption},
    )
    return photo


@transaction.atomic
def photo_delete(*, actor: Any, photo: ProjectPhoto) -> None:
    project = _locked(photo.project)
    audit_record(
        actor=actor,
        action="demonstration.photo_delete",
        obj=project,
        before={"photo": photo.pk, "caption": photo.caption},
    )
    storage, name = photo.file.storage, str(photo.file.name)
    photo.delete()
    # the file goes only once the row is gone for good (a rollback keeps both)
    transaction.on_commit(lambda: storage.delete(name))
