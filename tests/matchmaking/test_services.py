"""The matchmaking services: need and invitation states, meetings, outcomes, with their audit
events, notifications and the track record they feed."""

from __future__ import annotations

import datetime as dt

import pytest
from django.core.exceptions import ValidationError
from django.utils import timezone

from bitgoeul.audit.models import AuditEvent
from bitgoeul.companies.track_record import track_records
from bitgoeul.matchmaking import services
from bitgoeul.matchmaking.enums import InvitationState, NeedState, OutcomeKind, Sector
from bitgoeul.matchmaking.models import Invitation
from bitgoeul.notifications.models import Notification
from tests.conftest import World
from tests.matchmaking.factories import make_invitation, make_need, record, supplierise


def _data() -> dict[str, object]:
    return {
        "title": "불량 검사 자동화",
        "description": "작업자가 눈으로 하는 불량 검사를 카메라로 자동화하고 싶습니다.",
        "sector": Sector.MANUFACTURING,
        "budget_min_krw": 10_000_000,
        "budget_max_krw": 50_000_000,
        "data_available": "불량 사진",
    }


@pytest.mark.django_db
def test_need_create_is_a_draft_with_search_terms_and_audit(world: World) -> None:
    need = services.need_create(company=record(world.company), actor=world.owner, data=_data())
    assert (need.state, need.created_by) == (NeedState.DRAFT, world.owner)
    assert "불량" in need.search_terms.split()
    event = AuditEvent.objects.get(action="matchmaking.need_create")
    assert (event.object_id, (event.after or {}).get("title")) == (str(need.pk), "불량 검사 자동화")


@pytest.mark.django_db
def test_need_create_refuses_a_budget_upside_down(world: World) -> None:
    data = {**_data(), "budget_min_krw": 50_000_000, "budget_max_krw": 1_000_000}
    with pytest.raises(ValidationError):
        services.need_create(company=record(world.company), actor=world.owner, data=data)


@pytest.mark.django_db
def test_need_update_audits_only_the_fields_changed_with_before_from_the_database(
    world: World,
) -> None:
    need = make_need(world.company)
    need.title = "changed in memory only"  # a caller's stale instance must not be "before"
    services.need_update(need=need, actor=world.owner, data={"title": "새 제목"})
    event = AuditEvent.objects.get(action="matchmaking.need_update")
    assert (event.before, event.after) == (
        {"title": "부품 외관 불량 검사 자동화"},
        {"title": "새 제목"},
    )


@pytest.mark.django_db
def test_need_set_state_follows_the_transition_table(world: World) -> None:
    need = make_need(world.company, state=NeedState.DRAFT)
    need = services.need_set_state(need=need, actor=world.owner, state=NeedState.OPEN)
    assert need.opened_at is not None
    need = services.need_set_state(need=need, actor=world.owner, state=NeedState.CLOSED)
    assert need.closed_at is not None
    with pytest.raises(services.IllegalTransition):
        services.need_set_state(need=need, actor=world.owner, state=NeedState.DRAFT)
    mine = AuditEvent.objects.filter(action__startswith="matchmaking.").order_by("pk")
    actions = list(mine.values_list("action", flat=True))
    assert actions == ["matchmaking.need_open", "matchmaking.need_close"]


@pytest.mark.django_db
def test_withdrawing_a_need_withdraws_the_invitations_waiting_for_an_answer(world: World) -> None:
    need = make_need(world.company)
    waiting = make_invitation(need, supplierise(world.other_company))
    other = supplierise(_another_company(world))  # type: ignore[arg-type]
    answered = make_invitation(need, other, state=InvitationState.DECLINED)
    services.need_set_state(need=need, actor=world.owner, state=NeedState.WITHDRAWN)
    waiting.refresh_from_db()
    answered.refresh_from_db()
    assert (waiting.state, answered.state) == (InvitationState.WITHDRAWN, InvitationState.DECLINED)


def _another_company(world: World) -> object:
    from tests.factories import CompanyFactory

    return CompanyFactory.create(name="(주)다른공급", parent=world.other_chapter)


@pytest.mark.django_db
def test_invitation_create_notifies_the_supplier_and_keeps_the_ranking(world: World) -> None:
    need = make_need(world.company)
    supplier = supplierise(world.other_company)
    ranking = {"rank": 1, "score": 120.0, "words": ["불량"], "facts": []}
    invitation = services.invitation_create(
        need=need, supplier=supplier, actor=world.owner, message="만나고 싶습니다", ranking=ranking
    )
    assert (invitation.state, invitation.ranking) == (InvitationState.INVITED, ranking)
    notice = Notification.objects.get(kind="matchmaking.invited")
    assert notice.recipient == world.outsider


