"""One visibility rule per company (issue 8 items 2 and 3): filters, sorts, the API, exports and
the search form follow it; access checks only read; sign-up creates the company record."""

from __future__ import annotations

import csv
import datetime as dt
import importlib
from pathlib import Path
from typing import Any

import pytest
from django.apps import apps
from django.contrib.auth.models import AnonymousUser
from django.db import connection, transaction
from django.test import Client
from django.urls import reverse
from openpyxl import load_workbook

from bitgoeul.accounts.enums import MembershipRole
from bitgoeul.accounts.models import Membership, Organization
from bitgoeul.accounts.services import (
    membership_remove,
    membership_set_role,
    user_delete,
    user_sign_up,
)
from bitgoeul.audit.models import AuditEvent
from bitgoeul.companies import access
from bitgoeul.companies.exports import export_write
from bitgoeul.companies.forms import SearchForm
from bitgoeul.companies.models import Company, WatchlistEntry
from bitgoeul.companies.search import CompanyResults, SearchFilters, company_search
from bitgoeul.companies.services.profile import company_set_chapter_consent, company_update
from bitgoeul.companies.services.watchlists import watchlist_add
from bitgoeul.core.visibility import ViewLevel
from tests.companies.helpers import company_record, make_company, names
from tests.conftest import World
from tests.factories import CompanyFactory, MembershipFactory


def _figures(company: Company, **data: Any) -> Company:
    with transaction.atomic():
        return company_update(company=company, actor=None, data=data)


def _public(company: Company) -> Company:
    Company.objects.filter(pk=company.pk).update(is_public=True)
    company.refresh_from_db()
    return company


@pytest.fixture
def chapter_companies(world: World) -> dict[str, Company]:
    """In the Gwangju chapter: one sharing with it, one not; in Busan: one public company."""
    shared = _figures(company_record(world.company), employees=50, founded_on=dt.date(2015, 1, 1))
    company_set_chapter_consent(company=shared, actor=world.owner, consent=True)
    unshared = _figures(
        company_record(CompanyFactory.create(name="(주)비공유", parent=world.chapter)),
        employees=50,
        founded_on=dt.date(2012, 1, 1),
    )
    busan = _public(
        _figures(company_record(world.other_company), employees=50, founded_on=dt.date(2020, 1, 1))
    )
    return {"shared": shared, "unshared": unshared, "busan": busan}


# --- filters and sorts -----------------------------------------------------------------------


def test_visitors_learn_nothing_from_an_employee_filter(world: World, client: Client) -> None:
    """The binary search of the issue: a public company's private employee count."""
    _public(_figures(company_record(world.company), employees=37))
    anonymous = AnonymousUser()
    found = [
        names(company_search(viewer=anonymous, filters=SearchFilters(employees_min=n)))
        for n in (30, 40)
    ]
    assert found == [[], []]  # applies only where the visitor sees employees: nowhere
    ranked = CompanyResults(
        viewer=anonymous, text="빛고을", filters=SearchFilters(employees_min=30)
    )
    assert (ranked.count(), names(ranked[0:20])) == (0, [])
    pages = [
        client.get(reverse("companies:list"), {"employees_min": n}).context["page"].object_list
        for n in (30, 40)
    ]
    assert [names(p) for p in pages] == [["(주)빛고을에이아이"], ["(주)빛고을에이아이"]]
    response = client.get(reverse("companies:list"), {"employees_min": "40", "sort": "founded"})
    assert response.context["form"].refused == ["종업원 수 최소", "정렬"]
    assert "적용하지 않았습니다" in response.content.decode()


