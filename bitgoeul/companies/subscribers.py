"""What the companies app does when the foundation announces an event (`bitgoeul.core.hooks`);
subscribed in `CompaniesConfig.ready`, run inside the announcing service's transaction."""

from __future__ import annotations

from typing import Any

from bitgoeul.accounts.enums import OrganizationKind
from bitgoeul.accounts.models import Organization, User
from bitgoeul.companies.services.importing import prospect_claim_on_signup
from bitgoeul.companies.services.profile import company_profile_ensure
from bitgoeul.companies.services.watchlists import watchlist_prune
from bitgoeul.core import hooks


@hooks.subscribe(hooks.ORGANIZATION_CREATED)
def company_record_create(*, organization: Organization, actor: Any, **_: Any) -> None:
    """A company organisation gets its record at once, so that it is in the directory and
    search and its administrators can edit it and decide on sharing."""
    if organization.kind == OrganizationKind.COMPANY:
        company_profile_ensure(organization=organization, actor=actor)


# A company that signs up claims the prospect imported under its name and region (merged after
# the sign-up commits, so the order of the subscribers does not matter).
hooks.subscribe(hooks.ORGANIZATION_CREATED)(prospect_claim_on_signup)


@hooks.subscribe(hooks.MEMBERSHIP_ENDED)
def watchlist_access_ended(*, user: User, actor: Any, **_: Any) -> None:
    """Drop the watchlist entries the user may no longer keep."""
    # A fresh instance: the caller's may carry the memberships it read before the change.
    fresh = User.objects.get(pk=user.pk)
    watchlist_prune(user=fresh, actor=actor)
