"""The weekly digest: the subscription page (signed in) and the unsubscribe link of every
digest e-mail, which works without signing in: POST unsubscribes at once (RFC 8058 one-click,
sent by mail clients without a CSRF token, so the signed token is the only authority); GET only
shows a page with a button, because mail scanners follow links and must not unsubscribe."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_http_methods

from bitgoeul.accounts.types import AuthenticatedHttpRequest
from bitgoeul.promotion import selectors_news as selectors
from bitgoeul.promotion.forms_news import DigestForm
from bitgoeul.promotion.models import DigestSubscription
from bitgoeul.promotion.services import digest as services


@login_required
def digest_settings(request: AuthenticatedHttpRequest) -> HttpResponse:
    subscription = DigestSubscription.objects.filter(user=request.user).first()
    initial: dict[str, object] = {"is_active": True}
    if subscription is not None:
        initial = {
            "is_active": subscription.is_active,
            "organizations": list(subscription.organizations.all()),
            "topics": subscription.topics,
            "technologies": list(subscription.technologies.all()),
        }
    form = DigestForm(
        request.POST or None,
        initial=initial,
        organizations=selectors.publishers(),
        technologies=selectors.active_technologies(),
    )
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        services.digest_subscription_save(
            actor=request.user,
            user=request.user,
            is_active=data["is_active"],
            organizations=list(data["organizations"]),
            topics=data["topics"],
            technologies=list(data["technologies"]),
        )
        messages.success(
            request,
            _("Your choices were saved. The digest comes on Monday mornings.")
            if data["is_active"]
            else _("Your choices were saved. No digest will be sent to you."),
        )
        return redirect("promotion:digest")
    return render(
        request, "promotion/news/digest.html", {"form": form, "subscription": subscription}
    )


@csrf_exempt  # RFC 8058: the mail client posts without a session; the token is signed
@require_http_methods(["GET", "POST"])
def digest_unsubscribe(request: HttpRequest, token: str) -> HttpResponse:
    subscription = services.subscription_for_token(token)
    if subscription is None:
        return render(request, "promotion/news/unsubscribe.html", {"invalid": True}, status=404)
    if request.method == "POST":
        actor = request.user if request.user.is_authenticated else None
        services.digest_unsubscribe(subscription=subscription, actor=actor)
        return render(request, "promotion/news/unsubscribe.html", {"done": True})
    return render(
        request,
        "promotion/news/unsubscribe.html",
        {"subscription": subscription, "token": token},
    )
