"""The scheduler area's rows of the URL × role table (tests/test_url_access.py).

The Slurm and Kueue files name every company's account and its members' logins: compute staff
only (403 for everyone else signed in). A person sets their own cluster login when they belong
to a company (owner, teammate, outsider) or are compute staff; others get 403."""

from __future__ import annotations

from typing import Any

from bitgoeul.compute.enums import RoundState
from bitgoeul.compute.models import Round
from tests.conftest import World
from tests.test_url_access import Rule, only


def _round(w: World) -> dict[str, Any]:
    found = Round.objects.create(name="2027 1차", state=RoundState.APPROVED, periods=["2027-01"])
    return {"round_id": found.pk, "kind": "kueue"}


STAFF_FILE = only({"operator": 200}, otherwise=403)

RULES: dict[str, Rule] = {
    "compute:scheduler_export": Rule(STAFF_FILE, kwargs=lambda w: {"kind": "slurm"}),
    "compute:round_scheduler_export": Rule(STAFF_FILE, kwargs=_round),
    "compute:cluster_login_update": Rule(
        only({"owner": 302, "teammate": 302, "outsider": 302, "operator": 302}, otherwise=403),
        method="post",
        data=lambda w: {"login": "kim_minji", "next": "/"},
    ),
}
