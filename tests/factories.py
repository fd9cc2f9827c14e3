from __future__ import annotations

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
