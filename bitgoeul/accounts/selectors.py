from __future__ import annotations

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
        user._bitgoeul_memberships = cached  # type: ignore[attr-defined]
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
