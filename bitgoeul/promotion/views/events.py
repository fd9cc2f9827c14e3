"""Pages of events: the list and an event's page (anyone the audience rule admits), creating,
editing, publishing and cancelling (hosts), co-host invitations and answers, registration and
"my registrations" with a QR code each, door check-in from a phone, the attendance list and its
XLSX export, and materials. Each view asks `promotion.access` and calls a service."""

from __future__ import annotations

import io
from typing import Any
from urllib.parse import urlencode

import segno
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.db.models import QuerySet
from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import get_language
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from bitgoeul.accounts.access import membership_rows
from bitgoeul.accounts.enums import OrganizationKind
from bitgoeul.accounts.models import Organization
from bitgoeul.companies.models import Company
from bitgoeul.core.cells import neutralise_row
from bitgoeul.core.visibility import ViewLevel
from bitgoeul.promotion import access
from bitgoeul.promotion.enums import CoHostState, EventState, RegistrationState
from bitgoeul.promotion.forms_events import (
    CancelEventForm,
    CheckInForm,
    CoHostInviteForm,
    EventFilterForm,
    EventForm,
    MaterialForm,
    QuestionFormSet,
    RegistrationForm,
    questions_from,
)
from bitgoeul.promotion.models import Event, EventMaterial, Registration
from bitgoeul.promotion.selectors_events import (
    accepted_cohosts,
    attendance,
    cohost_invitations,
    cohosts_by_event,
    event_cohost_rows,
    event_list_filter,
    listed_seats_left,
    managed_events,
    registrations_of,
    visible_events,
    waitlist_position,
)
from bitgoeul.promotion.services import events as services
from bitgoeul.promotion.services.registrations import (
    RegistrationRefused,
    registration_check_in,
    registration_create,
    registration_open,
    registration_set_state,
    seats_left,
)

PAGE_SIZE = 12


def _posted(request: HttpRequest) -> Any:
    """The POST data of a POST (even an empty one: a registration may have no field), else
    None (an unbound form)."""
    return request.POST if request.method == "POST" else None


def _organizers(user: Any) -> QuerySet[Organization]:
    return Organization.objects.filter(pk__in=access.staff_org_ids(user)).order_by("name")


def _companies(user: Any) -> QuerySet[Company]:
    """The companies the person belongs to (the registration's company chooser)."""
    ids = [
        org_id for org_id, kind, _, _ in membership_rows(user) if kind == OrganizationKind.COMPANY
    ]
    return Company.objects.filter(organization_id__in=ids)


# --- the list and one event ------------------------------------------------------------------


def event_list(request: HttpRequest) -> HttpResponse:
    form = EventFilterForm(request.GET or None)
    filters = form.cleaned_data if form.is_valid() else {}
    now = timezone.now()
    events = event_list_filter(
        # drafts are listed apart, for their hosts ("Events we host") and the invited
        visible_events(request.user).exclude(state=EventState.DRAFT),
        now=now,
        when=filters.get("when", ""),
        kind=filters.get("kind", ""),
        topic=filters.get("topic", ""),
        organization=filters.get("organization"),
        audience=filters.get("audience", ""),
    )
    page = Paginator(events, PAGE_SIZE).get_page(request.GET.get("page"))
    rows = list(page.object_list)
    cohosts = cohosts_by_event(rows)
    query = urlencode(
        {
            key: (value.pk if isinstance(value, Organization) else value)
            for key, value in filters.items()
            if value
        }
    )
    return render(
        request,
        "promotion/events/list.html",
        {
            "form": form,
            "page": page,
            "rows": [
                (
                    event,
                    cohosts[event.pk],
                    listed_seats_left(event),
                )
                for event in rows
            ],
            "query": query,
            "when": filters.get("when") or "upcoming",
            "can_create": access.can_publish_for(request.user),
            "managed": list(managed_events(request.user)[:20]),
            "invitations": list(cohost_invitations(request.user)),
            "language": get_language(),
        },
    )


