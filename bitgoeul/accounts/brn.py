"""사업자등록번호 (business registration number): format and check digit."""

from __future__ import annotations

import unicodedata

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _

WEIGHTS = (1, 3, 7, 1, 3, 7, 1, 3, 5)


def brn_check_digit(first_nine: str) -> int:
    """The check digit for the first nine digits (National Tax Service rule)."""
    digits = [int(c) for c in first_nine]
    total = sum(d * w for d, w in zip(digits, WEIGHTS, strict=True)) + (digits[8] * 5) // 10
    return (10 - total % 10) % 10


ASCII_DIGITS = "0123456789"


def _typed_as_digit_or_separator(char: str) -> bool:
    """An ASCII digit, hyphen or space, or the full-width form a Korean input method types
    (`２`, `－`, the ideographic space). Other characters that Python counts as digits
    (`²`, `①`, Arabic-Indic digits) are not part of a registration number."""
    if char in ASCII_DIGITS or char in "- ":
        return True
    folded = unicodedata.normalize("NFKC", char)
    return unicodedata.east_asian_width(char) == "F" and folded in (*ASCII_DIGITS, "-", " ")


def brn_normalize(value: str) -> str:
    """ASCII digits only, after NFKC (full-width digits become ASCII ones): `120-81-47521`,
    `１２０８１４７５２１` and `1208147521` all give `1208147521`, so the uniqueness check sees
    one number however it was typed. Characters `validate_brn` refuses (`²`) are dropped, not
    folded into digits."""
    folded = (unicodedata.normalize("NFKC", c) for c in value if _typed_as_digit_or_separator(c))
    return "".join(c for c in folded if c in ASCII_DIGITS)


def brn_format(digits: str) -> str:
    return f"{digits[:3]}-{digits[3:5]}-{digits[5:]}"


def validate_brn(value: str) -> None:
    """Raise ValidationError saying what is wrong with a 사업자등록번호."""
    stripped = value.strip()
    if not all(_typed_as_digit_or_separator(c) for c in stripped):
        raise ValidationError(
            _("A business registration number has only digits and hyphens, like 120-81-47521."),
            code="brn_characters",
        )
    digits = brn_normalize(stripped)
    if len(digits) != 10:
        raise ValidationError(
            _("A business registration number has 10 digits (XXX-XX-XXXXX); this one has %(n)d.")
            % {"n": len(digits)},
            code="brn_length",
        )
    expected = brn_check_digit(digits[:9])
    if int(digits[9]) != expected:
        raise ValidationError(
            _(
                "The last digit of %(brn)s should be %(expected)d by the check-digit rule: "
                "please check the number on the registration certificate."
            )
            % {"brn": brn_format(digits), "expected": expected},
            code="brn_checksum",
        )
