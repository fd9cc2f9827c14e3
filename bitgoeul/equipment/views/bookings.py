"""The booking form of an item (single and recurring, with the series preview and the skips,
accessories, purpose, the company it is for; host staff book on a company's behalf and may
override a rule with a reason) and the confirmation pages. Rules and writes are the services';
this module parses and renders."""

from __future__ import annotations

import datetime as dt
from typing import Any
from zoneinfo import ZoneInfo

from django import forms
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.db.models import QuerySet
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from bitgoeul.accounts.types import AuthenticatedHttpRequest
from bitgoeul.companies.models import Company
from bitgoeul.equipment import access
from bitgoeul.equipment.enums import Frequency
from bitgoeul.equipment.guard import BookingConflict
from bitgoeul.equipment.models import Accessory, Booking, Item
from bitgoeul.equipment.services.bookings import BookingRefused, booking_create
from bitgoeul.equipment.services.series import (
    MAX_OCCURRENCES,
    SeriesPlan,
    SeriesRefused,
    series_create,
    series_preview,
)

SEOUL = ZoneInfo("Asia/Seoul")
TIME = {"type": "time", "step": "900"}  # the 15-minute grid
DATE = {"type": "date"}


class CompanyChoice(forms.ModelChoiceField):  # type: ignore[type-arg]
    def label_from_instance(self, obj: Any) -> str:
        return str(obj.organization.name)


