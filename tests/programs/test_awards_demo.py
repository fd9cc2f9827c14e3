"""The programs demo data: calls in every stage, loaded twice without error or duplicates."""

from __future__ import annotations

import pytest

from bitgoeul.programs.enums import AwardState, CallState, MilestoneState, RunState
from bitgoeul.programs.models import (
    Application,
    Assignment,
    Award,
    Call,
    Milestone,
    MilestoneReport,
    Review,
    SelectionDecision,
    SelectionRun,
)
from bitgoeul.web.demo import load_demo


def _counts() -> tuple[int, ...]:
    models = (Call, Application, Assignment, Review, SelectionDecision, Award, Milestone)
    return tuple(model.objects.count() for model in (*models, MilestoneReport))


@pytest.mark.django_db
def test_demo_has_calls_in_every_stage_and_loads_twice() -> None:
    load_demo()
    first = _counts()
    lines = load_demo()
    assert _counts() == first
    assert "programs: 4 calls already there" in lines
    assert sorted(Call.objects.values_list("state", flat=True)) == sorted(
        [CallState.PUBLISHED, CallState.REVIEW, CallState.SELECTION, CallState.DELIVERY]
    )
    for call in Call.objects.all():
        assert call.stages.count() == 2
        assert call.form_fields.count() == 6
        assert call.applications.count() >= 7
    review = Call.objects.get(state=CallState.REVIEW)
    assert Assignment.objects.filter(stage__call=review, active=True).count() == 36
    assert Review.objects.filter(assignment__stage__call=review).exists()
    selected = Call.objects.get(state=CallState.SELECTION)
    assert selected.selection_runs.get().state == RunState.APPROVED
    assert set(
        Award.objects.filter(application__call=selected).values_list("state", flat=True)
    ) == {AwardState.AGREEMENT}
    delivery = Call.objects.get(state=CallState.DELIVERY)
    awards = Award.objects.filter(application__call=delivery)
    assert set(awards.values_list("state", flat=True)) == {AwardState.ACTIVE}
    # the demo founder's company has an award in delivery, with a tranche released
    founder = awards.get(application__company__organization__code="company-001")
    assert founder.milestones.filter(state=MilestoneState.APPROVED).count() == 1
    assert Milestone.objects.filter(award__in=awards, state=MilestoneState.SUBMITTED).count() == 1
    for award in Award.objects.all():
        assert sum(award.milestones.values_list("tranche", flat=True)) <= award.amount


@pytest.mark.django_db
def test_the_demo_selections_were_decided_by_the_engine_and_rerun_to_the_same_result() -> None:
    from bitgoeul.programs.services.selection import selection_solve

    load_demo()
    runs = list(SelectionRun.objects.filter(state=RunState.APPROVED))
    assert len(runs) == 2
    for run in runs:
        stored = set(run.decisions.filter(selected=True).values_list("application_id", flat=True))
        again = {int(d.application) for d in selection_solve(run.inputs).decisions if d.selected}
        assert stored == again and stored
