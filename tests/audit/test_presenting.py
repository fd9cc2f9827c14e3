"""The audit trail as people read it: sentences, names with links, before/after lists, filters."""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

import pytest
from django.db import transaction
from django.test import Client
from django.urls import reverse
from django.utils import translation

import bitgoeul
from bitgoeul.accounts.models import Membership
from bitgoeul.audit.forms import AuditFilterForm
from bitgoeul.audit.models import AuditEvent
from bitgoeul.audit.presenters import money_label
from bitgoeul.audit.registry import audit_actions
from bitgoeul.audit.selectors import audit_event_sentence, audit_events_present
from bitgoeul.audit.services import audit_record
from bitgoeul.companies.models import Technology
from tests.companies.helpers import company_record
from tests.conftest import World

pytestmark = pytest.mark.django_db

SOURCE = Path(bitgoeul.__file__).parent
# `action="code"`, also in `action="a" if x else "b"`: every quoted dotted code on the line
ACTION_LINE = re.compile(r"\baction=(.+)")
CODE = re.compile(r'"([a-z_]+\.[a-z_]+)"')
HANGUL = re.compile(r"[가-힣]")


def written_action_codes() -> set[str]:
    codes = set()
    for path in SOURCE.rglob("*.py"):
        if "migrations" in path.parts:
            continue
        for line in path.read_text(encoding="utf-8").splitlines():
            match = ACTION_LINE.search(line)
            if match:
                codes.update(CODE.findall(match.group(1)))
    return codes


def test_every_action_written_in_the_source_has_a_sentence_in_both_languages() -> None:
    codes = written_action_codes()
    assert {"company.update", "score.recompute", "demo.load", "watchlist.note"} <= codes
    registered = audit_actions()
    assert sorted(codes - set(registered)) == []
    for code in codes:
        sentence = registered[code].sentence
        with translation.override("ko"):
            korean = str(sentence)
        with translation.override("en"):
            english = str(sentence)
        assert HANGUL.search(korean), (code, korean)
        assert "%(actor)s" in korean and "%(actor)s" in english, code
        assert not HANGUL.search(english), (code, english)
        assert "(" not in korean.replace("%(actor)s", "").replace("%(object)s", ""), code
        # the subject brings its own honorific and particle ("김민수 님이", "시스템이")
        assert not re.search(r"%\(actor\)s\s*님", korean), (code, korean)


def record(actor: Any, action: str, **kwargs: Any) -> AuditEvent:
    with transaction.atomic():
        return audit_record(actor=actor, action=action, **kwargs)


def test_a_company_change_reads_as_a_sentence_with_a_link_and_a_before_after_list(
    world: World,
) -> None:
    company = company_record(world.company)
    event = record(
        world.owner,
        "company.update",
        obj=company,
        before={"revenue": 250_000_000, "is_public": False, "founded_on": None},
        after={"revenue": 1_200_000_000, "is_public": True, "founded_on": "2019-03-04"},
    )
    with translation.override("ko"):
        [view] = audit_events_present([event], viewer=world.operator)
        assert view.sentence == (
            f'{world.owner.name} 님이 <a href="/companies/{company.pk}/">'
            f"{world.company.name}</a>의 기업 정보를 고쳤습니다."
        )
        assert [(c.label, c.before, c.after) for c in view.changes] == [
            ("매출액", "2억 5,000만원", "12억원"),
            ("공개 프로필", "아니요", "예"),
            ("설립일", "—", "2019년 3월 4일"),
        ]
    with translation.override("en"):
        sentence = audit_event_sentence(event, viewer=world.operator)
        assert sentence == (
            f'{world.owner.name} changed the company profile of <a href="/companies/'
            f'{company.pk}/">{world.company.name}</a>.'
        )


def test_ids_of_people_are_names_at_display_time_and_erased_people_tombstones(
    world: World,
) -> None:
    membership = Membership.objects.get(user=world.teammate, organization=world.company)
    event = record(
        world.owner,
        "membership.set_role",
        obj=membership,
        before={"role": "member", "user": world.teammate.pk},
        after={"role": "admin", "user": world.teammate.pk},
    )
    with translation.override("ko"):
        [view] = audit_events_present([event], viewer=world.operator)
        assert view.sentence == (
            f"{world.owner.name} 님이 {world.company.name}의 {world.teammate.name} 님의 "
            "역할을 바꿨습니다."
        )
        assert [(c.label, c.before, c.after) for c in view.changes] == [
            ("역할", "구성원", "관리자"),
            ("사람", world.teammate.name, world.teammate.name),
        ]
    world.owner.deleted_at = world.owner.date_joined
    world.owner.save()
    event = AuditEvent.objects.select_related("actor").get(pk=event.pk)
    with translation.override("ko"):
        assert str(audit_event_sentence(event, viewer=world.operator)).startswith(
            f"삭제된 사용자 #{world.owner.pk} 님이 "
        )


