"""Pages of a booking after it exists: the bookings lists (a company's, a host's), a booking's
page with its history and the actions each role may take (approve, reject, check in, cancel),
the approval queue, the waitlist and the company's monthly statement (page and XLSX)."""

from __future__ import annotations

import datetime as dt
import io
from typing import Any
from urllib.parse import urlencode

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import pgettext
from django.views.decorators.http import require_POST

from bitgoeul.accounts.access import is_operator_staff
from bitgoeul.companies.models import Company
from bitgoeul.core.cells import neutralise_row
from bitgoeul.equipment import access
from bitgoeul.equipment.enums import HOLDING_STATES, BookingState
from bitgoeul.equipment.forms_lifecycle import (
    SEOUL,
    BookingFilterForm,
    CancelForm,
    DecisionForm,
    RejectForm,
    StatementForm,
    WaitlistForm,
)
from bitgoeul.equipment.guard import BookingConflict
from bitgoeul.equipment.models import Booking
from bitgoeul.equipment.selectors_lifecycle import (
    Statement,
    approval_queue,
    booking_history,
    booking_list_filter,
    company_bookings,
    company_statement,
    hosted_bookings,
    waitlist_of_user,
)
from bitgoeul.equipment.services.bookings import BookingRefused
from bitgoeul.equipment.services.lifecycle import (
    IllegalTransition,
    booking_set_state,
    cancel_charge,
    note_text,
)
from bitgoeul.equipment.services.waitlist import (
    waitlist_accept,
    waitlist_join,
    waitlist_withdraw,
)

PAGE_SIZE = 25

# --- lists -------------------------------------------------------------------------------------


@login_required
def booking_list(request: HttpRequest) -> HttpResponse:
    """Company members see their companies' bookings and waitlist; host staff (and operator
    staff) the bookings of the items they manage ("hosted"). Upcoming or past, by state."""
    user = request.user
    is_member = bool(access.company_org_ids(user))
    hosts = bool(access.host_org_ids(user)) or is_operator_staff(user)
    if not is_member and not hosts:
        raise PermissionDenied
    # members of a company that also host equipment (operator staff in a company) get tabs
    scope = "host" if request.GET.get("scope") == "host" and hosts else "company"
    if not is_member:
        scope = "host"
    form = BookingFilterForm(request.GET or None)
    filters = form.cleaned_data if form.is_valid() else {}
    bookings = company_bookings(user) if scope == "company" else hosted_bookings(user)
    now = timezone.now()
    bookings = booking_list_filter(
        bookings, now=now, when=filters.get("when", ""), state=filters.get("state", "")
    )
    page = Paginator(bookings, PAGE_SIZE).get_page(request.GET.get("page"))
    query = urlencode({k: v for k, v in {"scope": scope, **filters}.items() if v and k != "page"})
    return render(
        request,
        "equipment/lifecycle/list.html",
        {
            "scope": scope,
            "is_member": is_member,
            "hosts": hosts,
            "form": form,
            "page": page,
            "query": query,
            "waitlist": list(waitlist_of_user(user)) if scope == "company" else [],
            "companies": list(access.bookable_companies(user).select_related("organization")),
            "pending_count": approval_queue(user).count() if hosts else 0,
        },
    )


@login_required
def approvals(request: HttpRequest) -> HttpResponse:
    if not access.can_see_approvals(request.user):
        raise PermissionDenied
    rows = [(booking, *_decision_forms(booking)) for booking in approval_queue(request.user)]
    return render(request, "equipment/lifecycle/approvals.html", {"rows": rows})


def _decision_forms(booking: Booking) -> tuple[DecisionForm, RejectForm]:
    """The two forms of a decision, with ids of their own (several on one page)."""
    return (
        DecisionForm(auto_id=f"id_approve_{booking.pk}_%s"),
        RejectForm(auto_id=f"id_reject_{booking.pk}_%s"),
    )


# --- one booking -------------------------------------------------------------------------------


def _who(actor: Any) -> str:
    """Who moved the booking, as a name (the audit trail holds only the id): the system for
    the clock, a tombstone for an erased account."""
    if actor is None:
        return pgettext("booking history", "The system")
    if actor.deleted_at is not None:
        return pgettext("booking history", "Deleted user #%(id)s") % {"id": actor.pk}
    return str(actor.name or actor.email)


def _history(booking: Booking) -> list[dict[str, Any]]:
    """The state history: who moved the booking to which state, when, with which note."""
    rows = []
    for event in booking_history(booking).select_related("actor"):
        after = event.after or {}
        state = after.get("state")
        if state not in BookingState.values:
            continue
        rows.append(
            {
                "at": event.at,
                "who": _who(event.actor),
                "state": BookingState(state).label,
                "note": note_text(after.get("note") or after.get("override_reason") or ""),
            }
        )
    return rows


