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

from bitgoeul.accounts.access import is_operator_staff
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
from bitgoeul.accounts.sessions import user_sessions_end
from bitgoeul.accounts.throttle import login_throttle_clear
from bitgoeul.accounts.tokens import new_secret, secret_hash
from bitgoeul.audit.services import audit_record
from bitgoeul.core import hooks


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
        hooks.publish(hooks.ORGANIZATION_CREATED, organization=company, actor=user)
    return user


@transaction.atomic
def user_update_profile(*, user: User, name: str, language: str) -> User:
    """Change the user's name and language. The audit event names the fields that changed
    and keeps the language values, never the name: the audit trail outlives an erased
    account, so it holds no personal data (the page shows names from the user row)."""
    current = User.objects.select_for_update().get(pk=user.pk)
    changed = sorted(
        key
        for key, value in (("name", name), ("language", language))
        if getattr(current, key) != value
    )
    user.name, user.language = name, language
    if not changed:
        return user
    before: dict[str, Any] = {"fields": changed}
    after: dict[str, Any] = {"fields": changed}
    if "language" in changed:
        before["language"], after["language"] = current.language, language
    user.save(update_fields=changed)
    audit_record(actor=user, action="user.update", obj=user, before=before, after=after)
    return user


@transaction.atomic
def user_password_set(
    *, user: User, password: str, reason: str, keep_session_key: str | None
) -> None:
    """Set a new password (`reason`: "password_change" or "password_reset"), audited. Every
    other session of the user ends (the one in `keep_session_key` stays, e.g. the browser that
    changed it); after a reset the account's login lock is lifted too: whoever reset it owns the
    mailbox, as the "too many attempts" message promises."""
    if reason not in {"password_change", "password_reset"}:
        raise ValueError(f"unknown reason {reason!r}")
    user.set_password(password)
    user.save(update_fields=["password"])
    audit_record(actor=user, action=f"user.{reason}", obj=user)
    user_sessions_end(user=user, actor=user, keep_session_key=keep_session_key, reason=reason)
    if reason == "password_reset":
        login_throttle_clear(email=user.email)


@transaction.atomic
def consent_set(*, user: User, document: str, agreed: bool) -> ConsentRecord:
    """Give or withdraw an optional consent; the required one is withdrawn by deleting the
    account. A new record is written each time so the history stays."""
    text = next(t for t in SIGNUP_CONSENTS if t.document == document)
    if text.required:
        raise ValueError("the required consent is withdrawn by deleting the account")
    latest = (
        ConsentRecord.objects.select_for_update()
        .filter(user=user, document=document)
        .order_by("-recorded_at", "-pk")
        .first()
    )
    before = latest is not None and latest.agreed and latest.withdrawn_at is None
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
        actor=user,
        action="consent.set",
        obj=record,
        before={"document": document, "agreed": before},
        after={"document": document, "agreed": agreed},
    )
    return record


def invitation_url(token: str) -> str:
    return settings.BASE_URL + reverse("accounts:invitation", args=[token])


ROLE_RANK = {MembershipRole.MEMBER: 0, MembershipRole.STAFF: 1, MembershipRole.ADMIN: 2}


class InvitationRefused(ValueError):
    """An invitation that cannot be created, approved or accepted; `message` is translated
    and says what the user can do."""

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message


def _is_admin_of(user: User, organization_id: int) -> bool:
    return Membership.objects.filter(
        user=user, organization_id=organization_id, role=MembershipRole.ADMIN
    ).exists()


def _has_admin(organization_id: int) -> bool:
    return Membership.objects.filter(
        organization_id=organization_id, role=MembershipRole.ADMIN
    ).exists()


@transaction.atomic
def invitation_create(
    *, organization: Organization, email: str, role: str, actor: User
) -> tuple[Invitation, str]:
    """Invite someone to the organisation; returns the invitation and the secret token, which
    is mailed to them and never stored (only its hash).

    Nobody invites themselves, and someone outside a company (operator staff, who may
    manage any organisation) cannot invite operator staff into it (InvitationRefused): staff
    must not make themselves or each other members of a company. An invitation into a
    company by someone who is not its administrator needs the approval of one of its
    administrators (`invitation_approve`) before it is mailed or usable; a company without
    any administrator yet has nobody to approve, so the invitation is sent at once. The audit
    event names the invitation, not the invited address.
    """
    email = email.lower()
    if email == actor.email.lower():
        raise InvitationRefused(
            _("You cannot invite yourself: ask an administrator to invite you.")
        )
    outsider = organization.kind == OrganizationKind.COMPANY and not _is_admin_of(
        actor, organization.pk
    )
    if (
        outsider
        and Membership.objects.filter(
            user__email=email, organization__kind=OrganizationKind.OPERATOR
        ).exists()
    ):
        # otherwise two operator staff could make each other administrators of a company
        raise InvitationRefused(
            _(
                "Operator staff cannot be invited into a company by someone outside it: "
                "ask the company's administrator."
            )
        )
    needs_approval = outsider and _has_admin(organization.pk)
    token = new_secret("inv")
    invitation = Invitation.objects.create(
        organization=organization,
        email=email,
        role=role,
        token_hash=secret_hash(token),
        invited_by=actor,
        expires_at=timezone.now() + dt.timedelta(days=settings.INVITATION_DAYS),
        needs_approval=needs_approval,
    )
    audit_record(
        actor=actor,
        action="invitation.create",
        obj=invitation,
        after={"organization": organization.pk, "role": role, "needs_approval": needs_approval},
    )
    if not needs_approval:
        _send_on_commit(invitation, token, actor.language)
    return invitation, token


