"""How the audit pages name compute's objects: one query per kind, with only the columns the
name needs (a run's problem and result are the whole round's input and output, and must not be
read to print "round #2"), linked for compute staff only."""

from __future__ import annotations

from typing import Any

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from bitgoeul.audit.registry import audit_object_type_get
from bitgoeul.compute.models import SolveRun
from tests.compute.factories import make_grant, make_pool, make_round
from tests.conftest import World


def _resolve(code: str, ids: list[int], viewer: Any) -> dict[str, Any]:
    spec = audit_object_type_get(code)
    assert spec is not None and spec.resolve is not None
    return dict(spec.resolve([str(pk) for pk in ids], viewer))


@pytest.mark.django_db
def test_compute_objects_are_named_in_one_narrow_query_each(
    world: World, django_assert_num_queries: Any, django_assert_max_num_queries: Any
) -> None:
    pool = make_pool("h100", name="H100")
    rnd = make_round(["2026-12"], [pool], name="2026-12 배분")
    grant = make_grant(world.company, {(pool, "2026-12"): 10.0}, rnd=rnd, project="판독 모델")
    run = SolveRun.objects.create(round=rnd, number=2, problem={"requests": [1] * 1000})
    part = grant.parts.get()
    # the operator's rights are read once, before the timed resolvers
    _resolve("compute.round", [rnd.pk], world.operator)
    cases = {
        "compute.round": (rnd.pk, "2026-12 배분", reverse("compute:round", args=[rnd.pk])),
        "compute.solverun": (run.pk, "2026-12 배분 #2", reverse("compute:run", args=[run.pk])),
        "compute.computerequest": (
            grant.request_id,
            "판독 모델 ((주)빛고을에이아이)",
            reverse("compute:request", args=[grant.request_id]),
        ),
        "compute.grant": (
            grant.pk,
            "판독 모델 ((주)빛고을에이아이)",
            reverse("compute:grant_detail", args=[grant.pk]),
        ),
        "compute.grantpart": (
            part.pk,
            "판독 모델 · H100 2026-12",
            reverse("compute:grant_detail", args=[grant.pk]),
        ),
    }
    for code, (pk, name, url) in cases.items():
        with django_assert_num_queries(1):  # one query, no extra read of a deferred column
            ref = _resolve(code, [pk], world.operator)[str(pk)]
        assert (ref.name, ref.url) == (name, url), code
        with django_assert_max_num_queries(3):  # the owner's rights, read once: no link
            assert _resolve(code, [pk], world.owner)[str(pk)].url == "", code


@pytest.mark.django_db
def test_a_run_is_named_without_reading_its_problem_or_result(world: World) -> None:
    pool = make_pool("h100")
    rnd = make_round(["2026-12"], [pool])
    run = SolveRun.objects.create(round=rnd, number=1)
    with CaptureQueriesContext(connection) as captured:
        assert _resolve("compute.solverun", [run.pk], world.operator)[str(run.pk)].name
    (sql,) = [q["sql"] for q in captured.captured_queries if "compute_solverun" in q["sql"]]
    assert '"problem"' not in sql and '"result"' not in sql
