"""The Kueue export against Kueue's own CRDs (v0.19.2, vendored in tests/data/kueue/).

Each document's apiVersion must be a version its CRD serves (the export writes the storage
version), its `spec` must pass the version's openAPIV3Schema (jsonschema_rs, Draft 4 as OpenAPI
3.0 schemas are), and — as `kubectl apply` with strict field validation does — an unknown field
is an error: the schemas' objects are closed unless they say `x-kubernetes-preserve-unknown-
fields`. CEL rules (`x-kubernetes-validations`) are not evaluated here; the export keeps clear
of them (borrowingLimit only with a cohort). Names must be DNS-1123 labels."""

from __future__ import annotations

import copy
import io
import re
from functools import cache
from pathlib import Path
from typing import Any

import jsonschema_rs
import pytest
import yaml
from django.core.management import call_command

from bitgoeul.compute.schedulers import KUEUE_API, NODE_LABEL
from tests.compute.factories_sched import (
    make_chapter,
    make_company,
    make_grant,
    make_member,
    make_pool,
    make_round,
)

CRDS = Path(__file__).resolve().parents[1] / "data" / "kueue"
DNS_LABEL = re.compile(r"^[a-z0-9]([-a-z0-9]{0,61}[a-z0-9])?$")


def _closed(schema: Any) -> Any:
    """The schema with every object that lists its properties closed to others."""
    if isinstance(schema, list):
        return [_closed(item) for item in schema]
    if not isinstance(schema, dict):
        return schema
    out = {key: _closed(value) for key, value in schema.items()}
    if (
        "properties" in out
        and "additionalProperties" not in out
        and not out.get("x-kubernetes-preserve-unknown-fields")
    ):
        out["additionalProperties"] = False
    return out


@cache
def crds() -> dict[str, dict[str, Any]]:
    """kind -> {"group", "versions": {name: {"served", "storage", "spec" validator}}}."""
    out: dict[str, dict[str, Any]] = {}
    for path in sorted(CRDS.glob("*.yaml")):
        crd = yaml.safe_load(path.read_text(encoding="utf-8"))
        versions = {}
        for version in crd["spec"]["versions"]:
            spec_schema = version["schema"]["openAPIV3Schema"]["properties"]["spec"]
            versions[version["name"]] = {
                "served": version["served"],
                "storage": version["storage"],
                "spec": jsonschema_rs.Draft4Validator(_closed(spec_schema)),
            }
        out[crd["spec"]["names"]["kind"]] = {"group": crd["spec"]["group"], "versions": versions}
    return out


def kueue_errors(doc: dict[str, Any]) -> list[str]:
    """Why Kubernetes with Kueue 0.19.2's CRDs would refuse the document (empty: it is valid)."""
    crd = crds().get(doc.get("kind", ""))
    if crd is None:
        return [f"no CRD for kind {doc.get('kind')!r}"]
    group, _, version = str(doc.get("apiVersion", "")).partition("/")
    served = crd["versions"].get(version)
    if group != crd["group"] or served is None or not served["served"]:
        return [f"{doc['kind']}: apiVersion {doc.get('apiVersion')!r} is not served"]
    meta = doc.get("metadata", {})
    errors = [
        f"metadata.{key} {meta[key]!r} is not a DNS-1123 label"
        for key in ("name", "namespace")
        if key in meta and not DNS_LABEL.match(str(meta[key]))
    ]
    if "name" not in meta:
        errors.append("metadata.name is missing")
    errors += [
        f"{doc['kind']} spec{''.join(f'/{step}' for step in error.instance_path)}: {error.message}"
        for error in served["spec"].iter_errors(doc.get("spec", {}))
    ]
    return errors


def test_the_vendored_crds_store_v1beta2_which_the_export_writes() -> None:
    assert {
        kind: sorted(name for name, v in crd["versions"].items() if v["storage"])
        for kind, crd in crds().items()
    } == {
        "ClusterQueue": ["v1beta2"],
        "Cohort": ["v1beta2"],
        "LocalQueue": ["v1beta2"],
        "ResourceFlavor": ["v1beta2"],
    }
    assert KUEUE_API == "kueue.x-k8s.io/v1beta2"


@pytest.fixture
def exported(db: None, tmp_path: Path) -> list[dict[str, Any]]:
    make_pool("a100")
    make_pool("h100")
    gwangju = make_chapter("chapter:gwangju", "광주전남지회")
    busan = make_chapter("chapter:busan", "부산지회")
    first = make_company(gwangju, "(주)빛고을에이아이", brn="1208112342")
    second = make_company(gwangju, "(주)무등데이터", brn="2208162517")
    third = make_company(busan, "(주)부산로보틱스", brn="6068112341")
    decided = make_round()
    # January 2027 has 744 hours: 1488 GPU-hours = 2 GPUs, 745 = 2 (rounded up), 744 = 1
    make_grant(first, {("h100", "2027-01"): 1488, ("a100", "2027-02"): 100}, round=decided)
    make_grant(second, {("a100", "2027-01"): 745}, reclaimed={("a100", "2027-01"): 1})
    make_grant(third, {("a100", "2027-01"): 744.5})
    make_member(first, "kim")
    out = tmp_path / "kueue.yaml"
    call_command(
        "compute", "export", "kueue", "--period", "2027-01", "-o", str(out), stderr=io.StringIO()
    )
    return list(yaml.safe_load_all(out.read_text(encoding="utf-8")))