@pytest.mark.django_db
def test_invitation_create_refuses_a_draft_need_a_second_invitation_and_non_suppliers(
    world: World,
) -> None:
    supplier = supplierise(world.other_company)
    draft = make_need(world.company, state=NeedState.DRAFT)
    with pytest.raises(ValidationError):
        services.invitation_create(need=draft, supplier=supplier, actor=world.owner, message="")
    need = make_need(world.company)
    services.invitation_create(need=need, supplier=supplier, actor=world.owner, message="")
    with pytest.raises(ValidationError):
        services.invitation_create(need=need, supplier=supplier, actor=world.owner, message="")
    with pytest.raises(ValidationError):  # the requester itself is no supplier of its own need
        services.invitation_create(
            need=need, supplier=supplierise(world.company), actor=world.owner, message=""
        )
    assert Invitation.objects.count() == 1


@pytest.mark.django_db
def test_answer_records_who_and_notifies_the_requester(world: World) -> None:
    invitation = make_invitation(make_need(world.company), supplierise(world.other_company))
    services.invitation_set_state(
        invitation=invitation,
        actor=world.outsider,
        state=InvitationState.ACCEPTED,
        answer="좋습니다",
    )
    invitation.refresh_from_db()
    assert (invitation.state, invitation.answer, invitation.answered_by) == (
        InvitationState.ACCEPTED,
        "좋습니다",
        world.outsider,
    )
    recipients = set(
        Notification.objects.filter(kind="matchmaking.answered").values_list(
            "recipient__email", flat=True
        )
    )
    assert recipients == {world.owner.email, world.teammate.email}
    with pytest.raises(services.IllegalTransition):
        services.invitation_set_state(
            invitation=invitation, actor=world.outsider, state=InvitationState.DECLINED
        )


@pytest.mark.django_db
def test_meeting_needs_an_interested_supplier_and_notifies_the_other_side(world: World) -> None:
    invitation = make_invitation(make_need(world.company), supplierise(world.other_company))
    start = timezone.now() + dt.timedelta(days=2)
    with pytest.raises(ValidationError):
        services.meeting_schedule(
            invitation=invitation,
            actor=world.owner,
            starts_at=start,
            ends_at=start + dt.timedelta(hours=1),
            place="본사",
        )
    Invitation.objects.filter(pk=invitation.pk).update(state=InvitationState.ACCEPTED)
    meeting = services.meeting_schedule(
        invitation=invitation,
        actor=world.owner,
        starts_at=start,
        ends_at=start + dt.timedelta(hours=1),
        place="본사",
    )
    notice = Notification.objects.get(kind="matchmaking.meeting")
    assert (notice.recipient, notice.params["place"]) == (world.outsider, "본사")
    services.meeting_cancel(meeting=meeting, actor=world.outsider)
    meeting.refresh_from_db()
    assert meeting.cancelled_at is not None
    cancelled = Notification.objects.filter(kind="matchmaking.meeting", params__cancelled=True)
    assert {n.recipient.email for n in cancelled} == {world.owner.email, world.teammate.email}
    with pytest.raises(ValidationError):
        services.meeting_cancel(meeting=meeting, actor=world.outsider)


@pytest.mark.django_db
def test_outcome_feeds_the_track_record_and_can_be_corrected(world: World) -> None:
    supplier = supplierise(world.other_company)
    invitation = make_invitation(make_need(world.company), supplier, state=InvitationState.ACCEPTED)
    with pytest.raises(ValidationError):  # a contract without its amount
        services.outcome_record(
            invitation=invitation,
            actor=world.owner,
            kind=OutcomeKind.CONTRACT,
            amount_krw=None,
            note="",
        )
    services.outcome_record(
        invitation=invitation, actor=world.owner, kind=OutcomeKind.PILOT, amount_krw=5, note=""
    )
    assert track_records().get(supplier.pk) == 5.0
    outcome = services.outcome_record(
        invitation=invitation,
        actor=world.owner,
        kind=OutcomeKind.CONTRACT,
        amount_krw=30_000_000,
        note="",
    )
    assert (outcome.kind, outcome.amount_krw) == (OutcomeKind.CONTRACT, 30_000_000)
    assert track_records().get(supplier.pk) == 10.0
    event = AuditEvent.objects.filter(action="matchmaking.outcome_record").latest("pk")
    assert event.before == {"kind": OutcomeKind.PILOT, "amount_krw": None}


@pytest.mark.django_db
def test_supplier_profile_save_audits_the_changes(world: World) -> None:
    company = record(world.other_company)
    services.supplier_profile_save(
        company=company, actor=world.outsider, accepts_needs=True, capacity=3, pitch=""
    )
    services.supplier_profile_save(
        company=company, actor=world.outsider, accepts_needs=False, capacity=3, pitch=""
    )
    event = AuditEvent.objects.filter(action="matchmaking.profile_save").latest("pk")
    assert (event.before, event.after) == ({"accepts_needs": True}, {"accepts_needs": False})
