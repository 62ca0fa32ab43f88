"""Hash chain rules for the audit log: pure functions over plain dicts."""

from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass
from datetime import date, datetime
from typing import Any, Iterable

GENESIS = "0" * 64
CHAINED_FIELDS = ("seq", "at", "actor_id", "actor_name", "action", "target_type", "target_id",
                  "before_digest", "after_digest", "detail", "prev_hash")


def _default(value: Any) -> str:
    if isinstance(value, (date, datetime)):
        return value.isoformat()
    return str(value)


def canonical_json(value: Any) -> str:
    """Deterministic JSON: sorted keys, no spaces, UTF-8 text kept as is."""
    return json.dumps(value, sort_keys=True, separators=(",", ":"), ensure_ascii=False, default=_default)


def digest(state: Any) -> str | None:
    """SHA-256 of a state's canonical JSON, or None when there is no state (creation, deletion)."""
    if state is None:
        return None
    return hashlib.sha256(canonical_json(state).encode()).hexdigest()


def entry_hash(entry: dict) -> str:
    """The hash of an entry: SHA-256 over its chained fields, which include the previous hash."""
    return hashlib.sha256(canonical_json({k: entry[k] for k in CHAINED_FIELDS}).encode()).hexdigest()


LINK_MIDDLE = '","seq":'
"""What joins an entry's previous hash and its seq in its chained text (keys sorted: … prev_hash, seq, …)."""


def link_parts(entry: dict) -> tuple[str, str]:
    """The chained text of an entry without its link, as the text before its previous hash and the text
    after its seq: `head + prev_hash + LINK_MIDDLE + str(seq) + tail` is the text `entry_hash` hashes. The
    database links entries with these once it holds the chain's lock (migration 15_10), so an entry's
    fields are written out beforehand and the hash format stays one."""
    before = {k: entry[k] for k in CHAINED_FIELDS if k < "prev_hash"}
    after = {k: entry[k] for k in CHAINED_FIELDS if k > "seq"}
    return canonical_json(before)[:-1] + ',"prev_hash":"', "," + canonical_json(after)[1:]


@dataclass(frozen=True)
class ChainBreak:
    """The first entry whose link does not hold, and why."""

    seq: int
    reason: str


def verify_chain(entries: Iterable[dict], *, prev_hash: str = GENESIS, prev_seq: int = 0) -> tuple[int, ChainBreak | None]:
    """Walk entries in sequence order; return how many were checked and the first break, if any."""
    checked = 0
    for entry in entries:
        if entry["seq"] != prev_seq + 1:
            return checked, ChainBreak(entry["seq"], f"sequence gap: expected {prev_seq + 1}")
        if entry["prev_hash"] != prev_hash:
            return checked, ChainBreak(entry["seq"], "previous-hash link does not match")
        if entry_hash(entry) != entry["hash"]:
            return checked, ChainBreak(entry["seq"], "entry content does not match its hash")
        prev_hash, prev_seq = entry["hash"], entry["seq"]
        checked += 1
    return checked, None
