"""Bulk reads and writes that bypass Piccolo's per-row objects: tuples out, plain dicts or tuples in (either engine)."""

from __future__ import annotations

import json
import re
import sqlite3
from collections.abc import Sequence
from typing import Any

import aiosqlite
from piccolo.columns import JSON
from piccolo.engine import engine_finder
from piccolo.query.base import Query
from piccolo.querystring import QueryString
from piccolo.table import Table
from piccolo.utils.encoding import dump_json

SQLITE_VARIABLES = 30_000
"""Parameters per SQLite statement (its limit is 32,766 since 3.32)."""


async def fetch_tuples(query: Query | QueryString) -> list[Any]:
    """Run a select (a query, or raw SQL with `{}` placeholders) and return its rows as tuples (asyncpg Records on
    PostgreSQL), skipping the dict per row; inside a transaction, on its connection."""
    engine = engine_finder()
    querystring = query.querystrings[0] if isinstance(query, Query) else query
    if engine.engine_type == "postgres":
        return list(await engine.run_querystring(querystring))
    sql, args = querystring.compile_string(engine_type=engine.engine_type)
    transaction = engine.current_transaction.get()
    if transaction is not None:
        return await _sqlite_tuples(transaction.connection, sql, args)
    async with aiosqlite.connect(**engine.connection_kwargs) as connection:
        return await _sqlite_tuples(connection, sql, args)


async def _sqlite_tuples(connection: aiosqlite.Connection, sql: str, args: list) -> list[tuple]:
    """Rows of one SQLite statement as plain tuples (Piccolo resets the row factory before its own queries)."""
    connection.row_factory = None
    async with connection.execute(sql, args) as cursor:
        return list(await cursor.fetchall())


def one_of(column: str, values: Sequence[Any], sql_type: str) -> QueryString:
    """`column` is one of `values`, with the values as one parameter however many they are.

    PostgreSQL takes an array (`= ANY($1::int[])`), SQLite a JSON array (`IN (SELECT value FROM json_each(?))`):
    one statement and no per-value placeholder to compile, where `is_in` over 30,000 values cost 0.3 s.
    """
    if engine_finder().engine_type == "postgres":
        return QueryString(f"{column} = ANY({{}}::{sql_type}[])", list(values))
    return QueryString(f"{column} IN (SELECT value FROM json_each({{}}))", json.dumps(list(values)))


def _connection() -> tuple[str, Any]:
    """The engine type and the driver connection (asyncpg or aiosqlite) of the current transaction."""
    engine = engine_finder()
    transaction = engine.current_transaction.get()
    if transaction is None:
        raise RuntimeError("bulk writes run inside the use case's transaction")
    return engine.engine_type, transaction.connection


async def reserve_ids(table: type[Table], count: int) -> list[int]:
    """`count` fresh primary keys of `table`, so that rows referring to each other can be written in bulk.

    PostgreSQL draws them from the column's sequence (safe under concurrency); on SQLite the use case's
    transaction began IMMEDIATE and holds the write lock, so the ids after the current maximum stay free.
    """
    engine_type, conn = _connection()
    name = table._meta.tablename
    if engine_type == "postgres":
        rows = await conn.fetch(f"SELECT nextval(pg_get_serial_sequence('\"{name}\"', 'id')) "
                                "FROM generate_series(1, $1)", count)
        return [r[0] for r in rows]
    ((top,),) = await _sqlite_tuples(conn, f'SELECT coalesce(max("id"), 0) FROM "{name}"', [])
    return list(range(top + 1, top + 1 + count))


async def copy_rows(table: type[Table], columns: Sequence[str], rows: list[tuple]) -> None:
    """Insert tuples (values as the driver takes them: JSON as text) on the transaction's connection.

    COPY on PostgreSQL; on SQLite one statement over the rows as one JSON parameter (`json_each`), values
    adapted as the driver would bind them. No statement text or parameter list grows with the rows, which is
    what a draw's 30,000 tasks and 65,000 members need; and the driver's thread runs one step for all of them,
    where `executemany` took the GIL back for every row from the draw's team matching thread (bench/draw.py).
    """
    if not rows:
        return
    engine_type, conn = _connection()
    name = table._meta.tablename
    if engine_type == "postgres":
        await conn.copy_records_to_table(name, records=rows, columns=list(columns))
        return
    names = ", ".join(f'"{c}"' for c in columns)
    values = ", ".join(f"value ->> {k}" for k in range(len(columns)))
    await conn.execute(f'INSERT INTO "{name}" ({names}) SELECT {values} FROM json_each(?)',
                       [json.dumps(rows, ensure_ascii=False, default=_sqlite_value)])


