"""Demo data: realistic Korean profiles for the demo companies, with figures over several
years, investment rounds, certifications, a few nominations and watchlists, and scores."""

from __future__ import annotations

import datetime as dt
import random
from typing import Any

from django.utils import timezone

from bitgoeul.accounts.enums import OrganizationKind
from bitgoeul.accounts.models import Organization, User
from bitgoeul.companies.enums import CertificationKind, InvestmentRound, Stage, VentureType
from bitgoeul.companies.ksic import section_of
from bitgoeul.companies.models import (
    Certification,
    Company,
    CompanyMetric,
    Investment,
    Nomination,
    Technology,
    WatchlistEntry,
)
from bitgoeul.companies.regions import district_for, province_for
from bitgoeul.companies.score_math import growth_rate
from bitgoeul.companies.search_index import search_index_sync, set_terms
from bitgoeul.companies.services.profile import venture_expiry
from bitgoeul.core.demo import demo_loader

# chapter code → (province code, province name, districts)
CHAPTER_PLACES = {
    "gwangju-jeonnam": [
        ("gwangju", "광주광역시", ["북구", "광산구", "서구", "남구", "동구"]),
        ("jeonnam", "전라남도", ["나주시", "순천시", "여수시", "목포시"]),
    ],
    "gyeongnam": [("gyeongnam", "경상남도", ["창원시", "김해시", "진주시"])],
    "daegu-gyeongbuk": [
        ("daegu", "대구광역시", ["북구", "동구", "달서구"]),
        ("gyeongbuk", "경상북도", ["포항시", "구미시", "경산시"]),
    ],
    "busan": [("busan", "부산광역시", ["해운대구", "강서구", "남구", "부산진구"])],
    "jeonbuk": [("jeonbuk", "전북특별자치도", ["전주시", "군산시", "익산시"])],
    "ulsan": [("ulsan", "울산광역시", ["남구", "울주군", "중구"])],
    "jeju": [("jeju", "제주특별자치도", ["제주시", "서귀포시"])],
}
STREETS = ["첨단과기로", "중앙로", "테크노로", "산업로", "혁신로", "과학로", "벤처로"]
# name suffix → (technology codes, KSIC code, product phrases, description phrase)
PROFILES = {
    "에이아이": (
        ["language", "generative"],
        "62010",
        ["대화형 AI 챗봇", "문서 요약 엔진", "생성형 AI 플랫폼"],
        "대규모 언어모델과 생성형 인공지능으로 업무 자동화 솔루션을",
    ),
    "로보틱스": (
        ["robotics", "manufacturing"],
        "29199",
        ["협동로봇", "물류 자율이동로봇", "로봇 제어기"],
        "강화학습 기반 로봇 제어 기술로 제조·물류 현장의 협동로봇을",
    ),
    "데이터": (
        ["data"],
        "63112",
        ["데이터 레이크", "MLOps 플랫폼", "데이터 라벨링 서비스"],
        "AI 학습용 데이터 구축과 데이터 인프라, MLOps 플랫폼을",
    ),
    "비전": (
        ["vision"],
        "62010",
        ["영상 분석 솔루션", "불량 검사 비전 시스템", "CCTV 이상행동 탐지"],
        "딥러닝 컴퓨터 비전으로 영상 분석과 품질 검사 솔루션을",
    ),
    "헬스케어": (
        ["healthcare", "vision"],
        "27112",
        ["의료영상 판독 보조 소프트웨어", "디지털 치료기기", "원격 건강관리 앱"],
        "의료영상 인공지능과 디지털 헬스케어 서비스를",
    ),
    "모빌리티": (
        ["mobility"],
        "30332",
        ["자율주행 인지 모듈", "차량 데이터 플랫폼", "수요응답형 교통 서비스"],
        "자율주행과 모빌리티 데이터 분석 기술로 교통 서비스를",
    ),
    "에너지": (
        ["energy"],
        "35120",
        ["전력 수요 예측 시스템", "태양광 발전량 예측", "에너지 관리 시스템(EMS)"],
        "인공지능 전력 수요 예측과 스마트그리드 에너지 관리 시스템을",
    ),
    "랩스": (
        ["language", "data"],
        "70113",
        ["AI 연구개발 서비스", "맞춤형 AI 모델 개발"],
        "기업 맞춤형 인공지능 모델 연구개발을",
    ),
    "소프트": (
        ["data"],
        "58221",
        ["업무용 SaaS", "스마트 공장 MES"],
        "제조 현장의 업무 소프트웨어와 데이터 연계 서비스를",
    ),
    "테크": (
        ["manufacturing"],
        "26299",
        ["반도체장비 부품", "산업용 센서 모듈"],
        "반도체장비 부품과 공정 자동화 장비를",
    ),
    "시스템즈": (
        ["manufacturing", "data"],
        "62021",
        ["스마트팩토리 시스템 통합", "예지보전 솔루션"],
        "스마트팩토리 시스템 통합과 설비 예지보전 솔루션을",
    ),
    "메디컬": (
        ["healthcare"],
        "27199",
        ["AI 진단 보조기기", "재활 의료기기"],
        "인공지능 진단 보조 의료기기를",
    ),
    "드론": (
        ["robotics", "mobility", "vision"],
        "31321",
        ["농업용 방제 드론", "시설물 점검 드론"],
        "자율비행 드론과 영상 인식으로 시설물 점검·농업 방제 서비스를",
    ),
    "센서": (
        ["manufacturing", "energy"],
        "26429",
        ["스마트 센서", "IoT 게이트웨이"],
        "산업용 스마트 센서와 IoT 데이터 수집 장비를",
    ),
    "링크": (
        ["speech", "language"],
        "62090",
        ["음성인식 콜센터 솔루션", "AI 상담 에이전트"],
        "음성인식과 자연어 처리로 고객 상담 자동화 서비스를",
    ),
}
INVESTORS = [
    "한국투자파트너스",
    "광주창조경제혁신센터",
    "카카오벤처스",
    "스파크랩",
    "KB인베스트먼트",
    "인포뱅크",
    "블루포인트파트너스",
    "퓨처플레이",
    "IBK기업은행",
    "호남권 엔젤클럽",
]


