"""Writes of the reviewer pool: adding a person, their expertise and load, and their ties.

The role itself (`accounts.ReviewerProfile`: the free text `expertise`, active or not) belongs
to accounts and is changed only through `accounts.services.reviewer_profile_set`; this module
writes `programs.Reviewer` (technology tags, most applications per call) and `ReviewerTie`.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from typing import Any

from django.db import transaction
from django.utils import timezone

from bitgoeul.accounts.brn import brn_normalize
from bitgoeul.accounts.models import Organization, User
from bitgoeul.accounts.services import reviewer_profile_set
from bitgoeul.audit.services import audit_record
from bitgoeul.companies.models import Technology
from bitgoeul.programs.enums import TieKind
from bitgoeul.programs.models import Reviewer, ReviewerTie


class TieError(ValueError):
    """A tie that names no organisation, or ends before it starts (message for people)."""


@transaction.atomic
def reviewer_add(
    *,
    user: User,
    actor: Any,
    max_load: int = 10,
    technologies: Iterable[Technology] = (),
    expertise: str | None = None,
) -> Reviewer:
    """Put a person in the pool: their reviewer role is created (or activated again) through
    accounts, and a `Reviewer` row made. Adding someone already in the pool activates their
    role and changes nothing else. One audit event `reviewer.add`."""
    profile_values: dict[str, Any] = {"is_active": True}
    if expertise is not None:
        profile_values["expertise"] = expertise
    reviewer_profile_set(user=user, actor=actor, **profile_values)
    reviewer = Reviewer.objects.select_for_update().filter(user=user).first()
    if reviewer is not None:
        return reviewer
    reviewer = Reviewer.objects.create(user=user, max_load=max_load)
    tags = sorted(t.pk for t in technologies)
    reviewer.technologies.set(tags)
    audit_record(
        actor=actor,
        action="reviewer.add",
        obj=reviewer,
        after={"max_load": max_load, "technologies": tags},
    )
    return reviewer


@transaction.atomic
def reviewer_update(
    *,
    reviewer: Reviewer,
    actor: Any,
    max_load: int,
    technologies: Iterable[Technology],
    expertise: str,
) -> Reviewer:
    """Change the expertise tags, the free text and the most applications per call. One audit
    event `reviewer.update` with what changed ("before" read from the locked row); the free
    text goes through accounts (its own audit event) and is not copied here."""
    locked = Reviewer.objects.select_for_update().get(pk=reviewer.pk)
    before_tags = sorted(locked.technologies.values_list("pk", flat=True))
    tags = sorted(t.pk for t in technologies)
    before: dict[str, Any] = {}
    after: dict[str, Any] = {}
    if locked.max_load != max_load:
        before["max_load"], after["max_load"] = locked.max_load, max_load
        locked.max_load = max_load
    if before_tags != tags:
        before["technologies"], after["technologies"] = before_tags, tags
        locked.technologies.set(tags)
    reviewer_profile_set(user=locked.user, actor=actor, expertise=expertise)
    if before:
        locked.updated_at = timezone.now()
        locked.save(update_fields=["max_load", "updated_at"])
        audit_record(actor=actor, action="reviewer.update", obj=locked, before=before, after=after)
    reviewer.max_load, reviewer.updated_at = locked.max_load, locked.updated_at
    return reviewer


@transaction.atomic
def reviewer_tie_add(
    *,
    reviewer: Reviewer,
    actor: Any,
    kind: str,
    organization: Organization | None = None,
    business_number: str = "",
    name: str = "",
    started_on: dt.date | None = None,
    ended_on: dt.date | None = None,
) -> ReviewerTie:
    """Record a tie (works for, advises, holds shares in, other). It names the organisation
    by platform organisation, else by 사업자등록번호 (digits kept), else by name; conflicts are
    found from it the next time `conflicts_find` runs. Raises `TieError`."""
    from django.utils.translation import gettext as _

    if kind not in TieKind.values:
        raise ValueError(f"unknown tie kind {kind!r}")
    number = brn_normalize(business_number) if business_number else ""
    if business_number and len(number) != 10:
        raise TieError(_("A business registration number has 10 digits."))
    if organization is None and not number and not name.strip():
        raise TieError(_("Name the organisation, its business registration number or its name."))
    if started_on and ended_on and ended_on < started_on:
        raise TieError(_("A tie cannot end before it starts."))
    if organization is not None and not number and organization.brn:
        number = organization.brn
    tie = ReviewerTie.objects.create(
        reviewer=reviewer,
        kind=kind,
        organization=organization,
        business_number=number,
        name=name.strip() or (organization.name if organization else ""),
        started_on=started_on,
        ended_on=ended_on,
    )
    audit_record(actor=actor, action="reviewer_tie.add", obj=reviewer, after=_tie_values(tie))
    return tie


@transaction.atomic
def reviewer_tie_delete(*, tie: ReviewerTie, actor: Any) -> None:
    """Delete a tie (conflicts already found from it keep their detail sentence)."""
    locked = ReviewerTie.objects.select_for_update().get(pk=tie.pk)
    audit_record(
        actor=actor,
        action="reviewer_tie.delete",
        obj=locked.reviewer,
        before=_tie_values(locked),
    )
    locked.delete()


def _tie_values(tie: ReviewerTie) -> dict[str, Any]:
    return {
        "tie": tie.pk,
        "kind": tie.kind,
        "organization": tie.organization_id,
        "business_number": tie.business_number,
        "name": tie.name,
        "started_on": tie.started_on,
        "ended_on": tie.ended_on,
    }
