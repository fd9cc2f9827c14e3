"""Pages of the applications area: applying, the application form (autosaved), the submitted
view, revisions compared, "my applications", and the staff list of a call with its export."""

from __future__ import annotations

from typing import IO, Any, cast

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.http import FileResponse, Http404, HttpResponse
from django.http.response import HttpResponseBase
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from bitgoeul.accounts.types import AuthenticatedHttpRequest
from bitgoeul.companies.models import Company
from bitgoeul.core.visibility import ViewLevel
from bitgoeul.programs import access, selectors
from bitgoeul.programs.answers import column_label
from bitgoeul.programs.application_exports import export_response
from bitgoeul.programs.application_forms import (
    AnswersForm,
    ApplicationFilterForm,
    RequestChangesForm,
    field_label,
    initial_answers,
    posted_answers,
    table_rows,
)
from bitgoeul.programs.eligibility import check_eligibility
from bitgoeul.programs.enums import ApplicationState, FieldKind
from bitgoeul.programs.models import Application, ApplicationFile, ApplicationRevision
from bitgoeul.programs.services import applications as services
from bitgoeul.programs.services.applications import (
    EDITABLE,
    AlreadyApplied,
    AnswersInvalid,
    ApplicationError,
    VersionConflict,
)

LIST_PAGE_SIZE = 50


def _acting_company(request: AuthenticatedHttpRequest) -> Company:
    """The company the user applies for: the one they act for, else their first company."""
    ids = access.applicant_company_ids(request.user)
    if not ids:
        raise PermissionDenied
    membership = request.membership
    company_id = (
        membership.organization_id if membership and membership.organization_id in ids else ids[0]
    )
    return get_object_or_404(Company.objects.select_related("organization__parent"), pk=company_id)


@login_required
def application_start(request: AuthenticatedHttpRequest, call_id: int) -> HttpResponse:
    """The eligibility check of the acting company for a call, and the button that starts
    the application (POST)."""
    call = access.call_for_viewer(request.user, call_id)
    company = _acting_company(request)
    existing = Application.objects.filter(call=call, company=company).first()
    if existing is not None:
        return redirect("programs:application_edit", application_id=existing.pk)
    error = ""
    if request.method == "POST":
        try:
            application = services.application_start(call=call, company=company, actor=request.user)
        except AlreadyApplied as refused:
            return redirect("programs:application_edit", application_id=refused.application.pk)
        except ApplicationError as refused:
            error = str(refused)
        else:
            messages.success(request, _("Your application was started. It is saved as you type."))
            return redirect("programs:application_edit", application_id=application.pk)
    now = timezone.now()
    context = {
        "call": call,
        "company": company,
        "failures": check_eligibility(call, company, timezone.localdate(now)),
        "open": services.call_is_open(call, now),
        "error": error,
        "server_now": now,
    }
    return render(request, "programs/apps/start.html", context, status=400 if error else 200)


@login_required
def my_applications(request: AuthenticatedHttpRequest) -> HttpResponse:
    # with the award (scoring's approval creates it): the row links to the result and the award
    rows = list(selectors.my_applications(request.user).select_related("award")[:200])
    now = timezone.now()
    others = [a for a in rows if a.state not in EDITABLE]
    for application in others:
        application.result_shown = access.can_see_selection_result(request.user, application)  # type: ignore[attr-defined]
        application.award_shown = getattr(application, "award", None)  # type: ignore[attr-defined]
    context = {
        "drafts": [a for a in rows if a.state in EDITABLE],
        "others": others,
        "server_now": now,
        "has_company": bool(access.applicant_company_ids(request.user)),
    }
    return render(request, "programs/apps/mine.html", context)