def event_detail(request: HttpRequest, event_id: int) -> HttpResponse:
    event = access.event_for_viewer(request.user, event_id)
    level = access.event_view_level(request.user, event)
    fields = access.EVENT_FIELDS.fields_for(level)
    registration = None
    if request.user.is_authenticated:
        registration = (
            Registration.objects.filter(event=event, user_id=request.user.pk)
            .exclude(state=RegistrationState.CANCELLED)
            .first()
        )
    manage = access.can_manage_event(request.user, event)
    run = access.can_run_event(request.user, event)
    my_cohost = (
        event_cohost_rows(event)
        .filter(organization_id__in=access.staff_org_ids(request.user))
        .first()
        if request.user.is_authenticated
        else None
    )
    now = timezone.now()
    materials = list(event.materials.all())
    context: dict[str, Any] = {
        "event": event,
        "fields": fields,
        "title": event.display_title(get_language() or "ko"),
        "description": (
            event.description_en
            if get_language() == "en" and event.description_en
            else event.description
        ),
        "hosts": [event.organizer, *accepted_cohosts(event)],
        "seats_left": seats_left(event),
        "materials": materials,
        # uploaded photos show as pictures (their title is the text alternative)
        "photos": [
            material
            for material in materials
            if material.file and material.content_type.startswith("image/")
        ],
        "registration": registration,
        "waitlist_position": waitlist_position(registration) if registration else None,
        "can_register": (
            registration is None
            and access.can_register(request.user, event)
            and registration_open(event, now)
        ),
        "needs_login": not request.user.is_authenticated
        and event.state == EventState.PUBLISHED
        and registration_open(event, now),
        "manage": manage,
        "run": run,
        "my_cohost": my_cohost,
        "ended": event.ends_at <= now,
        "technologies": list(event.technologies.all()),
    }
    if "invitations" in fields:
        context["cohost_rows"] = list(event_cohost_rows(event))
        context["invite_form"] = CoHostInviteForm(event=event) if run else None
        context["material_form"] = MaterialForm()
        counts = attendance(event)
        context["confirmed"] = counts.filter(state=RegistrationState.CONFIRMED).count()
        context["waitlisted"] = counts.filter(state=RegistrationState.WAITLISTED).count()
        context["checked_in"] = counts.filter(checked_in_at__isnull=False).count()
    return render(request, "promotion/events/detail.html", context)


# --- creating and editing ----------------------------------------------------------------------


@login_required
def event_create(request: HttpRequest) -> HttpResponse:
    access.require(access.can_publish_for(request.user))
    organizers = _organizers(request.user)
    form = EventForm(_posted(request), organizers=organizers)
    questions = QuestionFormSet(_posted(request), prefix="questions")
    if request.method == "POST" and form.is_valid() and questions.is_valid():
        values = dict(form.cleaned_data)
        values["questions"] = questions_from(questions)
        try:
            event = services.event_create(
                organizer=values.pop("organizer"),
                values=values,
                technologies=values.pop("technologies"),
                actor=request.user,
            )
        except ValidationError as error:
            form.add_error(None, error)
        else:
            messages.success(request, _("The event was saved as a draft. Publish it when ready."))
            return redirect("promotion:event_detail", event_id=event.pk)
    return render(
        request,
        "promotion/events/form.html",
        {"form": form, "questions": questions, "event": None},
    )


@login_required
def event_edit(request: HttpRequest, event_id: int) -> HttpResponse:
    event = access.event_for_viewer(request.user, event_id)
    access.require(access.can_manage_event(request.user, event))
    if event.state == EventState.CANCELLED:
        raise PermissionDenied
    form = EventForm(
        _posted(request),
        instance=Event.objects.get(pk=event.pk),
        initial={"technologies": list(event.technologies.all())},
    )
    questions = QuestionFormSet(
        _posted(request),
        prefix="questions",
        initial=None if request.method == "POST" else event.questions,
    )
    if request.method == "POST" and form.is_valid() and questions.is_valid():
        values = dict(form.cleaned_data)
        values["questions"] = questions_from(questions)
        try:
            services.event_update(
                event=event,
                values=values,
                technologies=values.pop("technologies"),
                actor=request.user,
            )
        except ValidationError as error:
            form.add_error(None, error)
        else:
            messages.success(request, _("The event was saved."))
            return redirect("promotion:event_detail", event_id=event.pk)
    return render(
        request,
        "promotion/events/form.html",
        {"form": form, "questions": questions, "event": event},
    )


