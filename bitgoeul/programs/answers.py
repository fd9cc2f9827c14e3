"""An application's answers (`Application.data`) checked against its call's form fields.

Values are stored in JSON as: text → str, number → int (or a decimal string when it has a
fraction, so no float rounding creeps in), money → int (KRW), date → "YYYY-MM-DD", choice → the
option's value, rows → a list of {column key: value} (empty rows dropped). File fields hold no
value in `data`: their files are `ApplicationFile` rows.
"""

from __future__ import annotations

import datetime as dt
import re
from decimal import Decimal, InvalidOperation
from typing import Any

from django.utils.translation import get_language
from django.utils.translation import gettext as _

from bitgoeul.programs.enums import FieldKind, FieldMeaning
from bitgoeul.programs.models import FormField

SHORT_TEXT_MAX = 300
LONG_TEXT_MAX = 20_000
MAX_ROWS = 200
_DIGITS = re.compile(r"^-?\d+$")


class AnswerError(ValueError):
    """One value that does not fit its field; `message` is shown beside the field."""


def _text(value: Any, limit: int, *, single_line: bool) -> str | None:
    if value is None:
        return None
    if not isinstance(value, str):
        raise AnswerError(_("Enter text."))
    text = value.strip()
    if single_line and ("\n" in text or "\r" in text):
        raise AnswerError(_("Enter a single line."))
    if len(text) > limit:
        raise AnswerError(
            _("Enter at most %(limit)d characters (now %(length)d).")
            % {"limit": limit, "length": len(text)}
        )
    return text or None


def _number(value: Any) -> int | str | None:
    if value is None or (isinstance(value, str) and not value.strip()):
        return None
    if isinstance(value, bool):
        raise AnswerError(_("Enter a number."))
    try:
        number = Decimal(str(value).replace(",", "").strip())
    except InvalidOperation:
        raise AnswerError(_("Enter a number.")) from None
    if not number.is_finite():
        raise AnswerError(_("Enter a number."))
    if number == number.to_integral_value():
        return int(number)
    return str(number.normalize())


def _money(value: Any) -> int | None:
    if value is None or (isinstance(value, str) and not value.strip()):
        return None
    text = str(value).replace(",", "").replace("원", "").strip()
    if isinstance(value, bool) or not _DIGITS.match(text):
        raise AnswerError(_("Enter an amount in whole won, e.g. 50000000."))
    amount = int(text)
    if amount < 0:
        raise AnswerError(_("Enter an amount of zero or more."))
    return amount


def _date(value: Any) -> str | None:
    if value is None or (isinstance(value, str) and not value.strip()):
        return None
    try:
        return dt.date.fromisoformat(str(value).strip()).isoformat()
    except ValueError:
        raise AnswerError(_("Enter a date as YYYY-MM-DD.")) from None


def _choice(field: FormField, value: Any) -> str | None:
    if value is None or value == "":
        return None
    allowed = [str(option.get("value")) for option in field.options]
    if str(value) not in allowed:
        raise AnswerError(_("Choose one of the options."))
    return str(value)


_CELL: dict[str, Any] = {
    FieldKind.SHORT_TEXT: lambda v: _text(v, SHORT_TEXT_MAX, single_line=True),
    FieldKind.NUMBER: _number,
    FieldKind.MONEY: _money,
    FieldKind.DATE: _date,
}


def _rows(field: FormField, value: Any) -> list[dict[str, Any]] | None:
    if value is None or value == "":
        return None
    if not isinstance(value, list):
        raise AnswerError(_("Send the rows as a list."))
    if len(value) > MAX_ROWS:
        raise AnswerError(_("Enter at most %(limit)d rows.") % {"limit": MAX_ROWS})
    rows = []
    for number, row in enumerate(value, start=1):
        if not isinstance(row, dict):
            raise AnswerError(_("Row %(row)d: send each row as an object.") % {"row": number})
        cells: dict[str, Any] = {}
        for column in field.columns:
            clean = _CELL.get(column.get("kind", FieldKind.SHORT_TEXT), _CELL["short_text"])
            try:
                cells[column["key"]] = clean(row.get(column["key"]))
            except AnswerError as error:
                raise AnswerError(
                    _("Row %(row)d, %(column)s: %(error)s")
                    % {"row": number, "column": column_label(column), "error": error}
                ) from None
        if any(v is not None for v in cells.values()):
            rows.append(cells)
    return rows or None


def column_label(column: dict[str, Any]) -> str:
    """The label of a table's column (or of a choice's option) in the page's language."""
    if (get_language() or "ko").startswith("en") and column.get("label_en"):
        return str(column["label_en"])
    return str(column.get("label") or column.get("key") or column.get("value") or "")


def clean_value(field: FormField, value: Any) -> Any:
    """The value to store for the field (None when empty), or `AnswerError`."""
    kind = field.kind
    if kind == FieldKind.SHORT_TEXT:
        return _text(value, field.max_length or SHORT_TEXT_MAX, single_line=True)
    if kind == FieldKind.LONG_TEXT:
        return _text(value, field.max_length or LONG_TEXT_MAX, single_line=False)
    if kind == FieldKind.NUMBER:
        return _number(value)
    if kind == FieldKind.MONEY:
        return _money(value)
    if kind == FieldKind.DATE:
        return _date(value)
    if kind == FieldKind.CHOICE:
        return _choice(field, value)
    if kind == FieldKind.ROWS:
        return _rows(field, value)
    return None  # FILE: files are rows of their own


def clean_answers(
    fields: list[FormField], data: dict[str, Any]
) -> tuple[dict[str, Any], dict[str, str]]:
    """The cleaned values of the keys present in `data` (unknown keys dropped) and the
    errors by field key."""
    cleaned: dict[str, Any] = {}
    errors: dict[str, str] = {}
    for field in fields:
        if field.key not in data or field.kind == FieldKind.FILE:
            continue
        try:
            cleaned[field.key] = clean_value(field, data[field.key])
        except AnswerError as error:
            errors[field.key] = str(error)
    return cleaned, errors


def split_keywords(value: Any) -> list[str]:
    """Keywords from a text answer: separated by commas or new lines, each once."""
    if not value:
        return []
    seen: list[str] = []
    for part in re.split(r"[,\n;]", str(value)):
        word = part.strip()
        if word and word not in seen:
            seen.append(word)
    return seen[:20]


def meanings(fields: list[FormField], data: dict[str, Any]) -> dict[str, Any]:
    """Title, summary, requested amount and keywords taken from the fields with a meaning."""
    out: dict[str, Any] = {"title": "", "summary": "", "requested_amount": None, "keywords": []}
    for field in fields:
        value = data.get(field.key)
        if field.meaning == FieldMeaning.TITLE:
            out["title"] = str(value or "")[:300]
        elif field.meaning == FieldMeaning.SUMMARY:
            out["summary"] = str(value or "")
        elif field.meaning == FieldMeaning.REQUESTED_AMOUNT:
            out["requested_amount"] = value if isinstance(value, int) else None
        elif field.meaning == FieldMeaning.KEYWORDS:
            out["keywords"] = split_keywords(value)
    return out


def is_empty(value: Any) -> bool:
    return value is None or value == "" or value == []