def _send_on_commit(invitation: Invitation, token: str, language: str) -> None:
    url = invitation_url(token)
    transaction.on_commit(lambda: _send_invitation(invitation, url, language))


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


def _locked_invitation(invitation: Invitation) -> Invitation:
    return (
        Invitation.objects.select_for_update(of=("self",))
        .select_related("organization", "invited_by")
        .get(pk=invitation.pk)
    )


@transaction.atomic
def invitation_approve(*, invitation: Invitation, actor: User) -> Invitation:
    """A company administrator approves an invitation that awaits approval: a new link is
    mailed (the secret made at creation was never sent). InvitationRefused otherwise."""
    current = _locked_invitation(invitation)
    if not current.awaits_approval:
        raise InvitationRefused(_("This invitation does not await approval any more."))
    if not _is_admin_of(actor, current.organization_id):
        raise InvitationRefused(_("Only an administrator of the company can approve it."))
    token = new_secret("inv")
    current.token_hash = secret_hash(token)
    current.approved_at, current.approved_by = timezone.now(), actor
    current.save(update_fields=["token_hash", "approved_at", "approved_by"])
    audit_record(
        actor=actor,
        action="invitation.approve",
        obj=current,
        before={"approved": False},
        after={"approved": True},
    )
    _send_on_commit(current, token, current.invited_by.language)
    return current


@transaction.atomic
def invitation_decline(*, invitation: Invitation, actor: User) -> Invitation:
    """A company administrator declines an invitation that awaits approval; nothing is sent."""
    current = _locked_invitation(invitation)
    if not current.awaits_approval:
        raise InvitationRefused(_("This invitation does not await approval any more."))
    if not _is_admin_of(actor, current.organization_id):
        raise InvitationRefused(_("Only an administrator of the company can decline it."))
    current.declined_at = timezone.now()
    current.save(update_fields=["declined_at"])
    audit_record(
        actor=actor,
        action="invitation.decline",
        obj=current,
        before={"approved": False},
        after={"declined": True},
    )
    return current


@transaction.atomic
def invitation_accept(*, invitation: Invitation, user: User) -> Membership:
    """Join the inviting organisation. The invitation must be open (not expired, used,
    revoked or declined, and approved where it needed approval) and name the user's e-mail
    address (InvitationRefused otherwise); an existing membership keeps the higher of the two
    roles."""
    current = _locked_invitation(invitation)
    if not current.is_open:
        raise InvitationRefused(_("This invitation link is no longer valid: ask for a new one."))
    if user.email.lower() != current.email:
        raise InvitationRefused(
            _(
                "This invitation was sent to another e-mail address: log in with the invited "
                "address, or ask for an invitation to yours."
            )
        )
    Organization.objects.select_for_update().filter(pk=current.organization_id).first()
    membership, created = Membership.objects.select_for_update().get_or_create(
        user=user, organization=current.organization, defaults={"role": current.role}
    )
    before_role = None if created else membership.role
    if (
        not created
        and ROLE_RANK[MembershipRole(current.role)] > ROLE_RANK[MembershipRole(membership.role)]
    ):
        membership.role = current.role
        membership.save(update_fields=["role"])
    current.accepted_at, current.accepted_by = timezone.now(), user
    current.save(update_fields=["accepted_at", "accepted_by"])
    invitation.accepted_at, invitation.accepted_by = current.accepted_at, user
    audit_record(
        actor=user,
        action="invitation.accept",
        obj=current,
        before={"role": before_role},
        after={"organization": current.organization_id, "role": membership.role, "new": created},
    )
    return membership


@transaction.atomic
def invitation_revoke(*, invitation: Invitation, actor: User) -> None:
    current = _locked_invitation(invitation)
    if current.revoked_at is not None:
        return
    current.revoked_at = invitation.revoked_at = timezone.now()
    current.save(update_fields=["revoked_at"])
    audit_record(
        actor=actor,
        action="invitation.revoke",
        obj=current,
        before={"revoked": False},
        after={"revoked": True},
    )


