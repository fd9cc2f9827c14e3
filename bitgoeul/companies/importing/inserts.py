"""Raw multi-row INSERTs for bulk imports, writing what `Model.objects.bulk_create` would.

`bulk_create` compiles and adapts every value of every row through the model fields (about
ten Python calls per value): for 100,000 companies of 30 columns that is most of an import's
time. `RawInsert` prepares each column's default once (as `bulk_create` would write it),
adapts only the values a row sets (dates and datetimes through the database backend), and
sends the rows with `cursor.executemany`.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from typing import Any

from django.db import connection, models
from django.db.models.fields import AutoFieldMixin

EXECUTEMANY_ROWS = 2000  # rows per executemany call (progress is reported between calls)


def _adapter(field: models.Field[Any, Any]) -> Callable[[Any], Any] | None:
    """How a Python value of this field becomes a query parameter (None: as it is)."""
    ops = connection.ops
    if isinstance(field, models.DateTimeField):
        return ops.adapt_datetimefield_value  # type: ignore[no-any-return]
    if isinstance(field, models.DateField):
        return ops.adapt_datefield_value  # type: ignore[no-any-return]
    if isinstance(field, models.TimeField):
        return ops.adapt_timefield_value  # type: ignore[no-any-return]
    if isinstance(field, models.DecimalField):
        return lambda value: ops.adapt_decimalfield_value(
            value, field.max_digits, field.decimal_places
        )
    if isinstance(field, models.JSONField):
        return lambda value: field.get_db_prep_save(value, connection)
    return None


class RawInsert:
    """INSERT rows of `model`: every concrete column except the automatic primary key (and
    database-generated columns), with the model's defaults for the columns a row leaves out.

    Values are given by attribute name (`organization_id`, `name`); they must already be what
    the field holds after validation (str, int, date, …), as with `bulk_create`.
    """

    def __init__(self, model: type[models.Model]) -> None:
        fields = [
            f
            for f in model._meta.concrete_fields
            if not isinstance(f, AutoFieldMixin) and not getattr(f, "generated", False)
        ]
        self.fields = fields
        self.table = model._meta.db_table
        self.attnames = [f.attname for f in fields]
        self.index = {name: i for i, name in enumerate(self.attnames)}
        self.adapters: dict[int, Callable[[Any], Any]] = {}
        self.defaults: list[Any] = []
        for i, f in enumerate(fields):
            adapter = _adapter(f)
            if adapter is not None:
                self.adapters[i] = adapter
            default = f.get_default()  # as bulk_create: "" for text, None for the others
            prepared = None if default is None else f.get_db_prep_save(default, connection)
            self.defaults.append(prepared)
        quote = connection.ops.quote_name
        columns = ", ".join(quote(str(f.column)) for f in fields)
        marks = ", ".join(["%s"] * len(fields))
        self.sql = f"INSERT INTO {quote(self.table)} ({columns}) VALUES ({marks})"

    def fixed(self, values: Mapping[str, Any]) -> list[Any]:
        """The defaults with `values` (the same for every row: timestamps, …) applied, each
        prepared by its field exactly as `bulk_create` does."""
        row = list(self.defaults)
        for name, value in values.items():
            i = self.index[name]
            row[i] = self.fields[i].get_db_prep_save(value, connection)
        return row

    def row(self, template: Sequence[Any], values: Mapping[str, Any]) -> tuple[Any, ...]:
        """One row's parameters: `template` (see `fixed`) with `values` applied; values for
        attributes the model does not have are ignored."""
        row = list(template)
        self._set(row, values)
        return tuple(row)

    def _set(self, row: list[Any], values: Mapping[str, Any]) -> None:
        index, adapters = self.index, self.adapters
        for name, value in values.items():
            i = index.get(name)
            if i is None:
                continue
            adapter = adapters.get(i)
            row[i] = adapter(value) if adapter is not None and value is not None else value

    def execute(self, rows: Sequence[tuple[Any, ...]]) -> None:
        with connection.cursor() as cursor:
            cursor.executemany(self.sql, rows)
