from __future__ import annotations

import datetime as dt

import pytest

from bitgoeul.companies.services.profile import venture_expiry


@pytest.mark.parametrize(
    ("issued", "expires"),
    [
        (dt.date(2025, 3, 10), dt.date(2028, 3, 9)),
        (dt.date(2024, 2, 29), dt.date(2027, 2, 28)),
        (dt.date(2025, 1, 1), dt.date(2027, 12, 31)),
    ],
)
def test_venture_certification_lasts_three_years(issued: dt.date, expires: dt.date) -> None:
    assert venture_expiry(issued) == expires
