"""Staff's usage ledger page: filters and totals, assigning an unmatched account, the export
(formula-like cells neutralised, XLSX read back)."""

from __future__ import annotations

import csv
import datetime as dt
import io

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import translation
from django.utils.html import escape
from django.utils.translation import gettext
from openpyxl import load_workbook

from bitgoeul.compute.enums import UsageSource
from bitgoeul.compute.models import UsageEntry
from bitgoeul.compute.periods import SEOUL
from bitgoeul.compute.services.usage import UsageIn, usage_ingest
from tests.compute.ingest_fixtures import ledger
from tests.conftest import World

pytestmark = pytest.mark.django_db
START = dt.datetime(2026, 12, 1, 9, tzinfo=SEOUL)


def _usage(account: str) -> None:
    entries = [
        UsageIn(job="1", account=account, model="a100", started_at=START, gpu_seconds=7200),
        UsageIn(job="2", account="=HYPERLINK(1)", model="h100", started_at=START, gpu_seconds=3600),
    ]
    usage_ingest(source=UsageSource.SACCT, cluster="aidc", entries=entries, actor=None)


def test_the_ledger_filters_and_totals(client: Client, world: World) -> None:
    book = ledger()
    _usage(book.account)
    client.force_login(world.operator)
    url = reverse("compute:usage_ledger")
    page = client.get(url)
    assert page.status_code == 200
    assert (page.context["totals"].lines, page.context["totals"].gpu_hours) == (2, 3.0)
    assert [row["account"] for row in page.context["unmatched"]] == ["=HYPERLINK(1)"]
    matched = client.get(url, {"matched": "yes"})
    assert [line.job for line in matched.context["page"].object_list] == ["1"]
    bad = client.get(url, {"period": "12/2026"})
    assert "YYYY-MM" in bad.content.decode()


def test_staff_assign_an_unmatched_account_from_the_page(client: Client, world: World) -> None:
    book = ledger()
    _usage(book.account)
    client.force_login(world.operator)
    answer = client.post(
        reverse("compute:usage_assign"),
        {"cluster": "aidc", "account": "=HYPERLINK(1)", "grant": book.grant.pk},
    )
    assert answer.status_code == 302
    assert UsageEntry.objects.get(job="2").grant == book.grant
    missing = client.post(
        reverse("compute:usage_assign"), {"cluster": "aidc", "account": "x"}, follow=True
    )
    with translation.override("ko"):  # the page's language (html lang="ko")
        expected = gettext("Choose the grant this account's usage belongs to.")
    assert 'lang="ko"' in missing.content.decode()
    assert escape(expected) in missing.content.decode()


def test_the_export_neutralises_formulas_in_csv_and_xlsx(client: Client, world: World) -> None:
    book = ledger()
    _usage(book.account)
    client.force_login(world.operator)
    response = client.get(reverse("compute:usage_export", args=["csv"]), {"matched": "no"})
    text = b"".join(response.streaming_content).decode("utf-8-sig")  # type: ignore[attr-defined]
    rows = list(csv.reader(io.StringIO(text)))
    assert len(rows) == 2
    assert (rows[1][2], rows[1][5], rows[1][14]) == ("2", "'=HYPERLINK(1)", "1.0")
    response = client.get(reverse("compute:usage_export", args=["xlsx"]))
    sheet = load_workbook(io.BytesIO(response.content)).active
    assert sheet is not None
    values = list(sheet.iter_rows(values_only=True))
    assert len(values) == 3
    assert sorted(str(row[5]) for row in values[1:]) == ["'=HYPERLINK(1)", book.account]
