"""Appending to and verifying the audit chain, inside the caller's transaction."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime, timezone
from typing import Any

from piccolo.table import Table

from backend.audit.chain import GENESIS, ChainBreak, digest, entry_hash, verify_chain
from backend.audit.tables import AuditEntry
from backend.db.bulk import insert_together, run_prebuilt

_CHAIN_LOCK = 7_263_001  # PostgreSQL advisory lock id: one appender at a time keeps the chain linear.
_HEAD = 'SELECT "seq", "hash" FROM "audit_entry" ORDER BY "seq" DESC LIMIT 1'
_LOCKED_HEAD = "SELECT seq, hash FROM choucha_chain_head($1)"
"""PostgreSQL: the chain's lock, then the head as committed when it was granted, in one round trip (the
function of migration 15_10; a plain statement would read the head from before its wait)."""


@dataclass(frozen=True)
class Actor:
    """Who acts: a user, or the system itself (CLI, migrations, demo)."""

    id: int | None
    name: str
    role: str = "system"
    department_id: int | None = None


SYSTEM = Actor(None, "system")


async def hold_chain_lock() -> None:
    """Take the chain's lock until the transaction ends (PostgreSQL; SQLite's BEGIN IMMEDIATE already
    serialises writers). Rows numbered while holding it are numbered in commit order."""
    engine = AuditEntry._meta.db  # the engine its queries run on; engine_finder() re-reads the conf each call
    if engine.engine_type == "postgres":
        await engine.run_ddl(f"SELECT pg_advisory_xact_lock({_CHAIN_LOCK})")


@dataclass(frozen=True)
class Event:
    """One state change to append: who did what to which target, the states before and after."""

    actor: Actor
    action: str
    target_type: str
    target_id: Any
    before: Any = None
    after: Any = None
    detail: dict | None = None


async def record(*, actor: Actor, action: str, target_type: str, target_id: Any,
                 before: Any = None, after: Any = None, detail: dict | None = None) -> dict:
    """Append one entry; call inside the use case's transaction so it commits or rolls back with it."""
    return (await record_many([Event(actor, action, target_type, target_id, before, after, detail)]))[0]


async def record_many(events: list[Event], *, along: Sequence[tuple[type[Table], list[dict]]] = ()
                      ) -> list[dict]:
    """Append several entries with one lock, one read of the head and one insert, which also writes the
    rows `along` (a sync batch's change feed, numbered in commit order under the same lock). The chain lock
    is held from here to the commit while the rest of the server's work waits its turn, so this costs two
    round trips: the lock with the head, then the inserts."""
    if AuditEntry._meta.db.current_transaction.get() is None:
        raise RuntimeError("audit.record must run inside a transaction")
    if not events:
        return []
    head = await _locked_head()
    seq, prev_hash = (head[0][0], head[0][1]) if head else (0, GENESIS)
    at = datetime.now(timezone.utc).isoformat(timespec="microseconds")
    entries = []
    for event in events:
        seq += 1
        entry = {
            "seq": seq, "at": at, "actor_id": event.actor.id, "actor_name": event.actor.name,
            "action": event.action, "target_type": event.target_type, "target_id": str(event.target_id),
            "before_digest": digest(event.before), "after_digest": digest(event.after),
            "detail": event.detail or {}, "prev_hash": prev_hash,
        }
        entry["hash"] = prev_hash = entry_hash(entry)
        entries.append(entry)
    await insert_together([(AuditEntry, entries), *along])  # the same JSON text as Table instances would write
    return entries


async def _locked_head() -> list:
    """The chain's head (seq, hash) once this transaction holds the chain's lock (SQLite: its BEGIN
    IMMEDIATE does)."""
    if AuditEntry._meta.db.engine_type == "postgres":
        return await run_prebuilt(_LOCKED_HEAD, _CHAIN_LOCK)  # no row while the chain is empty
    return await run_prebuilt(_HEAD)


async def verify(batch: int = 5000) -> tuple[int, ChainBreak | None]:
    """Walk the whole chain in batches; the count of good entries and the first break."""
    total, prev_hash, prev_seq = 0, GENESIS, 0
    while True:
        rows = await AuditEntry.select(*[getattr(AuditEntry, c) for c in (
            "seq", "at", "actor_id", "actor_name", "action", "target_type", "target_id",
            "before_digest", "after_digest", "detail", "prev_hash", "hash")]).where(
            AuditEntry.seq > prev_seq).order_by(AuditEntry.seq).limit(batch).output(load_json=True).run()
        if not rows:
            return total, None
        checked, broken = verify_chain(rows, prev_hash=prev_hash, prev_seq=prev_seq)
        total += checked
        if broken:
            return total, broken
        prev_hash, prev_seq = rows[-1]["hash"], rows[-1]["seq"]
