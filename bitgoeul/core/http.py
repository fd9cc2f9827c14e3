"""Small request helpers shared by the views of every app."""

from __future__ import annotations

import ipaddress

from django.conf import settings
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import resolve_url
from django.utils.http import url_has_allowed_host_and_scheme


def _is_trusted_proxy(address: str) -> bool:
    try:
        ip = ipaddress.ip_address(address)
    except ValueError:
        return False
    return any(ip in network for network in settings.TRUSTED_PROXIES)


def client_ip(request: HttpRequest) -> str:
    """The address of the client that sent the request.

    REMOTE_ADDR, unless it is one of `TRUSTED_PROXIES`: then the proxy header
    (`X-Forwarded-For` by default) is read from the right, skipping our own proxies, and the
    first address that is not one of them is the client. Addresses further left were written
    by the client itself and may be forged, so they are never used.
    """
    remote = str(request.META.get("REMOTE_ADDR", ""))
    if not _is_trusted_proxy(remote):
        return remote
    forwarded = str(request.META.get(settings.PROXY_CLIENT_HEADER, ""))
    client = remote
    for item in reversed([part.strip() for part in forwarded.split(",") if part.strip()]):
        try:
            client = str(ipaddress.ip_address(item))
        except ValueError:
            break  # garbage from the client side of the chain: keep the last good hop
        if not _is_trusted_proxy(client):
            break
    return client


def safe_next_url(request: HttpRequest, *, default: str) -> str:
    candidate = request.POST.get("next") or request.GET.get("next") or ""
    if candidate and url_has_allowed_host_and_scheme(
        candidate, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        return candidate
    return resolve_url(default)


def remember_language(response: HttpResponse, language: str) -> HttpResponse:
    """Make the user's chosen language stick (the same cookie the header switch sets)."""
    response.set_cookie(
        settings.LANGUAGE_COOKIE_NAME, language, max_age=365 * 24 * 3600, samesite="Lax"
    )
    return response


def error_text(error: ValidationError) -> str:
    """A service's refusal (`ValidationError`) as one message for the person who asked."""
    return " ".join(error.messages)
