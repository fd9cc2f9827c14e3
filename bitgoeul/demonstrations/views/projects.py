"""Pages of demonstration projects for those who see them privately: the company (plan, KPIs,
permits, measurements, results, the showcase settings), the site's host and the operator
(approval, review of the results). Acts are POSTs that redirect back to the project page with a
message saying what happened or what to fix."""

from __future__ import annotations

import io
from decimal import Decimal

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import QuerySet
from django.http import FileResponse, Http404, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django.views.decorators.http import require_POST

from bitgoeul.accounts.types import AuthenticatedHttpRequest
from bitgoeul.core.cells import neutralise_cell
from bitgoeul.core.http import error_text
from bitgoeul.core.visibility import ViewLevel
from bitgoeul.demonstrations import access, forms, selectors, services
from bitgoeul.demonstrations.enums import MeasurementSource, ProjectState
from bitgoeul.demonstrations.measurements_import import MAX_BYTES, ImportRefused, Row, read_rows
from bitgoeul.demonstrations.models import Kpi, Project, ProjectPhoto
from bitgoeul.equipment.models import Booking

LIST_LIMIT = 200


def _back(project: Project) -> HttpResponse:
    return redirect("demonstrations:detail", project_id=project.pk)


def _company_bookings(request: AuthenticatedHttpRequest) -> QuerySet[Booking]:
    return Booking.objects.filter(company_id__in=access.company_org_ids(request.user)).order_by(
        "-starts_at"
    )


@login_required
def project_list(request: AuthenticatedHttpRequest) -> HttpResponse:
    state = request.GET.get("state", "")
    if state not in ProjectState.values:
        state = ""
    projects = list(selectors.projects_for_viewer(request.user, state=state)[:LIST_LIMIT])
    waiting = list(
        selectors.awaiting_decision(request.user).select_related("company__organization", "site")[
            :LIST_LIMIT
        ]
    )
    return render(
        request,
        "demonstrations/list.html",
        {
            "projects": projects,
            "waiting": waiting,
            "state": state,
            "states": ProjectState.choices,
            "can_propose": access.can_propose(request.user),
            "can_manage_sites": access.can_manage_sites(request.user),
        },
    )


@login_required
def project_new(request: AuthenticatedHttpRequest) -> HttpResponse:
    if not access.can_propose(request.user):
        raise PermissionDenied
    companies = access.proposing_companies(request.user)
    form = forms.ProjectForm(
        request.POST or None, companies=companies, bookings=_company_bookings(request)
    )
    if request.method == "POST" and form.is_valid():
        bookings = list(form.cleaned_data["bookings"])
        try:
            project = services.project_create(
                actor=request.user,
                company=form.cleaned_data["company"],
                data=form.plan(),
                bookings=bookings,
            )
        except ValidationError as error:
            form.add_error(None, error)
        else:
            messages.success(
                request, _("The draft was saved. Add its KPIs and permissions, then submit it.")
            )
            return _back(project)
    return render(request, "demonstrations/form.html", {"form": form, "project": None})


@login_required
def project_detail(request: AuthenticatedHttpRequest, project_id: int) -> HttpResponse:
    project = access.project_for_viewer(request.user, project_id, ViewLevel.PUBLIC)
    if access.project_view_level(request.user, project) < ViewLevel.PRIVATE:
        return redirect("demonstrations:showcase_detail", project_id=project.pk)
    user = request.user
    rows = selectors.kpi_rows(project)
    editable = access.can_edit_plan(user, project)
    recording = access.can_record(user, project)
    kpis = Kpi.objects.filter(project=project)
    context = {
        "project": project,
        "rows": rows,
        "charts": [selectors.kpi_chart(row, i) for i, row in enumerate(rows)],
        "permits": list(project.permits.all()),
        "bookings": list(project.bookings.select_related("item")),
        "photos": list(project.photos.all()),
        "editable": editable,
        "kpi_form": forms.KpiForm() if editable else None,
        "permit_form": forms.PermitForm() if access.can_publish(user, project) else None,
        "can_submit": editable,
        "can_decide": access.can_decide(user, project),
        "approve_as": _approving_role(request, project),
        "decision_form": forms.DecisionForm() if access.can_decide(user, project) else None,
        "measurement_form": forms.MeasurementForm(kpis=kpis) if recording else None,
        "upload_form": forms.UploadForm() if recording else None,
        "report_form": forms.ReportForm() if access.can_report(user, project) else None,
        "review_form": forms.ReviewForm() if access.can_review_results(user, project) else None,
        "publish_form": (
            forms.PublishForm(
                initial={
                    "is_public": project.is_public,
                    "story": project.story,
                    "story_en": project.story_en,
                }
            )
            if access.can_publish(user, project)
            else None
        ),
        "photo_form": forms.PhotoForm() if access.can_publish(user, project) else None,
        "is_member": access.is_project_member(user, project),
    }
    return render(request, "demonstrations/detail.html", context)


