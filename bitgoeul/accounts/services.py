"""Writes for accounts and organisations. Every state change is atomic and audited."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.conf import settings
from django.core.mail import send_mail
from django.db import transaction
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from bitgoeul.accounts.brn import brn_normalize
from bitgoeul.accounts.consent import CONSENT_VERSION, SIGNUP_CONSENTS
from bitgoeul.accounts.enums import MembershipRole, OrganizationKind, TokenScope
from bitgoeul.accounts.models import (
    ApiToken,
    ConsentRecord,
    Invitation,
    Membership,
    Organization,
    ReviewerProfile,
    User,
)
from bitgoeul.accounts.tokens import new_secret, secret_hash
from bitgoeul.audit.services import audit_record


def _record_consents(*, user: User, agreed: dict[str, bool]) -> None:
    for text in SIGNUP_CONSENTS:
        ConsentRecord.objects.create(
            user=user,
            document=text.document,
            version=CONSENT_VERSION,
            items=[str(item) for item in text.items],
            purpose=str(text.purpose),
            retention=str(text.retention),
            refusal_notice=str(text.refusal_notice),
            agreed=agreed.get(text.document, False),
        )


@transaction.atomic
def user_sign_up(
    *,
    email: str,
    name: str,
    password: str,
    language: str,
    consents: dict[str, bool],
    company_name: str = "",
    company_brn: str = "",
    invitation: Invitation | None = None,
) -> User:
    """Create a company user with their consents, and their company or their invited membership.

    The caller has validated the form: the required consent is given, and either an open
    invitation or a new company (name and valid, unused 사업자등록번호) is supplied.
    """
    for text in SIGNUP_CONSENTS:
        if text.required and not consents.get(text.document):
            raise ValueError(f"required consent {text.document} missing")
    user = User.objects.create_user(email, password, name=name, language=language)
    _record_consents(user=user, agreed=consents)
    audit_record(actor=user, action="user.sign_up", obj=user, after={"consents": consents})
    if invitation is not None:
        invitation_accept(invitation=invitation, user=user)
    else:
        company = Organization.objects.create(
            name=company_name, kind=OrganizationKind.COMPANY, brn=brn_normalize(company_brn)
        )
        Membership.objects.create(user=user, organization=company, role=MembershipRole.ADMIN)
        audit_record(
            actor=user,
            action="organization.create",
            obj=company,
            after={"name": company.name, "kind": company.kind, "brn": company.brn},
        )
    return user


@transaction.atomic
def user_update_profile(*, user: User, name: str, language: str) -> User:
    before = {"name": user.name, "language": user.language}
    user.name, user.language = name, language
    user.save(update_fields=["name", "language"])
    audit_record(
        actor=user,
        action="user.update",
        obj=user,
        before=before,
        after={"name": name, "language": language},
    )
    return user


@transaction.atomic
def consent_set(*, user: User, document: str, agreed: bool) -> ConsentRecord:
    """Give or withdraw an optional consent; the required one is withdrawn by deleting the
    account. A new record is written each time so the history stays."""
    text = next(t for t in SIGNUP_CONSENTS if t.document == document)
    if text.required:
        raise ValueError("the required consent is withdrawn by deleting the account")
    ConsentRecord.objects.filter(
        user=user, document=document, withdrawn_at__isnull=True, agreed=True
    ).update(withdrawn_at=timezone.now())
    record = ConsentRecord.objects.create(
        user=user,
        document=document,
        version=CONSENT_VERSION,
        items=[str(item) for item in text.items],
        purpose=str(text.purpose),
        retention=str(text.retention),
        refusal_notice=str(text.refusal_notice),
        agreed=agreed,
    )
    audit_record(
        actor=user, action="consent.set", obj=record, after={"document": document, "agreed": agreed}
    )
    return record


def invitation_url(token: str) -> str:
    return settings.BASE_URL + reverse("accounts:invitation", args=[token])


@transaction.atomic
def invitation_create(
    *, organization: Organization, email: str, role: str, actor: User
) -> tuple[Invitation, str]:
    """Invite someone to the organisation; returns the invitation and the secret token, which
    is mailed to them and never stored (only its hash)."""
    token = new_secret("inv")
    invitation = Invitation.objects.create(
        organization=organization,
        email=email.lower(),
        role=role,
        token_hash=secret_hash(token),
        invited_by=actor,
        expires_at=timezone.now() + dt.timedelta(days=settings.INVITATION_DAYS),
    )
    audit_record(
        actor=actor,
        action="invitation.create",
        obj=invitation,
        after={"organization": organization.pk, "email": invitation.email, "role": role},
    )
    url = invitation_url(token)
    language = actor.language
    transaction.on_commit(lambda: _send_invitation(invitation, url, language))
    return invitation, token


def _send_invitation(invitation: Invitation, url: str, language: str) -> None:
    with translation.override(language):
        send_mail(
            _("Invitation to %(org)s on Bitgoeul") % {"org": invitation.organization.name},
            _(
                "%(who)s invited you to join %(org)s on Bitgoeul as %(role)s.\n\n"
                "Accept the invitation here (valid until %(until)s):\n%(url)s\n"
            )
            % {
                "who": invitation.invited_by.name,
                "org": invitation.organization.name,
                "role": MembershipRole(invitation.role).label,
                "until": timezone.localtime(invitation.expires_at).strftime("%Y-%m-%d %H:%M"),
                "url": url,
            },
            None,
            [invitation.email],
        )


def invitation_by_token(token: str) -> Invitation | None:
    return (
        Invitation.objects.select_related("organization", "invited_by")
        .filter(token_hash=secret_hash(token))
        .first()
    )


@transaction.atomic
def invitation_accept(*, invitation: Invitation, user: User) -> Membership:
    """Join the inviting organisation. The invitation must be open (not expired, used or
    revoked); an existing membership keeps the higher of the two roles' privileges."""
    if not invitation.is_open:
        raise ValueError("invitation is not open")
    membership, created = Membership.objects.get_or_create(
        user=user, organization=invitation.organization, defaults={"role": invitation.role}
    )
    invitation.accepted_at, invitation.accepted_by = timezone.now(), user
    invitation.save(update_fields=["accepted_at", "accepted_by"])
    audit_record(
        actor=user,
        action="invitation.accept",
        obj=invitation,
        after={"organization": invitation.organization_id, "role": membership.role, "new": created},
    )
    return membership


