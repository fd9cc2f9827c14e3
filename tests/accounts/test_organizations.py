"""The organisation write services: audited, "before" from the database, only real changes."""

from __future__ import annotations

import pytest

from bitgoeul.accounts.enums import OrganizationKind
from bitgoeul.accounts.models import Organization
from bitgoeul.accounts.services import (
    organization_create_many,
    organization_update,
    organization_update_many,
)
from bitgoeul.audit.models import AuditEvent

pytestmark = pytest.mark.django_db


def test_organization_create_many_sets_keys_and_audits(operator):
    rows = [Organization(name=f"기업{i}", kind=OrganizationKind.INSTITUTION) for i in range(3)]
    created = organization_create_many(organizations=rows, actor=operator, reason="import 1")
    assert all(o.pk for o in created)
    event = AuditEvent.objects.get(action="organization.create_many")
    assert event.after == {"count": 3, "kinds": {"institution": 3}, "reason": "import 1"}


def test_organization_update_takes_before_from_the_database(operator):
    org = Organization.objects.create(name="빛고을", kind=OrganizationKind.INSTITUTION)
    org.name = "changed in memory"  # a form or caller may have modified the instance
    organization_update(organization=org, actor=operator, name="빛고을랩", name_en="Lab")
    event = AuditEvent.objects.get(action="organization.update")
    assert event.before == {"name": "빛고을", "name_en": ""}
    assert event.after == {"name": "빛고을랩", "name_en": "Lab"}
    org.refresh_from_db()
    assert (org.name, org.name_en) == ("빛고을랩", "Lab")


def test_organization_update_without_change_writes_nothing(operator):
    org = Organization.objects.create(name="빛고을", kind=OrganizationKind.INSTITUTION)
    organization_update(organization=org, actor=operator, name="빛고을")
    assert not AuditEvent.objects.filter(action="organization.update").exists()


def test_organization_update_refuses_other_fields(operator):
    org = Organization.objects.create(name="빛고을", kind=OrganizationKind.INSTITUTION)
    with pytest.raises(ValueError, match="kind"):
        organization_update(organization=org, actor=operator, kind="operator")


def test_organization_update_many_records_each_change(operator):
    chapter = Organization.objects.create(name="지회", kind=OrganizationKind.CHAPTER)
    a = Organization.objects.create(name="가", kind=OrganizationKind.INSTITUTION)
    b = Organization.objects.create(name="나", kind=OrganizationKind.INSTITUTION)
    count = organization_update_many(
        changes={a.pk: {"name": "가나", "parent_id": chapter.pk}, b.pk: {"name": "나"}},
        actor=operator,
        reason="import 2",
    )
    assert count == 1
    event = AuditEvent.objects.get(action="organization.update_many")
    assert event.before == {str(a.pk): {"name": "가", "parent_id": None}}
    assert event.after == {
        str(a.pk): {"name": "가나", "parent_id": chapter.pk},
        "reason": "import 2",
    }
    a.refresh_from_db()
    assert (a.name, a.parent_id) == ("가나", chapter.pk)


def test_organization_delete_many_refuses_organisations_with_members(operator):
    from bitgoeul.accounts.services import organization_delete_many
    from tests.factories import MembershipFactory

    empty = Organization.objects.create(name="빈 기관", kind=OrganizationKind.INSTITUTION)
    staffed = Organization.objects.create(name="기관", kind=OrganizationKind.INSTITUTION)
    MembershipFactory.create(organization=staffed)
    with pytest.raises(ValueError, match="members"):
        organization_delete_many(ids=[empty.pk, staffed.pk], actor=operator, reason="test")
    assert Organization.objects.filter(pk__in=[empty.pk, staffed.pk]).count() == 2
    assert organization_delete_many(ids=[empty.pk], actor=operator, reason="merged") == 1
    event = AuditEvent.objects.get(action="organization.delete_many")
    assert (event.before, event.after) == ({"ids": [empty.pk]}, {"reason": "merged"})