GIVEN_NAMES = ["민준", "서연", "도윤", "하은", "지호", "수아"]


def _profile_for(name: str) -> tuple[list[str], str, list[str], str]:
    for suffix, profile in PROFILES.items():
        if name.endswith(suffix):
            return profile
    return PROFILES["소프트"]


def ensure_migration_defaults() -> None:
    """The technology tags and weights the migrations create, again if a test runner emptied
    the tables (live-server tests do) since."""
    import importlib

    from django.apps import apps

    defaults = importlib.import_module(
        "bitgoeul.companies.migrations.0003_default_technologies_and_weights"
    )
    defaults.forwards(apps, None)


@demo_loader("companies")
def load_companies(rng: random.Random) -> str:
    orgs = list(
        Organization.objects.filter(kind=OrganizationKind.COMPANY, code__startswith="company-")
        .select_related("parent")
        .order_by("code")
    )
    existing = set(Company.objects.filter(organization__in=orgs).values_list("pk", flat=True))
    todo = [org for org in orgs if org.pk not in existing]
    if not todo:
        return f"{len(existing)} company profiles already there"
    ensure_migration_defaults()
    techs = {t.code: t for t in Technology.objects.all()}
    today = timezone.localdate()
    companies: list[Company] = []
    tags: list[list[Technology]] = []
    metrics: list[CompanyMetric] = []
    investments: list[Investment] = []
    certifications: list[Certification] = []
    for org in todo:
        bare = org.name.replace("(주)", "")
        tech_codes, ksic, products, phrase = _profile_for(bare)
        places = CHAPTER_PLACES.get(
            org.parent.code if org.parent else "", CHAPTER_PLACES["gwangju-jeonnam"]
        )
        province, province_name, districts = rng.choice(places)
        district = rng.choice(districts)
        founded = dt.date(rng.randint(2008, 2023), rng.randint(1, 12), rng.randint(1, 28))
        age = today.year - founded.year
        momentum = rng.lognormvariate(0, 0.5)  # some companies grow much faster than others
        base_staff = rng.randint(3, 15)
        base_revenue = rng.randint(2, 30) * 50_000_000
        chosen_products = rng.sample(products, k=min(len(products), rng.randint(1, 2)))
        company = Company(
            organization=org,
            representative=rng.choice("김이박최정강조윤장임") + rng.choice(GIVEN_NAMES),
            founded_on=founded,
            address=f"{province_name} {district} {rng.choice(STREETS)} {rng.randint(1, 300)}",
            province=province,
            district=district,
            ksic_code=ksic,
            ksic_section=section_of(ksic),
            stage=(
                Stage.SEED
                if age < 3
                else Stage.EARLY
                if age < 6
                else rng.choice([Stage.GROWTH, Stage.EXPANSION])
                if age < 12
                else Stage.MATURE
            ),
            patents=int(rng.expovariate(0.3) * momentum),
            website=f"https://www.{org.name_en.split()[0].lower()}{org.code[-3:]}.co.kr",
            description=f"{bare}는 {phrase} 개발·공급하는 {province_name} 소재 기업입니다. "
            f"주요 제품은 {', '.join(chosen_products)}입니다.",
            description_en=f"{org.name_en} develops {', '.join(tech_codes)} AI products.",
            products=", ".join(chosen_products),
            is_public=rng.random() < 0.6,
            chapter_consent_at=timezone.now() if rng.random() < 0.5 else None,
        )
        companies.append(company)
        tags.append([techs[c] for c in tech_codes if c in techs and rng.random() < 0.85])
        first_year = max(founded.year, today.year - 6)
        staff, revenue = base_staff, base_revenue
        series = []
        for year in range(first_year, today.year):
            growth = max(-0.3, rng.gauss(0.12 * momentum, 0.15))
            staff = max(1, round(staff * (1 + growth * 0.7)))
            revenue = max(0, round(revenue * (1 + growth) / 1_000_000) * 1_000_000)
            series.append((year, revenue))
            metrics.append(
                CompanyMetric(
                    company_id=org.pk,
                    year=year,
                    employees=staff,
                    revenue=revenue,
                    rnd_spend=round(revenue * rng.uniform(0.05, 0.3) / 1_000_000) * 1_000_000,
                    investment=0,
                )
            )
        company.employees, company.revenue = staff, revenue
        company.growth = growth_rate(series)
        rounds = [
            InvestmentRound.SEED,
            InvestmentRound.PRE_A,
            InvestmentRound.SERIES_A,
            InvestmentRound.SERIES_B,
        ]
        day = founded
        for index in range(min(len(rounds), int(rng.random() * 3 * momentum))):
            day = day + dt.timedelta(days=rng.randint(200, 700))
            if day >= today:
                break
            investments.append(
                Investment(
                    company_id=org.pk,
                    date=day,
                    round=rounds[index],
                    amount=rng.randint(3, 30) * 10 ** (8 + (index > 1)),
                    investors=", ".join(rng.sample(INVESTORS, 2)),
                )
            )
        if rng.random() < 0.55:
            issued = today - dt.timedelta(days=rng.randint(30, 1300))
            certifications.append(
                Certification(
                    company_id=org.pk,
                    kind=CertificationKind.VENTURE,
                    venture_type=rng.choice(list(VentureType.values)),
                    number=f"2024{rng.randint(10000, 99999)}",
                    issued_on=issued,
                    expires_on=venture_expiry(issued),
                )
            )
        for kind, share in (
            (CertificationKind.TIPS, 0.12),
            (CertificationKind.INNOBIZ, 0.2),
            (CertificationKind.MAINBIZ, 0.1),
        ):
            if rng.random() < share * momentum:
                issued = today - dt.timedelta(days=rng.randint(30, 900))
                certifications.append(
                    Certification(
                        company_id=org.pk,
                        kind=kind,
                        issued_on=issued,
                        expires_on=issued + dt.timedelta(days=3 * 365),
                    )
                )
    set_terms(companies, [(c.organization.name, c.organization.name_en) for c in companies], tags)
    Company.objects.bulk_create(companies)
    through = Company.technologies.through
    through.objects.bulk_create(
        [
            through(company_id=c.pk, technology_id=t.pk)
            for c, ts in zip(companies, tags, strict=True)
            for t in ts
        ]
    )
    CompanyMetric.objects.bulk_create(metrics)
    Investment.objects.bulk_create(investments)
    Certification.objects.bulk_create(certifications)
    search_index_sync([c.pk for c in companies])
    _follow(rng)
    from bitgoeul.companies.services.scoring import score_recompute

    score_recompute(actor=None)
    return (
        f"{len(companies)} company profiles, {len(metrics)} yearly figures, "
        f"{len(investments)} investment rounds, {len(certifications)} certifications; scored"
    )


