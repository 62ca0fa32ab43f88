"""Faults on a real server process: answers lost on the way back, and the server killed mid-batch."""

from __future__ import annotations

import asyncio
import sqlite3
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager

import asyncpg
import httpx
import pytest

from backend.audit.service import CHAIN_LOCK
from backend.config import get_settings
from backend.db.engine import postgres_config
from backend.fieldsync.tables import Report, SyncMutation
from tests.integration.conftest import PASSWORD, run
from tests.integration.fieldwork_factory import ITEM, make_task
from tests.integration.live_server import CuttingProxy, LiveServer
from sync.client import Device


@pytest.fixture
def server(people) -> Iterator[LiveServer]:
    live = LiveServer().start()
    yield live
    live.stop()


def _token(url: str) -> dict:
    response = httpx.post(f"{url}/api/v1/auth/login", json={"username": "inspector", "password": PASSWORD,
                                                            "device_name": "faults"})
    return {"Authorization": f"Bearer {response.json()['token']}"}


def _device(url: str, headers: dict) -> Device:
    def transport(path: str, body: dict) -> tuple[int, dict]:
        response = httpx.post(f"{url}{path}", json=body, headers=headers, timeout=30)
        return response.status_code, response.json()

    return Device(transport, clock=lambda: int(time.time() * 1000))


def _written(task_id: int) -> int:
    state = run(Report.select(Report.state).where(Report.task == task_id).first().output(load_json=True).run())
    return sum(len(writes) for writes in state["state"]["fields"].values()) if state else 0


def test_an_answer_lost_on_the_way_back_is_replayed_not_applied_twice(server):
    task = run(make_task())
    proxy = CuttingProxy(server.port)
    headers = _token(server.url)
    dev = _device(f"http://127.0.0.1:{proxy.port}", headers)
    for n in range(20):
        dev.answer(task["uid"], ITEM, {"person_in_charge": f"负责人{n}"})
    proxy.cut_responses = True
    with pytest.raises(httpx.HTTPError):
        dev.push()
    assert len(dev.outbox) == 20  # nothing acknowledged, so nothing left the outbox
    proxy.cut_responses = False
    assert dev.push() == 20
    assert run(SyncMutation.count().run()) == 20
    assert _written(task["id"]) == 20
    assert all(dev.outcomes[n]["status"] == "applied" for n in range(1, 21))
    proxy.close()


def test_a_server_killed_mid_batch_loses_nothing_and_duplicates_nothing(server):
    task = run(make_task())
    headers = _token(server.url)
    dev = _device(server.url, headers)
    for n in range(500):
        dev.answer(task["uid"], ITEM, {"person_in_charge": f"负责人{n}"})
    errors = []
    sender = threading.Thread(target=lambda: _push_expecting_a_cut(dev, errors))
    with _server_held_mid_batch() as wait:
        sender.start()
        caught = wait(sender)
        server.kill()
    sender.join()
    assert caught, "the push finished before the server was seen inside its transaction"
    assert errors  # the answer never came
    assert run(SyncMutation.count().run()) == 0  # killed inside the transaction: none of the batch stayed
    server.start()
    assert dev.push(batch=500) == 500
    assert run(SyncMutation.count().run()) == 500
    assert _written(task["id"]) == 500


@contextmanager
def _server_held_mid_batch() -> Iterator:
    """A wait(sender) that returns True once the server is inside the push's write transaction, or False if
    the push finished first. PostgreSQL: this test holds the audit chain's lock, so the server stops at its
    last step before the commit, with the batch's rows written (a poll for "a transaction is open" could
    catch the server just before it commits). SQLite: our own BEGIN IMMEDIATE is refused at once while the
    server's transaction holds the write lock."""
    if SyncMutation._meta.db.engine_type == "postgres":
        loop = asyncio.new_event_loop()
        holder = loop.run_until_complete(asyncpg.connect(**postgres_config(get_settings().database_url)))
        loop.run_until_complete(holder.execute("SELECT pg_advisory_lock($1)", CHAIN_LOCK))
        waiting = ("SELECT EXISTS (SELECT 1 FROM pg_locks WHERE locktype = 'advisory' AND NOT granted "
                   "AND objid = $1 AND database = (SELECT oid FROM pg_database WHERE datname = current_database()))")

        def busy() -> bool:
            return loop.run_until_complete(holder.fetchval(waiting, CHAIN_LOCK))
        try:
            yield lambda sender: _poll(busy, sender)
        finally:
            loop.run_until_complete(holder.close())
            loop.close()
    else:
        probe = sqlite3.connect(get_settings().sqlite_path, timeout=0, isolation_level=None)

        def busy() -> bool:
            try:
                probe.execute("BEGIN IMMEDIATE")
            except sqlite3.OperationalError:
                return True
            probe.execute("ROLLBACK")
            return False
        try:
            yield lambda sender: _poll(busy, sender)
        finally:
            probe.close()


def _poll(busy, sender: threading.Thread) -> bool:
    while sender.is_alive():
        if busy():
            return True
        time.sleep(0.001)
    return False


def _push_expecting_a_cut(dev: Device, errors: list) -> None:
    try:
        dev.push(batch=500)
    except httpx.HTTPError as error:
        errors.append(error)


def test_concurrent_pushes_to_one_report_lose_nothing(server):
    """Two team members push to the same report at the same moment, many times: every write is merged (on
    PostgreSQL the task rows are locked, so neither merges into a version the other is replacing)."""
    task = run(make_task())
    devices = []
    for username in ("inspector", "inspector-2"):
        response = httpx.post(f"{server.url}/api/v1/auth/login", json={
            "username": username, "password": PASSWORD, "device_name": "race"})
        devices.append(_device(server.url, {"Authorization": f"Bearer {response.json()['token']}"}))
    for round_ in range(8):
        for n, dev in enumerate(devices):
            for k in range(5):
                dev.answer(task["uid"], ITEM, {"person_in_charge": f"{n}-{round_}-{k}"})
        threads = [threading.Thread(target=dev.push) for dev in devices]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join()
    assert all(not dev.outbox for dev in devices)
    assert _written(task["id"]) == 2 * 8 * 5
