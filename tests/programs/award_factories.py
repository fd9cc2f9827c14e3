"""Awards with milestones for the tests of the awards area (rows written directly; the tests
of a write call the service itself)."""

from __future__ import annotations

import datetime as dt
import io

from django.core.files.base import ContentFile
from django.utils import timezone

from bitgoeul.accounts.models import Organization
from bitgoeul.programs.enums import AwardState, MilestoneState, RunState
from bitgoeul.programs.models import Award, Call, Milestone, MilestoneReport, SelectionRun
from tests.companies.helpers import company_record
from tests.programs.factories import ApplicationFactory, CallFactory

PDF = b"%PDF-1.4\n1 0 obj<</Type/Catalog>>endobj\ntrailer<</Root 1 0 R>>\n%%EOF\n"


def make_award(
    company: Organization,
    *,
    organizer: Organization,
    call: Call | None = None,
    amount: int = 100_000_000,
    state: str = AwardState.ACTIVE,
) -> Award:
    """An award of `company`'s application to a call organised by `organizer`."""
    call = call or CallFactory.create(organizer=organizer)
    application = ApplicationFactory.create(call=call, company=company_record(company))
    run = SelectionRun.objects.create(
        call=call, policy="rank", budget=call.budget, state=RunState.APPROVED
    )
    return Award.objects.create(
        application=application,
        selection_run=run,
        amount=amount,
        state=state,
        agreement_signed_at=timezone.now() if state != AwardState.AGREEMENT else None,
    )


def make_milestone(
    award: Award,
    *,
    order: int = 1,
    tranche: int = 30_000_000,
    due_on: dt.date | None = None,
    state: str = MilestoneState.PENDING,
) -> Milestone:
    return Milestone.objects.create(
        award=award,
        order=order,
        deliverable=f"{order}차 실증 결과 보고",
        due_on=due_on or timezone.localdate() + dt.timedelta(days=30),
        tranche=tranche,
        state=state,
    )


def make_report(milestone: Milestone, **values: object) -> MilestoneReport:
    """A submitted report awaiting review (the milestone is marked SUBMITTED)."""
    report = MilestoneReport(milestone=milestone, file_name="보고서.pdf", **values)
    report.file.save("보고서.pdf", ContentFile(PDF), save=False)
    report.save()
    Milestone.objects.filter(pk=milestone.pk).update(state=MilestoneState.SUBMITTED)
    milestone.refresh_from_db()
    return report


def pdf() -> io.BytesIO:
    return io.BytesIO(PDF)
