"""Fixtures shared by every test: one small world with a user for each role."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import pytest

from bitgoeul.accounts.enums import MembershipRole, OrganizationKind
from bitgoeul.accounts.models import Organization, User
from bitgoeul.jobs.registry import JobKind
from tests.factories import (
    CompanyFactory,
    MembershipFactory,
    OrganizationFactory,
    ReviewerProfileFactory,
    UserFactory,
)


@dataclass
class World:
    operator_org: Organization
    association: Organization
    chapter: Organization
    other_chapter: Organization
    company: Organization
    other_company: Organization
    owner: User
    teammate: User
    outsider: User
    chapter_staff: User
    reviewer: User
    operator: User

    def user(self, role: str) -> User | None:
        return None if role == "anonymous" else getattr(self, role)


ROLES = ["anonymous", "owner", "teammate", "outsider", "chapter_staff", "reviewer", "operator"]


@pytest.fixture
def world(db: None) -> World:
    operator_org = OrganizationFactory.create(
        name="광주광역시 인공지능산업실", kind=OrganizationKind.OPERATOR
    )
    association = OrganizationFactory.create(name="벤처기업협회", kind=OrganizationKind.ASSOCIATION)
    chapter = OrganizationFactory.create(
        name="광주전남지회", kind=OrganizationKind.CHAPTER, parent=association
    )
    other_chapter = OrganizationFactory.create(
        name="부산지회", kind=OrganizationKind.CHAPTER, parent=association
    )
    company = CompanyFactory.create(name="(주)빛고을에이아이", parent=chapter)
    other_company = CompanyFactory.create(name="(주)부산로보틱스", parent=other_chapter)
    owner = MembershipFactory.create(organization=company, role=MembershipRole.ADMIN).user
    teammate = MembershipFactory.create(organization=company, role=MembershipRole.MEMBER).user
    outsider = MembershipFactory.create(organization=other_company, role=MembershipRole.ADMIN).user
    chapter_staff = MembershipFactory.create(organization=chapter, role=MembershipRole.STAFF).user
    reviewer = ReviewerProfileFactory.create().user
    operator = MembershipFactory.create(organization=operator_org, role=MembershipRole.STAFF).user
    return World(
        operator_org,
        association,
        chapter,
        other_chapter,
        company,
        other_company,
        owner,
        teammate,
        outsider,
        chapter_staff,
        reviewer,
        operator,
    )


@pytest.fixture
def owner(world: World) -> User:
    return world.owner


@pytest.fixture
def teammate(world: World) -> User:
    return world.teammate


@pytest.fixture
def outsider(world: World) -> User:
    return world.outsider


@pytest.fixture
def operator(world: World) -> User:
    return world.operator


@pytest.fixture(autouse=True)
def empty_cache() -> None:
    """Cached pages and figures of one test must not leak into the next."""
    from django.core.cache import cache

    cache.clear()


@pytest.fixture(autouse=True)
def var_dir(settings: pytest.FixtureRequest, tmp_path: Path) -> Path:
    """Job side files and anything else under VAR_DIR go to the test's own folder."""
    settings.VAR_DIR = tmp_path / "var"  # type: ignore[attr-defined]
    return tmp_path / "var"


@pytest.fixture(autouse=True)
def media_root(settings: pytest.FixtureRequest, tmp_path: Path) -> Path:
    settings.MEDIA_ROOT = tmp_path / "media"  # type: ignore[attr-defined]
    return tmp_path / "media"


@pytest.fixture(autouse=True)
def job_kinds(monkeypatch: pytest.MonkeyPatch) -> dict[str, JobKind]:
    """Job kinds a test registers are gone after it: the registry is a copy per test (the
    apps' own kinds, registered at start-up, are in it)."""
    from bitgoeul.jobs import registry

    kinds = dict(registry._KINDS)
    monkeypatch.setattr(registry, "_KINDS", kinds)
    return kinds


@pytest.fixture
def user_factory() -> type[UserFactory]:
    return UserFactory