def _sqlite_value(value: Any) -> Any:
    """A value JSON cannot hold (dates, times) as the sqlite3 driver would bind it (Piccolo's adapters)."""
    adapter = sqlite3.adapters.get((type(value), sqlite3.PrepareProtocol))
    if adapter is None:
        raise TypeError(f"no SQLite adapter for {type(value).__name__}")
    return adapter(value)


async def insert_rows(table: type[Table], rows: list[dict], returning: tuple[str, ...] = ()) -> list[dict]:
    """Insert plain dicts (same keys) in bulk, JSON values serialised as Piccolo serialises them.

    `insert(*instances)` builds and compiles a Table instance per row: for the 30,000 tasks and 65,000
    members of a draw over a million entities that was most of the draw's time (bench/draw.py). PostgreSQL
    gets one array per column (`unnest`), SQLite one multi-row VALUES.
    """
    tail = " RETURNING " + ", ".join(f'"{name}"' for name in returning) if returning else ""
    if table._meta.db.engine_type == "postgres":
        sql, arrays = _unnest_insert(table, rows)
        return await table.raw(sql + tail, *arrays).run()
    columns = [table._meta.get_column_by_name(name) for name in rows[0]]
    values = [[sql_value(c, row[c._meta.name]) for row in rows] for c in columns]
    names = ", ".join(f'"{c._meta.db_column_name}"' for c in columns)
    flat = [value for row in zip(*values) for value in row]
    width, out = len(columns), []
    row_marks = "(" + ", ".join("{}" for _ in columns) + ")"
    for start in range(0, len(flat), SQLITE_VARIABLES // width * width):
        chunk = flat[start:start + SQLITE_VARIABLES // width * width]
        marks = ", ".join([row_marks] * (len(chunk) // width))
        out += await table.raw(f'INSERT INTO "{table._meta.tablename}" ({names}) VALUES {marks}{tail}', *chunk).run()
    return out


def _unnest_insert(table: type[Table], rows: list[dict]) -> tuple[str, list[list]]:
    """PostgreSQL's bulk INSERT of plain dicts: one array parameter per column, and those arrays."""
    columns = [table._meta.get_column_by_name(name) for name in rows[0]]
    values = [[sql_value(c, row[c._meta.name]) for row in rows] for c in columns]
    names = ", ".join(f'"{c._meta.db_column_name}"' for c in columns)
    arrays = ", ".join(f"{{}}::{c.column_type}[]" for c in columns)
    return f'INSERT INTO "{table._meta.tablename}" ({names}) SELECT * FROM unnest({arrays})', values


async def insert_together(parts: list[tuple[type[Table], list[dict]]]) -> None:
    """Insert the rows of several tables: on PostgreSQL in one statement (one round trip, for writes made
    while a lock is held until commit), on SQLite one table after the other (no round trips there)."""
    parts = [(table, rows) for table, rows in parts if rows]
    if not parts:
        return
    if len(parts) == 1 or parts[0][0]._meta.db.engine_type != "postgres":
        for table, rows in parts:
            await insert_rows(table, rows)
        return
    statements, args = [], []
    for table, rows in parts:
        sql, values = _unnest_insert(table, rows)
        statements.append(sql)
        args += values
    *first, last = statements
    await parts[0][0].raw("WITH " + ", ".join(f"p{k} AS ({sql})" for k, sql in enumerate(first)) + " " + last,
                          *args).run()


def sql_value(column, value):
    """As Piccolo's convert_to_sql_value for these tables: JSON columns take their serialised text."""
    return dump_json(value) if isinstance(column, JSON) and value is not None and not isinstance(value, str) else value


_PLACEHOLDER = re.compile(r"\$(\d+)")
_SQLITE_TEXT: dict[str, str] = {}


def _for_sqlite(sql: str) -> str:
    """A statement written with `$n` placeholders as SQLite numbers them (`?n`)."""
    if sql not in _SQLITE_TEXT:
        _SQLITE_TEXT[sql] = _PLACEHOLDER.sub(r"?\1", sql)
    return _SQLITE_TEXT[sql]


async def run_prebuilt(sql: str, *args) -> list:
    """Rows (tuples; asyncpg Records) of one statement written out with `$n` placeholders, on the use case's
    transaction's connection, without building a Piccolo query (a sync push runs a dozen)."""
    engine_type, connection = _connection()
    if engine_type == "postgres":
        return await connection.fetch(sql, *args)
    return await _sqlite_tuples(connection, _for_sqlite(sql), list(args))


async def run_prebuilt_many(sql: str, rows: list[tuple]) -> None:
    """One statement written out with `$n` placeholders, for each row, prepared once."""
    if not rows:
        return
    engine_type, connection = _connection()
    await connection.executemany(sql if engine_type == "postgres" else _for_sqlite(sql), rows)
