"""시도 (provinces) and the association chapter that covers each one.

The mapping follows where the Korea Venture Business Association has regional chapters:
광주·전남 → 광주전남, 경남 → 경남, 대구·경북 → 대구경북, 부산, 전북, 울산, 제주; every other
province is followed by the association headquarters. Chapters are found by their stable
`Organization.code` (`gwangju-jeonnam`, …) or, failing that, by their Korean name.
"""

from __future__ import annotations

from dataclasses import dataclass

from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _


@dataclass(frozen=True)
class Province:
    code: str
    name: str  # official Korean name
    name_en: Promise
    aliases: tuple[str, ...]
    chapter: str  # chapter code, "" for the association headquarters


PROVINCES: tuple[Province, ...] = (
    Province("seoul", "서울특별시", _("Seoul"), ("서울", "서울시"), ""),
    Province("busan", "부산광역시", _("Busan"), ("부산", "부산시"), "busan"),
    Province("daegu", "대구광역시", _("Daegu"), ("대구", "대구시"), "daegu-gyeongbuk"),
    Province("incheon", "인천광역시", _("Incheon"), ("인천", "인천시"), ""),
    Province("gwangju", "광주광역시", _("Gwangju"), ("광주", "광주시"), "gwangju-jeonnam"),
    Province("daejeon", "대전광역시", _("Daejeon"), ("대전", "대전시"), ""),
    Province("ulsan", "울산광역시", _("Ulsan"), ("울산", "울산시"), "ulsan"),
    Province("sejong", "세종특별자치시", _("Sejong"), ("세종", "세종시"), ""),
    Province("gyeonggi", "경기도", _("Gyeonggi"), ("경기",), ""),
    Province("gangwon", "강원특별자치도", _("Gangwon"), ("강원", "강원도"), ""),
    Province("chungbuk", "충청북도", _("North Chungcheong"), ("충북",), ""),
    Province("chungnam", "충청남도", _("South Chungcheong"), ("충남",), ""),
    Province("jeonbuk", "전북특별자치도", _("Jeonbuk"), ("전북", "전라북도"), "jeonbuk"),
    Province("jeonnam", "전라남도", _("South Jeolla"), ("전남",), "gwangju-jeonnam"),
    Province("gyeongbuk", "경상북도", _("North Gyeongsang"), ("경북",), "daegu-gyeongbuk"),
    Province("gyeongnam", "경상남도", _("South Gyeongsang"), ("경남",), "gyeongnam"),
    Province("jeju", "제주특별자치도", _("Jeju"), ("제주", "제주도"), "jeju"),
)
BY_CODE = {p.code: p for p in PROVINCES}
_LOOKUP: dict[str, Province] = {}
for _p in PROVINCES:
    for _key in (_p.code, _p.name, *_p.aliases):
        _LOOKUP[_key] = _p
PROVINCE_CHOICES = [(p.code, p.name) for p in PROVINCES]
# Korean chapter names, used when a chapter organisation has no code
CHAPTER_NAMES = {
    "gwangju-jeonnam": "광주전남지회",
    "gyeongnam": "경남지회",
    "daegu-gyeongbuk": "대구경북지회",
    "busan": "부산지회",
    "jeonbuk": "전북지회",
    "ulsan": "울산지회",
    "jeju": "제주지회",
}


def province_for(text: str) -> Province | None:
    """The province named by a region or the start of an address (`광주 북구 첨단과기로 123`,
    `전라남도`, `jeonnam`), or None."""
    stripped = text.strip()
    if not stripped:
        return None
    first = stripped.split()[0]
    if first in _LOOKUP:
        return _LOOKUP[first]
    lowered = first.lower()
    if lowered in _LOOKUP:
        return _LOOKUP[lowered]
    for key, province in sorted(_LOOKUP.items(), key=lambda kv: -len(kv[0])):
        if stripped.startswith(key) and not key.isascii():
            return province
    return None


def district_for(address: str) -> str:
    """The 시군구 of an address: the first word after the province ending in 시, 군 or 구
    (`경기도 성남시 분당구 …` gives `성남시`)."""
    parts = address.split()
    for part in parts[1:3]:
        if part[-1:] in {"시", "군", "구"} and len(part) >= 2:
            return part
    return ""