def _approving_role(request: AuthenticatedHttpRequest, project: Project) -> str:
    """The side the viewer approves for: the host when they are its staff, else the operator."""
    if access.can_approve_as_host(request.user, project):
        return services.HOST
    if access.can_approve_as_operator(request.user, project):
        return services.OPERATOR
    return ""


@login_required
def project_edit(request: AuthenticatedHttpRequest, project_id: int) -> HttpResponse:
    project = access.project_for_viewer(request.user, project_id)
    access.require(access.can_edit_plan(request.user, project))
    companies = access.proposing_companies(request.user).filter(pk=project.company_id)
    initial = {
        "company": project.company,
        "title": project.title,
        "title_en": project.title_en,
        "site": project.site,
        "domain": project.domain,
        "product": project.product,
        "goal": project.goal,
        "starts_on": project.starts_on,
        "ends_on": project.ends_on,
        "gpu_hours": project.gpu_hours,
        "risks": project.risks,
        "bookings": list(project.bookings.all()),
    }
    form = forms.ProjectForm(
        request.POST or None,
        initial=initial,
        companies=companies,
        bookings=Booking.objects.filter(company_id=project.company_id).order_by("-starts_at"),
    )
    if request.method == "POST" and form.is_valid():
        try:
            services.project_update(
                actor=request.user,
                project=project,
                data=form.plan(),
                bookings=list(form.cleaned_data["bookings"]),
            )
        except ValidationError as error:
            form.add_error(None, error)
        except services.PlanLocked:
            messages.error(request, _("The plan can no longer be changed."))
            return _back(project)
        else:
            messages.success(request, _("The plan was saved."))
            return _back(project)
    return render(request, "demonstrations/form.html", {"form": form, "project": project})


# --- KPIs and permits --------------------------------------------------------------------------


@login_required
@require_POST
def kpi_create(request: AuthenticatedHttpRequest, project_id: int) -> HttpResponse:
    project = access.project_for_viewer(request.user, project_id)
    access.require(access.can_edit_plan(request.user, project))
    form = forms.KpiForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("The KPI was not added: fill in the indicator, unit and target."))
        return _back(project)
    try:
        services.kpi_add(actor=request.user, project=project, **form.cleaned_data)
    except services.PlanLocked:
        messages.error(request, _("The plan can no longer be changed."))
    else:
        messages.success(request, _("The KPI was added."))
    return _back(project)


@login_required
@require_POST
def kpi_delete(request: AuthenticatedHttpRequest, kpi_id: int) -> HttpResponse:
    kpi = Kpi.objects.select_related("project").filter(pk=kpi_id).first()
    if kpi is None:
        raise Http404
    project = access.project_for_viewer(request.user, kpi.project_id)
    access.require(access.can_edit_plan(request.user, project))
    try:
        services.kpi_delete(actor=request.user, kpi=kpi)
    except services.PlanLocked:
        messages.error(request, _("The plan can no longer be changed."))
    else:
        messages.success(request, _("The KPI was removed."))
    return _back(project)


@login_required
@require_POST
def permit_save(request: AuthenticatedHttpRequest, project_id: int) -> HttpResponse:
    project = access.project_for_viewer(request.user, project_id)
    access.require(access.can_publish(request.user, project))
    form = forms.PermitForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("Choose the permission and its status."))
        return _back(project)
    try:
        services.permit_save(actor=request.user, project=project, **form.cleaned_data)
    except services.PlanLocked:
        messages.error(request, _("The project is finished: its permissions can no longer change."))
    else:
        messages.success(request, _("The permission was saved."))
    return _back(project)


# --- approval ----------------------------------------------------------------------------------


@login_required
@require_POST
def project_submit(request: AuthenticatedHttpRequest, project_id: int) -> HttpResponse:
    project = access.project_for_viewer(request.user, project_id)
    access.require(access.can_edit_plan(request.user, project))
    try:
        services.project_submit(actor=request.user, project=project)
    except ValidationError as error:
        messages.error(request, error_text(error))
    except services.IllegalTransition:
        messages.error(request, _("This plan was already submitted."))
    else:
        messages.success(
            request, _("The plan was submitted. The host institution and the operator were told.")
        )
    return _back(project)


