"""The audit chain: appended in the use case's transaction, verifiable, tampering found."""

from __future__ import annotations

import asyncio

import pytest
from piccolo.engine import engine_finder

from backend.audit import service as audit
from backend.audit.service import SYSTEM
from backend.audit.tables import AuditEntry
from backend.cli import main
from backend.db.tx import transaction
from tests.integration.conftest import run


async def _append(n: int) -> None:
    for i in range(n):
        async with transaction():
            await audit.record(actor=SYSTEM, action="test.step", target_type="thing", target_id=i,
                               before={"n": i}, after={"n": i + 1, "名": "值"})


def test_a_fresh_chain_verifies(capsys):
    run(_append(5))
    assert run(audit.verify()) == (5, None)
    assert main(["audit", "verify"]) == 0
    assert "5" in capsys.readouterr().out


def test_entries_with_awkward_text_link_as_python_would():
    """On PostgreSQL the database links the entries from the text written out beforehand: quotes,
    backslashes, control characters, Chinese and nested values hash as `entry_hash` says."""
    detail = {"说明": '引号" 反斜杠\\ 换行\n 制表\t', "列表": [1, None, True, 2.5, {"b": "乙", "a": "甲"}], "空": {}}

    async def append() -> list[dict]:
        async with transaction():
            first = await audit.record(actor=SYSTEM, action="test.text", target_type="物", target_id="编号/1",
                                       after={"x": 1}, detail=detail)
            return [first, *await audit.record_many([audit.Event(SYSTEM, "test.text", "thing", n, detail={"n": n})
                                                     for n in range(3)])]

    entries = run(append())
    assert [e["seq"] for e in entries] == [1, 2, 3, 4]
    assert [e["prev_hash"] for e in entries[1:]] == [e["hash"] for e in entries[:-1]]
    assert run(audit.verify()) == (4, None)
    stored = run(AuditEntry.select().where(AuditEntry.seq == 1).output(load_json=True).first().run())
    assert stored["detail"] == detail and stored["hash"] == entries[0]["hash"]


def test_concurrent_appenders_keep_one_linear_chain():
    """Twenty use cases append at once (on PostgreSQL each on its own connection, taking turns on the
    chain's lock and reading the head as committed when their turn comes): one chain, no seq twice."""
    async def one(n: int) -> None:
        async with transaction():
            await audit.record_many([audit.Event(SYSTEM, "test.concurrent", "thing", f"{n}-{k}") for k in range(3)])

    async def all_at_once() -> None:
        await asyncio.gather(*(one(n) for n in range(20)))

    run(all_at_once())
    assert run(audit.verify()) == (60, None)
    seqs = [r["seq"] for r in run(AuditEntry.select(AuditEntry.seq).order_by(AuditEntry.seq).run())]
    assert seqs == list(range(1, 61))


def test_record_outside_a_transaction_is_refused():
    with pytest.raises(RuntimeError):
        run(audit.record(actor=SYSTEM, action="x", target_type="y", target_id=1))


def test_entries_of_a_rolled_back_use_case_vanish():
    async def failing():
        async with transaction():
            await audit.record(actor=SYSTEM, action="test.fail", target_type="thing", target_id=1)
            raise ValueError("use case failed")

    with pytest.raises(ValueError):
        run(failing())
    assert run(AuditEntry.count().run()) == 0


@pytest.mark.parametrize("statement,seq,reason", [
    ("UPDATE audit_entry SET actor_name = 'mallory' WHERE seq = 3", 3, "content"),
    ("UPDATE audit_entry SET detail = '{\"forged\": true}' WHERE seq = 2", 2, "content"),
    ("DELETE FROM audit_entry WHERE seq = 3", 4, "gap"),
    ("UPDATE audit_entry SET prev_hash = '" + "0" * 64 + "' WHERE seq = 4", 4, "previous"),
])
def test_tampering_is_found_at_the_first_broken_link(capsys, statement, seq, reason):
    run(_append(6))
    run(engine_finder().run_ddl(statement))
    checked, broken = run(audit.verify())
    assert broken is not None and broken.seq == seq and reason in broken.reason
    assert checked == seq - 1 if reason != "gap" else checked == 2
    assert main(["audit", "verify"]) == 1
    assert f"{seq}" in capsys.readouterr().out


def test_verify_walks_past_one_batch():
    run(_append(12))
    checked, broken = run(audit.verify(batch=5))
    assert (checked, broken) == (12, None)
