"""One file row → validated profile values, or the reasons it cannot be imported."""

from __future__ import annotations

import datetime as dt
import functools
import re
from dataclasses import dataclass, field
from typing import Any

from django.core.exceptions import ValidationError
from django.core.validators import URLValidator
from django.utils.translation import gettext as _

from bitgoeul.accounts.brn import brn_normalize, validate_brn
from bitgoeul.companies.enums import Stage
from bitgoeul.companies.importing.fields import (
    BIGINT_MAX,
    INT_MAX,
    CellError,
    parse_date,
    parse_int,
    parse_website,
)
from bitgoeul.companies.ksic import division_for_name, normalise_ksic, validate_ksic
from bitgoeul.companies.regions import district_for, province_for

TEXT_LIMITS = {
    "name": 200,
    "name_en": 200,
    "representative": 100,
    "industry": 200,
    "address": 300,
    "stock_code": 12,
    "market": 20,
}
_SPLIT_TAGS = re.compile(r"[,/;·|]+")
_url = URLValidator(schemes=["http", "https"])
# Plain web addresses (`https://www.example.co.kr/path`) that URLValidator certainly accepts:
# checked with this one expression, the rest by URLValidator (a hundred times slower).
_PLAIN_URL = re.compile(
    r"(?i:https?)://(?:[A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?\.)+[A-Za-z]{2,63}"
    r"(?:/[^\s]*)?\Z"
)
_PLAIN_BRN = re.compile(r"[0-9]{10}|[0-9]{3}-[0-9]{2}-[0-9]{5}")


def _check_digit_ok(digits: str) -> bool:
    """`brn_check_digit(digits[:9]) == int(digits[9])` for ten ASCII digits, unrolled on the
    byte values (each digit's value plus 48; the weights 1 3 7 1 3 7 1 3 5 add up to 31)."""
    b = digits.encode("ascii")
    total = b[0] + 3 * b[1] + 7 * b[2] + b[3] + 3 * b[4] + 7 * b[5] + b[6] + 3 * b[7] + 5 * b[8]
    total += ((b[8] - 48) * 5) // 10 - 48 * 31
    return (10 - total % 10) % 10 == b[9] - 48


def _brn(text: str) -> str:
    """The digits of a valid 사업자등록번호; raises ValidationError saying what is wrong."""
    if _PLAIN_BRN.fullmatch(text):  # the common case, without the general checks
        digits = text.replace("-", "")
        if _check_digit_ok(digits):
            return digits
    validate_brn(text)
    return brn_normalize(text)


def _valid_url(url: str) -> bool:
    if _PLAIN_URL.match(url):
        return True
    try:
        _url(url)
    except ValidationError:
        return False
    return True


@functools.lru_cache(maxsize=4096)  # files repeat a few thousand codes
def _ksic_code(text: str) -> str | None:
    """The normalised code of a valid KSIC code, None for an invalid one."""
    try:
        validate_ksic(text)
    except ValidationError:
        return None
    return normalise_ksic(text)


_province = functools.lru_cache(maxsize=1024)(province_for)


@dataclass
class ParsedRow:
    row: int
    values: dict[str, Any]  # profile values to write (only the cells that had something)
    brn: str = ""
    technologies: list[int] = field(default_factory=list)  # Technology ids
    year: int | None = None  # the year the employees and revenue figures are for
    errors: list[str] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)


def _stage(text: str) -> str | None:
    wanted = text.strip().lower()
    for stage in Stage:
        if wanted in {stage.value, str(stage.label).lower()}:
            return stage.value
    return None


