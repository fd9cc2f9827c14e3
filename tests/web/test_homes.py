"""Each role's home leads somewhere: its work queue with counts that link to the lists behind
them, and its next steps; one menu item is current; the status page for people."""

from __future__ import annotations

import re
from typing import Any

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from bitgoeul.accounts.enums import MembershipRole
from bitgoeul.audit.services import audit_record
from bitgoeul.companies.services.nominations import nomination_create
from bitgoeul.companies.services.profile import company_set_chapter_consent
from bitgoeul.companies.services.watchlists import watchlist_add
from bitgoeul.jobs.models import WorkerHeartbeat
from tests.companies.helpers import company_record, make_company
from tests.conftest import World
from tests.factories import MembershipFactory

pytestmark = pytest.mark.django_db
HOME = reverse("web:home")


def page(client: Client, url: str = HOME, language: str = "ko") -> str:
    client.cookies["django_language"] = language
    return client.get(url).content.decode()


def main(html: str) -> str:
    """The page's main content (without the header's menu and the footer)."""
    found = re.search(r"<main.*?</main>", html, re.S)
    assert found
    return found.group(0)


def links(html: str) -> list[str]:
    return re.findall(r'href="([^"]+)"', html)


def current_items(html: str) -> list[str]:
    """The main menu's items marked as the current page."""
    found = re.search(r'<nav class="main-nav".*?</nav>', html, re.S)
    assert found
    return re.findall(r'<a[^>]*aria-current="page"[^>]*>([^<]+)</a>', found.group(0))


# ---- company members (item 1) -------------------------------------------------------------


def test_every_company_member_has_my_company_in_the_menu(client: Client, world: World) -> None:
    company_record(world.company)
    detail = reverse("companies:detail", args=[world.company.pk])
    for user in (world.owner, world.teammate):
        client.force_login(user)
        html = page(client)
        assert re.findall(r'<a[^>]*href="([^"]+)"[^>]*>우리 기업</a>', html) == [detail]
        assert client.get(detail).status_code == 200
    client.force_login(world.chapter_staff)
    assert "우리 기업" not in page(client)


def test_an_administrator_sees_the_empty_fields_and_the_consent_step(
    client: Client, world: World
) -> None:
    company_record(world.company)  # as sign-up leaves it: nothing filled in
    client.force_login(world.owner)
    html = main(page(client))
    assert "다음 주요 항목이 비어 있습니다:" in html
    [section] = client.get(HOME).context["sections"]
    assert section.context["empty_fields"] == [
        "소개",
        "시도",
        "표준산업분류 코드",
        "AI 기술",
        "설립일",
        "대표자",
        "성장 단계",
        "종업원 수",
    ]
    assert reverse("companies:edit", args=[world.company.pk]) in links(html)
    assert "소속 지회(광주전남지회) 담당자가 연도별 실적" in html
    assert reverse("companies:detail", args=[world.company.pk]) + "#share-title" in links(html)
    # calls: a sentence, no link yet
    assert "지원사업의 공고가 열리면 이곳에 안내되며" in html


def test_a_filled_profile_has_no_empty_fields_and_a_member_of_two_sees_the_acting_one(
    client: Client, world: World
) -> None:
    company_record(world.company)
    filled = make_company(
        "(주)다채움",
        parent=world.chapter,
        description="영상 분석",
        province="29",
        ksic_code="62010",
        technologies=("vision",),
        founded_on="2020-01-02",
        representative="김하나",
        stage="seed",
        employees=5,
    )
    MembershipFactory.create(
        user=world.owner, organization=filled.organization, role=MembershipRole.ADMIN
    )
    client.force_login(world.owner)
    client.post(reverse("accounts:organization_switch"), {"organization": filled.pk})
    [section] = client.get(HOME).context["sections"]
    assert (section.context["company_id"], section.context["empty_fields"]) == (filled.pk, [])


def test_a_member_without_the_admin_role_is_not_asked_to_consent(
    client: Client, world: World
) -> None:
    company_record(world.company)
    client.force_login(world.teammate)
    html = main(page(client))
    assert "정보를 공유할지 정해 주세요" not in html
    assert "지원사업의 공고가 열리면" in html