def test_filters_apply_only_where_the_viewer_sees_the_field(
    world: World, chapter_companies: dict[str, Company]
) -> None:
    def found(user: Any, **filters: Any) -> list[str]:
        return sorted(names(company_search(viewer=user, filters=SearchFilters(**filters))))

    # chapter staff see employees of the company sharing with them only, founding dates of
    # their chapter's companies only (the Busan company is public: its record is not)
    assert found(world.chapter_staff, employees_min=40) == ["(주)빛고을에이아이"]
    assert found(world.chapter_staff, founded_from=dt.date(2000, 1, 1)) == [
        "(주)비공유",
        "(주)빛고을에이아이",
    ]
    assert found(world.operator, employees_min=40) == [
        "(주)부산로보틱스",
        "(주)비공유",
        "(주)빛고을에이아이",
    ]
    # the Busan company's administrator sees its own figures, not others'
    assert found(world.outsider, employees_min=40) == ["(주)부산로보틱스"]


def test_sorting_by_a_hidden_field_ranks_only_where_it_is_visible(
    world: World, chapter_companies: dict[str, Company]
) -> None:
    ranked = names(company_search(viewer=world.chapter_staff, sort="founded"))
    # Busan was founded last, but chapter staff may not see its founding date: it comes after
    assert ranked == ["(주)빛고을에이아이", "(주)비공유", "(주)부산로보틱스"]
    ranked = names(company_search(viewer=world.operator, sort="founded"))
    assert ranked == ["(주)부산로보틱스", "(주)빛고을에이아이", "(주)비공유"]
    # visitors may not sort by a record field at all: name order
    ranked = names(company_search(viewer=AnonymousUser(), sort="founded"))
    assert ranked == ["(주)부산로보틱스"]


def test_search_form_offers_only_usable_filters_and_sorts(world: World) -> None:
    def offered(user: Any) -> tuple[list[str], list[str]]:
        form = SearchForm(viewer=user)
        sort = form.fields["sort"]
        return sorted(form.fields), [v for v, _label in sort.choices]  # type: ignore[attr-defined]

    public_fields = ["certification", "chapter", "province", "q", "section", "sort", "technology"]
    assert offered(AnonymousUser()) == (public_fields, ["relevance", "name"])
    assert offered(world.reviewer) == (public_fields, ["relevance", "name"])
    every = sorted(
        [*public_fields, "employees_max", "employees_min", "founded_from", "founded_until", "stage"]
    )
    everything = ["relevance", "potential", "growth", "name", "founded"]
    assert offered(world.chapter_staff) == (every, everything)
    assert offered(world.operator) == (sorted([*every, "needs_review"]), everything)


# --- API -------------------------------------------------------------------------------------


def test_api_refuses_filters_and_sorts_on_fields_visible_nowhere(
    world: World, client: Client
) -> None:
    client.force_login(world.reviewer)
    answers = [
        client.get("/api/v1/companies", query)
        for query in ({"employees_min": 5}, {"stage": "growth"}, {"sort": "founded"})
    ]
    assert [(a.status_code, a.json()["error"]["message"]) for a in answers] == [
        (422, "employees_min: this filter is not available to you"),
        (422, "stage: this filter is not available to you"),
        (422, "sort: founded is not available to you"),
    ]
    client.force_login(world.chapter_staff)
    assert client.get("/api/v1/companies", {"employees_min": 5}).status_code == 200


def test_api_detail_gives_stage_and_founding_date_from_the_record_level(
    world: World, client: Client
) -> None:
    company = _public(
        _figures(company_record(world.company), stage="growth", founded_on=dt.date(2019, 3, 4))
    )
    seen = {}
    for role in ("reviewer", "outsider", "chapter_staff", "owner"):
        client.force_login(world.user(role))  # type: ignore[arg-type]
        body = client.get(f"/api/v1/companies/{company.pk}").json()
        seen[role] = (body["stage"], body["founded_on"])
    assert seen == {
        "reviewer": (None, None),
        "outsider": (None, None),
        "chapter_staff": ("growth", "2019-03-04"),
        "owner": ("growth", "2019-03-04"),
    }


# --- exports ---------------------------------------------------------------------------------


def _csv(path: Path) -> list[list[str]]:
    with path.open(encoding="utf-8-sig", newline="") as handle:
        return list(csv.reader(handle))


