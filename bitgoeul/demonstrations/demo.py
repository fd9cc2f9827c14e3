"""Demo data of the demonstrations app: sites at the three centres' institutions (a hospital
ward, a road section, a building) and a factory line, and five projects of the demo companies
in different states: under way (the first demo company's, so that the demo founder can record
measurements), closed, results under review, awaiting the operator's approval, and a draft;
the first three in the public showcase with KPIs and measurements.

Rows are written through the models (a demo needs neither notices nor audit events). Safe to
load again: a site or project that exists (by name or title) is left as it is.
"""

from __future__ import annotations

import datetime as dt
import random
from dataclasses import dataclass
from decimal import Decimal

from django.utils import timezone

from bitgoeul.accounts.enums import OrganizationKind
from bitgoeul.accounts.models import Organization, User
from bitgoeul.companies.models import Company
from bitgoeul.core.demo import demo_loader
from bitgoeul.demonstrations.enums import (
    Direction,
    Domain,
    MeasurementSource,
    PermitKind,
    PermitStatus,
    ProjectState,
    SiteKind,
)
from bitgoeul.demonstrations.models import Kpi, Measurement, Permit, Project, Site
from bitgoeul.demonstrations.search_index import project_terms

# (code, name, English name): the web demo makes the first two; the others are made here
INSTITUTIONS = [
    ("cnuh", "전남대학교병원", "Chonnam National University Hospital"),
    ("gist", "광주과학기술원", "Gwangju Institute of Science and Technology"),
    ("katech", "한국자동차연구원", "Korea Automotive Technology Institute"),
    ("gjtp", "광주테크노파크", "Gwangju Technopark"),
]
SITES = [
    (
        "cnuh",
        "전남대학교병원 응급의학과 관찰병동",
        "CNUH emergency observation ward",
        SiteKind.HOSPITAL_WARD,
        Domain.HEALTHCARE,
        "광주광역시 동구 제봉로 42",
    ),
    (
        "katech",
        "첨단3지구 자율주행 실증 도로 (2.4 km)",
        "Cheomdan 3 autonomous driving test road",
        SiteKind.ROAD_SECTION,
        Domain.MOBILITY,
        "광주광역시 북구 첨단벤처로 일대",
    ),
    (
        "gist",
        "광주과학기술원 학생회관",
        "GIST student hall",
        SiteKind.BUILDING,
        Domain.ENERGY,
        "광주광역시 북구 첨단과기로 123",
    ),
    (
        "gjtp",
        "광주테크노파크 시제품 생산라인",
        "Gwangju Technopark prototype line",
        SiteKind.FACTORY_LINE,
        Domain.MANUFACTURING,
        "광주광역시 북구 첨단과기로 333",
    ),
]


@dataclass(frozen=True)
class Plan:
    site: int
    title: str
    title_en: str
    product: str
    goal: str
    state: str
    public: bool
    story: str
    story_en: str
    starts: int  # days from today
    days: int
    gpu_hours: int
    risks: str
    permits: tuple[tuple[str, str, str], ...]
    kpis: tuple[
        tuple[str, str, str, str, str, tuple[str, ...]], ...
    ]  # name, en, unit, target, dir, values


