from __future__ import annotations

import pytest
from django.core.exceptions import ValidationError
from django.utils import translation

from bitgoeul.accounts.brn import brn_check_digit, brn_format, brn_normalize, validate_brn


@pytest.mark.parametrize("value", ["120-81-47521", "1208147521", " 120 81 47521 "])
def test_validate_brn_accepts_valid_numbers(value: str) -> None:
    validate_brn(value)


def test_brn_check_digit_matches_the_published_example() -> None:
    assert brn_check_digit("120814752") == 1


def test_validate_brn_rejects_wrong_check_digit_naming_the_right_one() -> None:
    with pytest.raises(ValidationError) as caught:
        validate_brn("120-81-47522")
    assert caught.value.code == "brn_checksum"
    assert "120-81-47522" in caught.value.messages[0]
    assert "마지막 자리는 1이어야" in caught.value.messages[0]


def test_validate_brn_message_in_english() -> None:
    with translation.override("en"), pytest.raises(ValidationError) as caught:
        validate_brn("120-81-47522")
    assert caught.value.messages == [
        "The last digit of 120-81-47522 should be 1 by the check-digit rule: "
        "please check the number on the registration certificate."
    ]


def test_validate_brn_rejects_wrong_length_with_the_count() -> None:
    with pytest.raises(ValidationError) as caught:
        validate_brn("120-81-4752")
    assert caught.value.code == "brn_length"
    assert "9" in caught.value.messages[0]


def test_validate_brn_rejects_letters() -> None:
    with pytest.raises(ValidationError) as caught:
        validate_brn("12O-81-47521")
    assert caught.value.code == "brn_characters"


def test_brn_normalize_and_format_round_trip() -> None:
    assert brn_format(brn_normalize("120-81-47521")) == "120-81-47521"


def test_demo_brns_all_pass_the_check() -> None:
    import random

    from bitgoeul.web.demo import _brn

    rng = random.Random(1)
    for _ in range(200):
        validate_brn(_brn(rng))


@pytest.mark.parametrize("value", ["12081475²1", "12081475①1", "١٢٠٨١٤٧٥٢١", "120 81 4752¹"])
def test_validate_brn_answers_other_digit_characters_with_a_message(value: str) -> None:
    with pytest.raises(ValidationError) as caught:
        validate_brn(value)
    assert caught.value.code == "brn_characters"


def test_full_width_digits_are_valid_and_normalise_to_ascii() -> None:
    validate_brn("１２０－８１－４７５２１")
    assert brn_normalize("１２０－８１－４７５２１") == "1208147521"
    assert brn_normalize("12081475²1") == "120814751"  # not a digit of a number: dropped
