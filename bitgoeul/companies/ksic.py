"""한국표준산업분류 (KSIC, 10th revision): sections and divisions, and code validation.

A KSIC code is 2 to 5 digits; its first two digits are the division, which decides the
section (`62010` → division 62 → section J, 정보통신업).
"""

from __future__ import annotations

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _

# section letter: (Korean name, English name, first division, last division)
SECTIONS: dict[str, tuple[str, str, int, int]] = {
    "A": ("농업, 임업 및 어업", "Agriculture, forestry and fishing", 1, 3),
    "B": ("광업", "Mining and quarrying", 5, 8),
    "C": ("제조업", "Manufacturing", 10, 34),
    "D": (
        "전기, 가스, 증기 및 공기 조절 공급업",
        "Electricity, gas, steam and air conditioning",
        35,
        35,
    ),
    "E": (
        "수도, 하수 및 폐기물 처리, 원료 재생업",
        "Water supply, sewage, waste and remediation",
        36,
        39,
    ),
    "F": ("건설업", "Construction", 41, 42),
    "G": ("도매 및 소매업", "Wholesale and retail trade", 45, 47),
    "H": ("운수 및 창고업", "Transportation and storage", 49, 52),
    "I": ("숙박 및 음식점업", "Accommodation and food service", 55, 56),
    "J": ("정보통신업", "Information and communication", 58, 63),
    "K": ("금융 및 보험업", "Financial and insurance activities", 64, 66),
    "L": ("부동산업", "Real estate activities", 68, 68),
    "M": (
        "전문, 과학 및 기술 서비스업",
        "Professional, scientific and technical activities",
        70,
        73,
    ),
    "N": (
        "사업시설 관리, 사업 지원 및 임대 서비스업",
        "Business facilities management, business support and rental",
        74,
        76,
    ),
    "O": ("공공 행정, 국방 및 사회보장 행정", "Public administration and defence", 84, 84),
    "P": ("교육 서비스업", "Education", 85, 85),
    "Q": ("보건업 및 사회복지 서비스업", "Human health and social work", 86, 87),
    "R": ("예술, 스포츠 및 여가관련 서비스업", "Arts, sports and recreation", 90, 91),
    "S": (
        "협회 및 단체, 수리 및 기타 개인 서비스업",
        "Membership organisations, repair and other personal services",
        94,
        96,
    ),
    "T": (
        "가구 내 고용활동 및 달리 분류되지 않은 자가 소비 생산활동",
        "Activities of households",
        97,
        98,
    ),
    "U": ("국제 및 외국기관", "Extraterritorial organisations", 99, 99),
}