@login_required
@require_POST
def project_decide(request: AuthenticatedHttpRequest, project_id: int) -> HttpResponse:
    project = access.project_for_viewer(request.user, project_id)
    access.require(access.can_decide(request.user, project))
    form = forms.DecisionForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("Choose approve, return or reject."))
        return _back(project)
    decision, note = form.cleaned_data["decision"], form.cleaned_data["note"]
    try:
        if decision == "approve":
            role = _approving_role(request, project)
            if not role:
                messages.error(request, _("You have already approved this plan."))
                return _back(project)
            project = services.project_approve(actor=request.user, project=project, role=role)
            messages.success(
                request,
                _("The plan was approved by both sides. The company was told.")
                if project.state == ProjectState.APPROVED
                else _("Your approval was recorded. The plan now awaits the other approval."),
            )
        else:
            services.project_decline(
                actor=request.user, project=project, reject=decision == "reject", note=note
            )
            messages.success(
                request,
                _("The plan was rejected. The company was told.")
                if decision == "reject"
                else _("The plan was returned for changes. The company was told."),
            )
    except ValidationError as error:
        messages.error(request, error_text(error))
    except services.IllegalTransition:
        messages.error(request, _("This plan was already decided."))
    return _back(project)


# --- measurements ------------------------------------------------------------------------------


@login_required
@require_POST
def measurement_create(request: AuthenticatedHttpRequest, project_id: int) -> HttpResponse:
    project = access.project_for_viewer(request.user, project_id)
    access.require(access.can_record(request.user, project))
    form = forms.MeasurementForm(request.POST, kpis=Kpi.objects.filter(project=project))
    if not form.is_valid():
        messages.error(
            request, _("The measurement was not recorded: choose the KPI, the date and a number.")
        )
        return _back(project)
    data = form.cleaned_data
    row = Row(data["kpi"], data["measured_on"], data["value"], data["note"])
    try:
        services.measurements_add(
            actor=request.user, project=project, rows=[row], source=MeasurementSource.FORM
        )
    except ValidationError as error:
        messages.error(request, error_text(error))
    else:
        messages.success(request, _("The measurement was recorded."))
    return _back(project)


@login_required
@require_POST
def measurement_upload(request: AuthenticatedHttpRequest, project_id: int) -> HttpResponse:
    project = access.project_for_viewer(request.user, project_id)
    access.require(access.can_record(request.user, project))
    form = forms.UploadForm(request.POST, request.FILES)
    if not form.is_valid():
        messages.error(request, _("Choose an Excel (XLSX) file to upload."))
        return _back(project)
    upload = form.cleaned_data["file"]
    try:
        rows = read_rows(
            upload.read(MAX_BYTES + 1),  # enough to know it is too large, never more
            list(project.kpis.all()),
            starts_on=project.starts_on,
            ends_on=project.ends_on,
        )
        created = services.measurements_add(
            actor=request.user, project=project, rows=rows, source=MeasurementSource.XLSX
        )
    except ImportRefused as refused:
        messages.error(
            request,
            _("Nothing was recorded. Fix these rows and upload the file again: %(problems)s")
            % {"problems": " · ".join(refused.problems)},
        )
    except ValidationError as error:
        messages.error(request, _("Nothing was recorded. %(error)s") % {"error": error_text(error)})
    else:
        count = len(created)
        messages.success(
            request,
            ngettext(
                "%(count)d measurement was recorded.",
                "%(count)d measurements were recorded.",
                count,
            )
            % {"count": count},
        )
    return _back(project)


@login_required
def measurement_template(request: AuthenticatedHttpRequest, project_id: int) -> HttpResponse:
    """An XLSX with the header row and one example row per KPI."""
    from openpyxl import Workbook

    project = access.project_for_viewer(request.user, project_id)
    workbook = Workbook()
    sheet = workbook.active
    assert sheet is not None
    sheet.append(["KPI", "Date", "Value", "Note"])
    for kpi in project.kpis.all():
        # names are people's text: a leading "=" must not become a formula in Excel (the
        # importer reads the name back without the apostrophe)
        sheet.append([neutralise_cell(kpi.name), project.starts_on.isoformat(), Decimal(0), ""])
    buffer = io.BytesIO()
    workbook.save(buffer)
    response = HttpResponse(
        buffer.getvalue(),
        content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    )
    response["Content-Disposition"] = f'attachment; filename="measurements-{project.pk}.xlsx"'
    return response


