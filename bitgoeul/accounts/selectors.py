from __future__ import annotations

from collections.abc import Collection
from typing import Any

from django.db.models import QuerySet
from django.utils import timezone

from bitgoeul.accounts.models import (
    ApiToken,
    Invitation,
    Membership,
    Organization,
    User,
    UserSession,
)
from bitgoeul.accounts.tokens import secret_hash


def organization_users(
    organization_ids: Collection[int], *, roles: Collection[str] = ()
) -> list[User]:
    """The active users with a membership in any of the organisations (in one of `roles` when
    given), each once, by user id: the recipients of an app's notices. One query."""
    rows = Membership.objects.filter(organization_id__in=organization_ids, user__is_active=True)
    if roles:
        rows = rows.filter(role__in=roles)
    return list(
        {m.user_id: m.user for m in rows.select_related("user").order_by("user_id")}.values()
    )


def organization_users_by_organization(
    organization_ids: Collection[int], *, roles: Collection[str] = ()
) -> dict[int, list[User]]:
    """`organization_users` of each organisation, by organisation id (one that has none is
    absent), a user in two of them being one object: the recipients of a notice that each
    organisation reads with its own figures. One query."""
    rows = Membership.objects.filter(organization_id__in=organization_ids, user__is_active=True)
    if roles:
        rows = rows.filter(role__in=roles)
    users: dict[int, User] = {}
    by_organization: dict[int, dict[int, User]] = {}
    for m in rows.select_related("user").order_by("organization_id", "user_id"):
        user = users.setdefault(m.user_id, m.user)
        by_organization.setdefault(m.organization_id, {})[user.pk] = user
    return {org_id: list(members.values()) for org_id, members in by_organization.items()}


def organization_members(organization: Organization) -> QuerySet[Membership]:
    return organization.memberships.select_related("user").order_by("role", "user__name")


def organization_open_invitations(organization: Organization) -> QuerySet[Invitation]:
    return organization.invitations.filter(
        accepted_at__isnull=True, revoked_at__isnull=True, declined_at__isnull=True
    ).select_related("invited_by")


def user_memberships(user: User) -> list[Membership]:
    """The user's memberships with their organisations, read once per request: the list is
    kept on the user object, which Django loads afresh for every request."""
    cached: list[Membership] | None = getattr(user, "_bitgoeul_memberships", None)
    if cached is None:
        cached = list(
            user.memberships.select_related("organization").order_by("organization__kind", "pk")
        )
        vars(user)["_bitgoeul_memberships"] = cached
    return cached


def user_api_tokens(user: User) -> QuerySet[ApiToken]:
    return user.api_tokens.order_by("revoked_at", "-created_at")


def user_current_consents(user: User) -> dict[str, bool]:
    """The latest answer per consent document."""
    answers: dict[str, bool] = {}
    for record in user.consents.order_by("recorded_at", "pk"):
        answers[record.document] = record.agreed and record.withdrawn_at is None
    return answers


def user_active_sessions(user: User) -> QuerySet[UserSession]:
    """The user's signed-in sessions that have not expired, most recently used first."""
    return UserSession.objects.filter(user=user, session__expire_date__gt=timezone.now()).order_by(
        "-last_seen_at", "-pk"
    )


def invitation_by_token(token: str) -> Invitation | None:
    return (
        Invitation.objects.select_related("organization", "invited_by")
        .filter(token_hash=secret_hash(token))
        .first()
    )


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