def _edit_context(
    application: Application,
    *,
    form: AnswersForm | None = None,
    errors: dict[str, str] | None = None,
    data: dict[str, Any] | None = None,
) -> dict[str, Any]:
    fields = list(application.call.form_fields.all())
    answers = application.data if data is None else data
    if form is None:
        form = AnswersForm(
            form_fields=fields,
            initial={"version": application.version, **initial_answers(fields, answers)},
        )
    files = selectors.draft_files(application)
    items = []
    for field in fields:
        item: dict[str, Any] = {
            "field": field,
            "label": field_label(field),
            "error": (errors or {}).get(field.key, ""),
        }
        if field.kind == FieldKind.FILE:
            item["files"] = files.get(field.key, [])
        elif field.kind == FieldKind.ROWS:
            item["columns"] = [
                {**column, "shown_label": column_label(column)} for column in field.columns
            ]
            item["rows"] = table_rows(field, answers)
        else:
            item["bound"] = form[field.key]
        items.append(item)
    return {
        "application": application,
        "call": application.call,
        "form": form,
        "items": items,
        "errors": errors or {},
        "server_now": timezone.now(),
        "deadline_passed": application.state == ApplicationState.DRAFT
        and timezone.now() > application.call.closes_at,
    }


def _save_posted(
    request: AuthenticatedHttpRequest, application: Application
) -> HttpResponse | None:
    """Save the answers posted with any button of the form; a refusal re-draws the form (None
    when saved or nothing was posted)."""
    if "version" not in request.POST:
        return None
    fields = list(application.call.form_fields.all())
    try:
        version = int(request.POST.get("version", "0"))
    except ValueError:
        version = 0
    data = posted_answers(fields, request.POST)
    try:
        services.application_save_draft(
            application=application, actor=request.user, data=data, version=version
        )
    except VersionConflict as conflict:
        # the person's own answers stay on the page (to copy) beside the banner that offers
        # the latest saved version
        form = AnswersForm(request.POST, form_fields=fields)
        context = _edit_context(application, form=form, data=data)
        context["conflict"] = conflict
        return render(request, "programs/apps/edit.html", context, status=409)
    except AnswersInvalid as invalid:
        form = AnswersForm(request.POST, form_fields=fields)
        context = _edit_context(application, form=form, errors=invalid.errors, data=data)
        return render(request, "programs/apps/edit.html", context, status=400)
    except ApplicationError as refused:
        messages.error(request, str(refused))
        return redirect("programs:application_detail", application_id=application.pk)
    return None


@login_required
def application_edit(request: AuthenticatedHttpRequest, application_id: int) -> HttpResponse:
    """The application form. GET draws it; POST saves the draft (htmx: answers the status
    line only, "Saved 14:05", the errors or the conflict banner)."""
    application = access.application_for_applicant(request.user, application_id)
    if application.state not in EDITABLE:
        return redirect("programs:application_detail", application_id=application.pk)
    if request.method != "POST":
        return render(request, "programs/apps/edit.html", _edit_context(application))
    if not request.headers.get("HX-Request"):
        refused = _save_posted(request, application)
        if refused is not None:
            return refused
        messages.success(request, _("Your answers were saved."))
        return redirect("programs:application_edit", application_id=application.pk)
    fields = list(application.call.form_fields.all())
    try:
        version = int(request.POST.get("version", "0"))
    except ValueError:
        version = 0
    context: dict[str, Any] = {"application": application, "fields": {f.key: f for f in fields}}
    try:
        services.application_save_draft(
            application=application,
            actor=request.user,
            data=posted_answers(fields, request.POST),
            version=version,
        )
    except VersionConflict as conflict:
        context["conflict"] = conflict
    except AnswersInvalid as invalid:
        context["invalid"] = [
            (field_label(context["fields"][key]) if key in context["fields"] else key, message)
            for key, message in invalid.errors.items()
        ]
    except ApplicationError as refused:
        context["refused"] = str(refused)
    else:
        context["saved_at"] = application.updated_at
    return render(request, "programs/apps/_save_status.html", context)


@login_required
@require_POST
def application_file_upload(
    request: AuthenticatedHttpRequest, application_id: int, field_key: str
) -> HttpResponse:
    application = access.application_for_applicant(request.user, application_id)
    refused = _save_posted(request, application)
    if refused is not None:
        return refused
    upload = request.FILES.get(f"file-{field_key}")
    if upload is None:
        messages.error(request, _("Choose a file to upload."))
    else:
        try:
            services.application_file_add(
                application=application,
                actor=request.user,
                field_key=field_key,
                stream=cast(IO[bytes], upload),
                name=upload.name or "file",
                size=upload.size or 0,
            )
        except ValidationError as invalid:
            messages.error(request, " ".join(invalid.messages))
        except ApplicationError as error:
            messages.error(request, str(error))
        else:
            messages.success(request, _("The file was attached."))
    return redirect(reverse("programs:application_edit", args=[application.pk]) + f"#f-{field_key}")