# --- results -----------------------------------------------------------------------------------


@login_required
@require_POST
def project_report(request: AuthenticatedHttpRequest, project_id: int) -> HttpResponse:
    project = access.project_for_viewer(request.user, project_id)
    access.require(access.can_report(request.user, project))
    form = forms.ReportForm(request.POST, request.FILES)
    if not form.is_valid():
        messages.error(request, _("Write the summary and attach the closing report."))
        return _back(project)
    upload = form.cleaned_data["report"]
    try:
        services.project_report(
            actor=request.user,
            project=project,
            summary=form.cleaned_data["summary"],
            file=upload,
            name=upload.name,
            size=upload.size,
        )
    except ValidationError as error:
        messages.error(request, error_text(error))
    except services.IllegalTransition:
        messages.error(request, _("The results were already submitted."))
    else:
        messages.success(request, _("The results were submitted. The operator was told."))
    return _back(project)


@login_required
def report_file(request: AuthenticatedHttpRequest, project_id: int) -> FileResponse:
    project = access.project_for_viewer(request.user, project_id)
    if not project.report_file:
        raise Http404
    name = str(project.report_file.name).rsplit("/", 1)[-1]
    return FileResponse(project.report_file.open("rb"), as_attachment=True, filename=name)


@login_required
@require_POST
def project_review(request: AuthenticatedHttpRequest, project_id: int) -> HttpResponse:
    project = access.project_for_viewer(request.user, project_id)
    access.require(access.can_review_results(request.user, project))
    form = forms.ReviewForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("Choose accept or return."))
        return _back(project)
    accept = form.cleaned_data["decision"] == "accept"
    try:
        services.project_review(
            actor=request.user, project=project, accept=accept, note=form.cleaned_data["note"]
        )
    except ValidationError as error:
        messages.error(request, error_text(error))
    except services.IllegalTransition:
        messages.error(request, _("These results were already reviewed."))
    else:
        messages.success(
            request,
            _("The results were accepted and the project is closed. The company was told.")
            if accept
            else _("The results were returned. The company was told."),
        )
    return _back(project)


# --- the showcase settings ---------------------------------------------------------------------


@login_required
@require_POST
def project_publish(request: AuthenticatedHttpRequest, project_id: int) -> HttpResponse:
    project = access.project_for_viewer(request.user, project_id)
    access.require(access.can_publish(request.user, project))
    form = forms.PublishForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("The story is too long."))
        return _back(project)
    try:
        project = services.project_publish(actor=request.user, project=project, **form.cleaned_data)
    except ValidationError as error:
        messages.error(request, error_text(error))
    else:
        if not project.is_public:
            messages.success(request, _("The project is not shown in the public showcase."))
        elif project.state in (ProjectState.APPROVED, ProjectState.REPORTED, ProjectState.CLOSED):
            messages.success(request, _("The project is shown in the public showcase."))
        else:
            messages.success(
                request, _("The project will be shown in the public showcase once it is approved.")
            )
    return _back(project)


@login_required
@require_POST
def photo_create(request: AuthenticatedHttpRequest, project_id: int) -> HttpResponse:
    project = access.project_for_viewer(request.user, project_id)
    access.require(access.can_publish(request.user, project))
    form = forms.PhotoForm(request.POST, request.FILES)
    if not form.is_valid():
        messages.error(request, _("Choose a photo and describe what it shows."))
        return _back(project)
    upload = form.cleaned_data["photo"]
    try:
        services.photo_add(
            actor=request.user,
            project=project,
            file=upload,
            name=upload.name,
            size=upload.size,
            caption=form.cleaned_data["caption"],
        )
    except ValidationError as error:
        messages.error(request, error_text(error))
    else:
        messages.success(request, _("The photo was added."))
    return _back(project)


@login_required
@require_POST
def photo_delete(request: AuthenticatedHttpRequest, photo_id: int) -> HttpResponse:
    photo = ProjectPhoto.objects.filter(pk=photo_id).first()
    if photo is None:
        raise Http404
    project = access.project_for_viewer(request.user, photo.project_id)
    access.require(access.can_publish(request.user, project))
    services.photo_delete(actor=request.user, photo=photo)
    messages.success(request, _("The photo was removed."))
    return _back(project)
