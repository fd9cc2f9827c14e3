"""Demo data of the equipment app: the three demonstration centres of Gwangju's AI cluster
(healthcare, mobility, energy) with about thirty items of realistic equipment (Korean names,
specifications, fees), accessories, items booked together, blackouts (a weekly maintenance
slot, a centre's closure) and bookings from the demo companies over the coming weeks.

Rows are written through the models (a demo needs no audit trail), bookings through
`guard.hold` so that the database's no-overlap guarantee holds for them as for any other.
Safe to load again: a centre that exists (by name) is left as it is.
"""

from __future__ import annotations

import datetime as dt
import random
from typing import Any

from django.utils import timezone

from bitgoeul.accounts.enums import MembershipRole, OrganizationKind
from bitgoeul.accounts.models import Membership, Organization, User
from bitgoeul.companies.models import Company
from bitgoeul.core.demo import demo_loader
from bitgoeul.equipment import guard
from bitgoeul.equipment.availability import SEOUL, free_intervals
from bitgoeul.equipment.enums import BlackoutKind, BlackoutRepeat, BookingState, Domain, FeeUnit
from bitgoeul.equipment.fees import booking_fee
from bitgoeul.equipment.models import Accessory, Blackout, Booking, Category, Centre, Item
from bitgoeul.equipment.services.catalogue import item_search_bodies

