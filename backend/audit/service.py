"""Appending to and verifying the audit chain, inside the caller's transaction."""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime, timezone
from typing import Any

import msgspec
from piccolo.table import Table

from backend.audit.chain import GENESIS, ChainBreak, digest, entry_hash, link_parts, verify_chain
from backend.audit.tables import AuditEntry
from backend.db.bulk import insert_together, run_prebuilt, sql_value

CHAIN_LOCK = 7_263_001  # PostgreSQL advisory lock id: one appender at a time keeps the chain linear.
_HEAD = 'SELECT "seq", "hash" FROM "audit_entry" ORDER BY "seq" DESC LIMIT 1'
_APPEND = "SELECT * FROM choucha_chain_append($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14)"
"""PostgreSQL: the chain's lock, the head as committed when it was granted, the linked entries and the rows
numbered with them, in one round trip (the function of migration 15_10)."""


@dataclass(frozen=True)
class Actor:
    """Who acts: a user, or the system itself (CLI, migrations, demo)."""

    id: int | None
    name: str
    role: str = "system"
    department_id: int | None = None


SYSTEM = Actor(None, "system")


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


async def record_many(events: list[Event], *, along: Sequence[tuple[type[Table], list[dict]]] = (),
                      beside: Sequence[tuple[str, list]] = ()) -> list[dict]:
    """Append several entries in one go, with the rows `along` (a sync batch's change feed, numbered in
    commit order under the same lock). The chain's lock is held from here to the commit while every other
    appender waits its turn; on PostgreSQL the lock, the head, the links and the inserts are one call, so the
    holder needs its own process only once more, for the commit.

    `beside`: PostgreSQL data-modifying statements ((SQL with $1…, arguments): updates of other rows, which
    the append neither reads nor depends on) sent in the same round trip, as parts of the same statement."""
    if AuditEntry._meta.db.current_transaction.get() is None:
        raise RuntimeError("audit.record must run inside a transaction")
    if not events and not any(rows for _, rows in along):
        for sql, args in beside:
            await run_prebuilt(sql, *args)
        return []
    at = datetime.now(timezone.utc).isoformat(timespec="microseconds")
    entries = [{
        "at": at, "actor_id": event.actor.id, "actor_name": event.actor.name, "action": event.action,
        "target_type": event.target_type, "target_id": str(event.target_id), "before_digest": digest(event.before),
        "after_digest": digest(event.after), "detail": event.detail or {},
    } for event in events]
    if AuditEntry._meta.db.engine_type == "postgres":
        await _append_in_database(entries, along, at, beside)
        return entries
    if beside:
        raise RuntimeError("statements beside the append are for PostgreSQL")
    head = await run_prebuilt(_HEAD)  # SQLite: this transaction's BEGIN IMMEDIATE holds the only write lock
    seq, prev_hash = (head[0][0], head[0][1]) if head else (0, GENESIS)
    for entry in entries:
        seq += 1
        entry["seq"], entry["prev_hash"] = seq, prev_hash
        entry["hash"] = prev_hash = entry_hash(entry)
    await insert_together([(AuditEntry, entries), *along])  # the same JSON text as Table instances would write
    return entries


_ROWS = msgspec.json.Encoder()
"""The `along` rows as JSON (values of JSON columns nested, times in RFC 3339): read by column name, never hashed."""


_PLACEHOLDER = re.compile(r"\$(\d+)")


async def _append_in_database(entries: list[dict], along: Sequence[tuple[type[Table], list[dict]]], at: str,
                              beside: Sequence[tuple[str, list]] = ()) -> None:
    """PostgreSQL: the function links and inserts the entries; their seq and hashes are filled in here."""
    parts = [link_parts(entry) for entry in entries]
    along = [(table, rows) for table, rows in along if rows]
    args = [CHAIN_LOCK, [head for head, _ in parts], [tail for _, tail in parts], at,
            *[[entry[key] for entry in entries] for key in (
                "actor_id", "actor_name", "action", "target_type", "target_id", "before_digest", "after_digest")],
            [sql_value(AuditEntry.detail, entry["detail"]) for entry in entries],
            [table._meta.tablename for table, _ in along], [_ROWS.encode(rows).decode() for _, rows in along]]
    statements = []
    for k, (sql, extra) in enumerate(beside):  # renumbered after the append's own parameters
        offset = len(args)
        statements.append(f"beside{k} AS ({_PLACEHOLDER.sub(lambda m: f'${int(m[1]) + offset}', sql)})")
        args += extra
    links = await run_prebuilt(("WITH " + ", ".join(statements) + " " if statements else "") + _APPEND, *args)
    for entry, (seq, prev_hash, hash_) in zip(entries, links, strict=True):
        entry.update(seq=seq, prev_hash=prev_hash, hash=hash_)


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
