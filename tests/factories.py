from __future__ import annotations

from typing import Any

import factory

from bitgoeul.accounts.brn import brn_check_digit
from bitgoeul.accounts.enums import MembershipRole, OrganizationKind
from bitgoeul.accounts.models import Membership, Organization, ReviewerProfile, User

PASSWORD = "correct horse battery"


def valid_brn(n: int) -> str:
    first = f"{101 + n % 800:03d}81{n % 10000:04d}"
    return first + str(brn_check_digit(first))


class UserFactory(factory.django.DjangoModelFactory[User]):
    class Meta:
        model = User
        skip_postgeneration_save = True

    email = factory.Sequence(lambda n: f"user{n}@example.kr")
    name = factory.Sequence(lambda n: f"사용자{n}")
    password = factory.django.Password(PASSWORD)


class OrganizationFactory(factory.django.DjangoModelFactory[Organization]):
    class Meta:
        model = Organization

    name = factory.Sequence(lambda n: f"기관{n}")
    kind = OrganizationKind.INSTITUTION


class CompanyFactory(OrganizationFactory):
    name = factory.Sequence(lambda n: f"(주)회사{n}")
    kind = OrganizationKind.COMPANY
    brn = factory.Sequence(valid_brn)


class MembershipFactory(factory.django.DjangoModelFactory[Membership]):
    class Meta:
        model = Membership

    user = factory.SubFactory(UserFactory)
    organization = factory.SubFactory(CompanyFactory)
    role = MembershipRole.MEMBER


class ReviewerProfileFactory(factory.django.DjangoModelFactory[ReviewerProfile]):
    class Meta:
        model = ReviewerProfile

    user = factory.SubFactory(UserFactory)
    expertise = "컴퓨터 비전"
    fields = ["vision"]


class CompanyRecordFactory(factory.Factory):  # type: ignore[type-arg]
    """A company record made the way the platform makes one: the organisation
    (`CompanyFactory`), its record created by the sign-up event, and the profile fields given
    saved (and indexed for search) by `company_update`. `technologies` takes tag codes."""

    class Meta:
        model = dict  # built by _create through the services, not by a constructor

    name = None  # CompanyFactory's own name when not given
    parent = None
    technologies: tuple[str, ...] = ()

    @classmethod
    def _create(cls, model_class: Any, *args: Any, **kwargs: Any) -> Any:
        from django.db import transaction

        from bitgoeul.companies.models import Company, Technology
        from bitgoeul.companies.services.profile import company_update
        from bitgoeul.core import hooks

        name, parent = kwargs.pop("name"), kwargs.pop("parent")
        codes = kwargs.pop("technologies")
        organization = CompanyFactory.create(**({"name": name} if name else {}), parent=parent)
        with transaction.atomic():
            hooks.publish(hooks.ORGANIZATION_CREATED, organization=organization, actor=None)
            company = Company.objects.select_related("organization__parent").get(pk=organization.pk)
            techs = list(Technology.objects.filter(code__in=codes)) if codes else None
            return company_update(company=company, actor=None, data=kwargs, technologies=techs)