def parse_row(
    row: int,
    cells: dict[str, str],
    *,
    revenue_unit: int,
    technologies: dict[str, int],
    today: dt.date,
) -> ParsedRow:
    """Parse the mapped cells of one row. `technologies` maps lower-case codes and names to
    Technology ids. Every problem is collected (not only the first) so the person fixing the
    file sees them all at once."""
    parsed = ParsedRow(row=row, values={})
    values = parsed.values
    get = cells.get
    for code, limit in TEXT_LIMITS.items():
        text = get(code, "").strip()
        if len(text) > limit:
            parsed.errors.append(
                _("%(field)s is longer than %(limit)d characters") % {"field": code, "limit": limit}
            )
        elif text:
            values[code] = text
    for code in ("products", "description", "description_en"):
        text = get(code, "").strip()
        if text:
            values[code] = text
    brn_text = get("brn", "").strip()
    if brn_text:
        try:
            parsed.brn = _brn(brn_text)
        except ValidationError as exc:
            parsed.errors.extend(exc.messages)
    if not values.get("name") and not parsed.brn and not parsed.errors:
        parsed.errors.append(_("neither a company name nor a business registration number"))
    for code in ("employees", "patents", "revenue", "founded_on", "year", "listed_on"):
        text = get(code, "").strip()
        if not text:
            continue
        try:
            if code == "founded_on":
                founded = parse_date(text)
                if founded and founded > today:
                    parsed.errors.append(
                        _("the founding date %(date)s is in the future")
                        % {"date": founded.isoformat()}
                    )
                values[code] = founded
            elif code == "listed_on":
                values[code] = parse_date(text)
            elif code == "year":
                year = parse_int(text, maximum=INT_MAX)
                if year is None or not 1950 <= year <= today.year:
                    parsed.errors.append(_("“%(text)s” is not a year") % {"text": text})
                parsed.year = year
            else:
                if code == "revenue":
                    values[code] = parse_int(text, revenue_unit, BIGINT_MAX)
                else:
                    values[code] = parse_int(text, maximum=INT_MAX)
        except CellError as exc:
            parsed.errors.append(str(exc))
    month_text = get("fiscal_month", "").strip().removesuffix("월")
    if month_text:
        if month_text.isdigit() and 1 <= int(month_text) <= 12:
            values["fiscal_month"] = int(month_text)
        else:
            parsed.errors.append(_("“%(text)s” is not a month") % {"text": month_text})
    ksic = get("ksic_code", "").strip()
    industry = values.get("industry", "")
    if not ksic and industry and normalise_ksic(industry).isdigit():
        ksic, industry = industry, ""
        values.pop("industry", None)
    if ksic:
        ksic_code = _ksic_code(ksic)
        if ksic_code is not None:
            values["ksic_code"] = ksic_code
        else:
            try:
                validate_ksic(ksic)  # raises, saying what is wrong in the active language
            except ValidationError as exc:
                parsed.errors.extend(exc.messages)
    elif industry and division_for_name(industry):
        values["ksic_code"] = division_for_name(industry)
    region = get("region", "").strip()
    address = values.get("address", "")
    province = _province(region) if region else None
    if region and province is None:
        parsed.warnings.append(_("unknown region “%(region)s”") % {"region": region})
    province = province or (province_for(address) if address else None)
    if province:
        values["province"] = province.code
    district = district_for(address) if address else ""
    if district:
        values["district"] = district
    website = get("website", "").strip()
    if website:
        url = parse_website(website)
        if _valid_url(url):
            values["website"] = url
        else:
            parsed.warnings.append(_("the website “%(url)s” was left out") % {"url": website})
    stage_text = get("stage", "").strip()
    if stage_text:
        stage = _stage(stage_text)
        if stage:
            values["stage"] = stage
        else:
            parsed.warnings.append(_("unknown stage “%(stage)s”") % {"stage": stage_text})
    tags = get("technologies", "")
    for tag in _SPLIT_TAGS.split(tags) if tags else ():
        key = tag.strip().lower()
        if not key:
            continue
        if key in technologies:
            parsed.technologies.append(technologies[key])
        else:
            parsed.warnings.append(_("unknown AI technology “%(tag)s”") % {"tag": tag.strip()})
    return parsed
