"""Every page renders in Korean and English for each role and state, without raw codes."""

from __future__ import annotations

import random
import re

import pytest
from django.test import Client
from django.urls import reverse

from bitgoeul.accounts.enums import OrganizationKind
from bitgoeul.accounts.models import User
from bitgoeul.demonstrations.demo import load_demonstrations
from bitgoeul.demonstrations.enums import ProjectState
from bitgoeul.demonstrations.models import Project, Site
from tests.conftest import World
from tests.demonstrations.factories import add_photo, add_report, make_project, measure
from tests.factories import CompanyFactory, OrganizationFactory

pytestmark = pytest.mark.django_db

# state and kind codes; English pages use the words themselves, so only the codes with an
# underscore are looked for there
RAW = {
    "ko": re.compile(
        r"\b(draft|submitted|returned|approved|reported|hospital_ward|personal_data)\b"
    ),
    "en": re.compile(r"\b(hospital_ward|personal_data)\b"),
}


def _get(client: Client, url: str, language: str) -> str:
    client.cookies["django_language"] = language
    response = client.get(url)
    assert response.status_code == 200, url
    return response.content.decode()


@pytest.mark.parametrize("language", ["ko", "en"])
@pytest.mark.parametrize("state", list(ProjectState.values))
@pytest.mark.parametrize("who", ["owner", "host", "operator"])
def test_the_project_page_renders_in_each_state_for_each_role(
    client: Client, world: World, site: Site, host: User, language: str, state: str, who: str
) -> None:
    project = make_project(world.company, site=site, state=state, public=True)
    measure(project.kpis.get(), "90")
    add_photo(project)
    if state in (ProjectState.REPORTED, ProjectState.CLOSED):
        add_report(project)
    project.permits.create(kind="personal_data", status="applied")
    client.force_login(host if who == "host" else getattr(world, who))
    page = _get(client, reverse("demonstrations:detail", args=[project.pk]), language)
    text = re.sub(r"<[^>]+>", " ", page)
    assert RAW[language].findall(text) == []


@pytest.mark.parametrize("language", ["ko", "en"])
def test_public_and_staff_pages_render(
    client: Client, world: World, site: Site, language: str
) -> None:
    project = make_project(world.company, site=site, state=ProjectState.CLOSED, public=True)
    for url in (
        reverse("demonstrations:showcase"),
        reverse("demonstrations:showcase_detail", args=[project.pk]),
    ):
        _get(client, url, language)
    client.force_login(world.operator)
    for url in (reverse("demonstrations:list"), reverse("demonstrations:sites")):
        _get(client, url, language)
    client.force_login(world.owner)
    for url in (
        reverse("demonstrations:create"),
        reverse("demonstrations:edit", args=[make_project(world.company, site=site).pk]),
    ):
        _get(client, url, language)


def test_demo_loader_makes_projects_in_five_states_and_is_safe_to_run_again(world: World) -> None:
    for n in range(1, 6):
        CompanyFactory.create(code=f"company-{n:03d}")
    from bitgoeul.accounts.models import Organization
    from tests.companies.helpers import company_record

    for org in Organization.objects.filter(code__startswith="company-"):
        company_record(org)
    OrganizationFactory.create(
        code="cnuh", name="전남대학교병원", kind=OrganizationKind.INSTITUTION
    )
    assert load_demonstrations(random.Random(1)) == "4 demonstration sites, 5 projects"
    assert load_demonstrations(random.Random(1)) == "4 demonstration sites, 0 projects"
    assert sorted(Project.objects.values_list("state", flat=True)) == sorted(
        ["closed", "approved", "reported", "submitted", "draft"]
    )
    assert Project.objects.filter(is_public=True).count() == 3
    assert Organization.objects.filter(code="cnuh").count() == 1
