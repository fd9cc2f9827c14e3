"""Building companies for tests through the real services."""

from __future__ import annotations

from typing import Any

from django.db import transaction

from bitgoeul.accounts.models import Organization
from bitgoeul.companies.models import Company
from bitgoeul.core import hooks
from tests.factories import CompanyRecordFactory


def make_company(
    name: str = "",
    *,
    parent: Organization | None = None,
    technologies: tuple[str, ...] = (),
    **data: Any,
) -> Company:
    """A company organisation with its profile saved (and indexed) by `company_update`
    (`tests.factories.CompanyRecordFactory`)."""
    extra = {"name": name} if name else {}
    company: Company = CompanyRecordFactory.create(
        parent=parent, technologies=technologies, **extra, **data
    )
    return company


def company_record(organization: Organization) -> Company:
    """The record of a company organisation made by a factory, created as sign-up creates it
    (the organisation-created event the companies app subscribes to)."""
    with transaction.atomic():
        hooks.publish(hooks.ORGANIZATION_CREATED, organization=organization, actor=None)
    return Company.objects.select_related("organization__parent").get(pk=organization.pk)


def names(companies: object) -> list[str]:
    """The organisation names of companies, in order."""
    return [c.organization.name for c in companies]  # type: ignore[attr-defined]