@login_required
@require_POST
def event_publish(request: HttpRequest, event_id: int) -> HttpResponse:
    event = access.event_for_viewer(request.user, event_id)
    access.require(access.can_run_event(request.user, event))
    try:
        services.event_set_state(event=event, state=EventState.PUBLISHED, actor=request.user)
    except services.IllegalTransition:
        messages.error(request, _("Only a draft can be published."))
    else:
        messages.success(request, _("The event is published."))
    return redirect("promotion:event_detail", event_id=event.pk)


@login_required
def event_cancel(request: HttpRequest, event_id: int) -> HttpResponse:
    event = access.event_for_viewer(request.user, event_id)
    access.require(access.can_run_event(request.user, event))
    if event.state != EventState.PUBLISHED:
        raise PermissionDenied
    form = CancelEventForm(_posted(request))
    if request.method == "POST" and form.is_valid():
        services.event_set_state(
            event=event,
            state=EventState.CANCELLED,
            actor=request.user,
            reason=form.cleaned_data["reason"],
        )
        messages.success(request, _("The event is cancelled and its registrants were told."))
        return redirect("promotion:event_detail", event_id=event.pk)
    return render(request, "promotion/events/cancel.html", {"event": event, "form": form})


# --- co-hosting --------------------------------------------------------------------------------


@login_required
@require_POST
def cohost_invite(request: HttpRequest, event_id: int) -> HttpResponse:
    event = access.event_for_viewer(request.user, event_id)
    access.require(access.can_run_event(request.user, event))
    form = CoHostInviteForm(request.POST, event=event)
    if form.is_valid():
        try:
            services.eventcohost_invite(
                event=event, organization=form.cleaned_data["organization"], actor=request.user
            )
        except services.CoHostRefused as error:
            messages.error(request, str(error))
        else:
            messages.success(request, _("The invitation was sent. Their staff will answer."))
    else:
        messages.error(request, _("Choose the organisation to invite."))
    return redirect("promotion:event_detail", event_id=event.pk)


COHOST_ANSWERS = {
    "accept": CoHostState.ACCEPTED,
    "decline": CoHostState.DECLINED,
    "withdraw": CoHostState.WITHDRAWN,
}


@login_required
@require_POST
def cohost_answer(request: HttpRequest, cohost_id: int, answer: str) -> HttpResponse:
    """The invited organisation's staff accept, decline or later withdraw; the organiser's
    staff withdraw an invitation or a co-host."""
    cohost = access.cohost_for_viewer(request.user, cohost_id)
    state = COHOST_ANSWERS.get(answer)
    if state is None:
        raise Http404
    if state != CoHostState.WITHDRAWN and not access.can_answer_cohost(request.user, cohost):
        raise PermissionDenied
    try:
        services.eventcohost_set_state(cohost=cohost, state=state, actor=request.user)
    except services.IllegalTransition:
        messages.error(request, _("This invitation was already answered."))
    else:
        messages.success(
            request,
            {
                CoHostState.ACCEPTED: _("Your organisation now co-hosts this event."),
                CoHostState.DECLINED: _("You declined to co-host this event."),
                CoHostState.WITHDRAWN: _("The co-hosting was withdrawn."),
            }[state],
        )
    if access.event_view_level(request.user, cohost.event) >= ViewLevel.PUBLIC:
        return redirect("promotion:event_detail", event_id=cohost.event_id)
    return redirect("promotion:event_list")


# --- registration ------------------------------------------------------------------------------


