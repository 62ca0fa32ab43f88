"""Bulk reads and writes that bypass Piccolo's per-row objects: tuples out, plain dicts in (either engine)."""

from __future__ import annotations

from typing import Any

import aiosqlite
from piccolo.columns import JSON
from piccolo.query.base import Query
from piccolo.table import Table
from piccolo.utils.encoding import dump_json

SQLITE_VARIABLES = 30_000
"""Parameters per SQLite statement (its limit is 32,766 since 3.32)."""


async def fetch_tuples(query: Query) -> list[Any]:
    """Run a select and return its rows as tuples (asyncpg Records on PostgreSQL), skipping the dict per row."""
    engine = query.table._meta.db
    sql, args = query.querystrings[0].compile_string(engine_type=engine.engine_type)
    if engine.engine_type == "postgres":
        return list(await engine.run_querystring(query.querystrings[0]))
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


async def insert_rows(table: type[Table], rows: list[dict], returning: tuple[str, ...] = ()) -> list[dict]:
    """Insert plain dicts (same keys) in bulk, JSON values serialised as Piccolo serialises them.

    `insert(*instances)` builds and compiles a Table instance per row: for the 30,000 tasks and 65,000
    members of a draw over a million entities that was most of the draw's time (bench/draw.py). PostgreSQL
    gets one array per column (`unnest`), SQLite one multi-row VALUES.
    """
    columns = [table._meta.get_column_by_name(name) for name in rows[0]]
    values = [[sql_value(c, row[c._meta.name]) for row in rows] for c in columns]
    names = ", ".join(f'"{c._meta.db_column_name}"' for c in columns)
    tail = " RETURNING " + ", ".join(f'"{name}"' for name in returning) if returning else ""
    if table._meta.db.engine_type == "postgres":
        arrays = ", ".join(f"{{}}::{c.column_type}[]" for c in columns)
        sql = f'INSERT INTO "{table._meta.tablename}" ({names}) SELECT * FROM unnest({arrays}){tail}'
        return await table.raw(sql, *values).run()
    flat = [value for row in zip(*values) for value in row]
    width, out = len(columns), []
    row_marks = "(" + ", ".join("{}" for _ in columns) + ")"
    for start in range(0, len(flat), SQLITE_VARIABLES // width * width):
        chunk = flat[start:start + SQLITE_VARIABLES // width * width]
        marks = ", ".join([row_marks] * (len(chunk) // width))
        out += await table.raw(f'INSERT INTO "{table._meta.tablename}" ({names}) VALUES {marks}{tail}', *chunk).run()
    return out


def sql_value(column, value):
    """As Piccolo's convert_to_sql_value for these tables: JSON columns take their serialised text."""
    return dump_json(value) if isinstance(column, JSON) and value is not None and not isinstance(value, str) else value