def test_every_exported_document_is_valid_for_kueue_0_19(exported: list[dict[str, Any]]) -> None:
    assert [(doc["kind"], doc["metadata"]["name"]) for doc in exported] == [
        ("ResourceFlavor", "a100"),
        ("ResourceFlavor", "h100"),
        ("Cohort", "ch-busan"),
        ("Cohort", "ch-gwangju"),
        ("ClusterQueue", "co-6068112341"),
        ("ClusterQueue", "co-1208112342"),
        ("ClusterQueue", "co-2208162517"),
        ("LocalQueue", "co-6068112341"),
        ("LocalQueue", "co-1208112342"),
        ("LocalQueue", "co-2208162517"),
    ]
    assert {doc["metadata"]["name"]: kueue_errors(doc) for doc in exported} == {
        doc["metadata"]["name"]: [] for doc in exported
    }


def test_a_company_queue_has_its_gpus_of_the_month_in_its_chapter_cohort(
    exported: list[dict[str, Any]],
) -> None:
    queues = {d["metadata"]["name"]: d for d in exported if d["kind"] == "ClusterQueue"}
    assert queues["co-1208112342"]["spec"] == {
        "cohortName": "ch-gwangju",
        "namespaceSelector": {"matchLabels": {"kubernetes.io/metadata.name": "co-1208112342"}},
        "queueingStrategy": "BestEffortFIFO",
        "preemption": {"reclaimWithinCohort": "Any", "withinClusterQueue": "Never"},
        "resourceGroups": [
            {
                "coveredResources": ["nvidia.com/gpu"],
                "flavors": [
                    # A100 granted only in February: nothing in January, but it may borrow
                    {"name": "a100", "resources": [{"name": "nvidia.com/gpu", "nominalQuota": 0}]},
                    {"name": "h100", "resources": [{"name": "nvidia.com/gpu", "nominalQuota": 2}]},
                ],
            }
        ],
    }
    gpus = {
        name: [f["resources"][0] for f in q["spec"]["resourceGroups"][0]["flavors"]]
        for name, q in queues.items()
    }
    assert gpus["co-2208162517"] == [  # 744 net after the reclaim: 1; no H100 granted at all
        {"name": "nvidia.com/gpu", "nominalQuota": 1},
        {"name": "nvidia.com/gpu", "nominalQuota": 0, "borrowingLimit": 0},
    ]
    assert gpus["co-6068112341"][0] == {"name": "nvidia.com/gpu", "nominalQuota": 2}
    local = next(d for d in exported if d["kind"] == "LocalQueue")
    assert (local["metadata"]["namespace"], local["spec"]) == (
        "co-6068112341",
        {"clusterQueue": "co-6068112341"},
    )
    flavor = next(d for d in exported if d["kind"] == "ResourceFlavor")
    assert flavor["spec"] == {"nodeLabels": {NODE_LABEL: "a100"}}


def _break_quota(doc: dict[str, Any]) -> None:
    doc["spec"]["resourceGroups"][0]["flavors"][0]["resources"][0]["nominalQuota"] = "lots"


def _v1beta1_field(doc: dict[str, Any]) -> None:
    doc["spec"]["cohort"] = doc["spec"].pop("cohortName")  # the v1beta1 name


def _no_flavors(doc: dict[str, Any]) -> None:
    doc["spec"]["resourceGroups"][0]["flavors"] = []


def _bad_strategy(doc: dict[str, Any]) -> None:
    doc["spec"]["queueingStrategy"] = "Lottery"


def _unserved_version(doc: dict[str, Any]) -> None:
    doc["apiVersion"] = "kueue.x-k8s.io/v1alpha1"


def _upper_case_name(doc: dict[str, Any]) -> None:
    doc["metadata"]["name"] = "CO-1208112342"


@pytest.mark.parametrize(
    ("breakage", "error"),
    [
        (_break_quota, "ClusterQueue spec/resourceGroups/0/flavors/0/resources/0/nominalQuota"),
        (_v1beta1_field, "ClusterQueue spec: Additional properties are not allowed"),
        (_no_flavors, "ClusterQueue spec/resourceGroups/0/flavors: [] has less than 1 item"),
        (_bad_strategy, 'ClusterQueue spec/queueingStrategy: "Lottery" is not one of'),
        (_unserved_version, "ClusterQueue: apiVersion 'kueue.x-k8s.io/v1alpha1' is not served"),
        (_upper_case_name, "metadata.name 'CO-1208112342' is not a DNS-1123 label"),
    ],
)
def test_a_broken_document_fails_validation(
    exported: list[dict[str, Any]], breakage: Any, error: str
) -> None:
    queue = copy.deepcopy(next(d for d in exported if d["kind"] == "ClusterQueue"))
    assert kueue_errors(queue) == []
    breakage(queue)
    errors = kueue_errors(queue)
    assert [e[: len(error)] for e in errors] == [error], errors