def test_unknown_codes_and_vanished_objects_never_show_codes(world: World) -> None:
    unknown = record(world.owner, "something.new", object_type="companies.scorerun", object_id=99)
    bare = record(None, "other.thing")
    with translation.override("ko"):
        first, second = audit_events_present([unknown, bare], viewer=world.operator)
        assert (
            first.sentence == f"{world.owner.name} 님이 점수 계산 #99에 변경 사항을 기록했습니다."
        )
        assert second.sentence == "시스템이 변경 사항을 기록했습니다."


def test_money_is_shown_with_units() -> None:
    with translation.override("ko"):
        assert [money_label(v) for v in (0, 3_000, 10_000, 2_500_000_000, 120_005_000)] == [
            "0원",
            "3,000원",
            "1만원",
            "25억원",
            "1억 2,000만 5,000원",
        ]
    with translation.override("en"):
        assert money_label(2_500_000_000) == "KRW 2,500,000,000"


def many_events(world: World, count: int) -> None:
    company = company_record(world.company)
    other = company_record(world.other_company)
    membership = Membership.objects.get(user=world.teammate, organization=world.company)
    tech = Technology.objects.create(code="audit-test", name="컴퓨터 비전", name_en="Vision")
    for n in range(count):
        kind = n % 5
        if kind == 0:
            record(world.owner, "company.update", obj=company, after={"employees": n})
        elif kind == 1:
            record(
                world.operator,
                "nomination.create",
                object_type="companies.company",
                object_id=other.pk,
                after={"company": other.pk, "chapter": world.chapter.pk},
            )
        elif kind == 2:
            record(world.owner, "membership.set_role", obj=membership, after={"role": "admin"})
        elif kind == 3 and n < 10:
            record(world.operator, "technology.save", obj=tech, after={"is_active": True})
        elif kind == 3:
            record(world.owner, "company.set_public", obj=other, after={"is_public": True})
        else:
            record(
                world.teammate, "user.update", obj=world.teammate, after={"user": world.owner.pk}
            )


def test_the_audit_page_shows_sentences_and_changes_within_a_query_budget(
    client: Client, world: World, django_assert_max_num_queries: Any
) -> None:
    many_events(world, 60)
    client.force_login(world.operator)
    with django_assert_max_num_queries(10):
        response = client.get(reverse("audit:list"), HTTP_ACCEPT_LANGUAGE="ko")
    page = response.content.decode().split('<div id="audit-rows">', 1)[1]
    assert len(response.context["rows"]) == 50
    assert (
        f'<a href="/companies/{world.company.pk}/">{world.company.name}</a>의 기업 정보를' in page
    )
    assert "<dt>종업원 수</dt>" in page or "<dt>직원 수</dt>" in page
    assert "companies.company" not in page and "{&#x27;" not in page
    assert "technology.save" not in page and "membership.set_role" not in page
    assert '<span class="audit-before">' not in page  # only "after" values here
    assert "<dd>예</dd>" in page


def test_filters_are_choices(client: Client, world: World) -> None:
    many_events(world, 10)
    form = AuditFilterForm()
    groups = dict(form.fields["action"].choices)  # type: ignore[attr-defined]
    with translation.override("en"):
        companies = dict(AuditFilterForm().fields["action"].choices)["Companies"]  # type: ignore[attr-defined]
    assert ("company.update", "changed the company profile of ○○") in companies
    assert "" in groups
    client.force_login(world.operator)
    response = client.get(
        reverse("audit:list"), {"action": "technology.save", "object_type": "companies.technology"}
    )
    assert {row.event.action for row in response.context["rows"]} == {"technology.save"}
    response = client.get(reverse("audit:list"), {"actor": world.teammate.name[1:]})
    assert {row.event.actor for row in response.context["rows"]} == {world.teammate}
    response = client.get(reverse("audit:list"), {"action": "no.such"})
    assert response.context["form"].errors.keys() == {"action"}
    page = client.get(reverse("audit:list")).content.decode()
    assert '<select name="action"' in page and '<optgroup label="' in page
    assert '<select name="object_type"' in page