class BookingForm(forms.Form):
    company = CompanyChoice(
        label=gettext_lazy("Company"), queryset=Company.objects.none(), empty_label=None
    )
    start_day = forms.DateField(label=gettext_lazy("Start date"), widget=forms.DateInput(DATE))
    start_time = forms.TimeField(label=gettext_lazy("Start time"), widget=forms.TimeInput(TIME))
    end_day = forms.DateField(
        label=gettext_lazy("End date"),
        required=False,
        widget=forms.DateInput(DATE),
        help_text=gettext_lazy("Leave empty if the booking ends on the day it starts."),
    )
    end_time = forms.TimeField(label=gettext_lazy("End time"), widget=forms.TimeInput(TIME))
    purpose = forms.CharField(
        label=gettext_lazy("Purpose"),
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=gettext_lazy("What the equipment is used for: the product and what is tested."),
    )
    repeat = forms.ChoiceField(
        label=gettext_lazy("Repeat"),
        required=False,
        choices=[("", gettext_lazy("Does not repeat")), *Frequency.choices],
    )
    interval = forms.IntegerField(
        label=gettext_lazy("Every (days, weeks or months)"),
        min_value=1,
        max_value=12,
        initial=1,
        required=False,
    )
    count = forms.IntegerField(
        label=gettext_lazy("Number of bookings"),
        min_value=2,
        max_value=MAX_OCCURRENCES,
        required=False,
        help_text=gettext_lazy("Counting the first one."),
    )

    def __init__(
        self,
        *args: Any,
        companies: QuerySet[Company],
        accessories: list[Accessory],
        on_behalf: bool,
        **kwargs: Any,
    ) -> None:
        super().__init__(*args, **kwargs)
        company_field = self.fields["company"]
        assert isinstance(company_field, forms.ModelChoiceField)
        company_field.queryset = companies
        for accessory in accessories:
            self.fields[f"accessory_{accessory.pk}"] = forms.IntegerField(
                label=_("%(accessory)s (up to %(quantity)d)")
                % {"accessory": accessory.name, "quantity": accessory.quantity},
                min_value=0,
                max_value=accessory.quantity,
                initial=0,
                required=False,
            )
        self.accessories = accessories
        if on_behalf:
            self.fields["override_reason"] = forms.CharField(
                label=_("Override the rules because"),
                max_length=300,
                required=False,
                help_text=_(
                    "Host staff only. Given, the booking is made even where a rule refuses it; "
                    "the reason and the rules overridden are recorded and shown. A taken time "
                    "is never overridden."
                ),
            )

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        if self.errors:
            return data
        data["starts_at"] = dt.datetime.combine(data["start_day"], data["start_time"], SEOUL)
        end_day = data.get("end_day") or data["start_day"]
        data["ends_at"] = dt.datetime.combine(end_day, data["end_time"], SEOUL)
        if data["ends_at"] <= data["starts_at"]:
            self.add_error("end_time", _("The end must be after the start."))
        if data.get("repeat") and not data.get("count"):
            self.add_error("count", _("Say how many bookings the series has."))
        data["accessory_quantities"] = {
            accessory.pk: data.get(f"accessory_{accessory.pk}") or 0
            for accessory in self.accessories
        }
        return data

    def plan(self, item: Item) -> SeriesPlan | None:
        data = self.cleaned_data
        if not data.get("repeat"):
            return None
        return SeriesPlan(
            item=item,
            company=data["company"],
            frequency=data["repeat"],
            interval=data.get("interval") or 1,
            first_starts_at=data["starts_at"],
            duration_minutes=int((data["ends_at"] - data["starts_at"]).total_seconds() // 60),
            count=data["count"],
        )

    def accessory_fields(self) -> list[forms.BoundField]:
        return [self[f"accessory_{accessory.pk}"] for accessory in self.accessories]

    def time_fields(self) -> list[forms.BoundField]:
        return [self[name] for name in ("start_day", "start_time", "end_day", "end_time")]

    def repeat_fields(self) -> list[forms.BoundField]:
        return [self[name] for name in ("repeat", "interval", "count")]


@login_required
def book(request: AuthenticatedHttpRequest, item_id: int) -> HttpResponse:
    item = access.item_for_viewer(request.user, item_id)
    if not access.can_use_booking_form(request.user, item):
        raise PermissionDenied
    on_behalf = access.can_book_on_behalf(request.user, item)
    companies = access.booking_form_companies(request.user, item).select_related("organization")
    companies = companies.order_by("organization__name")
    accessories = list(item.accessories.all())
    partners = list(item.bundled_with.order_by("name"))
    initial = {}
    if request.membership is not None:
        initial["company"] = request.membership.organization_id
    form = BookingForm(
        request.POST if request.method == "POST" else None,
        initial=initial,
        companies=companies,
        accessories=accessories,
        on_behalf=on_behalf,
    )
    context: dict[str, Any] = {
        "item": item,
        "form": form,
        "partners": partners,
        "on_behalf": on_behalf,
        "instances": None,
        "problems": [],
    }
    if request.method != "POST" or not form.is_valid():
        return render(request, "equipment/bookings/book.html", context)
    data = form.cleaned_data
    company = data["company"]
    if not (on_behalf or access.can_book_for(request.user, company)):
        raise PermissionDenied
    override_reason = (data.get("override_reason") or "").strip() if on_behalf else ""
    try:
        plan = form.plan(item)
        if plan is not None:
            if request.POST.get("action") != "book":
                context["instances"] = series_preview(
                    plan=plan, accessories=data["accessory_quantities"]
                )
                return render(request, "equipment/bookings/book.html", context)
            series = series_create(
                plan=plan,
                actor=request.user,
                skip=request.POST.getlist("skip"),
                purpose=data["purpose"],
                accessories=data["accessory_quantities"],
                override_reason=override_reason,
                on_behalf=on_behalf,
            )
            return redirect("equipment:series_booked", series_id=series.pk)
        booking = booking_create(
            item=item,
            company=company,
            starts_at=data["starts_at"],
            ends_at=data["ends_at"],
            actor=request.user,
            purpose=data["purpose"],
            accessories=data["accessory_quantities"],
            override_reason=override_reason,
            on_behalf=on_behalf,
        )
    except BookingRefused as refused:
        context["problems"] = [p.message for p in refused.problems]
    except BookingConflict:
        context["problems"] = [
            _("This time is already booked (with the time kept free after each booking).")
            + " "
            + _("Choose another time.")
        ]
    except SeriesRefused as refused:
        context["problems"] = refused.messages
        if plan is not None and refused.instance is not None:
            context["instances"] = series_preview(
                plan=plan, accessories=data["accessory_quantities"]
            )
    else:
        return redirect("equipment:booking_booked", booking_id=booking.pk)
    return render(request, "equipment/bookings/book.html", context)


@login_required
def booking_booked(request: AuthenticatedHttpRequest, booking_id: int) -> HttpResponse:
    booking = access.booking_for_viewer(request.user, booking_id)
    bundle = (
        list(
            Booking.objects.filter(bundle=booking.bundle)
            .exclude(pk=booking.pk)
            .select_related("item")
        )
        if booking.bundle
        else []
    )
    context = {
        "booking": booking,
        "bundle": bundle,
        "accessories": booking.accessories.select_related("accessory"),
    }
    return render(request, "equipment/bookings/booked.html", context)


@login_required
def series_booked(request: AuthenticatedHttpRequest, series_id: int) -> HttpResponse:
    series = access.series_for_viewer(request.user, series_id)
    skipped = [
        dt.datetime.strptime(key, "%Y-%m-%dT%H:%MZ").replace(tzinfo=dt.UTC)
        for key in series.skipped
    ]
    context = {
        "series": series,
        "bookings": series.bookings.order_by("starts_at"),
        "skipped": skipped,
        "fee_total": sum(b.fee_krw for b in series.bookings.all()),
    }
    return render(request, "equipment/bookings/series_booked.html", context)
