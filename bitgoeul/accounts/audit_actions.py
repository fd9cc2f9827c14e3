"""What this app's audit events say on the audit pages (registered from AccountsConfig.ready).

Korean sentences put a fixed particle after the names they insert (의, 님의, 님을, 앞으로),
so that no name needs a particle chosen by its last syllable.
"""

from __future__ import annotations

from typing import Any

from django.urls import reverse
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext

from bitgoeul.accounts.enums import Language, MembershipRole, OrganizationKind, TokenScope
from bitgoeul.accounts.models import ApiToken, Invitation, Membership, Organization, User
from bitgoeul.audit.registry import (
    AuditField,
    audit_action,
    audit_fields,
    audit_object_type,
    pk_resolver,
)

GROUP = _("Accounts and organisations")

for code, sentence in (
    ("user.sign_up", _("%(actor)s signed up.")),
    ("user.update", _("%(actor)s changed the account details of %(object)s.")),
    ("user.delete", _("%(actor)s deleted the account of %(object)s.")),
    ("user.password_reset", _("%(actor)s reset the password of %(object)s.")),
    ("user.password_change", _("%(actor)s changed the password of %(object)s.")),
    ("user.create_admin", _("%(actor)s created the administrator account of %(object)s.")),
    ("user.sessions_end", _("%(actor)s signed %(object)s out everywhere.")),
    ("user.session_end", _("%(actor)s ended a session of %(object)s.")),
    ("user.deactivate", _("%(actor)s deactivated the account of %(object)s.")),
    ("organization.create", _("%(actor)s registered the organisation %(object)s.")),
    ("organization.create_many", _("%(actor)s registered several organisations at once.")),
    ("organization.update", _("%(actor)s changed the details of %(object)s.")),
    ("organization.update_many", _("%(actor)s changed several organisations at once.")),
    ("organization.delete_many", _("%(actor)s deleted organisations nobody belonged to.")),
    ("consent.set", _("%(actor)s changed a consent to the use of personal data.")),
    ("invitation.create", _("%(actor)s invited %(object)s.")),
    ("invitation.approve", _("%(actor)s approved the invitation of %(object)s.")),
    ("invitation.decline", _("%(actor)s declined the invitation of %(object)s.")),
    ("invitation.accept", _("%(actor)s accepted the invitation sent to %(object)s.")),
    ("invitation.revoke", _("%(actor)s withdrew the invitation of %(object)s.")),
    ("membership.set_role", _("%(actor)s changed the role of %(object)s.")),
    ("membership.remove", _("%(actor)s removed %(object)s from the organisation.")),
    ("api_token.create", _("%(actor)s issued the API token %(object)s.")),
    ("api_token.revoke", _("%(actor)s revoked the API token %(object)s.")),
    ("reviewer_profile.set", _("%(actor)s changed the reviewer profile of %(object)s.")),
):
    audit_action(code, sentence, group=GROUP)


def _user_name(user: User) -> str:
    if user.deleted_at is not None:
        return pgettext("audit object", "deleted user #%(id)s") % {"id": user.pk}
    return user.name or user.email


def _company_url(organization: Organization, viewer: Any) -> str:
    # the audit reader is operator staff, who may open every company page
    if organization.kind == OrganizationKind.COMPANY:
        return reverse("companies:detail", args=[organization.pk])
    return ""


def _membership_name(membership: Membership) -> str:
    return pgettext("audit object", "%(person)s of %(organization)s") % {
        "person": _user_name(membership.user),
        "organization": membership.organization.name,
    }


audit_object_type(
    "accounts.user",
    label=_("account"),
    resolve=pk_resolver(lambda: User.objects.all(), _user_name),
)
audit_object_type(
    "accounts.organization",
    label=_("organisation"),
    resolve=pk_resolver(lambda: Organization.objects.all(), lambda o: o.name, _company_url),
)
audit_object_type(
    "accounts.invitation",
    label=_("invitation"),
    resolve=pk_resolver(lambda: Invitation.objects.all(), lambda i: i.email),
)
audit_object_type(
    "accounts.membership",
    label=_("membership"),
    resolve=pk_resolver(
        lambda: Membership.objects.select_related("user", "organization"), _membership_name
    ),
)
audit_object_type(
    "accounts.apitoken",
    label=_("API token"),
    resolve=pk_resolver(lambda: ApiToken.objects.only("name"), lambda t: t.name),
)
audit_object_type("accounts.consentrecord", label=_("consent"))

_ROLES = dict(MembershipRole.choices)
audit_fields(
    "",
    {
        "organization": AuditField(_("organisation"), "organization"),
        "chapter": AuditField(_("chapter"), "organization"),
        "user": AuditField(_("person"), "user"),
        "role": AuditField(_("role"), choices=_ROLES),
        "reason": AuditField(_("reason")),
        "count": AuditField(_("number"), "count"),
        "name": AuditField(_("name")),
        "kind": AuditField(_("kind")),
        "new": AuditField(_("newly created"), "bool"),
        "note": AuditField(_("note")),
        "email": AuditField(_("e-mail address")),
        "approved": AuditField(_("approved"), "bool"),
        "declined": AuditField(_("declined"), "bool"),
        "revoked": AuditField(_("revoked"), "bool"),
        "agreed": AuditField(_("agreed"), "bool"),
        "document": AuditField(_("consent document")),
        "consents": AuditField(_("consents")),
        "needs_approval": AuditField(_("needs approval"), "bool"),
        "expires_at": AuditField(_("expires"), "datetime"),
        "scope": AuditField(_("scope"), choices=dict(TokenScope.choices)),
        "users": AuditField(_("people"), "count"),
        "organizations": AuditField(_("organisations"), "count"),
        "kinds": AuditField(_("kinds")),
        "brn": AuditField(_("business registration number")),
        "language": AuditField(_("preferred language"), choices=dict(Language.choices)),
    },
)
audit_fields(
    "accounts.user",
    {
        # user.update lists the fields it changed by name
        "fields": AuditField(
            _("changed fields"),
            choices={"name": _("name"), "language": _("preferred language")},
        ),
    },
)
audit_fields(
    "accounts.organization",
    {"kind": AuditField(_("kind"), choices=dict(OrganizationKind.choices))},
)