class LastAdministrator(ValueError):
    """The change would leave an organisation with members but no administrator."""


def _lock_organization(organization_id: int) -> None:
    """Lock the organisation's row: every change that can take away an administrator takes
    this lock before counting them, so two concurrent demotions (or a demotion and a
    removal, or an account deletion) cannot each see "another administrator remains" and
    leave none."""
    Organization.objects.select_for_update().filter(pk=organization_id).first()


def _admin_count(organization_id: int) -> int:
    return Membership.objects.filter(
        organization_id=organization_id, role=MembershipRole.ADMIN
    ).count()


@transaction.atomic
def membership_set_role(*, membership: Membership, role: str, actor: User) -> Membership:
    """Change a member's role. The last administrator keeps the role (LastAdministrator), so
    that every organisation keeps someone who can manage it; the organisation is locked
    while administrators are counted."""
    _lock_organization(membership.organization_id)
    current = Membership.objects.select_for_update().get(pk=membership.pk)
    if (
        current.role == MembershipRole.ADMIN
        and role != MembershipRole.ADMIN
        and _admin_count(current.organization_id) == 1
    ):
        raise LastAdministrator("last administrator")
    before = {"role": current.role}
    current.role = membership.role = role
    current.save(update_fields=["role"])
    audit_record(
        actor=actor,
        action="membership.set_role",
        obj=current,
        before=before,
        after={"role": role},
    )
    hooks.publish(
        hooks.MEMBERSHIP_ENDED,
        user=current.user,
        organization=current.organization,
        actor=actor,
    )
    return current


@transaction.atomic
def membership_remove(*, membership: Membership, actor: User) -> None:
    """Remove someone from an organisation. The last administrator cannot be removed
    (LastAdministrator), so that every organisation keeps someone who can manage it; the
    organisation is locked while administrators are counted."""
    _lock_organization(membership.organization_id)
    current = Membership.objects.select_for_update().get(pk=membership.pk)
    if current.role == MembershipRole.ADMIN and _admin_count(current.organization_id) == 1:
        raise LastAdministrator("last administrator")
    audit_record(
        actor=actor,
        action="membership.remove",
        obj=current,
        before={
            "user": current.user_id,
            "organization": current.organization_id,
            "role": current.role,
        },
    )
    current.delete()
    hooks.publish(
        hooks.MEMBERSHIP_ENDED,
        user=current.user,
        organization=current.organization,
        actor=actor,
    )


class ApiTokenExpired(Exception):
    """The API token is right but its expiry date has passed."""

    def __init__(self, token: ApiToken) -> None:
        super().__init__(f"API token {token.prefix}… expired at {token.expires_at}")
        self.token = token


@transaction.atomic
def api_token_create(
    *,
    user: User,
    name: str,
    scope: str,
    expires_in_days: int | None = None,
    by_command: bool = False,
) -> tuple[ApiToken, str]:
    """A personal API token; the secret is returned once and stored only as a hash. With
    `expires_in_days` the API refuses it from then on; without, it works until revoked.
    `by_command`: issued by a server administrator (`bitgoeul tokens create`), not by the user
    on the tokens page; the audit event has no actor and says so."""
    if scope not in TokenScope.values:
        raise ValueError(f"unknown scope {scope!r}")
    if scope == TokenScope.USAGE and not is_operator_staff(user):
        # a usage token writes the GPU ledger that grants are burned and charged by
        raise ValueError("a usage token is for the operator's staff only")
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
    after: dict[str, Any] = {
        "scope": scope,
        "expires_at": expires_at.isoformat() if expires_at else None,
    }
    if by_command:
        after["via"] = "command line"
    audit_record(
        # the name is free text the person wrote: it stays on the token, not in the audit trail
        actor=None if by_command else user,
        action="api_token.create",
        obj=token,
        after=after,
    )
    return token, secret


class TokenUserUnknown(ValueError):
    """No active user has the e-mail address given."""


def api_token_issue(
    *, email: str, name: str, scope: str, expires_in_days: int | None = None
) -> tuple[ApiToken, str]:
    """A token for the active user with `email`, issued from the command line (audited without
    an actor, "via command line"). Raises `TokenUserUnknown` or `ValueError` (scope, expiry)."""
    user = User.objects.filter(email__iexact=email.strip(), is_active=True).first()
    if user is None:
        raise TokenUserUnknown(f"no active user has the e-mail address {email.strip()}")
    return api_token_create(
        user=user, name=name, scope=scope, expires_in_days=expires_in_days, by_command=True
    )


