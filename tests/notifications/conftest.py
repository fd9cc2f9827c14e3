from __future__ import annotations

import pytest

from bitgoeul.companies.models import Company
from bitgoeul.companies.services.profile import company_profile_ensure
from tests.conftest import World


@pytest.fixture
def company(world: World) -> Company:
    """The world's company (in `world.chapter`), with its profile; it has not consented to
    share its private data with its chapter."""
    return company_profile_ensure(organization=world.company)