def test_a_company_without_a_chapter_is_not_asked_to_share_with_one(
    client: Client, world: World
) -> None:
    alone = make_company("(주)지회없음")
    admin = MembershipFactory.create(organization=alone.organization, role=MembershipRole.ADMIN)
    client.force_login(admin.user)
    html = main(page(client))
    assert ("정보를 공유할지 정해 주세요" in html, "다음 주요 항목이 비어 있습니다" in html) == (
        False,
        True,
    )


def test_a_consenting_company_is_told_that_it_shares(client: Client, world: World) -> None:
    record = company_record(world.company)
    company_set_chapter_consent(company=record, actor=world.owner, consent=True)
    client.force_login(world.owner)
    html = main(page(client, language="en"))
    assert "You share your private data with the staff of your chapter (광주전남지회)" in html
    assert "Decide whether to share" not in html


# ---- staff (item 13) -----------------------------------------------------------------------


def test_chapter_staff_home_links_companies_nominations_and_watchlist(
    client: Client, world: World
) -> None:
    ours = make_company("(주)무등비전랩", parent=world.chapter)
    make_company("(주)부산해양", parent=world.other_chapter)
    nomination_create(company=ours, chapter=world.chapter, actor=world.chapter_staff, reason="r")
    watchlist_add(user=world.chapter_staff, company=ours)
    client.force_login(world.chapter_staff)
    response = client.get(HOME)
    [section] = response.context["sections"]
    assert section.context["counts"] == {"companies": 1, "pending_nominations": 1, "watchlist": 1}
    html = main(page(client))
    found = links(html)
    full_list = reverse("companies:list") + f"?chapter={world.chapter.pk}"
    assert reverse("companies:detail", args=[ours.pk]) in found
    assert full_list in found
    assert reverse("companies:nominations") in found
    assert reverse("companies:watchlist") in found
    assert "(주)부산해양" not in html
    assert "우리 지회 기업" in html


def test_the_association_home_says_all_chapters(client: Client, world: World) -> None:
    staff = MembershipFactory.create(organization=world.association, role=MembershipRole.STAFF)
    make_company("(주)무등비전랩", parent=world.chapter)
    make_company("(주)부산해양", parent=world.other_chapter)
    client.force_login(staff.user)
    html = main(page(client))
    assert "우리 지회" not in html
    assert "전체 지회의 기업" in html
    assert "(주)부산해양" in html
    # the list of every company, not one chapter's
    assert reverse("companies:list") in links(html)
    [section] = client.get(HOME).context["sections"]
    assert section.context["counts"]["companies"] == 2


# ---- operator ------------------------------------------------------------------------------


def test_operator_home_links_its_queue_and_reads_activity_as_sentences(
    client: Client, world: World
) -> None:
    ours = make_company("(주)무등비전랩", parent=world.chapter)
    nomination_create(company=ours, chapter=world.chapter, actor=world.chapter_staff, reason="r")
    audit_record(actor=world.operator, action="score.recompute", object_type="x", object_id=1)
    client.force_login(world.operator)
    html = main(page(client))
    found = links(html)
    for url in (
        reverse("companies:list"),
        reverse("companies:nominations"),
        reverse("companies:import_upload"),
        reverse("companies:list") + "?needs_review=on",
        reverse("audit:list"),
    ):
        assert url in found
    assert reverse("audit:recent") in html  # the activity comes after the page, as sentences
    recent = client.get(reverse("audit:recent"), HTTP_HX_REQUEST="true").content.decode()
    assert "잠재력 점수를 다시 계산했습니다" in recent
    assert "score.recompute" not in recent
    sections = client.get(HOME).context["sections"]
    assert sections[0].context == {
        "pending_nominations": 1,
        "imports_waiting": 0,
        "needs_review": 0,
    }


# ---- reviewer and visitors -----------------------------------------------------------------


def test_reviewer_home_shows_the_profile_and_the_next_steps(client: Client, world: World) -> None:
    client.force_login(world.reviewer)
    html = main(page(client))
    assert "컴퓨터 비전" in html
    assert "공고의 평가가 시작되면" in html
    assert reverse("accounts:account") in links(html)
    html_en = main(page(client, language="en"))
    assert "What happens when a call opens" in html_en


def test_visitors_get_a_link_to_the_public_directory(client: Client, world: World) -> None:
    html = main(page(client))
    assert reverse("companies:list") in links(html)
    assert "공개된 AI 기업 목록 보기" in html