@transaction.atomic
def invitation_revoke(*, invitation: Invitation, actor: User) -> None:
    invitation.revoked_at = timezone.now()
    invitation.save(update_fields=["revoked_at"])
    audit_record(actor=actor, action="invitation.revoke", obj=invitation)


def _is_last_admin(membership: Membership) -> bool:
    admins = Membership.objects.filter(
        organization_id=membership.organization_id, role=MembershipRole.ADMIN
    )
    return membership.role == MembershipRole.ADMIN and admins.count() == 1


@transaction.atomic
def membership_set_role(*, membership: Membership, role: str, actor: User) -> Membership:
    """Change a member's role. The last administrator keeps the role (ValueError), so that
    every organisation keeps someone who can manage it."""
    if role != MembershipRole.ADMIN and _is_last_admin(membership):
        raise ValueError("last administrator")
    before = {"role": membership.role}
    membership.role = role
    membership.save(update_fields=["role"])
    audit_record(
        actor=actor,
        action="membership.set_role",
        obj=membership,
        before=before,
        after={"role": role},
    )
    return membership


@transaction.atomic
def membership_remove(*, membership: Membership, actor: User) -> None:
    """Remove someone from an organisation. The last administrator cannot be removed, so that
    every organisation keeps someone who can manage it."""
    if _is_last_admin(membership):
        raise ValueError("last administrator")
    audit_record(
        actor=actor,
        action="membership.remove",
        obj=membership,
        before={
            "user": membership.user_id,
            "organization": membership.organization_id,
            "role": membership.role,
        },
    )
    membership.delete()


class ApiTokenExpired(Exception):
    """The API token is right but its expiry date has passed."""

    def __init__(self, token: ApiToken) -> None:
        super().__init__(f"API token {token.prefix}… expired at {token.expires_at}")
        self.token = token


