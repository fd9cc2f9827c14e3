"""The GPU agent's reports, as it sends them, through the real usage endpoint: every report
is accepted, resends add nothing, and the ledger holds each job's last totals."""

from __future__ import annotations

import json
from collections import defaultdict
from pathlib import Path

from django.db.models import Sum
from django.test import Client

from bitgoeul.accounts.services import api_token_create
from bitgoeul.compute.agent.fake import FakeClock
from bitgoeul.compute.models import UsageEntry
from tests.compute.test_agent_run import Recorder, make_agent
from tests.conftest import World


def test_the_agents_reports_reach_the_ledger_once(
    world: World, client: Client, tmp_path: Path
) -> None:
    clock = FakeClock()
    transport = Recorder(clock)
    make_agent(tmp_path, clock, transport).run(duration=40)
    assert len(transport.received) >= 3
    _, secret = api_token_create(user=world.operator, name="gpu07", scope="usage")

    def post(payload: dict[str, object]) -> dict[str, object]:
        response = client.post(
            "/api/v1/compute/usage",
            data=json.dumps(payload),
            content_type="application/json",
            HTTP_AUTHORIZATION=f"Bearer {secret}",
        )
        assert response.status_code == 200, response.content
        answer: dict[str, object] = response.json()
        return answer

    answers = [post(payload) for payload in transport.received]
    assert all(answer["skipped"] == [] for answer in answers)
    last: dict[str, float] = {}
    for payload in transport.received:
        for entry in payload["entries"]:
            last[entry["job"]] = entry["gpu_seconds"]
    ledger: dict[str, float] = defaultdict(float)
    for job, seconds in (
        UsageEntry.objects.filter(source="agent")
        .values("job")
        .annotate(total=Sum("gpu_seconds"))
        .values_list("job", "total")
    ):
        ledger[job] = seconds
    assert dict(ledger) == last
    # the whole stream again (a spool resent after an outage) adds nothing
    lines = UsageEntry.objects.count()
    again = [post(payload) for payload in transport.received]
    assert (UsageEntry.objects.count(), {a["new"] for a in again}) == (lines, {0})