@transaction.atomic
def api_token_revoke(*, token: ApiToken, actor: User) -> None:
    current = ApiToken.objects.select_for_update().get(pk=token.pk)
    if current.revoked_at is not None:
        return
    current.revoked_at = token.revoked_at = timezone.now()
    current.save(update_fields=["revoked_at"])
    audit_record(
        actor=actor,
        action="api_token.revoke",
        obj=current,
        before={"revoked": False},
        after={"revoked": True},
    )


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


@transaction.atomic
def user_delete(*, user: User) -> None:
    """Erase the user's personal data and close the account.

    Memberships, tokens, consents and the reviewer profile are removed; the user row stays as a
    tombstone (no name, an unusable address, no password) because audit events and decisions
    must keep pointing at the account that made them. Invitations sent to the person's address
    are anonymised (and closed), its login throttle and its sessions deleted; each ended
    membership is announced (`hooks.MEMBERSHIP_ENDED`, e.g. watchlists drop their entries). Raises
    LastAdministrator (a ValueError whose argument is the organisation's name) when the user
    is the last administrator of an organisation that has other members; the organisations are
    locked while administrators are counted.
    """
    memberships = list(user.memberships.select_related("organization").order_by("organization_id"))
    for membership in memberships:
        if membership.role != MembershipRole.ADMIN:
            continue
        org = membership.organization
        _lock_organization(org.pk)
        others = org.memberships.exclude(user=user)
        if others.exists() and not others.filter(role=MembershipRole.ADMIN).exists():
            raise LastAdministrator(org.name)
    old_email = user.email.lower()
    audit_record(actor=user, action="user.delete", obj=user)
    user.memberships.all().delete()
    user.api_tokens.all().delete()
    user.consents.all().delete()
    ReviewerProfile.objects.filter(user=user).delete()
    user.email = f"deleted-{user.pk}@invalid.bitgoeul"
    now = timezone.now()
    Invitation.objects.filter(
        email=old_email, revoked_at__isnull=True, accepted_at__isnull=True
    ).update(revoked_at=now)
    Invitation.objects.filter(email=old_email).update(email=user.email)
    login_throttle_clear(email=old_email)
    user_sessions_end(user=user, actor=user, reason="account_delete")
    user.name = ""
    user.is_active = False
    user.deleted_at = now
    user.set_unusable_password()
    user.save(update_fields=["email", "name", "is_active", "deleted_at", "password"])
    for membership in memberships:
        hooks.publish(
            hooks.MEMBERSHIP_ENDED, user=user, organization=membership.organization, actor=user
        )


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
def organization_delete_many(*, ids: list[int], actor: Any, reason: str) -> int:
    """Delete organisations nobody belongs to (what an import created and must take back, a
    prospect merged into the real company); rows cascade to their profiles. Refuses, deleting
    nothing, when one of them has members. One audit event with the ids and the reason."""
    rows = Organization.objects.select_for_update().filter(pk__in=ids)
    if Membership.objects.filter(organization_id__in=ids).exists():
        raise ValueError("an organisation with members is not deleted")
    found = sorted(rows.values_list("pk", flat=True))
    if not found:
        return 0
    Organization.objects.filter(pk__in=found).delete()
    audit_record(
        actor=actor,
        action="organization.delete_many",
        object_type=Organization._meta.label_lower,
        before={"ids": found},
        after={"reason": reason},
    )
    return len(found)


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


# --- reviewer role ---------------------------------------------------------------------------
# The reviewer role (`ReviewerProfile`) is accounts' table; the programs app's reviewer pool
# creates, activates and edits it only through this function.

REVIEWER_PROFILE_EDITABLE = ("expertise", "affiliation", "is_active")


@transaction.atomic
def reviewer_profile_set(*, user: User, actor: Any, **values: Any) -> ReviewerProfile:
    """Create the user's reviewer profile (active) or change `expertise`, `affiliation` or
    `is_active`. The row is locked, "before" comes from the database, and one audit event
    (`reviewer_profile.set`) lists what changed; the free text itself is not copied into the
    audit trail (it may name people), only which fields changed."""
    unknown = set(values) - set(REVIEWER_PROFILE_EDITABLE)
    if unknown:
        raise ValueError(f"not an editable reviewer profile field: {', '.join(sorted(unknown))}")
    profile = ReviewerProfile.objects.select_for_update().filter(user=user).first()
    created = profile is None
    if profile is None:
        profile = ReviewerProfile.objects.create(user=user, is_active=True)
    diff = {k: v for k, v in values.items() if getattr(profile, k) != v}
    before = {"is_active": None if created else profile.is_active}
    for key, value in diff.items():
        setattr(profile, key, value)
    if diff:
        profile.save(update_fields=sorted(diff))
    if created or diff:
        audit_record(
            actor=actor,
            action="reviewer_profile.set",
            obj=user,
            before={**before, "fields": sorted(diff)},
            after={"is_active": profile.is_active, "fields": sorted(diff), "created": created},
        )
    return profile
