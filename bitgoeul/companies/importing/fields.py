"""The fields an import can fill, the header names that mean them, and cell parsers."""

from __future__ import annotations

import datetime as dt
import math
import re
from dataclasses import dataclass

from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _


@dataclass(frozen=True)
class Field:
    code: str
    label: Promise
    aliases: tuple[str, ...]


FIELDS: tuple[Field, ...] = (
    Field(
        "name",
        _("Company name"),
        (
            "회사명",
            "기업명",
            "업체명",
            "상호",
            "상호명",
            "법인명",
            "company",
            "companyname",
            "name",
        ),
    ),
    Field(
        "name_en",
        _("Name in English"),
        ("영문회사명", "영문기업명", "영문명", "영문상호", "englishname", "nameen"),
    ),
    Field(
        "brn",
        _("Business registration number"),
        ("사업자등록번호", "사업자번호", "사업자등록no", "brn", "businessregistrationnumber"),
    ),
    Field(
        "representative",
        _("Representative"),
        ("대표자명", "대표자", "대표", "대표이사", "ceo", "representative"),
    ),
    Field("industry", _("Industry"), ("업종", "업태", "종목", "업종명", "industry", "sector")),
    Field(
        "ksic_code",
        _("KSIC code"),
        ("표준산업분류코드", "산업분류코드", "업종코드", "ksic", "ksiccode"),
    ),
    Field(
        "products",
        _("Products"),
        ("주요제품", "주생산품", "주요생산품", "제품", "주요품목", "products", "mainproducts"),
    ),
    Field("region", _("Region"), ("지역", "시도", "소재지", "지역명", "region", "province")),
    Field(
        "address",
        _("Address"),
        ("주소", "소재지주소", "사업장주소", "본사주소", "도로명주소", "address"),
    ),
    Field(
        "founded_on",
        _("Founding date"),
        (
            "설립일",
            "설립일자",
            "설립년월일",
            "설립연도",
            "창업일",
            "founded",
            "foundingdate",
            "founded_on",
        ),
    ),
    Field(
        "employees",
        _("Employees"),
        ("종업원수", "종업원", "직원수", "고용인원", "상시근로자수", "employees", "staff"),
    ),
    Field("revenue", _("Revenue"), ("매출액", "매출", "연매출", "revenue", "sales")),
    Field("year", _("Year of the figures"), ("기준연도", "기준년도", "연도", "년도", "year")),
    Field(
        "website",
        _("Website"),
        ("홈페이지", "웹사이트", "홈페이지주소", "website", "homepage", "url"),
    ),
    Field(
        "description",
        _("Description"),
        ("사업내용", "회사소개", "기업소개", "주요사업", "description"),
    ),
    Field(
        "description_en",
        _("Description in English"),
        ("영문소개", "englishdescription", "description_en"),
    ),
    Field(
        "technologies",
        _("AI technologies"),
        ("ai기술", "기술분야", "ai분야", "technologies", "aitechnologies"),
    ),
    Field("patents", _("Patents"), ("특허", "특허수", "특허건수", "patents")),
    Field("stage", _("Stage"), ("성장단계", "단계", "stage")),
    # the columns of stock-exchange listings (KRX 상장법인목록) and similar public lists
    Field("stock_code", _("Stock code"), ("종목코드", "단축코드", "stockcode", "ticker")),
    Field("market", _("Market"), ("시장구분", "상장시장", "시장", "market")),
    Field("listed_on", _("Listing date"), ("상장일", "상장일자", "listingdate", "listed_on")),
    Field("fiscal_month", _("Fiscal year end (month)"), ("결산월", "결산기", "fiscalmonth")),
)
BY_CODE = {f.code: f for f in FIELDS}
_ALIASES = {alias: f.code for f in FIELDS for alias in f.aliases}
UNITS = {
    "원": 1,
    "천원": 1_000,
    "만원": 10_000,
    "백만원": 1_000_000,
    "억원": 100_000_000,
    "억": 100_000_000,
    "krw": 1,
}


def header_key(header: str) -> str:
    """`매출액 (백만원)` → `매출액`; spaces, case and a bracketed unit do not matter."""
    without_unit = re.sub(r"[\(\[（].*?[\)\]）]", "", header)
    return re.sub(r"[\s_\-·.*]", "", without_unit).lower()


def header_unit(header: str) -> int:
    """The money unit a header states in brackets (`매출액(백만원)` → 1,000,000), else 1."""
    found = re.search(r"[\(\[（]\s*(.*?)\s*[\)\]）]", header)
    return UNITS.get(found.group(1).replace(" ", "").lower(), 1) if found else 1