PLANS = [
    Plan(
        1,
        "자율주행 셔틀 첨단지구 순환 운행 실증",
        "Autonomous shuttle loop in Cheomdan",
        "레벨 4 자율주행 셔틀 운행 소프트웨어",
        "첨단3지구 순환 도로에서 안전요원 개입 없이 정기 운행할 수 있는지 검증합니다.",
        ProjectState.APPROVED,
        True,
        "6인승 자율주행 셔틀이 첨단3지구 2.4 km 순환 도로를 매일 운행하며 시민을 태우고 있습니다.",
        "A six-seat autonomous shuttle runs the 2.4 km loop of Cheomdan 3 every day with "
        "passengers on board.",
        -40,
        120,
        800,
        "안전요원이 동승하고 비상 정지 절차를 매일 점검합니다.",
        (
            (PermitKind.SAFETY, PermitStatus.GRANTED, "임시운행허가 2026-17"),
            (PermitKind.PERSONAL_DATA, PermitStatus.APPLIED, ""),
        ),
        (
            (
                "100 km당 수동 개입",
                "Manual takeovers per 100 km",
                "회",
                "0.5",
                Direction.LOWER,
                ("2.1", "1.4", "0.9"),
            ),
            (
                "누적 탑승객",
                "Passengers carried",
                "명",
                "3000",
                Direction.HIGHER,
                ("420", "1180", "1935"),
            ),
        ),
    ),
    Plan(
        0,
        "흉부 X선 응급 판독 보조 AI 실증",
        "AI triage of chest X-rays in the emergency ward",
        "흉부 X선 이상 소견 검출 AI (의료기기 2등급 허가)",
        "응급 관찰병동에서 흉부 X선 판독 대기 시간을 줄이고 놓치는 기흉을 없앱니다.",
        ProjectState.CLOSED,
        True,
        "응급실 흉부 X선을 AI가 먼저 읽고 기흉과 폐렴 의심 영상을 판독 목록 맨 위로 올렸습니다. "
        "석 달 동안 판독 대기 시간이 절반 넘게 줄었습니다.",
        "The AI read emergency chest X-rays first and moved suspected pneumothorax and "
        "pneumonia to the top of the reading list. Over three months the wait for a reading "
        "fell by more than half.",
        -150,
        90,
        1200,
        "개인정보는 병원 밖으로 나가지 않도록 병원 내 서버에서만 추론합니다.",
        (
            (PermitKind.IRB, PermitStatus.GRANTED, "CNUH-2026-041"),
            (PermitKind.PERSONAL_DATA, PermitStatus.GRANTED, "가명처리 승인"),
        ),
        (
            (
                "기흉 검출 민감도",
                "Pneumothorax sensitivity",
                "%",
                "95",
                Direction.HIGHER,
                ("91.2", "93.8", "95.4", "96.1"),
            ),
            (
                "판독 대기 시간",
                "Time to reading",
                "분",
                "30",
                Direction.LOWER,
                ("64", "48", "35", "27"),
            ),
        ),
    ),
    Plan(
        2,
        "건물 냉난방 AI 최적 제어 실증",
        "AI control of a building's heating and cooling",
        "강화학습 기반 공조 제어 서비스",
        "학생회관의 냉난방 에너지를 쾌적도를 지키면서 15% 줄입니다.",
        ProjectState.REPORTED,
        True,
        "AI가 날씨와 재실 인원을 예측해 공조기를 미리 조절했습니다. 여름 석 달 동안 전력 사용이 "
        "눈에 띄게 줄었습니다.",
        "The AI forecast the weather and occupancy and adjusted the air handlers ahead of "
        "time. Power use fell markedly over three summer months.",
        -120,
        100,
        300,
        "제어 실패 시 기존 건물자동제어(BAS)로 즉시 돌아갑니다.",
        ((PermitKind.SAFETY, PermitStatus.GRANTED, "시설과 승인"),),
        (
            (
                "냉난방 에너지 절감률",
                "Heating and cooling energy saved",
                "%",
                "15",
                Direction.HIGHER,
                ("6.5", "11.0", "14.2", "16.8"),
            ),
            (
                "쾌적 범위 이탈 시간",
                "Hours outside the comfort range",
                "시간",
                "20",
                Direction.LOWER,
                ("31", "24", "18", "15"),
            ),
        ),
    ),
    Plan(
        3,
        "생산라인 비전 검사 AI 실증",
        "Vision inspection AI on a production line",
        "딥러닝 외관 검사 시스템",
        "시제품 라인의 불량 검출률을 99%까지 높입니다.",
        ProjectState.SUBMITTED,
        False,
        "",
        "",
        20,
        60,
        150,
        "라인 정지 위험은 검사만 병행해 없앱니다.",
        ((PermitKind.SAFETY, PermitStatus.APPLIED, ""),),
        (("불량 검출률", "Defect detection rate", "%", "99", Direction.HIGHER, ()),),
    ),
    Plan(
        0,
        "병동 낙상 예측 AI 실증",
        "Predicting falls in hospital wards",
        "낙상 위험 예측 모델",
        "입원 환자의 낙상을 미리 알려 간호 인력이 대비하게 합니다.",
        ProjectState.DRAFT,
        False,
        "",
        "",
        45,
        90,
        0,
        "",
        ((PermitKind.IRB, PermitStatus.NEEDED, ""),),
        (("낙상 건수", "Falls", "건", "2", Direction.LOWER, ()),),
    ),
]


