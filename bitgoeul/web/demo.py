"""Deterministic, realistic demo data in Korean. Safe to load again: existing rows are kept.

Each app adds its own demo data by registering a loader with `bitgoeul.core.demo.demo_loader`.
"""

from __future__ import annotations

import random
from collections.abc import Callable
from dataclasses import dataclass

from django.contrib.auth.hashers import make_password
from django.db import transaction

from bitgoeul.accounts.brn import brn_check_digit
from bitgoeul.accounts.enums import Language, MembershipRole, OrganizationKind
from bitgoeul.accounts.models import Membership, Organization, ReviewerProfile, User
from bitgoeul.audit.services import audit_record
from bitgoeul.core.demo import demo_loaders

DEMO_PASSWORD = "bitgoeul-demo-2026"  # nosec B105  # the demo password is printed by `serve --demo` on purpose
SEED = 20260301
COMPANY_COUNT = 300

DEMO_LOGINS = [
    ("city operator", "operator@bitgoeul.kr"),
    ("cluster agency staff", "agency@bitgoeul.kr"),
    ("association staff", "association@bitgoeul.kr"),
    ("chapter staff (광주전남)", "chapter.gwangju-jeonnam@bitgoeul.kr"),
    ("company admin", "founder@bitgoeul.kr"),
    ("company member", "teammate@bitgoeul.kr"),
    ("reviewer", "reviewer@bitgoeul.kr"),
    ("host institution staff", "host.cnuh@bitgoeul.kr"),  # made by the equipment demo
    ("regional manufacturer (matchmaking)", "maker@bitgoeul.kr"),  # made by the matchmaking demo
]

# code, Korean name, English name, share of the demo companies
CHAPTERS = [
    ("gwangju-jeonnam", "광주전남지회", "Gwangju-Jeonnam chapter", 0.40),
    ("gyeongnam", "경남지회", "Gyeongnam chapter", 0.10),
    ("daegu-gyeongbuk", "대구경북지회", "Daegu-Gyeongbuk chapter", 0.12),
    ("busan", "부산지회", "Busan chapter", 0.14),
    ("jeonbuk", "전북지회", "Jeonbuk chapter", 0.10),
    ("ulsan", "울산지회", "Ulsan chapter", 0.08),
    ("jeju", "제주지회", "Jeju chapter", 0.06),
]
PREFIXES = [
    ("빛고을", "Bitgoeul"),
    ("무등", "Mudeung"),
    ("영산", "Yeongsan"),
    ("남도", "Namdo"),
    ("한빛", "Hanbit"),
    ("다온", "Daon"),
    ("새벽", "Saebyeok"),
    ("바른", "Bareun"),
    ("누리", "Nuri"),
    ("하늘", "Haneul"),
    ("푸른", "Pureun"),
    ("온새미", "Onsaemi"),
    ("그린", "Green"),
    ("스마트", "Smart"),
    ("미래", "Mirae"),
    ("에이블", "Able"),
    ("딥", "Deep"),
    ("큐브", "Cube"),
    ("노바", "Nova"),
    ("루미", "Lumi"),
]
SUFFIXES = [
    ("에이아이", "AI"),
    ("로보틱스", "Robotics"),
    ("데이터", "Data"),
    ("비전", "Vision"),
    ("헬스케어", "Healthcare"),
    ("모빌리티", "Mobility"),
    ("에너지", "Energy"),
    ("랩스", "Labs"),
    ("소프트", "Soft"),
    ("테크", "Tech"),
    ("시스템즈", "Systems"),
    ("메디컬", "Medical"),
    ("드론", "Drone"),
    ("센서", "Sensor"),
    ("링크", "Link"),
]
SURNAMES = "김이박최정강조윤장임한오서신권황안송류홍"
GIVEN = [
    "민준",
    "서연",
    "도윤",
    "하은",
    "시우",
    "지유",
    "예준",
    "수아",
    "주원",
    "지아",
    "현우",
    "다은",
    "지호",
    "채원",
    "건우",
    "서윤",
    "우진",
    "민서",
    "선우",
    "하린",
]
EXPERTISE = [
    ("vision", "컴퓨터 비전, 영상 분석"),
    ("language", "자연어 처리, 대규모 언어모델"),
    ("healthcare", "의료 인공지능, 의료영상"),
    ("mobility", "자율주행, 모빌리티 데이터"),
    ("energy", "에너지 수요 예측, 스마트그리드"),
    ("robotics", "로봇 제어, 강화학습"),
    ("manufacturing", "제조 공정 최적화, 예지보전"),
    ("data", "데이터 인프라, MLOps"),
]

Loader = Callable[[random.Random], str]


def _brn(rng: random.Random) -> str:
    first = f"{rng.randint(101, 899):03d}{rng.choice([81, 86, 87, 88, rng.randint(1, 79)]):02d}"
    first += f"{rng.randint(0, 9999):04d}"
    return first + str(brn_check_digit(first))


def _person(rng: random.Random) -> str:
    return rng.choice(SURNAMES) + rng.choice(GIVEN)


