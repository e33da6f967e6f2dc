"""Writing many rows fast: PostgreSQL COPY text formatted by hand, and a writer thread
that runs COPY statements on the transaction's connection while the caller goes on.

- `CopyRows` formats one model's rows: the columns every row shares (the import's
  timestamp, commune, author, defaults) are formatted once into a line suffix; each
  other column goes through a cache of its distinct values (villages, sexes, dates and
  names repeat down a file).
- `CopyWriter` runs queued COPY statements in order on a thread. psycopg releases the
  GIL while it waits on the server, so PostgreSQL inserts and indexes one chunk on its
  core while Python validates the next chunk on the other. The caller must not use the
  connection until `close()` returns (what it needs to read meanwhile goes through
  `call`, in the same queue); an error in a COPY is raised again there (the
  transaction is then aborted and rolls back).
- `insert_rows` inserts plain {attname: value} rows and returns their ids (COPY on
  PostgreSQL, bulk_create elsewhere).
"""

from __future__ import annotations

import datetime as dt
import queue
import re
import threading
import time
from collections.abc import Callable, Iterable, Mapping, Sequence
from concurrent.futures import Future
from operator import itemgetter
from typing import Any

from django.db import connection
from django.db.models import NOT_PROVIDED

_DEFAULTS: dict[Any, dict[str, Any]] = {}


def column_defaults(model: Any) -> dict[str, Any]:
    """{attname: default} of the model's concrete columns other than the primary key and
    those the database fills itself (`db_default`): a row that leaves these out gets
    the database's value."""
    if model not in _DEFAULTS:
        _DEFAULTS[model] = {
            f.attname: f.get_default()
            for f in model._meta.concrete_fields
            if not f.primary_key and f.db_default is NOT_PROVIDED
        }
    return _DEFAULTS[model]


_COPY_ESCAPE = str.maketrans({"\\": "\\\\", "\t": "\\t", "\n": "\\n", "\r": "\\r"})
_ARRAY_PLAIN = frozenset('{}",\\ \t\n\r\v\f')
_ARRAY_SPECIAL = re.compile(r'[{}"\\\s]')  # what an array element must not hold bare


def _array_element(item: str) -> str:
    if item and not _ARRAY_PLAIN.intersection(item) and item.upper() != "NULL":
        return item
    return '"' + item.replace("\\", "\\\\").replace('"', '\\"') + '"'


def copy_field(value: Any) -> str:
    """A value in PostgreSQL's COPY text format, for the types an import produces.
    Raises TypeError for any other type."""
    if value is None:
        return "\\N"
    cls = value.__class__
    if cls is str:
        return value.translate(_COPY_ESCAPE)
    if cls is bool:
        return "t" if value else "f"
    if cls is int:
        return str(value)
    if cls is dt.date or cls is dt.datetime:
        return value.isoformat()
    if cls is tuple or cls is list:  # text[]
        text = ",".join(value)
        if (
            _ARRAY_SPECIAL.search(text) is None
            and "" not in value
            and "null" not in text.lower()
            and text.count(",") == len(value) - 1  # every item a str without ","
        ):
            return "{" + text + "}"  # search words: nothing to quote or escape
        text = "{" + ",".join(_array_element(str(item)) for item in value) + "}"
        return text.translate(_COPY_ESCAPE)
    if isinstance(value, str):  # TextChoices members: their value
        return str(value).translate(_COPY_ESCAPE)
    raise TypeError(cls)


Column = str | tuple[str, ...]


