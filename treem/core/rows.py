"""A model instance read by primary key (or another unique column) with a written-out
statement, for the reads every request makes (its session, its user), and the cursor
those fixed statements run on.

`Model.objects.get(...)` builds and compiles its query on each call, which for these
one-row reads cost several times their execution (measured: ~0.8 ms a read against
~0.4 ms); the statement and the column converters are prepared here once per model,
column and database. On PostgreSQL the statements are also prepared in the database
(`prepared_cursor`): planned once per connection instead of on each request."""

from __future__ import annotations

from functools import cache
from typing import Any

from django.db import connections, router
from django.db.backends.base.base import BaseDatabaseWrapper
from django.db.backends.utils import CursorWrapper


@cache
def _prepared(model: Any, column: str, using: str, condition: str) -> tuple[str, list[Any]]:
    connection = connections[using]
    quote = connection.ops.quote_name
    fields = model._meta.concrete_fields
    table = model._meta.db_table
    sql = (
        f"SELECT {', '.join(quote(f.column) for f in fields)} "  # noqa: S608 (model metadata)
        f"FROM {quote(table)} WHERE {quote(column)} = %s{condition}"
    )
    # how the ORM turns each column's database value into the attribute's (SQLite's
    # dates, decimals, JSON): (position, converters) for the columns that need any
    converters = []
    for i, field in enumerate(fields):
        col = field.get_col(table)
        found = connection.ops.get_db_converters(col) + field.get_db_converters(connection)
        if found:
            converters.append((i, col, found))
    return sql, converters


def read_row(model: Any, column: str, value: Any, condition: str = "", params: Any = ()) -> Any:
    """The instance of `model` whose `column` equals `value` (and which meets the extra SQL
    `condition`, starting with " AND ", with its `params`), or None."""
    using = router.db_for_read(model)
    connection = connections[using]
    sql, converters = _prepared(model, column, using, condition)
    with prepared_cursor(connection) as cursor:
        cursor.execute(sql, [value, *params])
        row = cursor.fetchone()
    if row is None:
        return None
    values = list(row)
    for i, col, found in converters:
        for convert in found:
            values[i] = convert(values[i], col, connection)
    return model.from_db(using, [f.attname for f in model._meta.concrete_fields], values)


def prepared_cursor(connection: BaseDatabaseWrapper) -> Any:
    """A cursor for the few fixed statements every request runs (its session, its user,
    its memberships: `treem.core.access`), used as `with prepared_cursor(c) as cursor`.

    On PostgreSQL its parameters are bound by the server, so that psycopg prepares each
    statement once per connection (settings: `prepare_threshold`) and PostgreSQL plans
    it once, not on each request: the memberships' statement took ~0.45 ms to plan and
    ~0.15 ms to run (~0.3 ms in all once prepared). Django's own cursors bind on the
    client and are never prepared. While queries are logged (DEBUG, a test counting
    them), and on other databases, the connection's usual cursor: a server-bound
    statement would be logged without its text."""
    if connection.vendor != "postgresql" or connection.queries_logged:
        return connection.cursor()
    import psycopg

    connection.close_if_health_check_failed()
    connection.ensure_connection()
    with connection.wrap_database_errors:
        # the connection's adapters carry its time zone (see Django's `create_cursor`)
        raw = psycopg.Cursor(connection.connection)
    connection.validate_thread_sharing()
    return CursorWrapper(raw, connection)  # Django's wrapper (its execute wrappers run)
