"""Rows the applications tests share: an open call run by the operator's organisation with the
standard form (and a file and a table field), the world's company with a complete profile,
and a frozen server clock."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

import pytest
from django.db import transaction
from django.utils import timezone

from bitgoeul.accounts.models import User
from bitgoeul.companies.models import Company
from bitgoeul.programs.enums import FieldKind
from bitgoeul.programs.models import Application, Call, FormField
from bitgoeul.programs.services import applications as services
from tests.companies.helpers import company_record
from tests.conftest import World
from tests.programs.factories import CallFactory, FormFieldFactory, standard_form

DEADLINE = dt.datetime(2026, 6, 30, 18, 0, 0, tzinfo=dt.UTC)  # 2026-07-01 03:00 in Seoul
PDF = b"%PDF-1.7\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"


def profile(world: World, **fields: Any) -> Company:
    """The world's company record with a complete profile (Gwangju, founded 2022, 12
    employees), `fields` changed."""
    company = company_record(world.company)
    values: dict[str, Any] = {
        "province": "gwangju",
        "founded_on": dt.date(2022, 3, 1),
        "employees": 12,
        **fields,
    }
    Company.objects.filter(pk=company.pk).update(**values)
    return Company.objects.select_related("organization__parent").get(pk=company.pk)


def open_call(world: World, *, files: bool = False, rows: bool = False, **fields: Any) -> Call:
    """A published call of the operator's organisation, open now, with the standard form."""
    closes_at = fields.pop("closes_at", timezone.now() + dt.timedelta(days=14))
    values: dict[str, Any] = {
        "organizer": world.operator_org,
        "opens_at": min(timezone.now(), closes_at) - dt.timedelta(days=21),
        "closes_at": closes_at,
        **fields,
    }
    call = CallFactory.create(**values)
    standard_form(call)
    if files:
        FormFieldFactory.create(
            call=call, key="plan", kind=FieldKind.FILE, label="사업계획서", required=True
        )
    if rows:
        FormFieldFactory.create(
            call=call,
            key="budget",
            kind=FieldKind.ROWS,
            label="예산",
            label_en="Budget",
            columns=[
                {"key": "item", "label": "항목", "label_en": "Item", "kind": "short_text"},
                {"key": "amount", "label": "금액", "label_en": "Amount", "kind": "money"},
            ],
        )
    return call


ANSWERS = {
    "title": "영상 인식 기반 도로 점검",
    "summary": "딥러닝으로 도로 시설물을 점검합니다.",
    "amount": "50,000,000",
    "keywords": "컴퓨터 비전, 도로",
}


def start(call: Call, company: Company, user: User) -> Application:
    return services.application_start(call=call, company=company, actor=user)


def save(application: Application, user: User, data: dict[str, Any]) -> Application:
    return services.application_save_draft(
        application=application, actor=user, data=data, version=application.version
    )


def started(world: World, call: Call | None = None, **answers: Any) -> Application:
    """A draft of the world's company with the standard answers saved."""
    call = call or open_call(world)
    application = start(call, profile(world), world.owner)
    return save(application, world.owner, {**ANSWERS, **answers})


def submitted(world: World, call: Call | None = None) -> Application:
    application = started(world, call)
    services.application_submit(application=application, actor=world.owner)
    return application


def form_field(call: Call, key: str) -> FormField:
    return call.form_fields.get(key=key)


@contextmanager
def frozen(monkeypatch: pytest.MonkeyPatch, at: dt.datetime) -> Iterator[None]:
    """The server clock (`timezone.now`) stopped at `at`."""
    with monkeypatch.context() as patch:
        patch.setattr(timezone, "now", lambda: at)
        yield


def in_transaction(function: Any, **kwargs: Any) -> Any:
    with transaction.atomic():
        return function(**kwargs)
