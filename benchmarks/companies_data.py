"""Seeded synthetic Korean company data for the companies benchmarks, with a labelled topic
per company so that search recall can be measured."""

from __future__ import annotations

import csv
import io
import random
from dataclasses import dataclass
from pathlib import Path

from bitgoeul.accounts.brn import brn_check_digit

SEED = 20260301
HEADERS = [
    "회사명",
    "사업자등록번호",
    "대표자명",
    "업종",
    "주요제품",
    "지역",
    "설립일",
    "종업원수",
    "매출액(백만원)",
    "홈페이지",
    "사업내용",
    "AI기술",
]
# topic: (KSIC code, products, description phrases, technology codes)
TOPICS: dict[str, tuple[str, list[str], list[str], str]] = {
    "medical": (
        "27112",
        ["의료영상 판독 보조 소프트웨어", "AI 진단 보조기기"],
        ["인공지능 기반 의료영상 분석", "딥러닝으로 의료영상을 판독하는"],
        "healthcare,vision",
    ),
    "semiconductor": (
        "29271",
        ["반도체장비 부품", "반도체 검사장비"],
        ["반도체장비 핵심 부품을 생산하는", "반도체 공정용 장비를 제조하는"],
        "",
    ),
    "mobility": (
        "30332",
        ["자율주행 인지 모듈", "차량 데이터 플랫폼"],
        ["자율주행 기술을 개발하는", "자율주행차 인지 소프트웨어를 만드는"],
        "mobility",
    ),
    "speech": (
        "62090",
        ["음성인식 콜센터 솔루션", "AI 상담 에이전트"],
        ["음성인식과 자연어 처리로 상담을 자동화하는", "음성인식 엔진을 공급하는"],
        "speech,language",
    ),
    "factory": (
        "62021",
        ["스마트팩토리 시스템", "설비 예지보전 솔루션"],
        ["스마트팩토리 구축과 예지보전을 제공하는", "제조 현장의 스마트팩토리를 통합하는"],
        "manufacturing",
    ),
    "energy": (
        "35120",
        ["전력 수요 예측 시스템", "에너지 관리 시스템"],
        ["전력 수요를 예측하는 인공지능을 개발하는", "에너지 수요 예측 서비스를 운영하는"],
        "energy",
    ),
    "drone": (
        "31321",
        ["농업용 방제 드론", "시설물 점검 드론"],
        ["드론으로 농업 방제를 하는", "드론 영상으로 시설물을 점검하는"],
        "robotics,vision",
    ),
    "robot": (
        "29199",
        ["물류 자율이동로봇", "협동로봇"],
        ["물류 로봇을 만드는", "협동로봇 제어 기술을 보유한"],
        "robotics",
    ),
    "generative": (
        "62010",
        ["생성형 AI 플랫폼", "문서 요약 엔진"],
        ["생성형 인공지능으로 콘텐츠를 만드는", "대규모 언어모델 기반 서비스를 제공하는"],
        "generative,language",
    ),
    "food": (
        "46311",
        ["김치", "수산물 가공품"],
        ["전통 식품을 유통하는", "지역 농수산물을 가공하는"],
        "",
    ),
    "construction": ("41221", ["도로 포장 공사"], ["토목 공사를 수행하는", "건축 시공을 하는"], ""),
    "textile": ("13101", ["기능성 원단"], ["기능성 섬유를 생산하는", "원단을 염색 가공하는"], ""),
}
TOPIC_WEIGHTS = {"food": 3, "construction": 3, "textile": 2}
FILLER = [
    "고객",
    "맞춤형",
    "서비스",
    "품질",
    "혁신",
    "지역",
    "전문",
    "기업",
    "최고",
    "기술력",
    "신뢰",
    "글로벌",
    "시장",
    "진출",
    "협력",
    "파트너",
    "성장",
    "중소기업",
    "연구소",
    "인증",
    "특허",
    "보유",
    "수출",
    "국내",
    "최초",
    "개발",
    "공급",
    "운영",
    "제공",
    "솔루션",
]
PARTICLES = ["", "을", "를", "의", "에", "과", "와", "으로", "이", "가", "는"]
SYLLABLES = "가나다라마바사아자차카타파하빛누리온새미솔한결다온해담"
REGIONS = [
    "광주",
    "전남",
    "부산",
    "대구",
    "경북",
    "경남",
    "울산",
    "전북",
    "제주",
    "서울",
    "경기",
    "대전",
]
NAME_PARTS = [
    "빛고을",
    "무등",
    "영산",
    "남도",
    "한빛",
    "다온",
    "새벽",
    "바른",
    "누리",
    "하늘",
    "푸른",
    "미래",
    "스마트",
    "그린",
    "딥",
    "노바",
    "루미",
    "큐브",
    "에이블",
    "온새미",
]
NAME_SUFFIXES = [
    "에이아이",
    "로보틱스",
    "데이터",
    "비전",
    "헬스케어",
    "모빌리티",
    "에너지",
    "랩스",
    "테크",
    "시스템즈",
    "식품",
    "건설",
    "섬유",
    "산업",
    "메디컬",
]

