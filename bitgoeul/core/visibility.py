"""Levels of access to an object's data and which fields each level shows.

Every domain object with tiers of data (a company, a programme application, a compute
allocation …) has one access function that answers the viewer's `ViewLevel` on one object, and
one `FieldPolicy` naming the lowest level that shows each field. Pages, the API, exports and
search filters ask the policy, never decide themselves; a new app declares its own policy::

    APPLICATION_FIELDS = FieldPolicy(
        "application", {"title": ViewLevel.PUBLIC, "budget": ViewLevel.PRIVATE}
    )
    if APPLICATION_FIELDS.shows("budget", application_view_level(user, application)): ...

The app's access module also gives the same rule as a queryset filter ("objects on which the
viewer has at least this level") for lists, filters and sorts.
"""

from __future__ import annotations

import enum
from collections.abc import Iterable, Mapping
from typing import Any


class ViewLevel(enum.IntEnum):
    """What a viewer may see of one object, each level including those below it."""

    NONE = 0  # not even that it exists
    PUBLIC = 1  # what the owner published
    RECORD = 2  # the working record: staff who follow it, its members
    PRIVATE = 3  # figures and assessments: its members, operators, those it consented to


class FieldPolicy:
    """The lowest level at which each field of one kind of object shows."""

    def __init__(self, name: str, minimum: Mapping[str, ViewLevel]) -> None:
        self.name = name
        self.minimum = dict(minimum)

    def __repr__(self) -> str:
        return f"FieldPolicy({self.name!r})"

    def level_for(self, field: str) -> ViewLevel:
        """The lowest level showing the field; an undeclared field is an error, so that a new
        field cannot show by default."""
        try:
            return self.minimum[field]
        except KeyError:
            raise KeyError(f"{self.name}: no visibility declared for field {field!r}") from None

    def shows(self, field: str, level: ViewLevel) -> bool:
        return level >= self.level_for(field)

    def fields_for(self, level: ViewLevel) -> frozenset[str]:
        """Every field the level shows."""
        return frozenset(f for f, minimum in self.minimum.items() if level >= minimum)

    def hidden_from(self, level: ViewLevel, fields: Iterable[str]) -> list[str]:
        """Of `fields`, those the level does not show (in the order given)."""
        return [f for f in fields if not self.shows(f, level)]

    def redact(self, values: Mapping[str, Any], level: ViewLevel) -> dict[str, Any]:
        """`values` with every declared field the level does not show set to None (keys that
        are not fields, such as an id or a URL, pass unchanged)."""
        return {
            key: (None if key in self.minimum and not self.shows(key, level) else value)
            for key, value in values.items()
        }