@transaction.atomic
def api_token_create(
    *, user: User, name: str, scope: str, expires_in_days: int | None = None
) -> tuple[ApiToken, str]:
    """A personal API token; the secret is returned once and stored only as a hash. With
    `expires_in_days` the API refuses it from then on; without, it works until revoked."""
    if scope not in TokenScope.values:
        raise ValueError(f"unknown scope {scope!r}")
    if expires_in_days is not None and expires_in_days < 1:
        raise ValueError("a token expires at least one day after it is made")
    now = timezone.now()
    expires_at = now + dt.timedelta(days=expires_in_days) if expires_in_days else None
    secret = new_secret("bgl")
    token = ApiToken.objects.create(
        user=user,
        name=name,
        scope=scope,
        prefix=secret[:10],
        token_hash=secret_hash(secret),
        created_at=now,
        expires_at=expires_at,
    )
    audit_record(
        actor=user,
        action="api_token.create",
        obj=token,
        after={
            "name": name,
            "scope": scope,
            "expires_at": expires_at.isoformat() if expires_at else None,
        },
    )
    return token, secret


@transaction.atomic
def api_token_revoke(*, token: ApiToken, actor: User) -> None:
    token.revoked_at = timezone.now()
    token.save(update_fields=["revoked_at"])
    audit_record(actor=actor, action="api_token.revoke", obj=token)


def api_token_authenticate(secret: str) -> ApiToken | None:
    """The live token for a secret, with its last-used time brought up to date (at most once a
    minute, so busy machines do not write on every request). None for an unknown or revoked
    token; ApiTokenExpired for a token past its expiry, so the caller can say so."""
    token = (
        ApiToken.objects.select_related("user", "user__reviewer_profile")
        .filter(token_hash=secret_hash(secret), revoked_at__isnull=True, user__is_active=True)
        .first()
    )
    if token is None:
        return None
    if token.is_expired:
        raise ApiTokenExpired(token)
    now = timezone.now()
    if token.last_used_at is None or now - token.last_used_at > dt.timedelta(minutes=1):
        ApiToken.objects.filter(pk=token.pk).update(last_used_at=now)
        token.last_used_at = now
    return token


def user_personal_data(user: User) -> dict[str, Any]:
    """Everything Bitgoeul holds about the user as a person (PIPA art. 35 access right)."""
    return {
        "user": {
            "email": user.email,
            "name": user.name,
            "language": user.language,
            "date_joined": user.date_joined.isoformat(),
            "last_login": user.last_login.isoformat() if user.last_login else None,
        },
        "memberships": [
            {
                "organization": m.organization.name,
                "kind": m.organization.kind,
                "role": m.role,
                "since": m.created_at.isoformat(),
            }
            for m in user.memberships.select_related("organization")
        ],
        "consents": [
            {
                "document": c.document,
                "version": c.version,
                "items": c.items,
                "purpose": c.purpose,
                "retention": c.retention,
                "agreed": c.agreed,
                "recorded_at": c.recorded_at.isoformat(),
                "withdrawn_at": c.withdrawn_at.isoformat() if c.withdrawn_at else None,
            }
            for c in user.consents.order_by("recorded_at", "pk")
        ],
        "api_tokens": [
            {
                "name": t.name,
                "scope": t.scope,
                "created_at": t.created_at.isoformat(),
                "last_used_at": t.last_used_at.isoformat() if t.last_used_at else None,
                "expires_at": t.expires_at.isoformat() if t.expires_at else None,
                "revoked": t.revoked_at is not None,
            }
            for t in user.api_tokens.order_by("created_at")
        ],
        "sessions": [
            {
                "browser": s.user_agent,
                "ip": s.ip,
                "created_at": s.created_at.isoformat(),
                "last_seen_at": s.last_seen_at.isoformat(),
            }
            for s in user.sessions.order_by("created_at", "pk")
        ],
        "reviewer_profile": (
            {
                "expertise": user.reviewer_profile.expertise,
                "fields": user.reviewer_profile.fields,
                "affiliation": user.reviewer_profile.affiliation,
            }
            if hasattr(user, "reviewer_profile")
            else None
        ),
    }