@login_required
def event_register(request: HttpRequest, event_id: int) -> HttpResponse:
    event = access.event_for_viewer(request.user, event_id)
    access.require(access.can_register(request.user, event))
    form = RegistrationForm(_posted(request), event=event, companies=_companies(request.user))
    if request.method == "POST" and form.is_valid():
        try:
            registration = registration_create(
                event=event,
                user=request.user,
                company=form.cleaned_data.get("company"),
                answers=form.answers(),
                actor=request.user,
            )
        except RegistrationRefused as error:
            messages.error(request, str(error))
            return redirect("promotion:event_detail", event_id=event.pk)
        if registration.state == RegistrationState.CONFIRMED:
            messages.success(request, _("You are registered. Your QR code is below."))
        else:
            messages.success(
                request,
                _(
                    "The event is full: you are on the waitlist. "
                    "We will tell you if a seat frees up."
                ),
            )
        return redirect("promotion:my_registrations")
    return render(
        request,
        "promotion/events/register.html",
        {"event": event, "form": form, "seats_left": seats_left(event)},
    )


@login_required
@require_POST
def registration_cancel(request: HttpRequest, registration_id: int) -> HttpResponse:
    registration = access.registration_for_viewer(request.user, registration_id)
    access.require(access.can_cancel_registration(request.user, registration))
    registration_set_state(
        registration=registration, state=RegistrationState.CANCELLED, actor=request.user
    )
    messages.success(request, _("Your registration was cancelled."))
    return redirect("promotion:my_registrations")


def qr_svg(token: str) -> str:
    """The registration's QR code as inline SVG (dark modules, no fixed size: CSS scales it)."""
    buffer = io.BytesIO()
    segno.make(token, error="m").save(
        buffer, kind="svg", scale=1, border=2, xmldecl=False, svgns=True, omitsize=True
    )
    return buffer.getvalue().decode()


@login_required
def my_registrations(request: HttpRequest) -> HttpResponse:
    now = timezone.now()
    rows = []
    for registration in registrations_of(request.user):
        upcoming = registration.event.ends_at > now
        rows.append(
            {
                "registration": registration,
                "upcoming": upcoming,
                "qr": qr_svg(registration.token)
                if upcoming and registration.state == RegistrationState.CONFIRMED
                else "",
                "position": waitlist_position(registration),
                "title": registration.event.display_title(get_language() or "ko"),
            }
        )
    return render(request, "promotion/events/my_registrations.html", {"rows": rows})


# --- at the door and after ---------------------------------------------------------------------


@login_required
def event_check_in(request: HttpRequest, event_id: int) -> HttpResponse:
    """The door page (a phone): the camera reads the QR code where the browser has the
    BarcodeDetector API; otherwise a scanner or a person types the code."""
    event = access.event_for_viewer(request.user, event_id)
    access.require(access.can_manage_event(request.user, event))
    form = CheckInForm(_posted(request))
    result: dict[str, Any] | None = None
    if request.method == "POST" and form.is_valid():
        try:
            registration, new = registration_check_in(
                event=event, token=form.cleaned_data["code"], actor=request.user
            )
        except RegistrationRefused as error:
            result = {"ok": False, "text": str(error)}
        else:
            name = registration.user.name or registration.user.email
            when = timezone.localtime(registration.checked_in_at).strftime("%H:%M")
            result = {
                "ok": True,
                "text": (
                    _("%(name)s is checked in.")
                    if new
                    else _("%(name)s was already checked in at %(time)s.")
                )
                % {"name": name, "time": when},
            }
        form = CheckInForm()
    counts = attendance(event)
    return render(
        request,
        "promotion/events/check_in.html",
        {
            "event": event,
            "form": form,
            "result": result,
            "confirmed": counts.filter(state=RegistrationState.CONFIRMED).count(),
            "checked_in": counts.filter(checked_in_at__isnull=False).count(),
        },
        status=200 if result is None or result["ok"] else 422,
    )


@login_required
def event_attendance(request: HttpRequest, event_id: int) -> HttpResponse:
    event = access.event_for_viewer(request.user, event_id)
    access.require(access.can_manage_event(request.user, event))
    return render(
        request,
        "promotion/events/attendance.html",
        {"event": event, "rows": list(attendance(event)), "questions": event.questions or []},
    )


