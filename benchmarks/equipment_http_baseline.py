"""The baseline server of `bench_equipment_http`: Bitgoeul with one more API operation that
books by reading, then writing, as application-code checks do (no lock, no database guard)."""

from typing import Any

# --- the baseline server -----------------------------------------------------------------------
#
# The same Django project, middleware, token authentication, django-ninja and answer schema as
# Bitgoeul's API, with one more URL: `POST /baseline/bookings`, which reads whether the time is
# free and then inserts the booking (autocommit, no row lock, no guard rows, no rules or audit),
# the check of application code. Served from this module: `application` points Django
# at the URLs below (`urlpatterns`, built on first use) before it loads.
#
# No `from __future__ import annotations` here: django-ninja reads the operation's annotations,
# which name classes imported inside the function.

_application: Any = None


def application(environ: dict[str, Any], start_response: Any) -> Any:
    global _application
    if _application is None:
        from django.conf import settings
        from django.core.wsgi import get_wsgi_application

        settings.ROOT_URLCONF = __name__
        _application = get_wsgi_application()
    return _application(environ, start_response)


def _baseline_urlpatterns() -> list[Any]:
    from django.http import HttpRequest
    from django.urls import include, path
    from ninja import NinjaAPI, Status

    from bitgoeul.accounts.api_auth import TokenAuth
    from bitgoeul.accounts.models import User
    from bitgoeul.companies.models import Company
    from bitgoeul.core.visibility import ViewLevel
    from bitgoeul.equipment import access
    from bitgoeul.equipment.api.bookings import BookingIn, BookingOut, ErrorOut, booking_out
    from bitgoeul.equipment.enums import HOLDING_STATES
    from bitgoeul.equipment.fees import booking_fee
    from bitgoeul.equipment.models import Booking

    api = NinjaAPI(urls_namespace="baseline", auth=[TokenAuth()], docs_url=None)

    @api.post("/bookings", response={201: BookingOut, 409: ErrorOut})
    def baseline_book(request: HttpRequest, payload: BookingIn) -> Status:
        user = request.user
        assert isinstance(user, User)  # TokenAuth
        item = access.item_for_viewer(user, payload.item)
        company = Company.objects.select_related("organization").get(pk=payload.company)
        starts_at, ends_at = payload.starts_at, payload.ends_at
        taken = Booking.objects.filter(
            item=item, state__in=HOLDING_STATES, starts_at__lt=ends_at, blocked_until__gt=starts_at
        ).exists()
        if taken:
            return Status(409, {"error": {"code": "conflict", "message": "taken", "field": None}})
        fee, detail = booking_fee(item, company, starts_at, ends_at)
        booking = Booking.objects.create(
            item=item,
            company=company,
            booked_by=user,
            starts_at=starts_at,
            ends_at=ends_at,
            blocked_until=ends_at,
            fee_krw=fee,
            fee_detail=detail,
        )
        return Status(201, booking_out(booking, ViewLevel.PRIVATE))

    return [path("baseline/", api.urls), path("", include("bitgoeul.urls"))]


def __getattr__(name: str) -> Any:
    """`urlpatterns`, for Django's URL resolver in the baseline server only (the benchmark's
    own process never configures Django)."""
    if name == "urlpatterns":
        return _baseline_urlpatterns()
    raise AttributeError(name)
