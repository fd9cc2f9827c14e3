"""Conflicts of interest (이해충돌): found from reviewers' ties, and declared by reviewers.

From data (`conflicts_find`), a reviewer is in conflict with an application when one of their
ties was in force at some time in the last three years (started on or before today, and open
or ended on or after today minus three years) and names
- the applying company: works for → EMPLOYMENT, holds shares in → SHAREHOLDING, advises →
  ADVISORY, other tie → OTHER_TIE;
- a co-applicant (`Application.co_applicants`), whatever the kind → CO_APPLICANT.
A tie names an organisation by its platform id or by 사업자등록번호 (matched to the
organisation with that number); a tie known by name only is shown to staff but finds nothing,
because a name alone does not identify a company.

Declared (`conflict_declare`): the reviewer says, per assigned application, that they have a
conflict (with a note: a DECLARED conflict, their assignment becomes inactive and the staff who
deployed the assignment are told) or that they have none (`no_conflict_declared_at`).
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

from django.conf import settings
from django.db import transaction
from django.db.models import Q
from django.utils import timezone, translation
from django.utils.translation import gettext as _
from django.utils.translation import pgettext

from bitgoeul.accounts.models import Organization
from bitgoeul.audit.services import audit_record
from bitgoeul.programs.enums import ConflictSource, TieKind
from bitgoeul.programs.models import (
    Application,
    Assignment,
    Call,
    Conflict,
    EvaluationStage,
    Reviewer,
    ReviewerTie,
)
from bitgoeul.programs.selectors import call_review_applications, stage_applications

WINDOW_YEARS = 3
# Conflicts that `conflicts_find` owns (recomputed from ties); declared and staff-recorded
# ones are never touched by it.
FROM_DATA = (
    ConflictSource.EMPLOYMENT,
    ConflictSource.SHAREHOLDING,
    ConflictSource.ADVISORY,
    ConflictSource.CO_APPLICANT,
    ConflictSource.OTHER_TIE,
)
SOURCE_OF_KIND = {
    TieKind.EMPLOYEE: ConflictSource.EMPLOYMENT,
    TieKind.SHAREHOLDER: ConflictSource.SHAREHOLDING,
    TieKind.ADVISOR: ConflictSource.ADVISORY,
    TieKind.OTHER: ConflictSource.OTHER_TIE,
}


def window_start(today: dt.date) -> dt.date:
    """Today three years ago (29 February falls back to the 28th)."""
    try:
        return today.replace(year=today.year - WINDOW_YEARS)
    except ValueError:
        return today.replace(year=today.year - WINDOW_YEARS, day=28)


def ties_in_window(today: dt.date) -> Q:
    """Ties in force at some time between `window_start(today)` and today."""
    return (Q(started_on__isnull=True) | Q(started_on__lte=today)) & (
        Q(ended_on__isnull=True) | Q(ended_on__gte=window_start(today))
    )


@dataclass(frozen=True)
class FoundConflict:
    application_id: int
    reviewer_id: int
    source: str
    tie_id: int
    detail: str


def tie_detail(tie: ReviewerTie, name: str, *, co_applicant: bool) -> str:
    """The sentence a conflict keeps about the tie it came from (in the current language)."""
    values = {
        "tie": TieKind(tie.kind).label,
        "name": name,
        "start": tie.started_on.isoformat() if tie.started_on else "…",
        "end": tie.ended_on.isoformat() if tie.ended_on else pgettext("tie still in force", "now"),
    }
    if co_applicant:
        return _("%(tie)s: %(name)s (co-applicant), %(start)s – %(end)s") % values
    return _("%(tie)s: %(name)s, %(start)s – %(end)s") % values


def conflicts_match(applications: Iterable[Application], *, today: dt.date) -> list[FoundConflict]:
    """The conflicts the reviewers' ties give with these applications (reads only). Queries:
    co-applicants, ties, organisations by 사업자등록번호 — three, whatever the numbers."""
    apps = list(applications)
    by_company: dict[int, list[int]] = defaultdict(list)
    by_partner: dict[int, list[int]] = defaultdict(list)
    for app in apps:
        by_company[app.company_id].append(app.pk)
    through = Application.co_applicants.through.objects.filter(
        application_id__in=[a.pk for a in apps]
    )
    for app_id, org_id in through.values_list("application_id", "organization_id"):
        by_partner[org_id].append(app_id)
    org_ids = set(by_company) | set(by_partner)
    numbers = dict(
        Organization.objects.filter(pk__in=org_ids, brn__isnull=False).values_list("brn", "pk")
    )
    names = dict(Organization.objects.filter(pk__in=org_ids).values_list("pk", "name"))
    ties = ReviewerTie.objects.filter(ties_in_window(today)).filter(
        Q(organization_id__in=org_ids) | Q(business_number__in=list(numbers))
    )
    found: dict[tuple[int, int, str], FoundConflict] = {}
    for tie in ties.order_by("pk"):
        tied: int | None = tie.organization_id if tie.organization_id in org_ids else None
        if tied is None:
            tied = numbers.get(tie.business_number)
        if tied is None:
            continue
        name = names.get(tied, tie.name)
        for app_id in by_company.get(tied, ()):
            source = SOURCE_OF_KIND[TieKind(tie.kind)]
            key = (app_id, tie.reviewer_id, source)
            if key not in found:
                detail = tie_detail(tie, name, co_applicant=False)
                found[key] = FoundConflict(app_id, tie.reviewer_id, source, tie.pk, detail)
        for app_id in by_partner.get(tied, ()):
            key = (app_id, tie.reviewer_id, ConflictSource.CO_APPLICANT)
            if key not in found:
                detail = tie_detail(tie, name, co_applicant=True)
                found[key] = FoundConflict(
                    app_id, tie.reviewer_id, ConflictSource.CO_APPLICANT, tie.pk, detail
                )
    return list(found.values())


@dataclass(frozen=True)
class FindReport:
    found: int
    created: int
    removed: int


@transaction.atomic
def conflicts_find(
    *,
    actor: Any,
    stage: EvaluationStage | None = None,
    call: Call | None = None,
    today: dt.date | None = None,
) -> FindReport:
    """Find the conflicts from data for the applications of a stage (or of a whole call) and
    bring the stored ones in line: new ones are created, those whose tie no longer gives them
    are deleted; declared and staff-recorded conflicts are left alone. The detail sentences
    are written in the platform's language. One audit event `conflict.find` with the counts."""
    if (stage is None) == (call is None):
        raise ValueError("give a stage or a call")
    if stage is not None:
        call = stage.call
        apps = list(stage_applications(stage).only("pk", "company_id"))
    else:
        assert call is not None
        apps = list(call_review_applications(call).only("pk", "company_id"))
    day = today or timezone.localdate()
    with translation.override(settings.LANGUAGE_CODE):
        found = conflicts_match(apps, today=day)
    wanted = {(f.application_id, f.reviewer_id, f.source): f for f in found}
    stored = Conflict.objects.filter(
        application_id__in=[a.pk for a in apps], source__in=FROM_DATA
    ).select_for_update()
    have: dict[tuple[int, int, str], int] = {
        (application_id, reviewer_id, source): pk
        for pk, application_id, reviewer_id, source in stored.values_list(
            "pk", "application_id", "reviewer_id", "source"
        )
    }
    stale = [pk for key, pk in have.items() if key not in wanted]
    if stale:
        Conflict.objects.filter(pk__in=stale).delete()
    now = timezone.now()
    new = [
        Conflict(
            application_id=f.application_id,
            reviewer_id=f.reviewer_id,
            source=f.source,
            tie_id=f.tie_id,
            detail=f.detail[:300],
            created_by=actor if getattr(actor, "is_authenticated", False) else None,
            created_at=now,
        )
        for key, f in wanted.items()
        if key not in have
    ]
    Conflict.objects.bulk_create(new, batch_size=1000)
    report = FindReport(found=len(wanted), created=len(new), removed=len(stale))
    audit_record(
        actor=actor,
        action="conflict.find",
        obj=call,
        after={
            "stage": stage.pk if stage else None,
            "found": report.found,
            "created": report.created,
            "removed": report.removed,
        },
    )
    return report


