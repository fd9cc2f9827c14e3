"""Names the platform defines (provinces, KSIC sections, chapters) follow the page's language;
names people entered stay as entered (issue 10, item 11)."""

from __future__ import annotations

import pytest
from django.conf import settings
from django.test import Client
from django.urls import reverse

from tests.companies.helpers import make_company
from tests.conftest import World

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize(
    ("language", "province", "chapter", "section"),
    [
        ("en", "Gwangju", "Gwangju-Jeonnam chapter", "J Information and communication"),
        ("ko", "광주광역시", "광주전남지회", "J 정보통신업"),
    ],
)
def test_company_list_names_regions_chapters_and_sectors_in_the_page_language(
    client: Client, world: World, language: str, province: str, chapter: str, section: str
) -> None:
    world.chapter.name_en = "Gwangju-Jeonnam chapter"
    world.chapter.save()
    make_company("(주)무등비전랩", parent=world.chapter, province="gwangju")
    client.force_login(world.operator)
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = language
    html = client.get(reverse("companies:list")).content.decode()
    assert f"<td>{province}</td>" in html
    assert f"<td>{chapter}</td>" in html
    assert f">{section}</option>" in html
    assert f">{province}</option>" in html
    assert f">{chapter}</option>" in html
    assert "(주)무등비전랩" in html
