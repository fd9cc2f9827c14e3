"""Audit events as people read them: a translated sentence with the object's name (and a link
where the viewer may open it), and the change as a before/after list with labels and formatted
values. Names are read when shown, in one query per object type and one per kind of id on the
page (never per row), so a renamed company shows its current name and an erased person the
tombstone.

`audit_events_present` is what a page showing several events calls (the audit page, the
operator home's "recent activity"); `audit_event_sentence` is the sentence of one event.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from typing import Any

from django.apps import apps
from django.core.exceptions import FieldDoesNotExist
from django.db import models
from django.utils import timezone
from django.utils.formats import date_format, number_format
from django.utils.html import conditional_escape, format_html
from django.utils.safestring import SafeString, mark_safe
from django.utils.text import capfirst
from django.utils.translation import get_language, gettext, pgettext

from bitgoeul.audit.models import AuditEvent
from bitgoeul.audit.registry import (
    AuditField,
    ObjectRef,
    audit_action_get,
    audit_field_get,
    audit_object_type_get,
)

EMPTY = "—"
USER_TYPE = "accounts.user"
ORGANIZATION_TYPE = "accounts.organization"


@dataclass(frozen=True)
class ChangeRow:
    label: str
    before: str
    after: str


@dataclass
class AuditEventView:
    event: AuditEvent
    sentence: SafeString
    has_before: bool
    has_after: bool
    changes: list[ChangeRow] = field(default_factory=list)


def actor_subject(actor: Any) -> str:
    """Who did it, as the subject of an audit sentence ("김민수 님이" / "Kim Minsu"); an
    erased account shows only its tombstone."""
    if actor is None:
        return pgettext("audit sentence subject", "The system")
    if actor.deleted_at is not None:
        return pgettext("audit sentence subject", "Deleted user #%(id)s") % {"id": actor.pk}
    return pgettext("audit sentence subject", "%(name)s") % {"name": actor.name or actor.email}


def person_name(user: Any) -> str:
    if user is None:
        return gettext("The system")
    if user.deleted_at is not None:
        return gettext("Deleted user #%(id)s") % {"id": user.pk}
    return str(user.name or user.email)


def money_label(amount: Any) -> str:
    """An amount in won with the units people read: "2억 5,000만원", "KRW 250,000,000"."""
    try:
        won = int(amount)
    except (TypeError, ValueError):
        return str(amount)
    if (get_language() or "ko").startswith("ko"):
        sign, won = ("-" if won < 0 else ""), abs(won)
        eok, rest = divmod(won, 100_000_000)
        man, ones = divmod(rest, 10_000)
        parts = []
        if eok:
            parts.append(f"{eok:,}억")
        if man:
            parts.append(f"{man:,}만")
        if ones or not parts:
            parts.append(f"{ones:,}")
        return sign + " ".join(parts) + "원"
    return gettext("KRW %(amount)s") % {"amount": f"{won:,}"}


def _model_field(object_type: str, key: str) -> models.Field[Any, Any] | None:
    try:
        model = apps.get_model(object_type)
        found = model._meta.get_field(key)
    except (LookupError, ValueError, FieldDoesNotExist):
        return None
    return found if isinstance(found, models.Field) else None


def _field_spec(object_type: str, key: str) -> AuditField:
    spec = audit_field_get(object_type, key)
    if spec is not None:
        return spec
    # A model field with a label of its own (verbose_name given, so translated) describes it.
    model_field = _model_field(object_type, key) if object_type else None
    if model_field is not None and str(model_field.verbose_name) != key.replace("_", " "):
        kind = "text"
        if isinstance(model_field, models.BooleanField):
            kind = "bool"
        elif isinstance(model_field, models.DateTimeField):
            kind = "datetime"
        elif isinstance(model_field, models.DateField):
            kind = "date"
        choices = {value: label for value, label in (model_field.flatchoices or [])}
        return AuditField(model_field.verbose_name, kind, choices)
    return AuditField(key.replace("_", " ").capitalize())


@dataclass
class _Names:
    users: dict[str, str] = field(default_factory=dict)
    organizations: dict[str, str] = field(default_factory=dict)


def _format(value: Any, spec: AuditField, names: _Names, object_type: str = "") -> str:
    if value is None or value == "":
        return EMPTY
    if isinstance(value, list):
        return ", ".join(_format(item, spec, names, object_type) for item in value) or EMPTY
    if isinstance(value, dict):
        # keys named by the field's choices (a weight per signal: "매출 성장률: 20") or by the
        # field labels of the object's type ({"in_app": true} → "화면 알림: 예")
        parts = []
        for key, item in value.items():
            inner = audit_field_get(object_type, key) or AuditField(key)
            label = spec.choices.get(key) or inner.label
            parts.append(f"{label}: {_format(item, inner, names, object_type)}")
        return "; ".join(parts)
    if isinstance(value, bool):
        return gettext("Yes") if value else gettext("No")
    if spec.choices and value in spec.choices:
        return str(spec.choices[value])
    if spec.kind == "user":
        return names.users.get(str(value), gettext("Deleted user #%(id)s") % {"id": value})
    if spec.kind == "organization":
        return names.organizations.get(str(value), gettext("#%(id)s") % {"id": value})
    if spec.kind == "money":
        return money_label(value)
    if spec.kind == "count" and isinstance(value, int | float):
        return number_format(value, force_grouping=True)
    if spec.kind in ("date", "datetime") and isinstance(value, str):
        try:
            moment = dt.datetime.fromisoformat(value)
        except ValueError:
            return value
        if spec.kind == "date" or (len(value) == 10):
            return date_format(moment.date(), "DATE_FORMAT")
        if timezone.is_aware(moment):
            moment = timezone.localtime(moment)
        return date_format(moment, "DATETIME_FORMAT")
    return str(value)


def _object_phrase(event: AuditEvent, refs: Mapping[str, Mapping[str, ObjectRef]]) -> str:
    if not event.object_type:
        return conditional_escape(pgettext("audit sentence object", "the platform"))
    ref = refs.get(event.object_type, {}).get(event.object_id)
    if ref is not None:
        if ref.url:
            return format_html('<a href="{}">{}</a>', ref.url, ref.name)
        return conditional_escape(ref.name)
    spec = audit_object_type_get(event.object_type)
    label = str(spec.label) if spec else gettext("record")
    if not event.object_id:
        return conditional_escape(label)
    # gone since (or never named): its kind and number, never the raw type code
    return conditional_escape(
        pgettext("audit sentence object", "%(type)s #%(id)s")
        % {"type": label, "id": event.object_id}
    )


def _sentence(event: AuditEvent, refs: Mapping[str, Mapping[str, ObjectRef]]) -> SafeString:
    spec = audit_action_get(event.action)
    if spec is not None:
        template = str(spec.sentence)
    elif event.object_type:
        template = gettext("%(actor)s made a change to %(object)s.")
    else:
        template = gettext("%(actor)s made a change.")
    values = {
        "actor": conditional_escape(actor_subject(event.actor)),
        "object": _object_phrase(event, refs),
    }
    # the template and every value are escaped above
    return mark_safe(conditional_escape(template) % values)  # nosec B308 B703  # escaped pieces


def audit_events_present(
    events: Iterable[AuditEvent], *, viewer: Any, changes: bool = True
) -> list[AuditEventView]:
    """The events with their sentences and (unless `changes` is false: a list of sentences
    only, as the operator's home shows) their changes; `events` should
    select_related("actor")."""
    events = list(events)
    wanted: dict[str, set[str]] = defaultdict(set)
    user_ids: set[str] = set()
    org_ids: set[str] = set()
    specs: dict[tuple[str, str], AuditField] = {}
    for event in events:
        if event.object_type and event.object_id:
            wanted[event.object_type].add(event.object_id)
        for side in (event.before, event.after) if changes else ():
            for key, value in (side or {}).items() if isinstance(side, dict) else ():
                spec = specs.get((event.object_type, key))
                if spec is None:  # once per type and key on the page, not once per event
                    spec = specs[event.object_type, key] = _field_spec(event.object_type, key)
                if spec.kind in ("user", "organization") and value not in (None, ""):
                    for item in value if isinstance(value, list) else [value]:
                        (user_ids if spec.kind == "user" else org_ids).add(str(item))
    # ids of people and organisations in the changes are read with the objects of the same
    # type (one query for both)
    wanted[USER_TYPE] |= {pk for pk in user_ids if pk.isdigit()}
    wanted[ORGANIZATION_TYPE] |= {pk for pk in org_ids if pk.isdigit()}
    refs: dict[str, Mapping[str, ObjectRef]] = {}
    for object_type, ids in wanted.items():
        type_spec = audit_object_type_get(object_type)
        if ids and type_spec is not None and type_spec.resolve is not None:
            refs[object_type] = type_spec.resolve(ids, viewer)
    names = _Names(
        users={pk: ref.name for pk, ref in refs.get(USER_TYPE, {}).items()},
        organizations={pk: ref.name for pk, ref in refs.get(ORGANIZATION_TYPE, {}).items()},
    )
    views = []
    for event in events:
        action = audit_action_get(event.action)
        shown = changes and (action is None or action.show_changes)
        before = event.before if shown and isinstance(event.before, dict) else {}
        after = event.after if shown and isinstance(event.after, dict) else {}
        rows = []
        kind = event.object_type
        for key in [*before, *(k for k in after if k not in before)]:
            spec = specs.get((kind, key)) or _field_spec(kind, key)
            label = action.key_label(key) if action and action.key_label else None
            rows.append(
                ChangeRow(
                    label=capfirst(str(label or spec.label)),
                    # a side without the key reads "—", as an empty value does
                    before=_format(before.get(key), spec, names, kind),
                    after=_format(after.get(key), spec, names, kind),
                )
            )
        views.append(
            AuditEventView(
                event=event,
                sentence=_sentence(event, refs),
                has_before=bool(before),
                has_after=bool(after),
                changes=rows,
            )
        )
    return views


def audit_event_sentence(event: AuditEvent, *, viewer: Any) -> SafeString:
    """One event as a sentence (for a list, call `audit_events_present` once instead)."""
    return audit_events_present([event], viewer=viewer)[0].sentence
