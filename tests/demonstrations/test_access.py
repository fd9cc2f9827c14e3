"""The one visibility rule of projects, per role, per object and as a filter, and who may act."""

from __future__ import annotations

from typing import Any

import pytest
from django.contrib.auth.models import AnonymousUser

from bitgoeul.accounts.models import User
from bitgoeul.core.visibility import ViewLevel
from bitgoeul.demonstrations import access
from bitgoeul.demonstrations.enums import ProjectState
from bitgoeul.demonstrations.models import Project, Site
from tests.conftest import ROLES, World
from tests.demonstrations.factories import SiteFactory, host_staff, make_project

pytestmark = pytest.mark.django_db

PRIVATE_ROLES = {"owner", "teammate", "operator"}


def _viewer(world: World, role: str) -> Any:
    return world.user(role) or AnonymousUser()


@pytest.mark.parametrize("role", ROLES)
def test_a_draft_is_seen_only_by_its_company_and_operator(
    world: World, site: Site, role: str
) -> None:
    project = make_project(world.company, site=site)
    level = access.project_view_level(_viewer(world, role), project)
    assert level == (ViewLevel.PRIVATE if role in PRIVATE_ROLES else ViewLevel.NONE)


@pytest.mark.parametrize("role", ROLES)
def test_a_published_approved_project_is_public_to_everyone_else(
    world: World, site: Site, role: str
) -> None:
    project = make_project(world.company, site=site, state=ProjectState.APPROVED, public=True)
    level = access.project_view_level(_viewer(world, role), project)
    assert level == (ViewLevel.PRIVATE if role in PRIVATE_ROLES else ViewLevel.PUBLIC)


@pytest.mark.parametrize(
    "state", [ProjectState.DRAFT, ProjectState.SUBMITTED, ProjectState.REJECTED]
)
def test_publishing_before_both_approvals_shows_nothing(
    world: World, site: Site, state: str
) -> None:
    project = make_project(world.company, site=site, state=state, public=True)
    assert access.project_view_level(world.outsider, project) == ViewLevel.NONE


def test_host_staff_see_their_sites_projects_only(world: World, site: Site, host: User) -> None:
    mine = make_project(world.company, site=site)
    other = make_project(world.company, site=SiteFactory.create(host__name="광주과학기술원"))
    assert access.project_view_level(host, mine) == ViewLevel.PRIVATE
    assert access.project_view_level(host, other) == ViewLevel.NONE


@pytest.mark.parametrize("role", [*ROLES, "host"])
@pytest.mark.parametrize("level", [ViewLevel.PUBLIC, ViewLevel.PRIVATE])
def test_the_filter_agrees_with_the_per_object_rule(
    world: World, site: Site, host: User, role: str, level: ViewLevel
) -> None:
    projects = [
        make_project(world.company, site=site),
        make_project(world.company, site=site, state=ProjectState.CLOSED, public=True),
        make_project(world.company, site=site, state=ProjectState.SUBMITTED, public=True),
        make_project(world.other_company, site=SiteFactory.create(host__name="광주테크노파크")),
        make_project(world.other_company, site=site, state=ProjectState.APPROVED, public=True),
    ]
    viewer = host if role == "host" else _viewer(world, role)
    expected = sorted(p.pk for p in projects if access.project_view_level(viewer, p) >= level)
    got = sorted(
        Project.objects.filter(access.projects_at_least(viewer, level)).values_list("pk", flat=True)
    )
    assert got == expected


def test_the_field_policy_hides_the_private_part_from_the_public() -> None:
    public = access.PROJECT_FIELDS.fields_for(ViewLevel.PUBLIC)
    assert {"risks", "permits", "bookings", "measurements", "report", "gpu_hours"} & public == set()
    assert {"title", "company", "site", "story", "kpis", "photos"} <= public
    with pytest.raises(KeyError, match="secret"):
        access.PROJECT_FIELDS.level_for("secret")


def test_approvals_are_split_between_host_and_operator(
    world: World, site: Site, host: User
) -> None:
    project = make_project(world.company, site=site, state=ProjectState.SUBMITTED)
    assert (
        access.can_approve_as_host(host, project),
        access.can_approve_as_operator(host, project),
    ) == (True, False)
    assert (
        access.can_approve_as_host(world.operator, project),
        access.can_approve_as_operator(world.operator, project),
    ) == (False, True)
    assert access.can_decide(world.owner, project) is False


def test_company_acts_follow_the_state(world: World, site: Site) -> None:
    draft = make_project(world.company, site=site)
    running = make_project(world.company, site=site, state=ProjectState.APPROVED)
    assert (
        access.can_edit_plan(world.teammate, draft),
        access.can_edit_plan(world.teammate, running),
    ) == (True, False)
    assert (
        access.can_record(world.teammate, draft),
        access.can_record(world.teammate, running),
    ) == (False, True)
    assert access.can_record(world.operator, running) is False
    assert access.can_edit_plan(world.outsider, draft) is False


def test_sites_are_managed_by_operator_staff_and_host_staff(
    world: World, site: Site, host: User
) -> None:
    other = SiteFactory.create(host__name="광주테크노파크")
    assert sorted(s.pk for s in access.sites_managed(host)) == [site.pk]
    assert sorted(s.pk for s in access.sites_managed(world.operator)) == sorted([site.pk, other.pk])
    assert (access.can_manage_sites(world.owner), access.can_manage_sites(host_staff(other))) == (
        False,
        True,
    )