@login_required
def booking_detail(request: HttpRequest, booking_id: int) -> HttpResponse:
    booking = access.booking_for_viewer(request.user, booking_id)
    now = timezone.now()
    user = request.user
    can_cancel = booking.state in HOLDING_STATES and access.can_cancel_booking(user, booking)
    return render(
        request,
        "equipment/lifecycle/detail.html",
        {
            "booking": booking,
            "history": _history(booking),
            "accessories": list(booking.accessories.select_related("accessory")),
            "can_decide": booking.state == BookingState.PENDING
            and access.can_decide_booking(user, booking),
            "can_check_in": access.can_check_in(user, booking, now),
            "can_cancel": can_cancel,
            "charge_now": cancel_charge(booking, now) if can_cancel else 0,
            "free_until": booking.starts_at - dt.timedelta(hours=booking.item.free_cancel_hours),
            "forms": _decision_forms(booking),
            "statement_url": _statement_url(user, booking),
            "decision_note": note_text(booking.decision_note),
        },
    )


def _statement_url(user: Any, booking: Booking) -> str:
    if not access.can_view_statement(user, booking.company):
        return ""
    month = timezone.localtime(booking.starts_at, SEOUL)
    query = urlencode({"company": booking.company_id, "month": f"{month:%Y-%m}"})
    return f"{reverse('equipment:statement')}?{query}"


def _decidable(request: HttpRequest, booking_id: int) -> Booking:
    booking = access.booking_for_viewer(request.user, booking_id)
    if not access.can_decide_booking(request.user, booking):
        raise PermissionDenied
    return booking


def _back(request: HttpRequest, booking: Booking) -> HttpResponse:
    if request.POST.get("next") == "approvals":
        return redirect("equipment:approvals")
    return redirect("equipment:booking_detail", booking.pk)


@login_required
@require_POST
def booking_approve(request: HttpRequest, booking_id: int) -> HttpResponse:
    booking = _decidable(request, booking_id)
    form = DecisionForm(request.POST)
    note = form.cleaned_data["note"] if form.is_valid() else ""
    try:
        booking_set_state(
            booking=booking, state=BookingState.CONFIRMED, actor=request.user, note=note
        )
    except IllegalTransition:
        messages.error(request, _("This booking no longer awaits approval."))
    else:
        messages.success(request, _("The booking was approved; the company has been told."))
    return _back(request, booking)


@login_required
@require_POST
def booking_reject(request: HttpRequest, booking_id: int) -> HttpResponse:
    booking = _decidable(request, booking_id)
    form = RejectForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("Write why the booking is rejected."))
        return _back(request, booking)
    try:
        booking_set_state(
            booking=booking,
            state=BookingState.REJECTED,
            actor=request.user,
            note=form.cleaned_data["note"],
        )
    except IllegalTransition:
        messages.error(request, _("This booking no longer awaits approval."))
    else:
        messages.success(request, _("The booking was rejected; the company has been told."))
    return _back(request, booking)


@login_required
@require_POST
def booking_check_in(request: HttpRequest, booking_id: int) -> HttpResponse:
    booking = access.booking_for_viewer(request.user, booking_id)
    if not access.can_check_in(request.user, booking, timezone.now()):
        raise PermissionDenied
    try:
        booking_set_state(booking=booking, state=BookingState.CHECKED_IN, actor=request.user)
    except IllegalTransition:
        messages.error(request, _("This booking can no longer be checked in."))
    else:
        messages.success(request, _("Checked in. Enjoy the equipment."))
    return redirect("equipment:booking_detail", booking.pk)


@login_required
def booking_cancel(request: HttpRequest, booking_id: int) -> HttpResponse:
    """GET: what cancelling now costs and a form; POST: cancel."""
    booking = access.booking_for_viewer(request.user, booking_id)
    if not access.can_cancel_booking(request.user, booking):
        raise PermissionDenied
    if booking.state not in HOLDING_STATES:
        messages.error(request, _("This booking can no longer be cancelled."))
        return redirect("equipment:booking_detail", booking.pk)
    form = CancelForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            booking_set_state(
                booking=booking,
                state=BookingState.CANCELLED,
                actor=request.user,
                note=form.cleaned_data["reason"],
            )
        except IllegalTransition:
            messages.error(request, _("This booking can no longer be cancelled."))
        else:
            messages.success(request, _("The booking was cancelled."))
        return redirect("equipment:booking_detail", booking.pk)
    now = timezone.now()
    return render(
        request,
        "equipment/lifecycle/cancel.html",
        {
            "booking": booking,
            "form": form,
            "charge": cancel_charge(booking, now),
            "free_until": booking.starts_at - dt.timedelta(hours=booking.item.free_cancel_hours),
        },
    )


# --- waitlist ----------------------------------------------------------------------------------