def test_weights_show_signal_names_and_task_parameters_stay_out_of_the_page(
    world: World,
) -> None:
    from bitgoeul.companies.models import ScoreWeights
    from bitgoeul.jobs.models import Job

    weights = ScoreWeights.objects.get(version=1)
    job = Job.objects.create(owner=world.operator, kind="audit.export", title="감사 기록 내보내기")
    events = [
        record(
            world.operator,
            "score.weights_create",
            obj=weights,
            after={"weights": {"revenue_growth": 20}},
        ),
        record(world.operator, "job.start", obj=job, after={"kind": "audit.export"}),
    ]
    with translation.override("ko"):
        first, second = audit_events_present(events, viewer=world.operator)
        assert [(c.label, c.after) for c in first.changes] == [("가중치", "매출 성장률: 20")]
        assert (second.changes, second.has_after) == ([], False)
        assert second.sentence == (
            f'{world.operator.name} 님이 <a href="/jobs/{job.pk}/">감사 기록 내보내기</a> '
            "작업을 시작했습니다."
        )


def test_the_date_range_filter_keeps_the_events_of_those_days(client: Client, world: World) -> None:
    import datetime as dt

    from django.utils import timezone

    old = record(world.owner, "user.update", obj=world.owner)
    new = record(world.owner, "user.update", obj=world.owner)
    today = timezone.localdate()
    client.force_login(world.operator)
    response = client.get(reverse("audit:list"), {"since": today.isoformat()})
    assert {row.event.pk for row in response.context["rows"]} == {old.pk, new.pk}
    tomorrow = (today + dt.timedelta(days=1)).isoformat()
    response = client.get(reverse("audit:list"), {"since": tomorrow})
    assert response.context["rows"] == []
    response = client.get(reverse("audit:list"), {"since": tomorrow, "until": today.isoformat()})
    assert response.context["form"].errors.keys() == {"until"}


def test_notification_settings_read_by_kind_name(world: World) -> None:
    from bitgoeul.notifications.registry import kinds

    kind = kinds()[0]
    event = record(
        world.owner,
        "notification_preferences.set",
        obj=world.owner,
        before={kind.code: {"in_app": True, "email": True}},
        after={kind.code: {"in_app": True, "email": False}},
    )
    with translation.override("ko"):
        [view] = audit_events_present([event], viewer=world.operator)
        assert [(c.label, c.before, c.after) for c in view.changes] == [
            (str(kind.label), "화면 알림: 예; 이메일로: 예", "화면 알림: 예; 이메일로: 아니요")
        ]


def test_an_account_change_names_the_fields_and_the_language(world: World) -> None:
    event = record(
        world.owner,
        "user.update",
        obj=world.owner,
        before={"fields": ["language"], "language": "ko"},
        after={"fields": ["language"], "language": "en"},
    )
    with translation.override("ko"):
        [view] = audit_events_present([event], viewer=world.operator)
        language = translation.gettext("preferred language")
        assert [(c.label, c.before, c.after) for c in view.changes] == [
            ("바뀐 항목", language, language),
            (language, "한국어", "English"),
        ]


def test_filter_selects_show_the_chosen_options_grouped(client: Client, world: World) -> None:
    """The filter's selects are written by the audit's own widget (in Python, no template per
    option): each option once, in its app's group, the filtered ones selected."""
    client.force_login(world.operator)
    page = client.get(
        reverse("audit:list"), {"action": "company.update", "object_type": "companies.company"}
    ).content.decode()
    with translation.override(re.findall(r'<html lang="(\w+)"', page)[0]):
        choices = dict(AuditFilterForm().fields["action"].choices)  # type: ignore[attr-defined]
    group = next(
        name
        for name, options in choices.items()
        if isinstance(options, list) and "company.update" in dict(options)
    )
    label = dict(choices[group])["company.update"]
    action = page[page.index('<select name="action"') : page.index("</select>")]
    in_group = action[action.index(f'<optgroup label="{group}">') :]
    in_group = in_group[: in_group.index("</optgroup>")]
    assert f'<option value="company.update" selected>{label}</option>' in in_group
    assert action.count("<option ") == len(audit_actions()) + 1  # and "All actions"
    assert action.count(" selected") == 1
    assert '<option value="companies.company" selected>' in page


