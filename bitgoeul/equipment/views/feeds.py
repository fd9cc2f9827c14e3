"""The iCal feed links: the page where a user makes and revokes them, and the feed itself
(fetched by calendar apps without a session: the secret in the link is the credential)."""

from __future__ import annotations

from typing import Any

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_GET, require_POST

from bitgoeul.accounts.types import AuthenticatedHttpRequest
from bitgoeul.companies.models import Company
from bitgoeul.equipment import access
from bitgoeul.equipment.enums import FeedScope
from bitgoeul.equipment.models import CalendarFeed, Item
from bitgoeul.equipment.services import feeds as services


class CompanyChoiceField(forms.ModelChoiceField[Company]):
    def label_from_instance(self, obj: Company) -> str:
        return obj.organization.name


class FeedForm(forms.Form):
    scope = forms.ChoiceField(
        label=gettext_lazy("What the calendar shows"),
        choices=FeedScope.choices,
        initial=FeedScope.USER,
        widget=forms.RadioSelect,
    )
    item = forms.ModelChoiceField(
        label=gettext_lazy("Item"),
        queryset=Item.objects.none(),
        required=False,
        help_text=gettext_lazy("Bookings of other companies show only as “booked”."),
    )
    company = CompanyChoiceField(
        label=gettext_lazy("Company"), queryset=Company.objects.none(), required=False
    )

    def __init__(self, *args: Any, user: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        item_field = self.fields["item"]
        company_field = self.fields["company"]
        assert isinstance(item_field, forms.ModelChoiceField)
        assert isinstance(company_field, forms.ModelChoiceField)
        item_field.queryset = access.items_for_viewer(user).order_by("name")
        company_field.queryset = access.bookable_companies(user).select_related("organization")

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        scope = data.get("scope")
        if scope == FeedScope.ITEM and not data.get("item"):
            self.add_error("item", _("Choose the item whose bookings the calendar shows."))
        if scope == FeedScope.COMPANY and not data.get("company"):
            self.add_error("company", _("Choose the company whose bookings the calendar shows."))
        return data


def _link(request: HttpRequest, secret: str) -> str:
    return request.build_absolute_uri(reverse("equipment:feed_ics", args=[secret]))


@login_required
def feed_list(request: AuthenticatedHttpRequest) -> HttpResponse:
    user = request.user
    form = FeedForm(request.POST or None, user=user)
    link = None
    if request.method == "POST" and form.is_valid():
        _feed, secret = services.calendar_feed_create(
            owner=user,
            scope=form.cleaned_data["scope"],
            item=form.cleaned_data.get("item"),
            company=form.cleaned_data.get("company"),
        )
        link = _link(request, secret)
        form = FeedForm(user=user)
    return render(
        request,
        "equipment/feeds/list.html",
        {
            "form": form,
            "link": link,
            "webcal": link.replace("https://", "webcal://", 1).replace("http://", "webcal://", 1)
            if link
            else None,
            "feeds": list(services.owner_feeds(user)),
        },
    )


@login_required
@require_POST
def feed_revoke(request: AuthenticatedHttpRequest, feed_id: int) -> HttpResponse:
    feed = get_object_or_404(CalendarFeed, pk=feed_id, owner=request.user)
    services.calendar_feed_revoke(feed=feed, actor=request.user)
    messages.success(
        request, _("The calendar link %(prefix)s… is revoked.") % {"prefix": feed.prefix}
    )
    return redirect("equipment:feed_list")


@require_GET
def feed_ics(request: HttpRequest, secret: str) -> HttpResponse:
    """The calendar of a live link; 404 for an unknown or revoked one (nothing said about
    which)."""
    feed = services.feed_for_secret(secret)
    if feed is None:
        raise Http404
    response = HttpResponse(
        services.feed_calendar(feed), content_type="text/calendar; charset=utf-8"
    )
    response["Content-Disposition"] = 'inline; filename="bookings.ics"'
    # the link is a credential: keep it and its content out of shared caches and referrers
    response["Cache-Control"] = "private, no-store"
    response["Referrer-Policy"] = "no-referrer"
    return response
