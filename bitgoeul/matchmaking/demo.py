"""Demo data of the matchmaking app: a regional manufacturer of the 광주전남 chapter,
(주)빛고을정밀 (its administrator signs in as `maker@bitgoeul.kr`), with two open needs: the
first with three invitations to the suppliers the ranking puts first (one interested, with a
meeting held last week and a pilot recorded; one waiting; one declined), the second with none, so
that the demo user can invite from its ranking.

Rows are written through the models (a demo needs neither notices nor audit events); the
manufacturer's profile goes through the companies service so that its search index is right.
Safe to load again: nothing is added once the manufacturer has needs.
"""

from __future__ import annotations

import datetime as dt
import random

from django.db import transaction
from django.utils import timezone

from bitgoeul.accounts.brn import brn_check_digit
from bitgoeul.accounts.enums import MembershipRole, OrganizationKind
from bitgoeul.accounts.models import Membership, Organization, User
from bitgoeul.companies.demo import demo_company_profile
from bitgoeul.companies.models import Company
from bitgoeul.core.demo import demo_loader
from bitgoeul.matchmaking.enums import InvitationState, NeedState, OutcomeKind, Sector
from bitgoeul.matchmaking.models import Invitation, Meeting, Need, Outcome, SupplierProfile
from bitgoeul.matchmaking.ranking import need_text, rank_suppliers
from bitgoeul.search.terms import document_terms

MAKER_EMAIL = "maker@bitgoeul.kr"
MAKER_CODE = "maker-bitgoeul-precision"
NEEDS = [
    (
        "부품 외관 불량 검사 자동화",
        "자동차 부품을 가공하는 공장입니다. 작업자가 눈으로 스크래치와 찍힘을 검사하는데, "
        "야간 조에서 놓치는 불량이 많습니다. 카메라 영상으로 불량을 자동으로 찾아내고 싶습니다.",
        Sector.MANUFACTURING,
        30_000_000,
        80_000_000,
        "불량 사진 약 3천 장, 검사 기록 2년치",
        "내년 상반기 안에 시범 적용",
    ),
    (
        "설비 고장 예측과 예지보전",
        "CNC 장비와 컨베이어가 갑자기 멈추면 하루 생산이 날아갑니다. 진동과 전류 데이터로 "
        "고장을 미리 알고 싶습니다.",
        Sector.MANUFACTURING,
        20_000_000,
        50_000_000,
        "설비 가동 기록, 정비 일지",
        "올해 안에 상담",
    ),
]


def _maker(password: str) -> tuple[Company, User]:
    chapter = Organization.objects.filter(
        kind=OrganizationKind.CHAPTER, code="gwangju-jeonnam"
    ).first()
    first = "999861401"
    organization, created = Organization.objects.get_or_create(
        code=MAKER_CODE,
        kind=OrganizationKind.COMPANY,
        defaults={
            "name": "(주)빛고을정밀",
            "name_en": "Bitgoeul Precision",
            "parent": chapter,
            "brn": first + str(brn_check_digit(first)),
        },
    )
    if created:
        demo_company_profile(
            organization,
            address="광주광역시 광산구 하남산단로 100",
            industry="자동차 부품 제조",
            description="자동차 부품을 정밀 가공하는 광주의 제조기업입니다.",
        )
    user, _ = User.objects.get_or_create(
        email=MAKER_EMAIL, defaults={"name": "정민호", "password": password}
    )
    Membership.objects.get_or_create(
        user=user, organization=organization, defaults={"role": MembershipRole.ADMIN}
    )
    return Company.objects.get(pk=organization.pk), user


@demo_loader("matchmaking")
def load_matchmaking(rng: random.Random) -> str:
    staff = User.objects.filter(email="operator@bitgoeul.kr").first()
    if staff is None:
        return "no demo operator: nothing to do"
    with transaction.atomic():
        maker, user = _maker(staff.password)
        if Need.objects.filter(company=maker).exists():
            return "matchmaking: the demo manufacturer already has its needs"
        now = timezone.now()
        needs = []
        for title, description, sector, low, high, data, timing in NEEDS:
            need = Need.objects.create(
                company=maker,
                title=title,
                description=description,
                sector=sector,
                budget_min_krw=low,
                budget_max_krw=high,
                data_available=data,
                timing=timing,
                preferred_province="gwangju",
                state=NeedState.OPEN,
                search_terms=document_terms(need_text(title, description, data)),
                created_by=user,
                opened_at=now - dt.timedelta(days=10),
                created_at=now - dt.timedelta(days=12),
            )
            needs.append(need)
        first = needs[0]
        ranked = rank_suppliers(
            viewer=user,
            text=need_text(first.title, first.description, first.data_available),
            province="gwangju",
            exclude_company_id=maker.pk,
            limit=3,
        )
        states = [InvitationState.ACCEPTED, InvitationState.INVITED, InvitationState.DECLINED]
        answers = [
            "비전 검사 실증 경험이 있습니다. 한번 뵙고 싶습니다.",
            "",
            "지금은 여력이 없습니다.",
        ]
        answered = now - dt.timedelta(days=8)
        for rank, (supplier, state, answer) in enumerate(
            zip(ranked, states, answers, strict=False), start=1
        ):
            invitation = Invitation.objects.create(
                need=first,
                supplier_id=supplier.company_id,
                state=state,
                message="야간 조 불량 검사를 함께 풀어 주실 곳을 찾습니다.",
                ranking=supplier.as_json(rank),
                invited_by=user,
                created_at=now - dt.timedelta(days=9),
                answer=answer,
                answered_at=None if state == InvitationState.INVITED else answered,
            )
            if state == InvitationState.ACCEPTED:
                SupplierProfile.objects.get_or_create(
                    company_id=supplier.company_id,
                    defaults={"capacity": 4, "pitch": "제조 현장 비전 검사 전문"},
                )
                start = (now - dt.timedelta(days=5)).replace(minute=0, second=0, microsecond=0)
                Meeting.objects.create(
                    invitation=invitation,
                    starts_at=start,
                    ends_at=start + dt.timedelta(hours=1),
                    place="광주 광산구 하남산단 본사 2층 회의실",
                    created_by=user,
                )
                Outcome.objects.create(
                    invitation=invitation,
                    kind=OutcomeKind.PILOT,
                    note="야간 조 한 라인에서 3개월 시범 운영",
                    recorded_by=user,
                )
    return f"matchmaking: 2 needs of the demo manufacturer, {len(ranked)} invitations"
