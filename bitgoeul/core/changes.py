"""What a service's audit event records of an edit: field values as the audit keeps them
(foreign keys by id) and the fields an edit really changes."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from typing import Any

from django.db import models


def field_value(obj: models.Model, name: str) -> Any:
    """A field's value as the audit keeps it: foreign keys by id."""
    field = obj._meta.get_field(name)
    if isinstance(field, models.ForeignKey):
        return getattr(obj, field.attname)
    return getattr(obj, name)


def field_values(obj: models.Model, names: Iterable[str]) -> dict[str, Any]:
    return {name: field_value(obj, name) for name in names}


def changed_fields(
    obj: models.Model, data: dict[str, Any], fields: Sequence[str]
) -> dict[str, Any]:
    """The fields of `data` (among `fields`) whose value differs from `obj`'s, as new values."""
    changed = {}
    for name in fields:
        if name not in data:
            continue
        new, old = data[name], getattr(obj, name)
        if isinstance(new, models.Model) or isinstance(old, models.Model):
            if getattr(new, "pk", new) == getattr(old, "pk", old):
                continue
        elif new == old:
            continue
        changed[name] = new
    return changed


def changes_save(
    obj: models.Model, changed: dict[str, Any], *, exclude: Sequence[str] = ()
) -> None:
    """Set the changed fields on the locked row, validate it and save only those fields."""
    for name, value in changed.items():
        setattr(obj, name, value)
    obj.full_clean(exclude=list(exclude) or None)
    obj.save(update_fields=list(changed))