HOSTS = [
    ("cnuh", "전남대학교병원", "Chonnam National University Hospital"),
    ("gcar", "광주그린카진흥원", "Gwangju Green Car Agency"),
    ("keti-gwangju", "한국전자기술연구원 광주지역본부", "KETI Gwangju"),
]
CENTRES = [
    (
        Domain.HEALTHCARE,
        "AI 헬스케어 실증센터",
        "AI healthcare demonstration centre",
        "cnuh",
        "광주광역시 동구 제봉로 42",
        "의료영상·생체신호 AI를 병원 환경에서 검증하는 장비를 빌려 드립니다.",
        "Equipment to validate medical imaging and biosignal AI in a hospital setting.",
    ),
    (
        Domain.MOBILITY,
        "AI 모빌리티 실증센터",
        "AI mobility demonstration centre",
        "gcar",
        "광주광역시 광산구 평동산단로 170",
        "자율주행·ADAS 알고리즘을 시험 차량과 센서로 검증합니다.",
        "Test vehicles and sensors to validate autonomous driving and ADAS algorithms.",
    ),
    (
        Domain.ENERGY,
        "AI 에너지 실증센터",
        "AI energy demonstration centre",
        "keti-gwangju",
        "광주광역시 북구 첨단과기로 208",
        "전력 수요 예측과 에너지 관리 AI를 실제 설비에서 시험합니다.",
        "Real installations to test power demand forecasting and energy management AI.",
    ),
]
CATEGORIES = [
    ("imaging", "의료영상 장비", "Medical imaging"),
    ("biosignal", "생체신호 측정", "Biosignal measurement"),
    ("vehicle", "시험 차량", "Test vehicles"),
    ("sensor", "센서·계측", "Sensors and measurement"),
    ("compute", "AI 연산 장비", "AI computing"),
    ("power", "전력·에너지 설비", "Power and energy installations"),
]
# domain, category, name, English name, fee unit, fee, approval, specs [(label, en, value)]
ITEMS: list[tuple[str, str, str, str, str, int, bool, list[tuple[str, str, str]]]] = [
    (
        Domain.HEALTHCARE,
        "imaging",
        "디지털 X선 촬영 장치",
        "Digital X-ray system",
        FeeUnit.HOUR,
        120_000,
        True,
        [("검출기", "Detector", "43×43 cm 평판"), ("최대 관전압", "Max. tube voltage", "150 kV")],
    ),
    (
        Domain.HEALTHCARE,
        "imaging",
        "초음파 영상 획득 장비",
        "Ultrasound imaging unit",
        FeeUnit.HOUR,
        60_000,
        False,
        [("프로브", "Probes", "선형·볼록·위상배열"), ("영상 출력", "Output", "DICOM 3.0")],
    ),
    (
        Domain.HEALTHCARE,
        "imaging",
        "128채널 CT 스캐너",
        "128-slice CT scanner",
        FeeUnit.HOUR,
        350_000,
        True,
        [("채널", "Slices", "128"), ("회전 속도", "Rotation time", "0.28 초")],
    ),
    (
        Domain.HEALTHCARE,
        "imaging",
        "디지털 병리 슬라이드 스캐너",
        "Digital pathology slide scanner",
        FeeUnit.DAY,
        200_000,
        False,
        [("해상도", "Resolution", "0.25 μm/pixel"), ("슬라이드 용량", "Capacity", "300장")],
    ),
    (
        Domain.HEALTHCARE,
        "imaging",
        "안저 카메라",
        "Fundus camera",
        FeeUnit.HOUR,
        40_000,
        False,
        [("화각", "Field of view", "45°")],
    ),
    (
        Domain.HEALTHCARE,
        "biosignal",
        "12유도 심전도 측정기",
        "12-lead ECG recorder",
        FeeUnit.HOUR,
        20_000,
        False,
        [("샘플링", "Sampling", "1 kHz")],
    ),
    (
        Domain.HEALTHCARE,
        "biosignal",
        "수면다원검사 장비",
        "Polysomnography system",
        FeeUnit.DAY,
        150_000,
        True,
        [("채널", "Channels", "32")],
    ),
    (
        Domain.HEALTHCARE,
        "biosignal",
        "웨어러블 생체신호 측정 키트",
        "Wearable biosignal kit",
        FeeUnit.DAY,
        30_000,
        False,
        [("측정 항목", "Signals", "심박·산소포화도·체온"), ("수량", "Units", "20세트")],
    ),
    (
        Domain.HEALTHCARE,
        "biosignal",
        "뇌파 측정 장비(64채널)",
        "64-channel EEG",
        FeeUnit.HOUR,
        50_000,
        False,
        [("채널", "Channels", "64")],
    ),
    (
        Domain.HEALTHCARE,
        "compute",
        "의료 AI 학습 서버(A100 4장)",
        "Medical AI training server (4× A100)",
        FeeUnit.DAY,
        180_000,
        False,
        [("GPU", "GPU", "NVIDIA A100 80GB × 4"), ("저장소", "Storage", "NVMe 30 TB")],
    ),
    (
        Domain.MOBILITY,
        "vehicle",
        "자율주행 시험 차량(레벨 4)",
        "Level 4 autonomous test vehicle",
        FeeUnit.DAY,
        500_000,
        True,
        [
            ("센서", "Sensors", "라이다 5·카메라 8·레이더 6"),
            ("제어", "Control", "드라이브 바이 와이어"),
        ],
    ),
    (
        Domain.MOBILITY,
        "vehicle",
        "전기 시험 차량(중형 SUV)",
        "Electric test SUV",
        FeeUnit.DAY,
        250_000,
        True,
        [("배터리", "Battery", "77.4 kWh")],
    ),
    (
        Domain.MOBILITY,
        "vehicle",
        "자율주행 셔틀",
        "Autonomous shuttle",
        FeeUnit.DAY,
        400_000,
        True,
        [("정원", "Seats", "15명"), ("최고 속도", "Top speed", "25 km/h")],
    ),
    (
        Domain.MOBILITY,
        "vehicle",
        "실내 배송 로봇",
        "Indoor delivery robot",
        FeeUnit.DAY,
        80_000,
        False,
        [("적재", "Payload", "30 kg")],
    ),
    (
        Domain.MOBILITY,
        "sensor",
        "128채널 라이다",
        "128-channel LiDAR",
        FeeUnit.DAY,
        90_000,
        False,
        [("거리", "Range", "200 m"), ("채널", "Channels", "128")],
    ),
    (
        Domain.MOBILITY,
        "sensor",
        "4D 이미징 레이더",
        "4D imaging radar",
        FeeUnit.DAY,
        70_000,
        False,
        [("주파수", "Band", "77 GHz")],
    ),
    (
        Domain.MOBILITY,
        "sensor",
        "차량용 데이터 로거",
        "Vehicle data logger",
        FeeUnit.DAY,
        40_000,
        False,
        [("인터페이스", "Interfaces", "CAN FD·이더넷·GMSL")],
    ),
    (
        Domain.MOBILITY,
        "sensor",
        "고정밀 GNSS/INS",
        "High-precision GNSS/INS",
        FeeUnit.DAY,
        50_000,
        False,
        [("정밀도", "Accuracy", "RTK 2 cm")],
    ),
    (
        Domain.MOBILITY,
        "sensor",
        "V2X 통신 단말",
        "V2X communication unit",
        FeeUnit.FREE,
        0,
        False,
        [("규격", "Standard", "C-V2X PC5")],
    ),
    (
        Domain.MOBILITY,
        "compute",
        "차량 시뮬레이터(HILS)",
        "Hardware-in-the-loop simulator",
        FeeUnit.HOUR,
        70_000,
        True,
        [("시나리오", "Scenarios", "OpenSCENARIO 1.2")],
    ),
    (
        Domain.ENERGY,
        "power",
        "ESS 시험 설비(500 kWh)",
        "Battery storage testbed (500 kWh)",
        FeeUnit.DAY,
        300_000,
        True,
        [("용량", "Capacity", "500 kWh"), ("PCS", "PCS", "250 kW")],
    ),
    (
        Domain.ENERGY,
        "power",
        "태양광 발전 시험동",
        "Photovoltaic test building",
        FeeUnit.DAY,
        150_000,
        True,
        [("설비 용량", "Capacity", "100 kWp")],
    ),
    (
        Domain.ENERGY,
        "power",
        "스마트 분전반 시험 키트",
        "Smart distribution panel kit",
        FeeUnit.DAY,
        30_000,
        False,
        [("회로", "Circuits", "24")],
    ),
    (
        Domain.ENERGY,
        "power",
        "전기차 충전기 시험 설비",
        "EV charger testbed",
        FeeUnit.HOUR,
        30_000,
        False,
        [("출력", "Power", "200 kW 급속")],
    ),
    (
        Domain.ENERGY,
        "sensor",
        "전력 품질 분석기",
        "Power quality analyser",
        FeeUnit.DAY,
        25_000,
        False,
        [("규격", "Class", "IEC 61000-4-30 Class A")],
    ),
    (
        Domain.ENERGY,
        "sensor",
        "열화상 카메라",
        "Thermal imaging camera",
        FeeUnit.DAY,
        20_000,
        False,
        [("해상도", "Resolution", "640×480")],
    ),
    (
        Domain.ENERGY,
        "sensor",
        "건물 에너지 IoT 센서 세트",
        "Building energy IoT sensor set",
        FeeUnit.FREE,
        0,
        False,
        [("구성", "Contents", "온습도·CO2·전력 센서 50개")],
    ),
    (
        Domain.ENERGY,
        "compute",
        "에너지 AI 추론 서버",
        "Energy AI inference server",
        FeeUnit.DAY,
        60_000,
        False,
        [("GPU", "GPU", "NVIDIA L40S × 2")],
    ),
    (
        Domain.ENERGY,
        "compute",
        "디지털 트윈 워크스테이션",
        "Digital twin workstation",
        FeeUnit.HOUR,
        15_000,
        False,
        [("GPU", "GPU", "RTX 6000 Ada")],
    ),
    (
        Domain.ENERGY,
        "power",
        "수소 연료전지 시험 설비",
        "Hydrogen fuel cell testbed",
        FeeUnit.DAY,
        200_000,
        True,
        [("출력", "Power", "10 kW")],
    ),
]
ACCESSORIES = {
    "초음파 영상 획득 장비": [("선형 프로브 추가분", "Extra linear probe", 2)],
    "자율주행 시험 차량(레벨 4)": [
        ("안전요원 무전기", "Safety radio", 4),
        ("보조 배터리", "Spare battery", 2),
    ],
    "128채널 라이다": [("차량 거치대", "Roof mount", 3)],
    "열화상 카메라": [("삼각대", "Tripod", 2)],
}
BUNDLES = [
    ("자율주행 시험 차량(레벨 4)", "차량용 데이터 로거"),
    ("ESS 시험 설비(500 kWh)", "전력 품질 분석기"),
]
PURPOSES = [
    "AI 모델 실증 데이터 수집",
    "알고리즘 성능 검증",
    "고객사 시연",
    "인증 시험 사전 점검",
]


