"""The URL × role rules of the notifications app (merged into tests/test_url_access.py)."""

from __future__ import annotations

from typing import Any

from bitgoeul.notifications.models import Notification
from tests.conftest import World
from tests.test_url_access import Rule, only, signed_in


def _owner_notification(w: World) -> dict[str, Any]:
    notice = Notification.objects.create(
        recipient=w.owner,
        kind="companies.score_jump",
        object_type="companies.company",
        object_id=str(w.company.pk),
        params={"before": 1, "after": 9},
    )
    return {"notification_id": notice.pk}


NOTIFICATIONS_RULES: dict[str, Rule] = {
    "notifications:list": Rule(signed_in(200)),
    "notifications:read_all": Rule(signed_in(302), method="post"),
    "notifications:read": Rule(
        only({"owner": 302}, otherwise=404), method="post", kwargs=_owner_notification
    ),
    "notifications:settings": Rule(signed_in(200)),
}
