"""Staff's scheduler files, a member's cluster login and a grant's "how to use" box."""

from __future__ import annotations

import pytest
import yaml
from django.contrib.auth.models import AnonymousUser
from django.contrib.messages import get_messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.template.loader import render_to_string
from django.test import Client, RequestFactory
from django.urls import reverse
from django.utils import translation

from bitgoeul.audit.models import AuditEvent
from bitgoeul.companies.models import Company
from bitgoeul.compute.models import ClusterLogin, Grant
from bitgoeul.compute.selectors_sched import grant_howto
from bitgoeul.compute.services.sched import cluster_login_set
from tests.compute.factories_sched import make_grant, make_pool, make_round
from tests.conftest import ROLES, World


@pytest.fixture
def grant(world: World) -> Grant:
    make_pool("a100")
    make_pool("h100")
    company = Company.objects.create(organization=world.company)
    return make_grant(company, {("h100", "2027-01"): 744}, round=make_round())


def test_staff_download_the_slurm_script_and_the_kueue_file(
    client: Client, world: World, grant: Grant
) -> None:
    client.force_login(world.operator)
    account = f"co-{world.company.brn}"
    slurm = client.get(reverse("compute:scheduler_export", args=["slurm"]))
    assert (slurm.status_code, slurm["Content-Type"]) == (200, "text/x-shellscript; charset=utf-8")
    assert slurm["Content-Disposition"].startswith('attachment; filename="bitgoeul-slurm-active-')
    text = slurm.content.decode()
    assert text.startswith("#!/bin/sh\n")
    assert f"ensure_account {account} ch-" in text
    kueue = client.get(reverse("compute:round_scheduler_export", args=[grant.round_id, "kueue"]))
    docs = list(yaml.safe_load_all(kueue.content.decode()))
    assert [(d["kind"], d["metadata"]["name"]) for d in docs if d["kind"] == "LocalQueue"] == [
        ("LocalQueue", account)
    ]
    assert client.get(reverse("compute:scheduler_export", args=["pbs"])).status_code == 404


def test_a_member_sets_their_login_from_the_grant_page_and_is_sent_back(
    client: Client, world: World
) -> None:
    client.force_login(world.teammate)
    url = reverse("compute:cluster_login_update")
    response = client.post(url, {"login": "kim_minji", "next": "/compute/grants/1"})
    assert (response.status_code, response["Location"]) == (302, "/compute/grants/1")
    assert ClusterLogin.objects.get(user=world.teammate).login == "kim_minji"
    refused = client.post(url, {"login": "Kim Minji", "next": "/compute/grants/1"})
    said = [m.message.split(".")[0] for m in get_messages(refused.wsgi_request)]
    assert (refused.status_code, said) == (  # the pages speak Korean unless told otherwise
        302,
        ["클러스터 계정 이름을 저장했습니다", "데이터센터가 발급한 그대로 적어 주세요"],
    )
    assert ClusterLogin.objects.get(user=world.teammate).login == "kim_minji"


@pytest.mark.django_db
@translation.override("en")
def test_the_login_service_validates_audits_changes_only_and_guards_who(world: World) -> None:
    owner, teammate = world.owner, world.teammate
    assert cluster_login_set(user=owner, login=" kim ", actor=owner) is not None
    assert cluster_login_set(user=owner, login="kim", actor=owner) is not None  # the same
    events = AuditEvent.objects.filter(action="cluster_login.set")
    assert [(e.before, e.after) for e in events] == [({"login": None}, {"login": "kim"})]
    for bad, says in [
        ("1kim", "lower-case letters"),
        ("a" * 33, "at most 32"),
        ("root", "system account"),
        ("kim", "another person's login"),
    ]:
        with pytest.raises(ValidationError, match=says):
            cluster_login_set(user=teammate, login=bad, actor=teammate)
    with pytest.raises(PermissionDenied):
        cluster_login_set(user=teammate, login="lee", actor=owner)  # not your own
    with pytest.raises(PermissionDenied):
        cluster_login_set(user=world.reviewer, login="rev", actor=world.reviewer)  # no company
    cluster_login_set(user=teammate, login="lee", actor=world.operator)  # staff may
    assert cluster_login_set(user=owner, login="", actor=owner) is None
    assert sorted(ClusterLogin.objects.values_list("login", flat=True)) == ["lee"]
    assert AuditEvent.objects.filter(action="cluster_login.set").count() == 3


@pytest.mark.django_db
def test_the_howto_is_for_the_company_and_staff_and_the_form_for_members(
    world: World, grant: Grant
) -> None:
    ClusterLogin.objects.create(user=world.owner, login="kim")
    account = f"co-{world.company.brn}"
    seen = {}
    for role in ROLES:
        howto = grant_howto(grant, world.user(role) or AnonymousUser())
        seen[role] = None if howto is None else (howto["login"], howto["form"] is not None)
    assert seen == {
        "anonymous": None,
        "owner": ("kim", True),
        "teammate": (None, True),
        "outsider": None,
        "chapter_staff": None,  # RECORD: the account is PRIVATE
        "reviewer": None,
        "operator": (None, False),
    }
    howto = grant_howto(grant, world.owner)
    assert howto is not None
    assert (howto["sbatch"], howto["queue_label"], howto["models"]) == (
        f"sbatch -A {account} --gres=gpu:h100:2 job.sh",
        f"kueue.x-k8s.io/queue-name: {account}",
        ["h100"],
    )
    request = RequestFactory().get("/compute/grants/7")
    request.user = world.owner
    html = render_to_string("compute/schedulers/_howto.html", {"howto": howto}, request=request)
    assert f"<code>sbatch -A {account} --gres=gpu:h100:2 job.sh</code>" in html
    assert 'value="/compute/grants/7"' in html
    assert 'value="kim"' in html


@pytest.mark.django_db
def test_the_download_buttons_show_for_staff_only() -> None:
    decided = make_round()
    template = "compute/schedulers/_export_buttons.html"
    staff = render_to_string(template, {"can_export_schedulers": True, "round": decided})
    assert [
        f"/compute/rounds/{decided.pk}/export/{kind}" in staff for kind in ("slurm", "kueue")
    ] == [True, True]
    everything = render_to_string(template, {"can_export_schedulers": True})
    assert 'href="/compute/export/kueue"' in everything
    hidden = render_to_string(template, {"can_export_schedulers": False, "round": decided})
    assert hidden.strip() == ""