def _host(code: str, name: str, name_en: str) -> Organization:
    org, _ = Organization.objects.get_or_create(
        code=code,
        kind=OrganizationKind.INSTITUTION,
        defaults={"name": name, "name_en": name_en},
    )
    return org


def _items(centres: dict[str, Centre], categories: dict[str, Category]) -> list[Item]:
    made: list[Item] = []
    for domain, category, name, name_en, unit, fee, approval, specs in ITEMS:
        centre = centres[domain]
        day = unit == FeeUnit.DAY
        item = Item.objects.create(
            centre=centre,
            category=categories[category],
            host=centre.host,
            code=f"{domain[:3].upper()}-{len(made) + 1:03d}",
            name=name,
            name_en=name_en,
            description=f"{centre.name}에서 대여하는 {name}입니다.",
            description_en=f"{name_en}, lent by the {centre.name_en}.",
            location=f"{centre.name} {1 + len(made) % 3}층",
            specifications=[{"label": a, "label_en": b, "value": c} for a, b, c in specs],
            value_krw=fee * 400 if fee else 50_000_000,
            min_minutes=60,
            max_minutes=5 * 24 * 60 if day else 8 * 60,
            notice_minutes=24 * 60 if approval else 2 * 60,
            buffer_minutes=30 if approval else 0,
            always_open=domain == Domain.ENERGY and category == "compute",
            requires_approval=approval,
            fee_unit=unit,
            fee_krw=fee,
            discount_local_percent=30 if fee else 0,
            discount_young_percent=20 if fee else 0,
            late_cancel_percent=50 if approval else 0,
        )
        made.append(item)
    for item, body in zip(made, item_search_bodies(made), strict=True):
        item.search_body = body
    Item.objects.bulk_update(made, ["search_body"])
    return made