def test_the_options_widget_escapes_and_keeps_the_fields_attributes() -> None:
    from bitgoeul.audit.forms import OptionsSelect

    widget = OptionsSelect(choices=[("", "All"), ("<g>", [("a&b", "<script>x</script>")])])
    html = widget.render("action", "a&b", attrs={"id": "id_action", "class": "krds-form-select"})
    opening = html[: html.index(">") + 1]
    assert opening.startswith('<select name="action" ')
    assert 'id="id_action"' in opening and 'class="krds-form-select"' in opening
    assert '<optgroup label="&lt;g&gt;">' in html
    assert '<option value="a&amp;b" selected>&lt;script&gt;x&lt;/script&gt;</option>' in html
    assert '<option value="">All</option>' in html and "<script>" not in html


def test_action_choices_follow_the_language() -> None:
    with translation.override("en"):
        english = dict(AuditFilterForm().fields["action"].choices)  # type: ignore[attr-defined]
    with translation.override("ko"):
        korean = dict(AuditFilterForm().fields["action"].choices)  # type: ignore[attr-defined]
    assert "Companies" in english and "Companies" not in korean
    assert english[""] == "All actions" and korean[""] != "All actions"


def test_each_kind_of_change_list_is_written(client: Client, world: World) -> None:
    """Before and after (both sides, "—" where one is missing), before only (with its note),
    after only."""
    company = company_record(world.company)
    record(
        world.owner,
        "company.update",
        obj=company,
        before={"employees": 3},
        after={"employees": 5, "representative": "김대표"},
    )
    record(world.owner, "company.update", obj=company, before={"employees": 7})
    record(world.owner, "company.update", obj=company, after={"employees": 9})
    client.force_login(world.operator)
    page = client.get(reverse("audit:list"), HTTP_ACCEPT_LANGUAGE="en").content.decode()
    assert '<span class="audit-before">3</span>' in page
    assert '<span class="audit-after">5</span>' in page
    assert '<span class="audit-before">—</span>' in page  # no representative before
    assert page.count('class="audit-changes-note">') == 1
    assert "<dd>7</dd>" in page and "<dd>9</dd>" in page


def test_sentences_without_changes_for_the_operator_home(world: World) -> None:
    company = company_record(world.company)
    event = record(
        world.owner, "company.update", obj=company, before={"employees": 3}, after={"employees": 5}
    )
    full = audit_events_present([event], viewer=world.operator)[0]
    short = audit_events_present([event], viewer=world.operator, changes=False)[0]
    assert full.changes and not short.changes
    assert short.sentence == full.sentence
    assert not short.has_before and not short.has_after


def test_change_labels_start_with_a_capital_in_english(world: World) -> None:
    """Model fields' verbose names are lower case by Django's custom ("name", "GPUs"); as a
    list's labels they are capitalised ("Name")."""
    from bitgoeul.compute.models import Pool

    pool = Pool.objects.create(name="A100", model="a100", gpus=8, nodes=1, gpu_memory_gb=80)
    event = record(
        world.operator, "compute_pool.update", obj=pool, before={"name": "A"}, after={"name": "B"}
    )
    with translation.override("en"):
        rows = audit_events_present([event], viewer=world.operator)[0].changes
    assert [row.label for row in rows] == ["Name"]


def test_the_home_loads_recent_activity_as_a_fragment_of_sentences(
    client: Client, world: World, django_assert_max_num_queries: Any
) -> None:
    """The operator home holds a placeholder that htmx replaces with `audit:recent`: the latest
    eight events as sentences (no change lists), one query per kind of object named."""
    company = company_record(world.company)
    for n in range(10):
        record(world.owner, "company.update", obj=company, after={"employees": n})
    client.force_login(world.operator)
    home = client.get(reverse("web:home"), HTTP_ACCEPT_LANGUAGE="ko").content.decode()
    assert f'hx-get="{reverse("audit:recent")}"' in home and 'hx-trigger="load"' in home
    assert "audit-sentence" not in home
    with django_assert_max_num_queries(4):  # session, memberships, events, companies
        response = client.get(reverse("audit:recent"), HTTP_HX_REQUEST="true")
    fragment = response.content.decode()
    assert len(response.context["rows"]) == 8
    assert fragment.count("<tr><td>") == 8 and "audit-changes" not in fragment
    assert f'<a href="/companies/{world.company.pk}/">{world.company.name}</a>' in fragment
    assert "<html" not in fragment


def test_recent_activity_when_nothing_happened_yet() -> None:
    from django.template.loader import render_to_string

    with translation.override("en"):
        html = render_to_string("audit/_recent.html", {"rows": []})
    assert 'class="empty-state"' in html and "Nothing has happened yet." in html
