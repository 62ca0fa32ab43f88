"""How an executed draw's record is stored: without its pools, which the announcement already holds once.

The record (`record.execute_draw`) lists every stratum's pool: a million identifiers, 21 MiB of its 37. The
announcement stored the same pools as texts (`CanonicalPool.text`), and execution proved it drew from
exactly those (their hashes), so the stored record leaves them out and `with_pools` puts them back,
checking each against its recorded hash. `record_sha256` stays the SHA-256 of the canonical JSON of the
whole record, pools included: one encoding serves both, each pool standing in as a unique marker that is
cut out for storage and replaced by the pool's JSON for the digest.
"""

from __future__ import annotations

import hashlib
import re
import secrets
from collections.abc import Mapping, Sequence
from typing import Any

from backend.audit.chain import canonical_json
from backend.planning.errors import PlanningError

_ESCAPED = re.compile(r'[\x00-\x1f"\\]')
"""Characters canonical JSON escapes inside a string (ensure_ascii off)."""


def _list_json(items: Sequence[str]) -> str:
    """canonical_json(items) for a list of strings, without the encoder when none needs escaping."""
    lines = "\n".join(items)
    if _ESCAPED.search(lines) or lines.count("\n") != max(len(items) - 1, 0):
        return canonical_json(list(items))
    return '["' + lines.replace("\n", '","') + '"]' if items else "[]"


def encode(record: Mapping[str, Any]) -> tuple[str, str]:
    """(The record's canonical JSON without its strata's pools, SHA-256 of the whole record's canonical JSON)."""
    marker = secrets.token_hex(16)  # unguessable: no other text of the record can contain it
    strata = [{**s, "pool": f"{marker}:{k}"} for k, s in enumerate(record["strata"])]
    text = canonical_json({**record, "strata": strata})
    digest, compact, rest = hashlib.sha256(), [], text
    for k, stratum in enumerate(record["strata"]):
        # "pool" is never a stratum's first key ("count" sorts before it), so a comma always precedes it
        head, found, rest = rest.partition(f',"pool":"{marker}:{k}"')
        if not found:
            raise ValueError("the record's encoding lost a pool marker")
        digest.update(head.encode())
        digest.update(f',"pool":{_list_json(stratum["pool"])}'.encode())
        compact.append(head)
    digest.update(rest.encode())
    compact.append(rest)
    return "".join(compact), digest.hexdigest()


def with_pools(record: Mapping[str, Any], pools: Mapping[str, str | Sequence[str]],
               labels: set[str] | None = None) -> dict[str, Any]:
    """The stored record with the pools of its strata (of those in `labels`, when given) put back from the
    announcement's texts, each checked against the stratum's recorded hash; records stored whole pass."""
    strata = []
    for stratum in record["strata"]:
        if "pool" not in stratum and (labels is None or stratum["label"] in labels):
            stratum = {**stratum, "pool": _checked(stratum, pools.get(stratum["label"]))}
        strata.append(stratum)
    return {**record, "strata": strata}


def _checked(stratum: Mapping[str, Any], stored: str | Sequence[str] | None) -> list[str]:
    if stored is None:
        stored = ""
    if isinstance(stored, str):
        text, items = stored, (stored[:-1].split("\n") if stored else [])
    else:
        items = list(stored)
        text = "".join(f"{i}\n" for i in items)
    if hashlib.sha256(text.encode()).hexdigest() != stratum["pool_sha256"]:
        raise PlanningError("draw.pool_changed", f"分层{stratum['label']}的对象库与记录的哈希不符",
                            f"the stored pool of stratum {stratum['label']} does not match the record's hash")
    return items