# query → the topics whose companies are relevant (the labelled set)
QUERIES: dict[str, set[str]] = {
    "인공지능을 활용한 의료영상": {"medical"},
    "반도체": {"semiconductor"},
    "자율주행 기술을": {"mobility"},
    "음성인식으로": {"speech"},
    "스마트팩토리": {"factory"},
    "전력 수요를 예측하는": {"energy"},
    "드론": {"drone"},
    "물류로봇": {"robot"},
    "생성형 AI": {"generative"},
    "식품 가공": {"food"},
    "협동로봇": {"robot"},
    "예지보전": {"factory"},
}


@dataclass
class Generated:
    rows: list[list[str]]
    topics: list[str]  # per row


def brn(index: int) -> str:
    first = f"{101 + index // 10000:03d}86{index % 10000:04d}"
    return first + str(brn_check_digit(first))


def generate(count: int, seed: int = SEED) -> Generated:
    rng = random.Random(seed)
    names = list(TOPICS)
    weights = [TOPIC_WEIGHTS.get(t, 1) for t in names]
    rows, topics = [], []
    for index in range(count):
        topic = rng.choices(names, weights)[0]
        ksic, products, phrases, tags = TOPICS[topic]
        brand = "".join(rng.choice(SYLLABLES) for _ in range(3))
        filler = " ".join(
            rng.choice(FILLER) + rng.choice(PARTICLES) for _ in range(rng.randint(3, 8))
        )
        description = f"{rng.choice(phrases)} 기업입니다. {brand} 브랜드로 {filler}."
        rows.append(
            [
                f"(주){rng.choice(NAME_PARTS)}{rng.choice(NAME_SUFFIXES)}{index}",
                brn(index),
                rng.choice("김이박최정강조윤장임") + rng.choice(["민준", "서연", "도윤", "하은"]),
                ksic,
                f"{brand} {rng.choice(products)}",
                rng.choice(REGIONS),
                f"{rng.randint(1995, 2024)}-{rng.randint(1, 12):02d}-{rng.randint(1, 28):02d}",
                str(rng.randint(1, 300)),
                f"{rng.randint(50, 50000):,}",
                f"www.company{index}.co.kr",
                description,
                tags if rng.random() < 0.9 else "",
            ]
        )
        topics.append(topic)
    return Generated(rows, topics)


def write_csv(data: Generated, path: Path) -> None:
    with path.open("w", encoding="utf-8-sig", newline="") as handle:
        writer = csv.writer(handle)
        writer.writerow(HEADERS)
        writer.writerows(data.rows)


def write_xlsx(data: Generated, path: Path) -> None:
    from openpyxl import Workbook

    workbook = Workbook(write_only=True)
    sheet = workbook.create_sheet("기업")
    sheet.append(HEADERS)
    for row in data.rows:
        sheet.append(row)
    buffer = io.BytesIO()
    workbook.save(buffer)
    path.write_bytes(buffer.getvalue())