def _institutions() -> dict[str, Organization]:
    out = {}
    for code, name, name_en in INSTITUTIONS:
        org = Organization.objects.filter(code=code).first()
        if org is None:
            org = Organization.objects.create(
                code=code, name=name, name_en=name_en, kind=OrganizationKind.INSTITUTION
            )
        out[code] = org
    return out


def _sites(institutions: dict[str, Organization]) -> list[Site]:
    sites = []
    for code, name, name_en, kind, domain, address in SITES:
        site, _ = Site.objects.get_or_create(
            name=name,
            defaults={
                "name_en": name_en,
                "host": institutions[code],
                "kind": kind,
                "domain": domain,
                "address": address,
            },
        )
        sites.append(site)
    return sites


@demo_loader("demonstrations")
def load_demonstrations(rng: random.Random) -> str:
    companies = list(
        Company.objects.filter(organization__code__startswith="company-")
        .select_related("organization")
        .order_by("organization__code")[:5]
    )
    if len(companies) < 5:
        return "fewer than 5 demo companies: nothing to do"
    sites = _sites(_institutions())
    operator = User.objects.filter(email="operator@bitgoeul.kr").first()
    today = timezone.localdate()
    now = timezone.now()
    made = 0
    for company, plan in zip(companies, PLANS, strict=True):
        if Project.objects.filter(title=plan.title).exists():
            continue
        site = sites[plan.site]
        starts = today + dt.timedelta(days=plan.starts)
        approved = plan.state in (ProjectState.APPROVED, ProjectState.REPORTED, ProjectState.CLOSED)
        project = Project.objects.create(
            company=company,
            site=site,
            title=plan.title,
            title_en=plan.title_en,
            domain=site.domain,
            product=plan.product,
            goal=plan.goal,
            starts_on=starts,
            ends_on=starts + dt.timedelta(days=plan.days),
            gpu_hours=plan.gpu_hours,
            risks=plan.risks,
            state=plan.state,
            submitted_at=now if plan.state != ProjectState.DRAFT else None,
            host_approved_at=now if approved or plan.state == ProjectState.SUBMITTED else None,
            operator_approved_at=now if approved else None,
            operator_approved_by=operator if approved else None,
            report_summary=(
                "모든 성과지표의 목표를 달성했습니다."
                if plan.state in (ProjectState.REPORTED, ProjectState.CLOSED)
                else ""
            ),
            reported_at=now if plan.state in (ProjectState.REPORTED, ProjectState.CLOSED) else None,
            closed_at=now if plan.state == ProjectState.CLOSED else None,
            review_note="목표를 달성했습니다." if plan.state == ProjectState.CLOSED else "",
            is_public=plan.public,
            story=plan.story,
            story_en=plan.story_en,
        )
        project.search_terms = project_terms(project)
        project.save(update_fields=["search_terms"])
        for kind, status, reference in plan.permits:
            Permit.objects.create(project=project, kind=kind, status=status, reference=reference)
        for position, (name, name_en, unit, target, direction, values) in enumerate(plan.kpis):
            kpi = Kpi.objects.create(
                project=project,
                name=name,
                name_en=name_en,
                unit=unit,
                target=Decimal(target),
                direction=direction,
                method=rng.choice(["월 1회 전수 집계", "주간 로그 분석", "현장 측정 장비로 측정"]),
                position=position,
            )
            step = max(1, (min(today, project.ends_on) - starts).days // max(1, len(values)))
            Measurement.objects.bulk_create(
                Measurement(
                    kpi=kpi,
                    measured_on=min(today, starts + dt.timedelta(days=step * (i + 1))),
                    value=Decimal(value),
                    source=MeasurementSource.FORM,
                )
                for i, value in enumerate(values)
            )
        made += 1
    return f"{len(sites)} demonstration sites, {made} projects"
