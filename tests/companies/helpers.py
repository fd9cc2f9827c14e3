"""Building companies for tests through the real services."""

from __future__ import annotations

from typing import Any

from django.db import transaction

from bitgoeul.accounts.models import Organization
from bitgoeul.companies.models import Company, Technology
from bitgoeul.companies.services.profile import company_profile_ensure, company_update
from bitgoeul.core import hooks
from tests.factories import CompanyFactory


def make_company(
    name: str = "",
    *,
    parent: Organization | None = None,
    technologies: tuple[str, ...] = (),
    **data: Any,
) -> Company:
    """A company organisation with its profile saved (and indexed) by `company_update`."""
    organization = CompanyFactory.create(**({"name": name} if name else {}), parent=parent)
    with transaction.atomic():
        company = company_profile_ensure(organization=organization)
        techs = list(Technology.objects.filter(code__in=technologies)) if technologies else None
        return company_update(company=company, actor=None, data=data, technologies=techs)


def company_record(organization: Organization) -> Company:
    """The record of a company organisation made by a factory, created as sign-up creates it
    (the organisation-created event the companies app subscribes to)."""
    with transaction.atomic():
        hooks.publish(hooks.ORGANIZATION_CREATED, organization=organization, actor=None)
    return Company.objects.select_related("organization__parent").get(pk=organization.pk)


def names(companies: object) -> list[str]:
    """The organisation names of companies, in order."""
    return [c.organization.name for c in companies]  # type: ignore[attr-defined]
