"""The reader's notifications: the list (paged, mark read) and the per-kind settings."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from bitgoeul.accounts.types import AuthenticatedHttpRequest
from bitgoeul.notifications import access
from bitgoeul.notifications.selectors import notifications_for, preferences_of, readable_rows
from bitgoeul.notifications.services import (
    notification_mark_read,
    notification_preferences_set,
    notifications_mark_all_read,
)

PER_PAGE = 25


@login_required
def notification_list(request: AuthenticatedHttpRequest) -> HttpResponse:
    user = request.user
    page = Paginator(notifications_for(user), PER_PAGE).get_page(request.GET.get("page"))
    rows, hidden = readable_rows(user, list(page.object_list))
    return render(
        request, "notifications/list.html", {"page": page, "rows": rows, "hidden": hidden}
    )


@login_required
@require_POST
def notification_read(request: AuthenticatedHttpRequest, notification_id: int) -> HttpResponse:
    notification = access.notification_for_reader(request.user, notification_id)
    notification_mark_read(notification=notification, actor=request.user)
    return redirect(_list_url(request))


@login_required
@require_POST
def notifications_read_all(request: AuthenticatedHttpRequest) -> HttpResponse:
    notifications_mark_all_read(actor=request.user)
    return redirect(_list_url(request))


def _list_url(request: HttpRequest) -> str:
    page = request.POST.get("page", "")
    suffix = f"?page={page}" if page.isdigit() else ""
    return reverse("notifications:list") + suffix


@login_required
def notification_settings(request: AuthenticatedHttpRequest) -> HttpResponse:
    user = request.user
    preferences = preferences_of(user)
    if request.method == "POST":
        choices = {
            p.kind.code: (
                f"in_app:{p.kind.code}" in request.POST,
                f"email:{p.kind.code}" in request.POST,
            )
            for p in preferences
        }
        notification_preferences_set(user=user, choices=choices, actor=user)
        messages.success(request, _("Your notification settings are saved."))
        return redirect("notifications:settings")
    return render(request, "notifications/settings.html", {"preferences": preferences})
