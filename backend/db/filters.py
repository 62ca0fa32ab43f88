"""Query conditions that read the same on SQLite and PostgreSQL."""

from __future__ import annotations

from piccolo.query import WhereRaw


def json_contains(column: str, value: str) -> WhereRaw:
    """A JSON list column (`table.column`) holds the string `value`, compared as text on either engine."""
    return WhereRaw(f"CAST({column} AS TEXT) LIKE {{}}", f'%"{value}"%')
