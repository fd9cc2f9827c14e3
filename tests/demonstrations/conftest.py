from __future__ import annotations

import pytest

from bitgoeul.accounts.models import User
from bitgoeul.demonstrations.models import Site
from tests.conftest import World
from tests.demonstrations.factories import SiteFactory, host_staff


@pytest.fixture
def site(world: World) -> Site:
    return SiteFactory.create()


@pytest.fixture
def host(site: Site) -> User:
    """Staff of the site's host institution."""
    return host_staff(site)