def guess_mapping(headers: list[str]) -> dict[str, str]:
    """Header → field code for the headers we recognise ("" for the others); each field is
    taken by its first header only."""
    mapping: dict[str, str] = {}
    taken: set[str] = set()
    for header in headers:
        code = _ALIASES.get(header_key(header), "")
        if code in taken:
            code = ""
        taken.add(code)
        mapping[header] = code
    return mapping


class CellError(ValueError):
    """A cell that cannot be read; the message says why, for the person who fixes the file."""


INT_MAX = 2_147_483_647  # PositiveIntegerField's range on every database (employees, patents)
BIGINT_MAX = 9_223_372_036_854_775_807  # BigIntegerField (revenue in KRW)


def parse_int(text: str, unit: int = 1, maximum: int = BIGINT_MAX) -> int | None:
    """`1,234`, `12명`, `3.5억`, `2,000만원`, `1.2e3` → an integer (times the header's unit),
    at most `maximum` (the column's range: the dry run refuses what the database would)."""
    cleaned = text.strip().replace(",", "").replace(" ", "")
    if cleaned.isdigit() and cleaned.isascii():  # the common case: plain digits
        return _within(int(cleaned) * unit, text, maximum)
    if not cleaned or cleaned in {"-", "—"}:
        return None
    multiplier = unit
    for suffix, factor in (
        ("억원", 10**8),
        ("억", 10**8),
        ("백만원", 10**6),
        ("만원", 10**4),
        ("천원", 10**3),
        ("만", 10**4),
        ("원", 1),
        ("명", 1),
        ("건", 1),
    ):
        if cleaned.endswith(suffix):
            cleaned, multiplier = cleaned[: -len(suffix)], factor * (1 if factor > 1 else unit)
            break
    try:
        value = float(cleaned)
    except ValueError:
        raise CellError(_("“%(text)s” is not a number") % {"text": text}) from None
    if not math.isfinite(value):  # nan, inf, 1e400
        raise CellError(_("“%(text)s” is not a number") % {"text": text})
    if value < 0:
        raise CellError(_("“%(text)s” is negative") % {"text": text})
    if value * multiplier > maximum:  # before round(): 1e300 × 10⁸ is still a float
        raise CellError(_("“%(text)s” is too large") % {"text": text})
    return _within(round(value * multiplier), text, maximum)


def _within(value: int, text: str, maximum: int) -> int:
    if value > maximum:
        raise CellError(_("“%(text)s” is too large") % {"text": text})
    return value


_ISO_DATE = re.compile(r"\d{4}-\d{2}-\d{2}\Z")
_YEAR = re.compile(r"\d{4}(년)?")
_DATE_PATTERNS = (
    re.compile(r"^(\d{4})[-./](\d{1,2})[-./](\d{1,2})\.?$"),
    re.compile(r"^(\d{4})(\d{2})(\d{2})$"),
    re.compile(r"^(\d{4})년\s*(\d{1,2})월\s*(\d{1,2})일$"),
)


def parse_date(text: str) -> dt.date | None:
    """`2019-03-01`, `2019.3.1`, `20190301`, `2019년 3월 1일`, `2019-03-01 00:00:00`, or a year
    alone (`2019`, taken as 1 January)."""
    cleaned = text.strip()
    if not cleaned:
        return None
    if len(cleaned) == 10 and cleaned[4] == "-" == cleaned[7] and _ISO_DATE.match(cleaned):
        try:  # the common case: 2019-03-01
            return dt.date(int(cleaned[:4]), int(cleaned[5:7]), int(cleaned[8:]))
        except ValueError:
            pass  # reported below, with the general message
    cleaned = cleaned.split(" 00:00")[0].split("T00:00")[0]
    if _YEAR.fullmatch(cleaned):
        year = int(cleaned[:4])
        if 1900 <= year <= 2100:
            return dt.date(year, 1, 1)
    for pattern in _DATE_PATTERNS:
        match = pattern.match(cleaned)
        if match:
            try:
                return dt.date(*(int(part) for part in match.groups()))
            except ValueError:
                break
    raise CellError(_("“%(text)s” is not a date (use 2019-03-01)") % {"text": text})


def parse_website(text: str) -> str:
    cleaned = text.strip()
    if cleaned and not cleaned.lower().startswith(("http://", "https://")):
        cleaned = "https://" + cleaned
    return cleaned[:200]
