"""Many rows at once: written by PostgreSQL's COPY (or one prepared statement run for every row),
and found by thousands of values in one query.

The ORM's `bulk_create` builds a model instance per row and, on SQLite, splits inserts into
statements of a few hundred rows; a first load of a force's records (ten million convictions,
an access-log event per person) needs neither.
"""

from __future__ import annotations

import io
from collections.abc import Iterable, Sequence
from typing import Any

import pyarrow as pa
import pyarrow.csv as pa_csv
from django.db import connection
from django.db.models import DateTimeField, Model


def insert_rows(model: type[Model], fields: Sequence[str], rows: Iterable[Sequence[Any]]) -> int:
    """Insert `rows` (values in `fields` order) into the model's table; how many went in."""
    table, columns = _names(model, fields)
    count = 0
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            with cursor.copy(f"COPY {table} ({columns}) FROM STDIN") as copy:
                for row in rows:
                    copy.write_row(row)
                    count += 1
            return count
        moments = [
            n
            for n, name in enumerate(fields)
            if isinstance(model._meta.get_field(name), DateTimeField)
        ]
        values = [_adapted(row, moments) for row in rows] if moments else list(rows)
        placeholders = ", ".join(["%s"] * len(fields))
        cursor.executemany(f"INSERT INTO {table} ({columns}) VALUES ({placeholders})", values)
        return len(values)


def insert_table(model: type[Model], fields: Sequence[str], rows: pa.Table) -> int:
    """Insert `rows` (its columns in `fields` order) into the model's table; how many went in.

    PostgreSQL is handed the whole table as CSV, written by Arrow, rather than a row at a time:
    at ten million convictions the rows cost more in Python than in the database. In that CSV a
    null is an empty field and empty text is a quoted empty field, as PostgreSQL reads them.
    """
    if connection.vendor != "postgresql":
        # dates as the ISO text SQLite holds them: Arrow makes a date object a value slowly
        as_text = (c.cast(pa.string()) if pa.types.is_date(c.type) else c for c in rows.columns)
        return insert_rows(model, fields, zip(*(c.to_pylist() for c in as_text), strict=True))
    table, columns = _names(model, fields)
    data = io.BytesIO()
    pa_csv.write_csv(rows, data, pa_csv.WriteOptions(include_header=False))
    with (
        connection.cursor() as cursor,
        cursor.copy(f"COPY {table} ({columns}) FROM STDIN (FORMAT CSV)") as copy,
    ):
        copy.write(data.getbuffer())
    return rows.num_rows


def _names(model: type[Model], fields: Sequence[str]) -> tuple[str, str]:
    """The model's table and the columns of `fields`, quoted for SQL."""
    quote = connection.ops.quote_name
    meta = model._meta
    columns = ", ".join(
        quote(meta.pk.column if name == "pk" else meta.get_field(name).column) for name in fields
    )
    return quote(meta.db_table), columns


def _adapted(row: Sequence[Any], moments: list[int]) -> list[Any]:
    """Moments (at positions `moments`) as Django stores them in SQLite: UTC text."""
    adapted = list(row)
    for n in moments:
        adapted[n] = connection.ops.adapt_datetimefield_value(adapted[n])
    return adapted


def rows_where_in(
    model: type[Model], field: str, values: Sequence[Any], columns: Sequence[str]
) -> list[tuple[Any, ...]]:
    """`columns` of the model's rows whose `field` is one of `values`, thousands at a time.

    PostgreSQL is given the values as one array, not a placeholder each: building and parsing a
    query of 2,000 placeholders costs more than running it.
    """
    if connection.vendor != "postgresql":
        found = model.objects.filter(**{f"{field}__in": values}).values_list(*columns)
        return list(found)
    table, wanted = _names(model, columns)
    key = connection.ops.quote_name(model._meta.get_field(field).column)
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT {wanted} FROM {table} WHERE {key} = ANY(%s)", [list(values)])
        return cursor.fetchall()


def new_ids(model: type[Model], count: int) -> list[int]:
    """`count` primary keys for rows about to be inserted with `insert_rows`.

    PostgreSQL hands them out from the table's sequence; on SQLite the transaction holds the
    write lock from its start (IMMEDIATE), so the keys after the largest ever used are free (never
    a deleted row's key: the access log may still name it).
    """
    if count == 0:
        return []
    table = model._meta.db_table
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute(
                "SELECT nextval(pg_get_serial_sequence(%s, 'id')) FROM generate_series(1, %s)",
                [table, count],
            )
            return [row[0] for row in cursor.fetchall()]
        cursor.execute(
            f"SELECT max(coalesce((SELECT max(id) FROM {connection.ops.quote_name(table)}), 0), "
            "coalesce((SELECT seq FROM sqlite_sequence WHERE name = %s), 0))",
            [table],
        )
        largest = cursor.fetchone()[0]
    return list(range(largest + 1, largest + 1 + count))


def refresh_statistics(*models: type[Model]) -> None:
    """Have the database look at the tables again after a bulk load, so that its query plans fit
    what they now hold (after a first load PostgreSQL would otherwise read all ten million
    convictions to find one person's, until autovacuum comes round)."""
    with connection.cursor() as cursor:
        for model in models:
            cursor.execute(f"ANALYZE {connection.ops.quote_name(model._meta.db_table)}")