@login_required
@require_POST
def application_file_delete(
    request: AuthenticatedHttpRequest, application_id: int, file_id: int
) -> HttpResponse:
    application = access.application_for_applicant(request.user, application_id)
    refused = _save_posted(request, application)
    if refused is not None:
        return refused
    try:
        services.application_file_remove(
            application=application, actor=request.user, file_id=file_id
        )
    except ApplicationError as error:
        messages.error(request, str(error))
    else:
        messages.success(request, _("The file was removed."))
    return redirect("programs:application_edit", application_id=application.pk)


@login_required
def application_file(
    request: AuthenticatedHttpRequest, application_id: int, file_id: int
) -> HttpResponseBase:
    """Download a file of an application. Draft files: its applicants only. Files of a
    submitted revision: whoever sees the content; where the viewer may not see the applicant's
    identity (a reviewer of a blind call) the file is named by application and question."""
    application = access.application_for_viewer(request.user, application_id)
    stored = ApplicationFile.objects.filter(application=application, pk=file_id).first()
    if stored is None:
        raise Http404
    shown = access.application_fields(request.user, application)
    if stored.revision_id is None and "draft" not in shown:
        raise Http404
    if "identity" in shown:
        name = stored.name
    else:
        name = f"application-{application.pk}-{stored.field_key}.{stored.kind}"
    return FileResponse(stored.file.open("rb"), as_attachment=True, filename=name)


@login_required
@require_POST
def application_submit(request: AuthenticatedHttpRequest, application_id: int) -> HttpResponse:
    application = access.application_for_applicant(request.user, application_id)
    refused = _save_posted(request, application)
    if refused is not None:
        return refused
    try:
        revision = services.application_submit(application=application, actor=request.user)
    except AnswersInvalid as invalid:
        context = _edit_context(application, errors=invalid.errors)
        context["submit_error"] = str(invalid)
        return render(request, "programs/apps/edit.html", context, status=400)
    except ApplicationError as error:
        messages.error(request, str(error))
        return redirect("programs:application_edit", application_id=application.pk)
    messages.success(
        request,
        _("Your application was submitted (revision %(number)s). It can no longer be changed.")
        % {"number": revision.number},
    )
    return redirect("programs:application_detail", application_id=application.pk)


@login_required
@require_POST
def application_withdraw(request: AuthenticatedHttpRequest, application_id: int) -> HttpResponse:
    application = access.application_for_applicant(request.user, application_id)
    try:
        services.application_withdraw(application=application, actor=request.user)
    except ApplicationError as error:
        messages.error(request, str(error))
    else:
        messages.success(request, _("Your application was withdrawn."))
    return redirect("programs:application_detail", application_id=application.pk)


def _revision_items(
    application: Application, revision: ApplicationRevision | None
) -> list[dict[str, Any]]:
    """The answers of a revision, field by field, as the submitted view shows them."""
    if revision is None:
        return []
    files = selectors.revision_files(revision)
    items = []
    for field in application.call.form_fields.all():
        item: dict[str, Any] = {"field": field, "label": field_label(field)}
        value = revision.data.get(field.key)
        if field.kind == FieldKind.FILE:
            item["files"] = files.get(field.key, [])
        elif field.kind == FieldKind.ROWS:
            item["columns"] = [column_label(c) for c in field.columns]
            item["rows"] = [[row.get(c["key"]) for c in field.columns] for row in value or []]
        elif field.kind == FieldKind.CHOICE:
            labels = {str(o.get("value")): o for o in field.options}
            option = labels.get(str(value))
            item["value"] = field_label_option(option) if option else value
        else:
            item["value"] = value
        items.append(item)
    return items


def field_label_option(option: dict[str, Any]) -> str:
    return column_label(option)  # an option has a label and label_en, as a column has


