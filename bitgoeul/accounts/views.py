from __future__ import annotations

import datetime as dt
import json
from typing import Any

from django.contrib import messages
from django.contrib.auth import login, update_session_auth_hash
from django.contrib.auth import views as auth_views
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse_lazy
from django.utils import timezone, translation
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django.views.decorators.http import require_POST

from bitgoeul.accounts import access, selectors, services, sessions, throttle
from bitgoeul.accounts.consent import SIGNUP_CONSENTS
from bitgoeul.accounts.forms import (
    ApiTokenForm,
    DeleteAccountForm,
    InvitationForm,
    LoginForm,
    ProfileForm,
    RoleForm,
    SignUpForm,
)
from bitgoeul.accounts.middleware import SESSION_KEY
from bitgoeul.accounts.models import Membership, UserSession
from bitgoeul.accounts.types import AuthenticatedHttpRequest
from bitgoeul.accounts.user_agent import user_agent_describe
from bitgoeul.core.http import client_ip, remember_language, safe_next_url


class LoginView(auth_views.LoginView):
    form_class = LoginForm
    template_name = "accounts/login.html"
    redirect_authenticated_user = True

    def post(self, request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        # The attempt is counted before the password is checked, so that concurrent attempts
        # cannot all slip under the limit; a right password gives it back (form_valid).
        email = str(request.POST.get("username", "")).strip().lower()
        if not throttle.login_attempt_take(email=email, ip=client_ip(request)):
            form = self.get_form()
            form.errors.clear()
            form.add_error(
                None,
                _("Too many failed attempts. Wait 15 minutes or reset your password."),
            )
            return self.render_to_response(self.get_context_data(form=form), status=429)
        return super().post(request, *args, **kwargs)

    def form_valid(self, form: Any) -> HttpResponse:
        email = str(self.request.POST.get("username", "")).strip().lower()
        throttle.login_attempt_succeeded(email=email, ip=client_ip(self.request))
        response = super().form_valid(form)
        remember_language(response, form.get_user().language)
        return response


class LogoutView(auth_views.LogoutView):
    """Django's logout deletes the session row: a copied session cookie is refused afterwards
    (and the session's `UserSession` row goes with it)."""

    template_name = "accounts/logged_out.html"


class PasswordResetView(auth_views.PasswordResetView):
    template_name = "accounts/password_reset.html"
    email_template_name = "accounts/email/password_reset.txt"
    subject_template_name = "accounts/email/password_reset_subject.txt"
    success_url = reverse_lazy("accounts:password_reset_done")


class PasswordResetDoneView(auth_views.PasswordResetDoneView):
    template_name = "accounts/password_reset_done.html"


class PasswordResetConfirmView(auth_views.PasswordResetConfirmView):
    template_name = "accounts/password_reset_confirm.html"
    success_url = reverse_lazy("accounts:password_reset_complete")

    def form_valid(self, form: Any) -> HttpResponse:
        # What Django's view does after saving the password, with the saving done by our service
        # (audited, the other sessions ended, the login lock lifted, in one transaction).
        services.user_password_set(
            user=form.user,
            password=form.cleaned_data["new_password1"],
            reason="password_reset",
            keep_session_key=self.request.session.session_key,
        )
        del self.request.session[auth_views.INTERNAL_RESET_SESSION_TOKEN]
        return HttpResponseRedirect(self.get_success_url())


class PasswordChangeView(auth_views.PasswordChangeView):
    """Every other session of the user ends; this one stays signed in (with a new key)."""

    template_name = "accounts/password_change.html"
    success_url = reverse_lazy("accounts:account")

    def form_valid(self, form: Any) -> HttpResponse:
        services.user_password_set(
            user=form.user,
            password=form.cleaned_data["new_password1"],
            reason="password_change",
            keep_session_key=self.request.session.session_key,
        )
        update_session_auth_hash(self.request, form.user)
        messages.success(self.request, _("Your password is changed."))
        return HttpResponseRedirect(self.get_success_url())


class PasswordResetCompleteView(auth_views.PasswordResetCompleteView):
    template_name = "accounts/password_reset_complete.html"


def signup(request: HttpRequest) -> HttpResponse:
    token = request.GET.get("invitation") or request.POST.get("invitation") or ""
    invitation = selectors.invitation_by_token(token) if token else None
    if token and (invitation is None or not invitation.is_open):
        messages.error(request, _("This invitation link is no longer valid: ask for a new one."))
        return redirect("accounts:signup")
    if request.user.is_authenticated:
        return redirect("web:home")
    form = SignUpForm(request.POST or None, invitation=invitation)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        user = services.user_sign_up(
            email=data["email"],
            name=data["name"],
            password=data["password1"],
            language=data["language"],
            consents=form.consents(),
            company_name=data.get("company_name", ""),
            company_brn=data.get("company_brn", ""),
            invitation=invitation,
        )
        login(request, user, backend="bitgoeul.accounts.backends.UserBackend")
        translation.activate(user.language)
        messages.success(request, _("Welcome to Bitgoeul. Your account is ready."))
        return remember_language(redirect("web:home"), user.language)
    return render(
        request,
        "accounts/signup.html",
        {"form": form, "invitation": invitation, "token": token, "consents": SIGNUP_CONSENTS},
    )


def invitation(request: HttpRequest, token: str) -> HttpResponse:
    found = selectors.invitation_by_token(token)
    if found is None:
        raise Http404
    if request.method == "POST":
        if not request.user.is_authenticated:
            return redirect(f"{reverse_lazy('accounts:login')}?next={request.path}")
        if not found.is_open:
            messages.error(
                request, _("This invitation link is no longer valid: ask for a new one.")
            )
            return redirect("web:home")
        try:
            services.invitation_accept(invitation=found, user=request.user)
        except services.InvitationRefused as refused:
            messages.error(request, refused.message)
            return redirect("web:home")
        request.session[SESSION_KEY] = found.organization_id
        messages.success(request, _("You joined %(org)s.") % {"org": found.organization.name})
        return redirect("web:home")
    return render(request, "accounts/invitation.html", {"invitation": found, "token": token})


@login_required
def account(request: AuthenticatedHttpRequest) -> HttpResponse:
    user = request.user
    form = ProfileForm(request.POST or None, initial={"name": user.name, "language": user.language})
    if request.method == "POST" and form.is_valid():
        services.user_update_profile(user=user, **form.cleaned_data)
        translation.activate(user.language)
        messages.success(request, _("Your profile is saved."))
        return remember_language(redirect("accounts:account"), user.language)
    answers = selectors.user_current_consents(user)
    consents = [(text, answers.get(text.document, False)) for text in SIGNUP_CONSENTS]
    return render(
        request,
        "accounts/account.html",
        {"form": form, "consents": consents, "memberships": selectors.user_memberships(user)},
    )


@login_required
@require_POST
def consent_update(request: AuthenticatedHttpRequest, document: str) -> HttpResponse:
    text = next((t for t in SIGNUP_CONSENTS if t.document == document and not t.required), None)
    if text is None:
        raise Http404
    agreed = request.POST.get("agreed") == "1"
    services.consent_set(user=request.user, document=document, agreed=agreed)
    messages.success(
        request, _("Your consent is recorded.") if agreed else _("Your consent is withdrawn.")
    )
    return redirect("accounts:account")


@login_required
def personal_data(request: AuthenticatedHttpRequest) -> HttpResponse:
    data = selectors.user_personal_data(request.user)
    response = HttpResponse(
        json.dumps(data, ensure_ascii=False, indent=2),
        content_type="application/json; charset=utf-8",
    )
    stamp = timezone.localdate().isoformat()
    response["Content-Disposition"] = f'attachment; filename="bitgoeul-personal-data-{stamp}.json"'
    return response


@login_required
def delete_account(request: AuthenticatedHttpRequest) -> HttpResponse:
    user = request.user
    form = DeleteAccountForm(request.POST or None, user=user)
    if request.method == "POST" and form.is_valid():
        try:
            services.user_delete(user=user)
        except ValueError as exc:
            form.add_error(
                None,
                _(
                    "You are the only administrator of %(org)s: "
                    "make someone else administrator first."
                )
                % {"org": str(exc)},
            )
        else:
            from django.contrib.auth import logout

            logout(request)
            messages.success(request, _("Your account is deleted and your personal data erased."))
            return redirect("web:home")
    return render(request, "accounts/delete_account.html", {"form": form})


# Tokens that expire this soon are flagged on the tokens page.
TOKEN_EXPIRY_WARNING = dt.timedelta(days=7)


@login_required
def api_tokens(request: AuthenticatedHttpRequest) -> HttpResponse:
    user = request.user
    form = ApiTokenForm(request.POST or None, user=user)
    secret = None
    if request.method == "POST" and form.is_valid():
        _token, secret = services.api_token_create(user=user, **form.cleaned_data)
        form = ApiTokenForm(user=user)
    tokens = list(selectors.user_api_tokens(user))
    now = timezone.now()
    warn_before = now + TOKEN_EXPIRY_WARNING
    rows = [
        {
            "token": token,
            "expired": token.is_expired,
            "expires_soon": (
                token.revoked_at is None
                and token.expires_at is not None
                and now < token.expires_at <= warn_before
            ),
        }
        for token in tokens
    ]
    return render(
        request,
        "accounts/api_tokens.html",
        {
            "form": form,
            "secret": secret,
            "tokens": rows,
            "expiring": [row["token"] for row in rows if row["expires_soon"]],
        },
    )


@login_required
@require_POST
def api_token_revoke(request: AuthenticatedHttpRequest, token_id: int) -> HttpResponse:
    user = request.user
    token = get_object_or_404(user.api_tokens, pk=token_id, revoked_at__isnull=True)
    services.api_token_revoke(token=token, actor=user)
    messages.success(request, _("The token “%(name)s” is revoked.") % {"name": token.name})
    return redirect("accounts:api_tokens")


@login_required
def user_sessions(request: AuthenticatedHttpRequest) -> HttpResponse:
    user = request.user
    current = request.session.session_key
    rows = [
        {
            "pk": row.pk,
            "device": user_agent_describe(row.user_agent),
            "ip": row.ip,
            "created_at": row.created_at,
            "last_seen_at": row.last_seen_at,
            "is_current": row.session_id == current,
        }
        for row in selectors.user_active_sessions(user)
    ]
    return render(request, "accounts/sessions.html", {"sessions": rows})


@login_required
@require_POST
def user_sessions_end_others(request: AuthenticatedHttpRequest) -> HttpResponse:
    user = request.user
    count = sessions.user_sessions_end(
        user=user,
        actor=user,
        keep_session_key=request.session.session_key,
        reason="log_out_everywhere",
    )
    messages.success(
        request,
        ngettext("%(count)d other session is ended.", "%(count)d other sessions are ended.", count)
        % {"count": count},
    )
    return redirect("accounts:sessions")


@login_required
@require_POST
def user_session_end(request: AuthenticatedHttpRequest, session_id: int) -> HttpResponse:
    user = request.user
    # The session in use is ended by logging out, not from this list.
    others = UserSession.objects.filter(user=user).exclude(session_id=request.session.session_key)
    found = get_object_or_404(others, pk=session_id)
    sessions.user_session_end(user_session=found, actor=user)
    messages.success(request, _("The session is ended."))
    return redirect("accounts:sessions")


@login_required
@require_POST
def organization_switch(request: AuthenticatedHttpRequest) -> HttpResponse:
    user = request.user
    try:
        org_id = int(request.POST.get("organization", ""))
    except ValueError:
        raise Http404 from None
    if not user.memberships.filter(organization_id=org_id).exists():
        raise PermissionDenied
    request.session[SESSION_KEY] = org_id
    return redirect(safe_next_url(request, default="web:home"))


@login_required
def organization(request: AuthenticatedHttpRequest, org_id: int) -> HttpResponse:
    user = request.user
    org = access.organization_for_viewer(user, org_id)
    is_admin = access.is_organization_admin(user, org) or access.is_operator_staff(user)
    form = InvitationForm(request.POST or None, organization=org)
    if request.method == "POST":
        if not is_admin:
            raise PermissionDenied
        if form.is_valid():
            try:
                created, _token = services.invitation_create(
                    organization=org, actor=user, **form.cleaned_data
                )
            except services.InvitationRefused as refused:
                form.add_error("email", refused.message)
            else:
                if created.needs_approval:
                    messages.success(
                        request,
                        _(
                            "The invitation to %(email)s awaits the approval of the company's "
                            "administrator; it is sent once approved."
                        )
                        % {"email": created.email},
                    )
                else:
                    messages.success(
                        request,
                        _("An invitation was sent to %(email)s.") % {"email": created.email},
                    )
                return redirect("accounts:organization", org_id=org.pk)
    return render(
        request,
        "accounts/organization.html",
        {
            "org": org,
            "is_admin": is_admin,
            "can_approve": access.is_organization_admin(user, org),
            "form": form,
            "role_form": RoleForm(),
            "members": selectors.organization_members(org),
            "invitations": selectors.organization_open_invitations(org) if is_admin else [],
        },
    )


def _membership_for_admin(request: HttpRequest, org_id: int, membership_id: int) -> Membership:
    org = access.organization_for_admin(request.user, org_id)
    return get_object_or_404(Membership, pk=membership_id, organization=org)


@login_required
@require_POST
def membership_role(
    request: AuthenticatedHttpRequest, org_id: int, membership_id: int
) -> HttpResponse:
    membership = _membership_for_admin(request, org_id, membership_id)
    form = RoleForm(request.POST)
    if form.is_valid():
        try:
            services.membership_set_role(
                membership=membership,
                role=form.cleaned_data["role"],
                actor=request.user,
            )
        except ValueError:
            messages.error(
                request, _("The last administrator keeps the role: appoint another first.")
            )
        else:
            messages.success(request, _("The role is changed."))
    return redirect("accounts:organization", org_id=org_id)


@login_required
@require_POST
def membership_remove(
    request: AuthenticatedHttpRequest, org_id: int, membership_id: int
) -> HttpResponse:
    membership = _membership_for_admin(request, org_id, membership_id)
    try:
        services.membership_remove(membership=membership, actor=request.user)
    except ValueError:
        messages.error(
            request, _("The last administrator cannot be removed: appoint another first.")
        )
    else:
        messages.success(request, _("The member is removed."))
    return redirect("accounts:organization", org_id=org_id)


@login_required
@require_POST
def invitation_revoke(
    request: AuthenticatedHttpRequest, org_id: int, invitation_id: int
) -> HttpResponse:
    org = access.organization_for_admin(request.user, org_id)
    found = get_object_or_404(org.invitations, pk=invitation_id)
    services.invitation_revoke(invitation=found, actor=request.user)
    messages.success(request, _("The invitation is revoked."))
    return redirect("accounts:organization", org_id=org_id)


@login_required
@require_POST
def invitation_approve(
    request: AuthenticatedHttpRequest, org_id: int, invitation_id: int
) -> HttpResponse:
    org = access.organization_for_approver(request.user, org_id)
    found = get_object_or_404(org.invitations, pk=invitation_id)
    try:
        services.invitation_approve(invitation=found, actor=request.user)
    except services.InvitationRefused as refused:
        messages.error(request, refused.message)
    else:
        messages.success(
            request, _("The invitation is approved and sent to %(email)s.") % {"email": found.email}
        )
    return redirect("accounts:organization", org_id=org_id)


@login_required
@require_POST
def invitation_decline(
    request: AuthenticatedHttpRequest, org_id: int, invitation_id: int
) -> HttpResponse:
    org = access.organization_for_approver(request.user, org_id)
    found = get_object_or_404(org.invitations, pk=invitation_id)
    try:
        services.invitation_decline(invitation=found, actor=request.user)
    except services.InvitationRefused as refused:
        messages.error(request, refused.message)
    else:
        messages.success(request, _("The invitation is declined; nothing was sent."))
    return redirect("accounts:organization", org_id=org_id)