@transaction.atomic
def user_delete(*, user: User) -> None:
    """Erase the user's personal data and close the account.

    Memberships, tokens, consents and the reviewer profile are removed; the user row stays as a
    tombstone (no name, an unusable address, no password) because audit events and decisions
    must keep pointing at the account that made them. Raises ValueError when the user is the
    last administrator of an organisation that has other members.
    """
    for membership in user.memberships.select_related("organization"):
        org = membership.organization
        others = org.memberships.exclude(user=user)
        if (
            membership.role == MembershipRole.ADMIN
            and others.exists()
            and not others.filter(role=MembershipRole.ADMIN).exists()
        ):
            raise ValueError(org.name)
    audit_record(actor=user, action="user.delete", obj=user)
    user.memberships.all().delete()
    user.api_tokens.all().delete()
    user.consents.all().delete()
    ReviewerProfile.objects.filter(user=user).delete()
    user.email = f"deleted-{user.pk}@invalid.bitgoeul"
    user.name = ""
    user.is_active = False
    user.deleted_at = timezone.now()
    user.set_unusable_password()
    user.save(update_fields=["email", "name", "is_active", "deleted_at", "password"])


# --- organisations -------------------------------------------------------------------------
# Other apps create and change organisations only through these (their import, their profile
# editor): `accounts` owns the table.

ORGANIZATION_EDITABLE = ("name", "name_en", "parent_id")


@transaction.atomic
def organization_create_many(
    *, organizations: list[Organization], actor: Any, reason: str, batch_size: int = 500
) -> list[Organization]:
    """Insert unsaved organisations in batches (their primary keys are set on return) with one
    audit event naming how many of each kind were created and why (e.g. an import's id)."""
    created = Organization.objects.bulk_create(organizations, batch_size=batch_size)
    kinds: dict[str, int] = {}
    for organization in created:
        kinds[organization.kind] = kinds.get(organization.kind, 0) + 1
    audit_record(
        actor=actor,
        action="organization.create_many",
        object_type=Organization._meta.label_lower,
        after={"count": len(created), "kinds": kinds, "reason": reason},
    )
    return created


@transaction.atomic
def organization_update_many(
    *, changes: dict[int, dict[str, Any]], actor: Any, reason: str, batch_size: int = 500
) -> int:
    """Change the names and parents of many organisations: `changes` maps an organisation's id
    to the new values of `ORGANIZATION_EDITABLE` fields. The rows are locked and read from the
    database first, only real changes are written, and one audit event holds each changed
    organisation's before and after. Returns the number of organisations changed."""
    for values in changes.values():
        unknown = set(values) - set(ORGANIZATION_EDITABLE)
        if unknown:
            raise ValueError(f"not an editable organisation field: {', '.join(sorted(unknown))}")
    current = Organization.objects.select_for_update().in_bulk(list(changes))
    changed: list[Organization] = []
    fields: set[str] = set()
    before: dict[str, dict[str, Any]] = {}
    after: dict[str, dict[str, Any]] = {}
    for pk, values in changes.items():
        organization = current.get(pk)
        if organization is None:
            raise ValueError(f"no organisation {pk}")
        diff = {k: v for k, v in values.items() if getattr(organization, k) != v}
        if not diff:
            continue
        before[str(pk)] = {k: getattr(organization, k) for k in diff}
        after[str(pk)] = diff
        for key, value in diff.items():
            setattr(organization, key, value)
        fields.update(diff)
        changed.append(organization)
    if changed:
        Organization.objects.bulk_update(changed, sorted(fields), batch_size=batch_size)
        audit_record(
            actor=actor,
            action="organization.update_many",
            object_type=Organization._meta.label_lower,
            before=before,
            after={**after, "reason": reason},
        )
    return len(changed)


@transaction.atomic
def organization_update(*, organization: Organization, actor: Any, **values: Any) -> Organization:
    """Rename an organisation or change its parent (`name`, `name_en`, `parent_id`): the row is
    locked, "before" comes from the database, and the audit event lists only what changed."""
    unknown = set(values) - set(ORGANIZATION_EDITABLE)
    if unknown:
        raise ValueError(f"not an editable organisation field: {', '.join(sorted(unknown))}")
    locked = Organization.objects.select_for_update().get(pk=organization.pk)
    diff = {k: v for k, v in values.items() if getattr(locked, k) != v}
    for key, value in values.items():
        setattr(organization, key, value)
    if diff:
        before = {k: getattr(locked, k) for k in diff}
        for key, value in diff.items():
            setattr(locked, key, value)
        locked.save(update_fields=sorted(diff))
        audit_record(
            actor=actor, action="organization.update", obj=locked, before=before, after=diff
        )
    return organization