def _bookings(rng: random.Random, items: list[Item], companies: list[Company], user: Any) -> int:
    """A few bookings per item on working days of the next four weeks."""
    count = 0
    today = timezone.now().astimezone(SEOUL).date()
    for item in items:
        for _ in range(rng.randint(2, 6)):
            day = today + dt.timedelta(days=rng.randint(2, 28))
            if day.weekday() >= 5 and not item.always_open:
                continue
            hour = rng.choice([9, 10, 13, 14])
            hours = rng.choice([1, 2, 3, 4])
            starts = dt.datetime.combine(day, dt.time(hour), SEOUL)
            ends = starts + dt.timedelta(hours=hours)
            if free_intervals(item, starts, ends) != [(starts, ends)]:
                continue  # closed, in a blackout or taken: a demo booking keeps the rules
            company = rng.choice(companies)
            fee, detail = booking_fee(item, company, starts, ends)
            booking = Booking(
                item=item,
                company=company,
                booked_by=user,
                starts_at=starts,
                ends_at=ends,
                blocked_until=ends + dt.timedelta(minutes=item.buffer_minutes),
                state=BookingState.PENDING
                if item.requires_approval and rng.random() < 0.3
                else BookingState.CONFIRMED,
                purpose=rng.choice(PURPOSES),
                fee_krw=fee,
                fee_detail=detail,
            )
            try:
                guard.hold(booking)
            except guard.BookingConflict:
                continue
            count += 1
    return count


@demo_loader("equipment")
def load_equipment(rng: random.Random) -> str:
    if Centre.objects.filter(name=CENTRES[0][1]).exists():
        return "equipment: already loaded"
    hosts = {code: _host(code, name, name_en) for code, name, name_en in HOSTS}
    centres: dict[str, Centre] = {}
    for position, (domain, name, name_en, host, address, text, text_en) in enumerate(CENTRES):
        centres[domain] = Centre.objects.create(
            name=name,
            name_en=name_en,
            domain=domain,
            host=hosts[host],
            address=address,
            description=text,
            description_en=text_en,
            position=position,
        )
    categories = {
        code: Category.objects.create(name=name, name_en=name_en, position=n)
        for n, (code, name, name_en) in enumerate(CATEGORIES)
    }
    items = _items(centres, categories)
    by_name = {item.name: item for item in items}
    for name, accessories in ACCESSORIES.items():
        for acc_name, acc_en, quantity in accessories:
            Accessory.objects.create(
                item=by_name[name], name=acc_name, name_en=acc_en, quantity=quantity
            )
    for first, second in BUNDLES:
        by_name[first].bundled_with.add(by_name[second])
    # host staff of the healthcare centre (signs in with the demo password)
    staff = User.objects.filter(email="operator@bitgoeul.kr").first()
    host_user = User.objects.filter(email="host.cnuh@bitgoeul.kr").first()
    if host_user is None and staff is not None:
        host_user = User.objects.create(
            email="host.cnuh@bitgoeul.kr", name="김의진", password=staff.password
        )
    if host_user is not None:
        Membership.objects.get_or_create(
            user=host_user, organization=hosts["cnuh"], defaults={"role": MembershipRole.STAFF}
        )
    today = timezone.now().astimezone(SEOUL).date()
    monday = today + dt.timedelta(days=7 - today.weekday())
    Blackout.objects.create(
        item=by_name["128채널 CT 스캐너"],
        kind=BlackoutKind.MAINTENANCE,
        starts_at=dt.datetime.combine(monday, dt.time(9), SEOUL),
        ends_at=dt.datetime.combine(monday, dt.time(12), SEOUL),
        repeat=BlackoutRepeat.WEEKLY,
        reason="주간 정기 점검",
    )
    closure = monday + dt.timedelta(days=10)
    Blackout.objects.create(
        centre=centres[Domain.MOBILITY],
        kind=BlackoutKind.CLOSURE,
        starts_at=dt.datetime.combine(closure, dt.time(0), SEOUL),
        ends_at=dt.datetime.combine(closure + dt.timedelta(days=2), dt.time(0), SEOUL),
        reason="시험 주행로 보수 공사",
    )
    companies = list(
        Company.objects.filter(organization__code__startswith="company-")
        .select_related("organization")
        .order_by("organization__code")[:20]
    )
    booked = _bookings(rng, items, companies, staff) if companies else 0
    return f"equipment: {len(centres)} centres, {len(items)} items, {booked} bookings"