DIVISIONS: dict[str, tuple[str, str]] = {
    "01": ("농업", "Agriculture"),
    "02": ("임업", "Forestry"),
    "03": ("어업", "Fishing"),
    "05": ("석탄, 원유 및 천연가스 광업", "Mining of coal, crude petroleum and natural gas"),
    "06": ("금속 광업", "Mining of metal ores"),
    "07": ("비금속광물 광업; 연료용 제외", "Mining of non-metallic minerals"),
    "08": ("광업 지원 서비스업", "Mining support services"),
    "10": ("식료품 제조업", "Food products"),
    "11": ("음료 제조업", "Beverages"),
    "12": ("담배 제조업", "Tobacco products"),
    "13": ("섬유제품 제조업; 의복 제외", "Textiles"),
    "14": ("의복, 의복 액세서리 및 모피제품 제조업", "Wearing apparel"),
    "15": ("가죽, 가방 및 신발 제조업", "Leather, bags and footwear"),
    "16": ("목재 및 나무제품 제조업; 가구 제외", "Wood products"),
    "17": ("펄프, 종이 및 종이제품 제조업", "Pulp and paper"),
    "18": ("인쇄 및 기록매체 복제업", "Printing and reproduction of recorded media"),
    "19": ("코크스, 연탄 및 석유정제품 제조업", "Coke and refined petroleum products"),
    "20": ("화학 물질 및 화학제품 제조업; 의약품 제외", "Chemicals and chemical products"),
    "21": ("의료용 물질 및 의약품 제조업", "Pharmaceuticals"),
    "22": ("고무 및 플라스틱제품 제조업", "Rubber and plastic products"),
    "23": ("비금속 광물제품 제조업", "Other non-metallic mineral products"),
    "24": ("1차 금속 제조업", "Basic metals"),
    "25": ("금속 가공제품 제조업; 기계 및 가구 제외", "Fabricated metal products"),
    "26": (
        "전자 부품, 컴퓨터, 영상, 음향 및 통신장비 제조업",
        "Electronic components, computers and communication equipment",
    ),
    "27": ("의료, 정밀, 광학 기기 및 시계 제조업", "Medical, precision and optical instruments"),
    "28": ("전기장비 제조업", "Electrical equipment"),
    "29": ("기타 기계 및 장비 제조업", "Other machinery and equipment"),
    "30": ("자동차 및 트레일러 제조업", "Motor vehicles and trailers"),
    "31": ("기타 운송장비 제조업", "Other transport equipment"),
    "32": ("가구 제조업", "Furniture"),
    "33": ("기타 제품 제조업", "Other manufacturing"),
    "34": ("산업용 기계 및 장비 수리업", "Repair of industrial machinery and equipment"),
    "35": (
        "전기, 가스, 증기 및 공기 조절 공급업",
        "Electricity, gas, steam and air conditioning supply",
    ),
    "36": ("수도업", "Water supply"),
    "37": ("하수, 폐수 및 분뇨 처리업", "Sewerage"),
    "38": ("폐기물 수집, 운반, 처리 및 원료 재생업", "Waste collection, treatment and recovery"),
    "39": ("환경 정화 및 복원업", "Remediation"),
    "41": ("종합 건설업", "General construction"),
    "42": ("전문직별 공사업", "Specialised construction"),
    "45": ("자동차 및 부품 판매업", "Sale of motor vehicles and parts"),
    "46": ("도매 및 상품 중개업", "Wholesale trade"),
    "47": ("소매업; 자동차 제외", "Retail trade"),
    "49": ("육상 운송 및 파이프라인 운송업", "Land transport"),
    "50": ("수상 운송업", "Water transport"),
    "51": ("항공 운송업", "Air transport"),
    "52": ("창고 및 운송관련 서비스업", "Warehousing and transport support"),
    "55": ("숙박업", "Accommodation"),
    "56": ("음식점 및 주점업", "Food and beverage service"),
    "58": ("출판업", "Publishing (including software publishing)"),
    "59": ("영상·오디오 기록물 제작 및 배급업", "Motion picture, video and sound recording"),
    "60": ("방송업", "Broadcasting"),
    "61": ("우편 및 통신업", "Postal and telecommunications"),
    "62": (
        "컴퓨터 프로그래밍, 시스템 통합 및 관리업",
        "Computer programming, consultancy and related",
    ),
    "63": ("정보서비스업", "Information services"),
    "64": ("금융업", "Financial services"),
    "65": ("보험 및 연금업", "Insurance and pension funding"),
    "66": ("금융 및 보험관련 서비스업", "Activities auxiliary to finance and insurance"),
    "68": ("부동산업", "Real estate"),
    "70": ("연구개발업", "Research and development"),
    "71": ("전문 서비스업", "Professional services"),
    "72": (
        "건축 기술, 엔지니어링 및 기타 과학기술 서비스업",
        "Architecture, engineering and technical services",
    ),
    "73": (
        "기타 전문, 과학 및 기술 서비스업",
        "Other professional, scientific and technical services",
    ),
    "74": ("사업시설 관리 및 조경 서비스업", "Facilities management and landscaping"),
    "75": ("사업 지원 서비스업", "Business support services"),
    "76": ("임대업; 부동산 제외", "Rental and leasing"),
    "84": ("공공 행정, 국방 및 사회보장 행정", "Public administration and defence"),
    "85": ("교육 서비스업", "Education"),
    "86": ("보건업", "Human health"),
    "87": ("사회복지 서비스업", "Social work"),
    "90": ("창작, 예술 및 여가관련 서비스업", "Creative, arts and entertainment"),
    "91": ("스포츠 및 오락관련 서비스업", "Sports, amusement and recreation"),
    "94": ("협회 및 단체", "Membership organisations"),
    "95": ("개인 및 소비용품 수리업", "Repair of personal and household goods"),
    "96": ("기타 개인 서비스업", "Other personal services"),
    "97": ("가구 내 고용활동", "Households as employers"),
    "98": (
        "달리 분류되지 않은 자가 소비를 위한 가구의 재화 및 서비스 생산활동",
        "Undifferentiated household production",
    ),
    "99": ("국제 및 외국기관", "Extraterritorial organisations"),
}


def section_of(code: str) -> str:
    """The section letter of a KSIC code, or "" when the division is unknown."""
    division = int(code[:2]) if code[:2].isdigit() else -1
    for letter, (_ko, _en, first, last) in SECTIONS.items():
        if first <= division <= last and code[:2] in DIVISIONS:
            return letter
    return ""


def normalise_ksic(value: str) -> str:
    """`J62010`, `62010`, ` 620 10 ` → `62010` (a leading section letter is dropped)."""
    stripped = "".join(value.split()).upper()
    if stripped[:1].isalpha():
        stripped = stripped[1:]
    return stripped


def validate_ksic(value: str) -> None:
    code = normalise_ksic(value)
    if not (code.isdigit() and 2 <= len(code) <= 5):
        raise ValidationError(
            _("A KSIC code has 2 to 5 digits, like 62010 (software development)."),
            code="ksic_format",
        )
    if code[:2] not in DIVISIONS:
        raise ValidationError(
            _("%(division)s is not a KSIC division (the first two digits of the code).")
            % {"division": code[:2]},
            code="ksic_division",
        )


def ksic_label(code: str, language: str) -> str:
    """`62 컴퓨터 프로그래밍, …` for a code, in the language asked for."""
    division = DIVISIONS.get(code[:2])
    if division is None:
        return code
    return f"{code} · {division[1] if language == 'en' else division[0]}"


def division_for_name(name: str) -> str:
    """The division whose Korean or English name is the text given, or ""."""
    wanted = "".join(name.split()).lower()
    for division, (ko, en) in DIVISIONS.items():
        if wanted in {"".join(ko.split()).lower(), "".join(en.split()).lower()}:
            return division
    return ""


SECTION_CHOICES = [(letter, f"{letter} {ko}") for letter, (ko, *_rest) in SECTIONS.items()]
