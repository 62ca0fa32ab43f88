"""Exporting the registers in the import template's shape, so an export re-imports unchanged."""

from __future__ import annotations

from collections.abc import AsyncIterator
from datetime import date
from pathlib import Path
from typing import Any

from backend.registry.importing import columns, template_headers
from backend.registry.tables import Entity, Inspector
from backend.registry.tabular import write_table

BATCH = 5000


def _cell(value: Any) -> Any:
    if isinstance(value, list):
        return ";".join(str(v) for v in value)
    if isinstance(value, bool):
        return "是" if value else "否"
    if isinstance(value, date):
        return value.isoformat()
    return "" if value is None else value


async def _rows(kind: str) -> AsyncIterator[list[Any]]:
    keys = [col.key for col in columns(kind)]
    if kind == "entities":
        table, select = Entity, [getattr(Entity, k) for k in keys]
    else:
        table = Inspector
        select = [getattr(Inspector, k) for k in keys if k not in ("department", "username")] + [
            Inspector.department.code.as_alias("department"), Inspector.user.username.as_alias("username")]
    last = 0
    while True:
        rows = await table.select(table.id, *select).where(table.id > last).order_by(table.id).limit(
            BATCH).output(load_json=True).run()
        if not rows:
            return
        for row in rows:
            yield [_cell(row[k]) for k in keys]
        last = rows[-1]["id"]


async def export_register(*, kind: str, path: Path) -> int:
    """Write the register to `path` (.csv or .xlsx); returns the number of rows."""
    rows = [row async for row in _rows(kind)]
    write_table(path, template_headers(kind), rows)
    return len(rows)


def write_template(*, kind: str, path: Path) -> None:
    """An empty file with the template headers."""
    write_table(path, template_headers(kind), [])