@login_required
def application_detail(request: AuthenticatedHttpRequest, application_id: int) -> HttpResponse:
    """The submitted view: for its applicants and for the call's staff (the latest revision,
    the revisions, the request for changes)."""
    application = access.application_for_viewer(request.user, application_id, ViewLevel.PRIVATE)
    is_applicant = access.is_applicant(request.user, application)
    if is_applicant and application.state == ApplicationState.DRAFT:
        return redirect("programs:application_edit", application_id=application.pk)
    is_staff = access.is_call_staff(request.user, application.call)
    revisions = selectors.application_revisions(application)
    latest = revisions[-1] if revisions else None
    context = {
        "application": application,
        "call": application.call,
        "revisions": revisions,
        "latest": latest,
        "items": _revision_items(application, latest),
        "is_applicant": is_applicant,
        "is_staff": is_staff and application.state != ApplicationState.DRAFT,
        "editable": is_applicant and application.state in EDITABLE,
        "can_request_changes": is_staff and application.state == ApplicationState.SUBMITTED,
        "changes_form": RequestChangesForm(),
        "server_now": timezone.now(),
    }
    return render(request, "programs/apps/detail.html", context)


@login_required
@require_POST
def application_changes(request: AuthenticatedHttpRequest, application_id: int) -> HttpResponse:
    """Call staff ask the company for changes (a new revision follows its resubmission)."""
    application = access.application_for_call_staff(request.user, application_id)
    form = RequestChangesForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("Say what the company should change."))
        return redirect("programs:application_detail", application_id=application.pk)
    try:
        services.application_request_changes(
            application=application, actor=request.user, note=form.cleaned_data["note"]
        )
    except ApplicationError as error:
        messages.error(request, str(error))
    else:
        messages.success(request, _("The company was asked for changes and notified."))
    return redirect("programs:application_detail", application_id=application.pk)


@login_required
def application_diff(request: AuthenticatedHttpRequest, application_id: int) -> HttpResponse:
    """Two revisions compared (`?a=1&b=2`; by default the last two)."""
    application = access.application_for_viewer(request.user, application_id, ViewLevel.PRIVATE)
    revisions = selectors.application_revisions(application)
    by_number = {r.number: r for r in revisions}

    def pick(name: str, default: int) -> ApplicationRevision | None:
        raw = request.GET.get(name, "")
        return by_number.get(int(raw)) if raw.isdigit() else by_number.get(default)

    last = revisions[-1].number if revisions else 0
    before, after = pick("a", last - 1), pick("b", last)
    diff = (
        selectors.revision_diff(application, before, after)
        if before is not None and after is not None
        else []
    )
    for entry in diff:
        entry.label = field_label(entry.form_field)  # type: ignore[attr-defined]
        entry.columns = [column_label(c) for c in entry.form_field.columns]  # type: ignore[attr-defined]
    context = {
        "application": application,
        "call": application.call,
        "revisions": revisions,
        "before": before,
        "after": after,
        "diff": diff,
        "changed": sum(1 for entry in diff if entry.changed),
    }
    return render(request, "programs/apps/diff.html", context)


def _list_filters(request: AuthenticatedHttpRequest) -> tuple[ApplicationFilterForm, Any]:
    form = ApplicationFilterForm(request.GET or None)
    return form, form.filters()


@login_required
def call_applications(request: AuthenticatedHttpRequest, call_id: int) -> HttpResponse:
    """Staff: the submitted applications of a call, with filters, sort and pages."""
    call = access.call_for_staff(request.user, call_id)
    form, filters = _list_filters(request)
    rows = selectors.call_applications(call=call, viewer=request.user, filters=filters)
    page = Paginator(rows, LIST_PAGE_SIZE).get_page(request.GET.get("page"))
    query = request.GET.copy()
    query.pop("page", None)
    context = {
        "call": call,
        "form": form,
        "page": page,
        "query": query.urlencode(),
        "shown": access.call_list_fields(request.user, call),
    }
    return render(request, "programs/apps/call_list.html", context)


@login_required
def call_applications_export(request: AuthenticatedHttpRequest, call_id: int) -> HttpResponse:
    """Staff: the filtered list as an XLSX file (direct download)."""
    call = access.call_for_staff(request.user, call_id)
    _form, filters = _list_filters(request)
    rows = selectors.call_applications(call=call, viewer=request.user, filters=filters)
    return export_response(call, rows, access.call_list_fields(request.user, call))