# ---- query budgets -------------------------------------------------------------------------


@pytest.mark.parametrize(
    "role", ["anonymous", "owner", "teammate", "chapter_staff", "reviewer", "operator"]
)
def test_each_home_stays_within_its_query_budget(
    client: Client, world: World, role: str, django_assert_max_num_queries: Any
) -> None:
    company_record(world.company)
    for n in range(12):
        make_company(f"(주)예산{n}", parent=world.chapter)
    user = world.user(role)
    if user is not None:
        client.force_login(user)
    client.get(HOME)  # the page cache's own queries on a first view are not the page's
    with django_assert_max_num_queries(10):
        response = client.get(HOME)
    assert response.status_code == 200


def test_association_home_stays_within_its_query_budget(
    client: Client, world: World, django_assert_max_num_queries: Any
) -> None:
    staff = MembershipFactory.create(organization=world.association, role=MembershipRole.STAFF)
    client.force_login(staff.user)
    with django_assert_max_num_queries(10):
        assert client.get(HOME).status_code == 200


# ---- menu ----------------------------------------------------------------------------------


def test_one_menu_item_is_current_on_the_nominations_page(client: Client, world: World) -> None:
    client.force_login(world.chapter_staff)
    assert current_items(page(client, reverse("companies:nominations"))) == ["추천"]
    assert current_items(page(client, reverse("companies:list"))) == ["기업"]
    assert current_items(page(client)) == ["홈"]


def test_my_company_is_current_on_ones_own_company_page(client: Client, world: World) -> None:
    company_record(world.company)
    client.force_login(world.owner)
    assert current_items(page(client, reverse("companies:detail", args=[world.company.pk]))) == [
        "우리 기업"
    ]


# ---- status page ---------------------------------------------------------------------------


def test_the_footer_opens_the_status_page(client: Client, world: World) -> None:
    html = page(client)
    assert reverse("web:status") in links(html)
    assert reverse("web:healthz") not in links(html)


def test_status_page_in_both_languages_with_the_worker_heartbeat(
    client: Client, world: World
) -> None:
    WorkerHeartbeat.objects.create(name="host:1", last_seen=timezone.now())
    ko = page(client, reverse("web:status"))
    assert "서비스가 모두 정상적으로 작동하고 있습니다." in ko
    assert "마지막 신호:" in ko
    en = page(client, reverse("web:status"), language="en")
    assert "All parts of the service are working." in en
    assert client.get(reverse("web:healthz")).json()["worker"] == "ok"


def test_a_stale_worker_tells_operators_what_to_do_and_no_one_else(
    client: Client, world: World
) -> None:
    html = page(client, reverse("web:status"))
    assert "서비스 일부가 작동하지 않습니다" in html
    assert "bitgoeul worker" not in html
    client.force_login(world.owner)
    assert "bitgoeul worker" not in page(client, reverse("web:status"))
    client.force_login(world.operator)
    html = page(client, reverse("web:status"))
    assert "<code>bitgoeul worker</code>" in html
    assert "조치 방법" in html


@pytest.mark.parametrize(
    ("role", "language", "sentence"),
    [
        ("owner", "en", "as its administrator."),
        ("teammate", "en", "as a member."),
        ("owner", "ko", "에서 관리자로 활동하고 있습니다."),
        ("teammate", "ko", "에서 구성원으로 활동하고 있습니다."),
    ],
)
def test_the_home_says_for_whom_and_in_which_role_in_a_whole_sentence(
    client: Client, world: World, role: str, language: str, sentence: str
) -> None:
    user = world.user(role)
    assert user is not None
    client.force_login(user)
    client.cookies["django_language"] = language
    page = client.get(reverse("web:home")).content.decode()
    assert f"{world.company.name}{sentence}" in page or f"{world.company.name} {sentence}" in page


def test_the_company_home_names_the_chapter_in_english_on_english_pages(
    client: Client, world: World
) -> None:
    world.chapter.name_en = "Gwangju-Jeonnam chapter"
    world.chapter.save(update_fields=["name_en"])
    company_record(world.company)
    client.force_login(world.owner)
    client.cookies["django_language"] = "en"
    page = client.get(reverse("web:home")).content.decode()
    assert "(Gwangju-Jeonnam chapter)" in page
    assert world.chapter.name not in page
