"""What the audit trail's codes mean to people: each app registers, from its AppConfig.ready,
a translated sentence per action code it writes, a name and link for each kind of object its
events point at, and labels for the fields its events' before/after hold (like the job kinds).

The trail itself keeps codes and ids (the CSV export stays machine-readable); these turn them
into sentences only when a page shows them (`bitgoeul.audit.presenters`).
"""

from __future__ import annotations

from collections.abc import Callable, Collection, Mapping
from dataclasses import dataclass, field
from typing import Any

from django.utils.functional import Promise

# How a field's value is shown: text as is, yes/no, a date, an amount of money, a count, or an
# id read at display time as a person's or an organisation's current name.
FIELD_KINDS = ("text", "bool", "date", "datetime", "money", "count", "user", "organization")


@dataclass(frozen=True)
class AuditAction:
    code: str
    # "%(actor)s changed the profile of %(object)s.": %(actor)s is the subject as the
    # language writes it ("김민수 님이" / "Kim Minsu"), %(object)s the object's name.
    sentence: Promise | str
    group: Promise | str  # the app, as people call it: the filter's option group
    # False where before/after hold only technical values (a task's parameters): the page
    # shows the sentence alone (the CSV export keeps everything)
    show_changes: bool = True
    # where before/after are keyed by codes of the app (a notification kind per key): the
    # label of such a key, or None to fall back to the field labels
    key_label: Callable[[str], Promise | str | None] | None = None


@dataclass(frozen=True)
class ObjectRef:
    name: str
    url: str = ""  # empty where the viewer may not open it


# ids → what each id is now (missing ids: the object is gone); one query per call.
ObjectResolver = Callable[[Collection[str], Any], Mapping[str, ObjectRef]]


@dataclass(frozen=True)
class AuditObjectType:
    code: str  # "companies.company", the model's label_lower
    label: Promise | str
    resolve: ObjectResolver | None = None


@dataclass(frozen=True)
class AuditField:
    label: Promise | str
    kind: str = "text"
    choices: Mapping[Any, Promise | str] = field(default_factory=dict)


_ACTIONS: dict[str, AuditAction] = {}
_TYPES: dict[str, AuditObjectType] = {}
_FIELDS: dict[tuple[str, str], AuditField] = {}


def audit_action(
    code: str,
    sentence: Promise | str,
    *,
    group: Promise | str,
    show_changes: bool = True,
    key_label: Callable[[str], Promise | str | None] | None = None,
) -> None:
    """Register the sentence shown for events with action `code`."""
    if code in _ACTIONS and _ACTIONS[code].sentence != sentence:
        raise ValueError(f"audit action {code!r} is registered twice")
    _ACTIONS[code] = AuditAction(code, sentence, group, show_changes, key_label)


def audit_object_type(
    code: str, *, label: Promise | str, resolve: ObjectResolver | None = None
) -> None:
    """Register how objects of type `code` are named (and linked) on the audit pages."""
    _TYPES[code] = AuditObjectType(code, label, resolve)


def audit_fields(object_type: str, fields: Mapping[str, AuditField]) -> None:
    """Labels (and value kinds) for the before/after keys of events about `object_type`;
    object_type "" applies to every type that has no label of its own for that key."""
    for key, spec in fields.items():
        if spec.kind not in FIELD_KINDS:
            raise ValueError(f"unknown field kind {spec.kind!r}")
        _FIELDS[(object_type, key)] = spec


def audit_action_get(code: str) -> AuditAction | None:
    return _ACTIONS.get(code)


def audit_actions() -> dict[str, AuditAction]:
    return dict(_ACTIONS)


def audit_object_type_get(code: str) -> AuditObjectType | None:
    return _TYPES.get(code)


def audit_object_types() -> dict[str, AuditObjectType]:
    return dict(_TYPES)


def audit_field_get(object_type: str, key: str) -> AuditField | None:
    return _FIELDS.get((object_type, key)) or _FIELDS.get(("", key))


def pk_resolver(
    queryset: Callable[[], Any],
    name: Callable[[Any], str],
    url: Callable[[Any, Any], str] | None = None,
) -> ObjectResolver:
    """A resolver that reads the objects by primary key in one query: `queryset()` gives the
    rows (select_related what `name` reads), `url(obj, viewer)` the link or "" where the viewer
    may not open it."""
    from django.core.exceptions import ValidationError

    def resolve(ids: Collection[str], viewer: Any) -> dict[str, ObjectRef]:
        rows = queryset()
        pk_field = rows.model._meta.pk
        keys = []
        for raw in ids:
            try:
                keys.append(pk_field.to_python(raw))
            except (ValidationError, ValueError, TypeError):
                continue  # not an id of this table (an old or odd event): shown by its number
        if not keys:
            return {}
        return {
            str(obj.pk): ObjectRef(name(obj), url(obj, viewer) if url else "")
            for obj in rows.filter(pk__in=keys)
        }

    return resolve