@login_required
def waitlist_join_view(request: HttpRequest, item_id: int) -> HttpResponse:
    item = access.item_for_viewer(request.user, item_id)
    companies = access.bookable_companies(request.user)
    if not companies.exists():
        raise PermissionDenied
    form = WaitlistForm(request.POST or None, companies=companies, initial=request.GET.dict())
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            waitlist_join(
                item=item,
                company=data["company"],
                starts_at=data["starts_at"],
                ends_at=data["ends_at"],
                purpose=data["purpose"],
                actor=request.user,
            )
        except ValidationError as error:
            form.add_error(None, error)
        else:
            messages.success(
                request,
                _("You are on the waitlist. We will tell you if the time becomes free."),
            )
            return redirect(f"{reverse('equipment:booking_list')}?scope=company")
    return render(request, "equipment/lifecycle/waitlist_join.html", {"item": item, "form": form})


@login_required
@require_POST
def waitlist_accept_view(request: HttpRequest, entry_id: int) -> HttpResponse:
    entry = access.waitlist_entry_for_member(request.user, entry_id)
    try:
        booking = waitlist_accept(entry=entry, actor=request.user)
    except BookingConflict:
        messages.error(request, _("Someone else booked this time first. You stay on the list."))
    except BookingRefused as refused:
        messages.error(request, " ".join(str(p.message) for p in refused.problems))
    except ValidationError:
        messages.error(request, _("This offer is no longer open."))
    else:
        messages.success(request, _("The time is booked for your company."))
        return redirect("equipment:booking_detail", booking.pk)
    return redirect(f"{reverse('equipment:booking_list')}?scope=company")


@login_required
@require_POST
def waitlist_withdraw_view(request: HttpRequest, entry_id: int) -> HttpResponse:
    entry = access.waitlist_entry_for_member(request.user, entry_id)
    try:
        waitlist_withdraw(entry=entry, actor=request.user)
    except ValidationError:
        messages.error(request, _("This waitlist entry is no longer open."))
    else:
        messages.success(request, _("You left the waitlist."))
    return redirect(f"{reverse('equipment:booking_list')}?scope=company")


# --- statement ---------------------------------------------------------------------------------


def _statement(request: HttpRequest) -> tuple[Statement, StatementForm, list[Company]]:
    """The statement the request asks for: `company` (a company the viewer may see the
    statement of; operator staff choose any company that booked) and `month` (YYYY-MM, this
    month by default)."""
    user = request.user
    companies = list(access.bookable_companies(user).select_related("organization"))
    company: Company | None
    wanted = request.GET.get("company", "")
    if wanted.isdigit():
        company = Company.objects.select_related("organization").filter(pk=int(wanted)).first()
        if company is None or not access.can_view_statement(user, company):
            raise Http404
    elif companies:
        company = companies[0]
    else:
        raise PermissionDenied
    form = StatementForm(request.GET or None)
    month = form.cleaned_data.get("month") if form.is_valid() else None
    if month is None:
        month = timezone.localtime(timezone.now(), SEOUL).date().replace(day=1)
        if not form.errors:  # show the month shown, rather than an empty field
            form = StatementForm(initial={"month": f"{month:%Y-%m}"})
    return company_statement(company, month), form, companies


@login_required
def statement(request: HttpRequest) -> HttpResponse:
    report, form, companies = _statement(request)
    query = urlencode({"company": report.company.pk, "month": f"{report.month:%Y-%m}"})
    return render(
        request,
        "equipment/lifecycle/statement.html",
        {"statement": report, "form": form, "companies": companies, "query": query},
    )


@login_required
def statement_xlsx(request: HttpRequest) -> HttpResponse:
    """The statement as XLSX (cells neutralised against formulas)."""
    from openpyxl import Workbook

    report, _form, _companies = _statement(request)
    workbook = Workbook(write_only=True)
    sheet = workbook.create_sheet(_("Statement"))
    sheet.append(
        neutralise_row(
            [_("Company"), report.company.organization.name, _("Month"), f"{report.month:%Y-%m}"]
        )
    )
    sheet.append(
        neutralise_row(
            [
                _("Booking no."),
                _("Equipment"),
                _("Starts at"),
                _("Ends at"),
                _("State"),
                _("Fee (KRW)"),
                _("Late cancellation charge (KRW)"),
                _("Amount (KRW)"),
            ]
        )
    )
    for line in report.lines:
        booking = line.booking
        sheet.append(
            neutralise_row(
                [
                    booking.pk,
                    booking.item.name,
                    timezone.localtime(booking.starts_at, SEOUL).strftime("%Y-%m-%d %H:%M"),
                    timezone.localtime(booking.ends_at, SEOUL).strftime("%Y-%m-%d %H:%M"),
                    booking.get_state_display(),
                    line.fee_krw,
                    line.cancel_fee_krw,
                    line.total_krw,
                ]
            )
        )
    sheet.append(
        neutralise_row(
            [_("Total"), "", "", "", "", report.fee_total, report.cancel_total, report.total]
        )
    )
    buffer = io.BytesIO()
    workbook.save(buffer)
    response = HttpResponse(
        buffer.getvalue(),
        content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    )
    name = f"statement-{report.company.pk}-{report.month:%Y-%m}.xlsx"
    response["Content-Disposition"] = f'attachment; filename="{name}"'
    return response
