"""Exporting the registers in the import template's shape, so an export re-imports unchanged."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import date
from pathlib import Path
from typing import Any

from litestar.concurrency import sync_to_thread

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


def _rows(kind: str) -> Iterator[list[Any]]:
    """Every row of the register in template order, read in batches (run in a worker thread)."""
    keys = [col.key for col in columns(kind)]
    if kind == "entities":
        table, select = Entity, [getattr(Entity, k) for k in keys]
    else:
        table = Inspector
        select = [getattr(Inspector, k) for k in keys if k not in ("department", "username")] + [
            Inspector.department.code.as_alias("department"), Inspector.user.username.as_alias("username")]
    last = 0
    while True:
        rows = table.select(table.id, *select).where(table.id > last).order_by(table.id).limit(
            BATCH).output(load_json=True).run_sync()
        if not rows:
            return
        for row in rows:
            yield [_cell(row[k]) for k in keys]
        last = rows[-1]["id"]


def _write(kind: str, path: Path) -> int:
    count = 0

    def counted() -> Iterator[list[Any]]:
        nonlocal count
        for row in _rows(kind):
            count += 1
            yield row

    write_table(path, template_headers(kind), counted())
    return count


async def export_register(*, kind: str, path: Path) -> int:
    """Write the register to `path` (.csv or .xlsx), streaming in batches; returns the number of rows."""
    return await sync_to_thread(_write, kind, path)


def write_template(*, kind: str, path: Path) -> None:
    """An empty file with the template headers."""
    write_table(path, template_headers(kind), [])
