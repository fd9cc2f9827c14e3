"""Two revisions of an application compared field by field: text with a line diff, tables of
rows row by row, files by name. Pure: takes the form fields and two answer dicts."""

from __future__ import annotations

import difflib
from dataclasses import dataclass, field
from typing import Any

from bitgoeul.programs.enums import FieldKind
from bitgoeul.programs.models import FormField

SAME, ADDED, REMOVED, CHANGED = "same", "added", "removed", "changed"


@dataclass
class LineChange:
    status: str  # same, added, removed
    text: str


@dataclass
class RowChange:
    status: str  # same, added, removed, changed
    before: list[Any]  # cells in column order (empty for an added row)
    after: list[Any]


@dataclass
class FieldDiff:
    form_field: FormField
    before: Any
    after: Any
    lines: list[LineChange] = field(default_factory=list)
    rows: list[RowChange] = field(default_factory=list)

    @property
    def changed(self) -> bool:
        return bool(self.before != self.after)


def line_diff(before: str, after: str) -> list[LineChange]:
    """The lines of both texts in order, each same, removed (only before) or added."""
    old, new = before.splitlines(), after.splitlines()
    out: list[LineChange] = []
    matcher = difflib.SequenceMatcher(a=old, b=new, autojunk=False)
    for op, a1, a2, b1, b2 in matcher.get_opcodes():
        if op == "equal":
            out.extend(LineChange(SAME, line) for line in old[a1:a2])
            continue
        out.extend(LineChange(REMOVED, line) for line in old[a1:a2])
        out.extend(LineChange(ADDED, line) for line in new[b1:b2])
    return out


def row_diff(columns: list[dict[str, Any]], before: Any, after: Any) -> list[RowChange]:
    """Rows matched in order: equal rows are the same; in a changed stretch, rows paired by
    position are changed, the rest added or removed."""
    keys = [c["key"] for c in columns]

    def cells(row: dict[str, Any]) -> list[Any]:
        return [row.get(k) for k in keys]

    old = [cells(r) for r in (before or [])]
    new = [cells(r) for r in (after or [])]
    out: list[RowChange] = []
    matcher = difflib.SequenceMatcher(
        a=[tuple(map(str, r)) for r in old], b=[tuple(map(str, r)) for r in new], autojunk=False
    )
    for op, a1, a2, b1, b2 in matcher.get_opcodes():
        if op == "equal":
            out.extend(RowChange(SAME, row, row) for row in old[a1:a2])
            continue
        pairs = min(a2 - a1, b2 - b1)
        for i in range(pairs):
            out.append(RowChange(CHANGED, old[a1 + i], new[b1 + i]))
        out.extend(RowChange(REMOVED, row, []) for row in old[a1 + pairs : a2])
        out.extend(RowChange(ADDED, [], row) for row in new[b1 + pairs : b2])
    return out


def answers_diff(
    fields: list[FormField],
    before: dict[str, Any],
    after: dict[str, Any],
    files_before: dict[str, list[str]] | None = None,
    files_after: dict[str, list[str]] | None = None,
) -> list[FieldDiff]:
    """One entry per form field, in the form's order."""
    out = []
    for form_field in fields:
        if form_field.kind == FieldKind.FILE:
            old: Any = sorted((files_before or {}).get(form_field.key, []))
            new: Any = sorted((files_after or {}).get(form_field.key, []))
        else:
            old, new = before.get(form_field.key), after.get(form_field.key)
        diff = FieldDiff(form_field, old, new)
        if form_field.kind in {FieldKind.SHORT_TEXT, FieldKind.LONG_TEXT} and diff.changed:
            diff.lines = line_diff(str(old or ""), str(new or ""))
        elif form_field.kind == FieldKind.ROWS:
            diff.rows = row_diff(form_field.columns, old, new)
        out.append(diff)
    return out
