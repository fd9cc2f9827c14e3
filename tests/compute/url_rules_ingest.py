"""The usage ledger's rows of the URL × role table (tests/test_url_access.py): staff's ledger
page, "assign to a grant" and the export are operator staff's only; the usage API opens to a
machine's usage token alone, so a signed-in person of any role gets 401."""

from __future__ import annotations

from typing import Any

from tests.compute.ingest_fixtures import ledger
from tests.conftest import World
from tests.test_url_access import Rule, everyone, only

STAFF_ONLY = only({"operator": 200}, otherwise=403)


def _assign(w: World) -> dict[str, Any]:
    return {"cluster": "aidc", "account": "lab-gpu", "grant": ledger().grant.pk}


RULES: dict[str, Rule] = {
    "compute:usage_ledger": Rule(STAFF_ONLY),
    "compute:usage_export": Rule(STAFF_ONLY, kwargs=lambda w: {"fmt": "xlsx"}),
    "compute:usage_assign": Rule(
        only({"operator": 302}, otherwise=403), method="post", data=_assign
    ),
    "api-1:usage_post": Rule(everyone(401), method="post", json=True),
    "api-1:usage_sacct_post": Rule(everyone(401), method="post"),
}