class AlreadyDeclared(Exception):
    """The reviewer already declared on this assignment."""


@transaction.atomic
def conflict_declare(
    *, assignment: Assignment, actor: Any, conflict: bool, note: str = ""
) -> Conflict | None:
    """The reviewer's declaration (이해충돌 신고) on one of their assignments.

    `conflict` True: a DECLARED conflict with the note is recorded, the assignment becomes
    inactive (the reviewer no longer sees the application) and the staff who deployed the
    assignment are notified. False: `no_conflict_declared_at` is set. Either is audited
    (`conflict.declare`); a second declaration raises `AlreadyDeclared`."""
    from bitgoeul.notifications.services import notify
    from bitgoeul.programs.notification_kinds import CONFLICT_DECLARED

    # `of`: PostgreSQL cannot lock the nullable side of the outer join to the run
    locked = (
        Assignment.objects.select_for_update(of=("self",))
        .select_related("run")
        .get(pk=assignment.pk)
    )
    if not locked.active or locked.no_conflict_declared_at is not None:
        raise AlreadyDeclared
    if not conflict:
        locked.no_conflict_declared_at = timezone.now()
        locked.save(update_fields=["no_conflict_declared_at"])
        audit_record(
            actor=actor,
            action="conflict.declare",
            obj=locked,
            before={"active": True},
            after={"conflict": False},
        )
        assignment.no_conflict_declared_at = locked.no_conflict_declared_at
        return None
    row, _created = Conflict.objects.update_or_create(
        application_id=locked.application_id,
        reviewer_id=locked.reviewer_id,
        source=ConflictSource.DECLARED,
        defaults={"detail": note.strip()[:300], "created_by": actor, "tie": None},
    )
    locked.active = False
    locked.save(update_fields=["active"])
    assignment.active = False
    audit_record(
        actor=actor,
        action="conflict.declare",
        obj=locked,
        before={"active": True},
        after={"conflict": True, "active": False, "conflict_id": row.pk},
    )
    run = locked.run
    staff = [u for u in (run.deployed_by, run.created_by) if u is not None] if run else []
    if staff:
        notify(recipients=staff, kind=CONFLICT_DECLARED, obj=row, actor=actor)
    return row


