"""Bulk writes (`db/bulk.copy_rows`) store exactly what Piccolo's own insert stores, on either engine."""

from __future__ import annotations

from datetime import datetime, timedelta, timezone

from piccolo.engine import engine_finder

from backend.auth.tables import User
from backend.db.bulk import copy_rows
from backend.db.tx import transaction
from backend.notify.tables import Notification

from tests.integration.conftest import run


async def _stored(where: str) -> list[tuple]:
    """The rows as the database holds them (SQLite: with each value's storage class)."""
    engine = engine_finder()
    if engine.engine_type == "sqlite":
        columns = ", ".join(f"{c}, typeof({c})" for c in ("kind", "payload", "created_at", "delivered_at"))
    else:
        columns = "kind, payload::text, created_at, delivered_at"
    rows = await engine.run_ddl(f"SELECT {columns} FROM notification WHERE {where} ORDER BY id")
    return [tuple(row.values()) for row in rows]


def test_copied_rows_read_back_as_piccolo_writes_them(people):
    async def scenario():
        user = (await User.select(User.id).where(User.username == "inspector").first().run())["id"]
        at = datetime(2026, 3, 2, 9, 30, 15, 123456, tzinfo=timezone(timedelta(hours=8)))
        values = [("task.assigned", '{"draw": 1, "tasks": ["甲\\"乙\\n"], "count": 1}', at),
                  ("plain", "[]", at.replace(microsecond=0))]
        async with transaction():
            for kind, payload, created in values:
                await Notification(user=user, kind=kind, payload=payload, created_at=created).save().run()
            await copy_rows(Notification, ("user", "kind", "payload", "created_at"),
                            [(user, f"{kind}.copied", payload, created) for kind, payload, created in values])
        saved = await _stored("kind NOT LIKE '%.copied'")
        copied = await _stored("kind LIKE '%.copied'")
        assert [row[0] + ".copied" for row in saved] == [row[0] for row in copied]
        assert [row[1:] for row in saved] == [row[1:] for row in copied]
        assert len(copied) == 2
    run(scenario())