class CopyRows:
    """COPY text for one model: `line(row, pk)` for a row ({attname: value}) holding the
    `variable` columns; every other column takes its value from `constants`, else the
    field's default. A variable entry may be a tuple of columns that go together (a name
    and its folded forms, a village and its path): they are formatted and cached as one.
    Columns in `uncached` (values that rarely repeat) skip the cache. Without `with_id`
    the database numbers the rows (and `pk` is not given)."""

    def __init__(
        self,
        model: Any,
        variable: Sequence[Column],
        constants: Mapping[str, Any] | None = None,
        uncached: Iterable[str] = (),
        with_id: bool = True,
    ) -> None:
        constants = constants or {}
        self.with_id = with_id
        fields = {f.attname: f for f in model._meta.concrete_fields if not f.primary_key}
        groups = [(c,) if isinstance(c, str) else tuple(c) for c in variable]
        names = [a for group in groups for a in group]
        unknown = (set(names) | set(constants)) - set(fields)
        if unknown:
            raise ValueError(f"{model.__name__} has no column {sorted(unknown)}")
        defaults = column_defaults(model)
        # the columns no row gives: a constant, the field's default, or (left out of
        # the statement) the database's default
        fixed = [a for a in fields if a not in names and (a in constants or a in defaults)]
        quote = connection.ops.quote_name
        columns = [quote(fields[a].column) for a in (*names, *fixed)]
        if with_id:  # else the database numbers the rows
            columns.insert(0, "id")
        self.sql = f"COPY {quote(model._meta.db_table)} ({', '.join(columns)}) FROM STDIN"
        self.suffix = (
            "".join("\t" + copy_field(constants.get(a, defaults[a])) for a in fixed) + "\n"
        )
        self.variable = tuple(names)
        skip = set(uncached)
        # (getter, cache, width): a group's getter returns the tuple of its values
        self._parts: list[tuple[Any, dict[Any, str] | None, int]] = [
            (itemgetter(*g), None if skip & set(g) else {}, len(g)) for g in groups
        ]

    def line(self, row: Mapping[str, Any], pk: int | None = None) -> str:
        texts = [] if not self.with_id else [str(pk)]
        for getter, cache, width in self._parts:
            value = getter(row)
            if cache is None:
                texts.append(_format(value, width))
                continue
            try:
                texts.append(cache[value])
            except KeyError:
                cache[value] = formatted = _format(value, width)
                texts.append(formatted)
        return "\t".join(texts) + self.suffix


def _format(value: Any, width: int) -> str:
    if width == 1:
        return copy_field(value)
    return "\t".join(copy_field(v) for v in value)


class CopyWriter:
    """Runs COPY statements, in the order given, on a thread over the current
    transaction's connection (PostgreSQL). See the module doc."""

    def __init__(self, max_pending: int = 0) -> None:
        self._raw = connection.connection  # the psycopg connection under Django's
        self._queue: queue.Queue[tuple[Any, Any] | None] = queue.Queue(maxsize=max_pending)
        self._error: BaseException | None = None
        self._thread = threading.Thread(target=self._run, name="copy-writer", daemon=True)
        self._closed = False
        # seconds spent in COPY statements (PostgreSQL inserting and indexing): when it
        # nears the caller's validation time, the database is what the import waits for
        self.busy = 0.0
        self._thread.start()

    def _run(self) -> None:
        while True:
            item = self._queue.get()
            if item is None:
                return
            if isinstance(item[1], Future):  # (fn, future) queued by `call`
                self._call(*item)
                continue
            sql, data = item
            if self._error is not None:
                continue  # drain: the transaction is aborted already
            started = time.perf_counter()
            try:
                with self._raw.cursor() as cursor, cursor.copy(sql) as copy:
                    copy.write(data)
            except BaseException as exc:  # raised again in the caller's thread
                self._error = exc
            self.busy += time.perf_counter() - started

    def _call(self, fn: Callable[[Any], Any], future: Future[Any]) -> None:
        if self._error is not None:  # the transaction is aborted: no statement runs
            future.set_exception(self._error)
            return
        try:
            with self._raw.cursor() as cursor:
                future.set_result(fn(cursor))
        except BaseException as exc:
            self._error = exc
            future.set_exception(exc)

    def put(self, sql: str, data: str) -> None:
        if self._error is not None:
            self.close()
        if data:
            self._queue.put((sql, data))

    def call(self, fn: Callable[[Any], Any]) -> Future[Any]:
        """Run `fn(cursor)` on the writer's thread after the COPY statements queued so
        far, with a cursor of the connection (the caller's thread must not use it
        meanwhile); its result, or what it raised, comes in the future."""
        future: Future[Any] = Future()
        self._queue.put((fn, future))
        return future

    def close(self) -> None:
        """Wait for every queued COPY; raise the first error one of them met."""
        if not self._closed:
            self._closed = True
            self._queue.put(None)
            self._thread.join()
        if self._error is not None:
            with connection.wrap_database_errors:  # as Django's own cursors raise them
                raise self._error