def demo_company_profile(organization: Organization, **fields: Any) -> Company:
    """The company record of a demo organisation another app's demo needs (its own story:
    matchmaking's regional manufacturer), written as the generated demo companies are, with
    its search terms, and without an audit event per company: the demo load is audited once
    (`demo.load`)."""
    existing = Company.objects.filter(pk=organization.pk).first()
    if existing is not None:
        return existing
    company = Company(organization=organization, **fields)
    province = province_for(company.address)
    if province is not None and not company.province:
        company.province = province.code
        company.district = company.district or district_for(company.address)
    if company.ksic_code:
        company.ksic_section = section_of(company.ksic_code)
    set_terms([company], [(organization.name, organization.name_en)], [[]])
    company.save()
    search_index_sync([company.pk])
    return company


def _follow(rng: random.Random) -> None:
    """A few nominations from the 광주전남 chapter and a watchlist for the demo staff."""
    chapter = Organization.objects.filter(
        kind=OrganizationKind.CHAPTER, code="gwangju-jeonnam"
    ).first()
    staff = User.objects.filter(email="chapter.gwangju-jeonnam@bitgoeul.kr").first()
    operator = User.objects.filter(email="operator@bitgoeul.kr").first()
    if chapter is None or staff is None or operator is None:
        return
    local = list(Company.objects.filter(organization__parent=chapter).order_by("pk")[:40])
    for company in rng.sample(local, k=min(4, len(local))):
        Nomination.objects.get_or_create(
            company=company,
            chapter=chapter,
            defaults={
                "nominated_by": staff,
                "reason": "지역 의료기관과 실증을 마쳤고 매출이 2년 연속 두 배로 늘었습니다.",
                "evidence": "2024 광주 AI 실증 우수사례 선정, 주요 고객사 3곳 계약서 확인",
                "programme": "AI 실증 지원사업",
            },
        )
    for user in (staff, operator):
        for company in rng.sample(local, k=min(5, len(local))):
            WatchlistEntry.objects.get_or_create(
                user=user, company=company, defaults={"note": "후속 투자 유치 여부 확인"}
            )
