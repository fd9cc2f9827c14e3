"""Raw bulk INSERTs for imports, writing what `Model.objects.bulk_create` would.

`bulk_create` compiles and adapts every value of every row through the model fields (about
ten Python calls per value): for 100,000 companies of 30 columns that is most of an import's
time. `RawInsert` prepares each column's default once (as `bulk_create` would write it) and
adapts only the values a row sets (dates and datetimes through the database backend).

`BackgroundWriter` runs the inserts on a second thread while the caller prepares the next rows:
the SQLite and PostgreSQL drivers let go of Python's lock (the GIL) while the database works,
so on two cores the writing and the Python work overlap. `insert_rows` sends the rows in a few
statements per chunk (multi-row `VALUES` on SQLite, COPY on PostgreSQL): the SQLite driver takes
the lock back after every step of a statement, and while the other thread runs Python each take
can wait for a thread switch, so an `executemany` of one step per row would crawl.
"""

from __future__ import annotations

import sys
import threading
from collections.abc import Callable, Iterator, Mapping, Sequence
from concurrent.futures import Future, ThreadPoolExecutor
from contextlib import contextmanager
from types import TracebackType
from typing import Any

from django.db import connection, models
from django.db.models.fields import AutoFieldMixin

CHUNK_ROWS = 2000  # rows per chunk written at once (progress is reported between them)
MAX_PARAMETERS = 30_000  # per statement of `insert_rows` (SQLite allows 32,766 or more)
# While a writer runs, the running thread hands Python's lock over after this long instead of
# the default 5 ms, so that the writer's short trips between database calls do not queue.
SWITCH_INTERVAL = 0.0005
_writers_lock = threading.Lock()
_writers = 0  # writers running in this process (the interval is restored after the last)
_default_interval = sys.getswitchinterval()


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
        # attribute name → (column index, adapter or None): one lookup per value set
        self._slots = {name: (i, self.adapters.get(i)) for i, name in enumerate(self.attnames)}
        self.head = f"INSERT INTO {quote(self.table)} ({columns})"

    def fixed(self, values: Mapping[str, Any]) -> list[Any]:
        """The defaults with `values` (the same for every row: timestamps, …) applied, each
        prepared by its field exactly as `bulk_create` does."""
        row = list(self.defaults)
        for name, value in values.items():
            i = self.index[name]
            row[i] = self.fields[i].get_db_prep_save(value, connection)
        return row

    def row(self, template: Sequence[Any], values: Mapping[str, Any]) -> list[Any]:
        """One row's parameters: `template` (see `fixed`) with `values` applied; values for
        attributes the model does not have are ignored."""
        row = list(template)
        self._set(row, values)
        return row

    def _set(self, row: list[Any], values: Mapping[str, Any]) -> None:
        slots = self._slots
        for name, value in values.items():
            slot = slots.get(name)
            if slot is not None:
                index, adapter = slot
                row[index] = adapter(value) if adapter is not None and value is not None else value

    def execute(self, writer: BackgroundWriter, cursor: Any, rows: Sequence[Any]) -> None:
        """Insert `rows` (from `row`) on a cursor of `writer.cursor()` (see `insert_rows`)."""
        insert_rows(writer, cursor, self.head, len(self.fields), rows)


def insert_rows(
    writer: BackgroundWriter, cursor: Any, head: str, width: int, rows: Sequence[Sequence[Any]]
) -> None:
    """Send `rows` (each of `width` values) after `head` (`INSERT INTO t (a, b)`) on a
    `writer` cursor. On SQLite in as few multi-row `VALUES` statements as the parameter limit
    allows (see the module's note). On PostgreSQL with COPY: a pipelined `executemany` took
    1.6 times as long, and multi-row `VALUES` six times (the server plans a statement of
    thousands of parameters slowly)."""
    if writer.vendor == "postgresql":
        with cursor.copy(f"COPY {head.removeprefix('INSERT INTO ')} FROM STDIN") as copy:
            for row in rows:
                copy.write_row(row)
        return
    per = max(1, MAX_PARAMETERS // width)
    one = "(" + ", ".join([writer.mark] * width) + ")"
    for start in range(0, len(rows), per):
        part = rows[start : start + per]
        cursor.execute(
            f"{head} VALUES {', '.join([one] * len(part))}", [v for row in part for v in row]
        )


class BackgroundWriter:
    """Run database jobs one at a time on a second thread, one job ahead of the caller.

    `submit` waits for the previous job, so at most one runs while the caller works. Between
    `submit` and the next `wait` (or `submit`, or the end of the `with` block) the caller must
    not use the database connection; a job uses it through `cursor()`: a cursor of the driver's
    connection under Django's default connection (same connection, same transaction; Django's
    own wrapper belongs to the thread that opened it), whose placeholder is `mark`. Jobs
    must not touch `django.db.connection`: on their thread it is another connection. An error
    in a job is raised in the caller by the next `wait` or `submit`, or on leaving the block.
    """

    def __init__(self) -> None:
        connection.ensure_connection()
        self._driver_connection = connection.connection
        self.vendor = connection.vendor
        self.mark = "?" if self.vendor == "sqlite" else "%s"  # the driver's placeholder
        self._executor = ThreadPoolExecutor(max_workers=1, thread_name_prefix="import-writer")
        self._pending: Future[None] | None = None

    @contextmanager
    def cursor(self) -> Iterator[Any]:
        cursor = self._driver_connection.cursor()
        try:
            yield cursor
        finally:
            cursor.close()

    def wait(self) -> None:
        pending, self._pending = self._pending, None
        if pending is not None:
            pending.result()

    def submit(self, job: Callable[..., None], *args: Any) -> None:
        self.wait()
        self._pending = self._executor.submit(job, *args)

    def __enter__(self) -> BackgroundWriter:
        global _writers, _default_interval
        with _writers_lock:
            if _writers == 0:
                _default_interval = sys.getswitchinterval()
                sys.setswitchinterval(min(SWITCH_INTERVAL, _default_interval))
            _writers += 1
        return self

    def __exit__(
        self,
        kind: type[BaseException] | None,
        error: BaseException | None,
        traceback: TracebackType | None,
    ) -> None:
        try:
            if kind is None:
                self.wait()
            elif self._pending is not None:  # the caller failed: let the job end, then roll back
                self._pending.exception()
        finally:
            self._executor.shutdown(wait=True)
            self._restore_interval()

    @staticmethod
    def _restore_interval() -> None:
        global _writers
        with _writers_lock:
            _writers -= 1
            if _writers == 0:
                sys.setswitchinterval(_default_interval)