class ConflictExists(ValueError):
    """Staff already recorded this pair."""


@transaction.atomic
def conflict_record(
    *, application: Application, reviewer: Reviewer, actor: Any, note: str
) -> Conflict:
    """A conflict that call staff learnt of otherwise (a phone call, a letter): recorded by
    hand with source STAFF and `note` as its detail. The pair's active assignments become
    inactive (the reviewer no longer sees the application: `access` reads `Conflict`), as a
    declaration does. One audit event `conflict.record` on the application; a second record
    of the same pair raises `ConflictExists`."""
    # the application's row locked: a deploy of the stage sent at the same time finds the
    # conflict (it looks for conflicts again before it activates rows)
    locked = Application.objects.select_for_update(of=("self",)).get(pk=application.pk)
    if Conflict.objects.filter(
        application=locked, reviewer=reviewer, source=ConflictSource.STAFF
    ).exists():
        raise ConflictExists
    row = Conflict.objects.create(
        application=locked,
        reviewer=reviewer,
        source=ConflictSource.STAFF,
        detail=note.strip()[:300],
        created_by=actor if getattr(actor, "is_authenticated", False) else None,
    )
    active = Assignment.objects.select_for_update().filter(
        application=locked, reviewer=reviewer, active=True
    )
    deactivated = sorted(active.values_list("pk", flat=True))
    Assignment.objects.filter(pk__in=deactivated).update(active=False)
    audit_record(
        actor=actor,
        action="conflict.record",
        obj=locked,
        after={
            "conflict_id": row.pk,
            "reviewer": reviewer.pk,
            "source": ConflictSource.STAFF.value,
            "note": row.detail,
            "assignments_deactivated": deactivated,
        },
    )
    return row