def _local(moment: Any) -> str:
    return timezone.localtime(moment).strftime("%Y-%m-%d %H:%M") if moment else ""


@login_required
def event_attendance_xlsx(request: HttpRequest, event_id: int) -> HttpResponse:
    """The attendance list as XLSX (EVENT_FIELDS "attendance": PRIVATE; cells neutralised
    against formulas)."""
    from openpyxl import Workbook

    event = access.event_for_viewer(request.user, event_id)
    access.require(
        access.EVENT_FIELDS.shows("attendance", access.event_view_level(request.user, event))
    )
    questions = event.questions or []
    workbook = Workbook(write_only=True)
    sheet = workbook.create_sheet(_("Attendance"))
    sheet.append(
        neutralise_row([_("Event title"), event.title, _("Starts at"), _local(event.starts_at)])
    )
    sheet.append(
        neutralise_row(
            [
                _("Name"),
                _("E-mail"),
                _("Company"),
                _("State"),
                _("Registered at"),
                _("Checked in at"),
                *[question.get("label", "") for question in questions],
            ]
        )
    )
    for registration in attendance(event):
        sheet.append(
            neutralise_row(
                [
                    registration.user.name,
                    registration.user.email,
                    registration.company.organization.name if registration.company else "",
                    registration.get_state_display(),
                    _local(registration.created_at),
                    _local(registration.checked_in_at),
                    *[registration.answers.get(q.get("key", ""), "") for q in questions],
                ]
            )
        )
    buffer = io.BytesIO()
    workbook.save(buffer)
    response = HttpResponse(
        buffer.getvalue(),
        content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    )
    response["Content-Disposition"] = f'attachment; filename="attendance-{event.pk}.xlsx"'
    return response


@login_required
@require_POST
def material_add(request: HttpRequest, event_id: int) -> HttpResponse:
    event = access.event_for_viewer(request.user, event_id)
    access.require(access.can_manage_event(request.user, event))
    form = MaterialForm(request.POST, request.FILES)
    if form.is_valid():
        services.eventmaterial_add(
            event=event,
            kind=form.cleaned_data["kind"],
            title=form.cleaned_data["title"],
            file=form.cleaned_data.get("file"),
            url=form.cleaned_data.get("url") or "",
            content_type=form.cleaned_data.get("content_type", ""),
            actor=request.user,
        )
        messages.success(request, _("The material was added."))
    else:
        for errors in form.errors.values():
            for error in errors:
                messages.error(request, str(error))
    return redirect(reverse("promotion:event_detail", args=[event.pk]) + "#materials")


@login_required
@require_POST
def material_remove(request: HttpRequest, material_id: int) -> HttpResponse:
    material = EventMaterial.objects.select_related("event").filter(pk=material_id).first()
    if material is None:
        raise Http404
    event = access.event_for_viewer(request.user, material.event_id)
    access.require(access.can_manage_event(request.user, event))
    services.eventmaterial_remove(material=material, actor=request.user)
    messages.success(request, _("The material was removed."))
    return redirect(reverse("promotion:event_detail", args=[event.pk]) + "#materials")


def material_file(request: HttpRequest, material_id: int) -> FileResponse:
    """A material's file, for whoever may see the event's materials (EVENT_FIELDS)."""
    material = EventMaterial.objects.filter(pk=material_id).exclude(file="").first()
    if material is None:
        raise Http404
    event = access.event_for_viewer(request.user, material.event_id)
    if not access.EVENT_FIELDS.shows("materials", access.event_view_level(request.user, event)):
        raise Http404
    # stored as "<32-character token>-<name as uploaded>" (`material_path`)
    name = str(material.file.name).rsplit("/", 1)[-1][33:]
    inline = (
        material.content_type.startswith("image/") or material.content_type == "application/pdf"
    )
    response = FileResponse(material.file.open("rb"), as_attachment=not inline, filename=name)
    response["Content-Type"] = material.content_type or "application/octet-stream"
    response["X-Content-Type-Options"] = "nosniff"
    return response