def reserve_ids(model: Any, count: int, cursor: Any = None) -> list[int]:
    """`count` new primary keys from the model's sequence (PostgreSQL), drawn with
    `cursor` (a `CopyWriter.call` runs on its thread's own) or a new one.

    The numbers come back as a range when they follow each other (nobody else drew from
    the sequence meanwhile), else as the list itself: 100,000 rows of one number each
    took longer to send and read than to draw."""
    if count <= 0:
        return []
    if cursor is None:
        with connection.cursor() as own:
            return reserve_ids(model, count, own)
    cursor.execute("SELECT pg_get_serial_sequence(%s, 'id')", [model._meta.db_table])
    sequence = cursor.fetchone()[0]
    cursor.execute(
        "SELECT min(v), max(v), CASE WHEN max(v) - min(v) + 1 = count(*) THEN NULL "
        "ELSE array_agg(v ORDER BY v) END "
        "FROM (SELECT nextval(%s::regclass) AS v FROM generate_series(1, %s)) s",
        [sequence, count],
    )
    low, high, drawn = cursor.fetchone()
    return list(range(low, high + 1)) if drawn is None else list(drawn)


def _insert_objects(model: Any, objs: list[Any]) -> list[int]:
    """INSERT the objects in batches and return their ids. Unlike bulk_create, the
    values are stored as they are (raw): an auto_now(_add) field keeps the time the
    caller gave instead of being stamped with the clock of this statement."""
    fields = [f for f in model._meta.concrete_fields if not f.primary_key and not f.generated]
    manager = model._base_manager
    size = max(1, connection.ops.bulk_batch_size(fields, objs) or len(objs))
    ids: list[int] = []
    for start in range(0, len(objs), size):
        batch = objs[start : start + size]
        returned = manager._insert(
            batch, fields=fields, returning_fields=[model._meta.pk], raw=True, using=manager.db
        )
        ids.extend(row[0] for row in returned)
    return ids


def insert_rows(model: Any, rows: list[dict[str, Any]]) -> list[int]:
    """Insert plain rows ({attname: value}) and return their ids, in order: COPY on
    PostgreSQL (ids taken from the table's sequence first), batched INSERTs elsewhere.
    Columns a row leaves out get the field's default."""
    if not rows:
        return []
    defaults = column_defaults(model)
    if connection.vendor != "postgresql":
        return _insert_objects(model, [model(**{**defaults, **row}) for row in rows])
    ids = reserve_ids(model, len(rows))
    given = {k for row in rows for k in row}  # db_default columns a row gives too
    formatter = CopyRows(model, [*defaults, *sorted(given - set(defaults))])
    keys = set(formatter.variable)
    with connection.cursor() as cursor:
        raw = cursor.cursor  # the psycopg cursor under Django's wrapper
        with raw.copy(formatter.sql) as copy:
            lines: list[str] = []
            for pk, row in zip(ids, rows, strict=True):
                full = row if row.keys() >= keys else {**defaults, **row}
                try:
                    lines.append(formatter.line(full, pk))
                except TypeError:  # unhashable, or a type we do not format: psycopg does it
                    copy.write("".join(lines))
                    lines.clear()
                    copy.write_row((pk, *(full[a] for a in formatter.variable)))
                if len(lines) >= 5000:
                    copy.write("".join(lines))
                    lines.clear()
            copy.write("".join(lines))
    return ids
