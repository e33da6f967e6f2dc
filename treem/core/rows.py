"""A model instance read by primary key (or another unique column) with a written-out
statement, for the reads every request makes (its session, its user).

`Model.objects.get(...)` builds and compiles its query on each call, which for these
one-row reads cost several times their execution (measured: ~0.8 ms a read against
~0.4 ms); the statement and the column converters are prepared here once per model,
column and database."""

from __future__ import annotations

from functools import cache
from typing import Any

from django.db import connections, router


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
    with connection.cursor() as cursor:
        cursor.execute(sql, [value, *params])
        row = cursor.fetchone()
    if row is None:
        return None
    values = list(row)
    for i, col, found in converters:
        for convert in found:
            values[i] = convert(values[i], col, connection)
    return model.from_db(using, [f.attname for f in model._meta.concrete_fields], values)