def test_chapter_staff_export_another_chapters_public_company_as_public(
    world: World, chapter_companies: dict[str, Company], tmp_path: Path
) -> None:
    Company.objects.filter(pk=chapter_companies["busan"].pk).update(
        representative="부산대표", stage="growth"
    )
    path = tmp_path / "export.csv"
    export_write(company_search(viewer=world.chapter_staff), world.chapter_staff, path, "csv")
    rows = {row[0]: row for row in _csv(path)[1:]}
    brn, representative, stage, founded, employees = 2, 3, 9, 11, 12
    busan = rows["(주)부산로보틱스"]
    assert [busan[i] for i in (brn, representative, stage, founded, employees)] == [""] * 5
    unshared = rows["(주)비공유"]
    assert (unshared[founded], unshared[employees]) == ("2012-01-01", "")
    shared = rows["(주)빛고을에이아이"]
    assert (shared[founded], shared[employees]) == ("2015-01-01", "50")


@pytest.mark.parametrize("file_format", ["csv", "xlsx"])
def test_export_writes_formulas_as_text(world: World, tmp_path: Path, file_format: str) -> None:
    formula = '=HYPERLINK("http://evil.example","click")'
    make_company(formula, products="+cmd|' /C calc'!A0")
    path = tmp_path / f"export.{file_format}"
    export_write(company_search(viewer=world.operator), world.operator, path, file_format)
    if file_format == "csv":
        row = _csv(path)[1]
        assert (row[0], row[16]) == ("'" + formula, "'+cmd|' /C calc'!A0")
        return
    sheet = load_workbook(path).worksheets[0]
    cells = [cell for row in sheet.iter_rows() for cell in row]
    assert [c.coordinate for c in cells if c.data_type == "f"] == []
    assert sheet["A2"].value == "'" + formula


def test_export_keeps_the_lists_order(world: World, tmp_path: Path) -> None:
    for name in ("(주)다", "(주)가", "(주)나"):  # created out of name order
        make_company(name)
    path = tmp_path / "export.csv"
    queryset = company_search(viewer=world.operator, sort="name")
    export_write(queryset, world.operator, path, "csv")
    assert [row[0] for row in _csv(path)[1:]] == ["(주)가", "(주)나", "(주)다"]


# --- access checks only read; sign-up creates the record ---------------------------------------


def test_a_404_writes_nothing(world: World, client: Client) -> None:
    without_record = CompanyFactory.create(name="(주)기록없음", parent=world.chapter)
    before = (AuditEvent.objects.count(), Company.objects.count())
    assert client.get(reverse("companies:detail", args=[without_record.pk])).status_code == 404
    client.force_login(world.operator)
    assert client.get(reverse("companies:edit", args=[without_record.pk])).status_code == 404
    assert (AuditEvent.objects.count(), Company.objects.count()) == before


def test_a_company_that_signed_up_is_found_and_managed(world: World, client: Client) -> None:
    with transaction.atomic():
        admin = user_sign_up(
            email="seojin@newco.kr",
            name="윤서진",
            password="correct horse battery",
            language="ko",
            consents={"signup.required": True},
            company_name="(주)새빛인공지능",
            company_brn="1208147521",
        )
    org = Organization.objects.get(name="(주)새빛인공지능")
    client.force_login(world.operator)
    listed = client.get(reverse("companies:list"), {"q": "새빛"}).context["page"].object_list
    assert names(listed) == ["(주)새빛인공지능"]
    assert names(company_search(viewer=world.operator, text="새빛인공지능")) == ["(주)새빛인공지능"]
    client.force_login(admin)
    assert client.get(reverse("companies:edit", args=[org.pk])).status_code == 200
    page = client.get(reverse("companies:detail", args=[org.pk]))
    assert page.context["can_share"] is True
    assert reverse("companies:sharing", args=[org.pk]) in page.content.decode()
    response = client.post(reverse("companies:sharing", args=[org.pk]), {"is_public": "on"})
    assert (response.status_code, Company.objects.get(pk=org.pk).is_public) == (302, True)