@dataclass
class _Loader:
    rng: random.Random
    password_hash: str
    created_users: int = 0
    created_orgs: int = 0

    def org(
        self,
        code: str,
        name: str,
        kind: str,
        *,
        name_en: str = "",
        parent: Organization | None = None,
        brn: str | None = None,
    ) -> Organization:
        org, created = Organization.objects.get_or_create(
            code=code,
            kind=kind,
            defaults={"name": name, "name_en": name_en, "parent": parent, "brn": brn},
        )
        self.created_orgs += created
        return org

    def user(self, email: str, name: str, *, language: str = Language.KO) -> User:
        user, created = User.objects.get_or_create(
            email=email,
            defaults={"name": name, "password": self.password_hash, "language": language},
        )
        self.created_users += created
        return user

    def member(self, user: User, org: Organization, role: str) -> None:
        Membership.objects.get_or_create(user=user, organization=org, defaults={"role": role})


def load_demo() -> list[str]:
    """Load (or complete) the demo data; returns one summary line per part."""
    rng = random.Random(SEED)  # nosec B311  # seeded so the demo data is the same on every machine
    loader = _Loader(rng=rng, password_hash=make_password(DEMO_PASSWORD))
    with transaction.atomic():
        city = loader.org(
            "city",
            "광주광역시 인공지능산업실",
            OrganizationKind.OPERATOR,
            name_en="Gwangju Metropolitan City, AI Industry Office",
        )
        agency = loader.org(
            "aica",
            "인공지능산업융합사업단",
            OrganizationKind.OPERATOR,
            name_en="Artificial Intelligence Industrial Convergence Cluster Agency",
        )
        association = loader.org(
            "kova",
            "벤처기업협회",
            OrganizationKind.ASSOCIATION,
            name_en="Korea Venture Business Association",
        )
        chapters = {
            code: loader.org(
                code, name, OrganizationKind.CHAPTER, name_en=name_en, parent=association
            )
            for code, name, name_en, _ in CHAPTERS
        }
        for code, name, name_en in [
            ("cnuh", "전남대학교병원", "Chonnam National University Hospital"),
            ("gist", "광주과학기술원", "Gwangju Institute of Science and Technology"),
        ]:
            institution = loader.org(code, name, OrganizationKind.INSTITUTION, name_en=name_en)
            loader.member(
                loader.user(f"staff.{code}@bitgoeul.kr", _person(rng)),
                institution,
                MembershipRole.ADMIN,
            )

        loader.member(loader.user("operator@bitgoeul.kr", "김빛나"), city, MembershipRole.ADMIN)
        loader.member(loader.user("agency@bitgoeul.kr", "이한결"), agency, MembershipRole.STAFF)
        loader.member(
            loader.user("association@bitgoeul.kr", "박소영"), association, MembershipRole.STAFF
        )
        for code, chapter in chapters.items():
            loader.member(
                loader.user(f"chapter.{code}@bitgoeul.kr", _person(rng)),
                chapter,
                MembershipRole.STAFF,
            )

        names = [(p + s, f"{pe} {se}") for p, pe in PREFIXES for s, se in SUFFIXES]
        rng.shuffle(names)
        weights = [share for *_, share in CHAPTERS]
        companies: list[Organization] = []
        for index, (name, name_en) in enumerate(names[:COMPANY_COUNT]):
            chapter_code = rng.choices([c for c, *_ in CHAPTERS], weights=weights)[0]
            company = loader.org(
                f"company-{index + 1:03d}",
                f"(주){name}",
                OrganizationKind.COMPANY,
                name_en=f"{name_en} Inc.",
                parent=chapters[chapter_code],
                brn=_brn(rng),
            )
            companies.append(company)
            ceo = loader.user(f"ceo{index + 1:03d}@company.bitgoeul.kr", _person(rng))
            loader.member(ceo, company, MembershipRole.ADMIN)
        first = companies[0]
        loader.member(loader.user("founder@bitgoeul.kr", "정다온"), first, MembershipRole.ADMIN)
        loader.member(
            loader.user("teammate@bitgoeul.kr", "최유진", language=Language.EN),
            first,
            MembershipRole.MEMBER,
        )

        reviewer_users = [loader.user("reviewer@bitgoeul.kr", "한지훈")]
        reviewer_users += [
            loader.user(f"reviewer{n:02d}@experts.bitgoeul.kr", _person(rng)) for n in range(1, 60)
        ]
        for user in reviewer_users:
            field, expertise = rng.choice(EXPERTISE)
            profile, created = ReviewerProfile.objects.get_or_create(
                user=user,
                defaults={
                    "fields": [field],
                    "expertise": expertise,
                    "affiliation": rng.choice(
                        [
                            "전남대학교",
                            "광주과학기술원",
                            "조선대학교",
                            "한국전자통신연구원",
                            "호남대학교",
                            "(주)딥테크파트너스",
                        ]
                    ),
                },
            )
            if created:
                profile.conflicts.set(rng.sample(companies, 2))
        if loader.created_orgs or loader.created_users:
            audit_record(
                actor=None,
                action="demo.load",
                object_type="demo",
                after={"organizations": loader.created_orgs, "users": loader.created_users},
            )
    lines = [
        f"accounts: {loader.created_orgs} organisations and {loader.created_users} users created "
        f"({Organization.objects.count()} and {User.objects.count()} in all)"
    ]
    for name, extra in demo_loaders():
        with transaction.atomic():
            lines.append(f"{name}: {extra(random.Random(f'{SEED}:{name}'))}")  # nosec B311 B610  # seeded demo data; `extra` is our loader, not QuerySet.extra
    return lines
