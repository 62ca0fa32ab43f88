"""The change feed: pages that miss nothing, and numbers that follow commit order on PostgreSQL."""

from __future__ import annotations

import asyncio
from datetime import datetime, timezone

import pytest
from piccolo.engine import engine_finder

from backend.fieldsync import queries
from backend.fieldsync.tables import SyncChange
from tests.integration.conftest import login, run
from tests.integration.fieldwork_factory import ITEM, make_task
from tests.integration.sync_helpers import device


@pytest.mark.parametrize("in_list_limit", [1000, 1], ids=["filtered-in-sql", "scanned"])
def test_small_pages_deliver_every_task_and_every_change_once(client, people, monkeypatch, in_list_limit):
    monkeypatch.setattr(queries, "IN_LIST_LIMIT", in_list_limit)
    tasks = [run(make_task(uscc=f"91320612MA1N2P3Q{n}{'XYZ'[n]}")) for n in range(3)]
    reader, writer = device(client, login(client, "inspector")), device(client, login(client, "inspector_2"))
    pages = []
    original = reader.transport

    def counting(path, body):
        status, answer = original(path, body)
        pages.append(answer)
        return status, answer

    reader.transport = counting
    reader.pull(limit=1)
    assert sorted(reader.tasks) == sorted(t["uid"] for t in tasks) and len(pages) >= 3
    for task in tasks:
        writer.answer(task["uid"], ITEM, {"person_in_charge": task["uid"][-4:]})
    writer.push()
    pages.clear()
    reader.pull(limit=2)
    assert [r["task"] for page in pages for r in page["reports"]] == [t["uid"] for t in tasks]
    assert all(reader.reports[t["uid"]]["answers"][ITEM]["person_in_charge"] == t["uid"][-4:] for t in tasks)
    pages.clear()
    reader.pull()
    assert pages[-1]["reports"] == [] and pages[-1]["more"] is False


def test_feed_numbers_follow_commit_order():
    """A transaction that numbered a change later commits later: a reader that saw number n has seen every
    change numbered below n (PostgreSQL hands out sequence numbers outside commit order unless serialised)."""
    engine = engine_finder()
    if engine.engine_type != "postgres":
        pytest.skip("SQLite serialises writers at BEGIN IMMEDIATE; this runs on PostgreSQL in CI")
    run(_interleave(engine))
    rows = run(SyncChange.select(SyncChange.id, SyncChange.task).order_by(SyncChange.id).run())
    assert [r["task"] for r in rows] == [1, 2]


async def _interleave(engine) -> None:
    now = datetime.now(timezone.utc)
    first_numbered, events = asyncio.Event(), []

    async def slow() -> None:
        async with engine.transaction():
            await queries.append_changes([1], kind="report", now=now)
            first_numbered.set()
            await asyncio.sleep(0.3)
            events.append("slow commits")

    async def fast() -> None:
        await first_numbered.wait()
        async with engine.transaction():
            await queries.append_changes([2], kind="report", now=now)
            events.append("fast numbered")
        assert await queries.head() > 0

    await asyncio.gather(slow(), fast())
    assert events == ["slow commits", "fast numbered"]