def test_the_data_migration_gives_existing_companies_their_record(world: World) -> None:
    old = CompanyFactory.create(name="(주)예전가입", parent=world.chapter)
    migration = importlib.import_module(
        "bitgoeul.companies.migrations.0005_company_records_for_organizations"
    )

    class Editor:  # what RunPython hands the function: the connection and execute
        def __init__(self) -> None:
            self.connection = connection

        def execute(self, sql: str, params: list[Any]) -> None:
            with connection.cursor() as cursor:
                cursor.execute(sql, params)

    migration.forwards(apps, Editor())
    assert Company.objects.filter(pk=old.pk).count() == 1
    assert names(company_search(viewer=world.operator, text="예전가입")) == ["(주)예전가입"]
    assert old.parent_id == world.chapter.pk
    migration.forwards(apps, Editor())  # again: nothing missing, nothing added
    assert Company.objects.filter(pk=old.pk).count() == 1


# --- watchlists follow access ----------------------------------------------------------------


def test_a_watchlist_entry_goes_when_its_owner_loses_access(world: World) -> None:
    company = company_record(world.company)
    watchlist_add(user=world.chapter_staff, company=company)
    staff_membership = Membership.objects.get(user=world.chapter_staff)
    second = MembershipFactory.create(organization=world.chapter, role=MembershipRole.ADMIN)
    with transaction.atomic():
        membership_set_role(
            membership=staff_membership, role=MembershipRole.MEMBER, actor=second.user
        )
    assert WatchlistEntry.objects.filter(user=world.chapter_staff).count() == 1  # still follows
    with transaction.atomic():
        membership_remove(membership=staff_membership, actor=second.user)
    assert WatchlistEntry.objects.filter(user=world.chapter_staff).count() == 0
    event = AuditEvent.objects.filter(action="watchlist.remove").get()
    assert (event.before, event.after) == (
        {"company": company.pk, "user": world.chapter_staff.pk},
        {"reason": "access ended"},
    )


def test_a_deleted_account_keeps_no_watchlist_entry(world: World) -> None:
    company = company_record(world.company)
    watchlist_add(user=world.chapter_staff, company=company)
    with transaction.atomic():
        user_delete(user=world.chapter_staff)
    assert WatchlistEntry.objects.filter(user=world.chapter_staff).count() == 0


def test_the_watchlist_page_lists_only_companies_still_watchable(
    world: World, client: Client
) -> None:
    kept = company_record(world.company)
    moved = company_record(CompanyFactory.create(name="(주)이전회사", parent=world.chapter))
    for company in (kept, moved):
        watchlist_add(user=world.chapter_staff, company=company)
    Organization.objects.filter(pk=moved.pk).update(parent=world.other_chapter)
    client.force_login(world.chapter_staff)
    rows = client.get(reverse("companies:watchlist")).context["rows"]
    assert [row["entry"].company_id for row in rows] == [kept.pk]


def test_the_level_of_each_role(world: World) -> None:
    company = company_record(world.company)
    levels = {
        role: access.company_view_level(world.user(role), company)
        for role in ("owner", "chapter_staff", "outsider", "operator")
    }
    assert levels == {
        "owner": ViewLevel.PRIVATE,
        "chapter_staff": ViewLevel.RECORD,
        "outsider": ViewLevel.NONE,
        "operator": ViewLevel.PRIVATE,
    }


def test_the_level_and_its_filter_agree_for_every_role(
    world: World, chapter_companies: dict[str, Company]
) -> None:
    hq_staff = MembershipFactory.create(
        organization=world.association, role=MembershipRole.STAFF
    ).user
    every = list(Company.objects.select_related("organization"))
    disagreements = []
    for role in (
        "anonymous",
        "owner",
        "teammate",
        "outsider",
        "chapter_staff",
        "reviewer",
        "operator",
        "hq",
    ):
        user: Any = hq_staff if role == "hq" else (world.user(role) or AnonymousUser())
        for level in ViewLevel:
            by_filter = set(
                Company.objects.filter(access.companies_at_least(user, level)).values_list(
                    "pk", flat=True
                )
            )
            by_level = {c.pk for c in every if access.company_view_level(user, c) >= level}
            if by_filter != by_level:
                disagreements.append((role, level.name))
    assert disagreements == []
