"""Upload plans and bytes sent through the server (local storage): what to send where, and receiving it."""

from __future__ import annotations

import tempfile
from collections.abc import AsyncIterator
from dataclasses import asdict
from typing import IO, Any

from backend.config import Settings
from backend.errors import InvalidInput, TooLarge
from backend.storage.ingest import Arrival
from backend.storage.rules import incoming_key, original_key, part_length
from backend.storage.store import MediaStore, PresignedRequest

API = "/api/v1/media/uploads"
SPOOL_IN_MEMORY = 1024 * 1024


def arrival_of(row: dict) -> Arrival:
    """The verification view of a media row."""
    return Arrival(uid=row["uid"], sha256=row["sha256"], size=row["size"], content_type=row["content_type"],
                   kind=row["kind"], upload_id=row["upload_id"], part_size=row["part_size"])


def _target(request: PresignedRequest | None, server_path: str) -> dict[str, Any]:
    """Where to send bytes: a presigned store URL (send no credentials there), or the server (send them)."""
    if request is None:
        return {"target": "server", "method": "PUT", "url": server_path, "headers": {}}
    return {"target": "store", "method": request.method, "url": request.url, "headers": dict(request.headers),
            "expires_at": request.expires_at}


def pending_plan(store: MediaStore, row: dict, settings: Settings) -> dict[str, Any]:
    """The rest of a pending upload: its single PUT, or the parts still missing with fresh URLs (blocking I/O)."""
    arrival, expires = arrival_of(row), settings.media_presign_seconds
    answer: dict[str, Any] = {"complete_url": f"{API}/{row['uid']}/complete"}
    if not arrival.upload_id:
        # the signature binds the declared SHA-256 too: a stale URL can only ever write these same bytes
        request = store.presign_put(incoming_key(arrival.uid), content_type=arrival.content_type, size=arrival.size,
                                    expires=expires, sha256=arrival.sha256)
        return {**answer, "method": "single", "upload": _target(request, f"{API}/{arrival.uid}/content")}
    key, plan = original_key(arrival.sha256), arrival.plan
    try:
        arrived = store.list_parts(key, arrival.upload_id)
    except KeyError:  # joined already by a completion that stopped short: only completing is left
        arrived, missing = [], []
    else:
        good = {p.number for p in arrived if p.size == part_length(arrival.size, plan, p.number)}
        missing = [n for n in range(1, plan.part_count + 1) if n not in good]
    parts = [{"number": n, **_target(store.presign_part(key, arrival.upload_id, n, expires=expires),
                                     f"{API}/{arrival.uid}/parts/{n}")} for n in missing]
    return {**answer, "method": "multipart", "part_size": plan.part_size, "part_count": plan.part_count,
            "received": [asdict(p) for p in arrived], "parts": parts}


async def spool_body(chunks: AsyncIterator[bytes], expected: int) -> IO[bytes]:
    """The request body in a temporary file (memory up to 1 MiB), refused unless exactly `expected` bytes."""
    spool = tempfile.SpooledTemporaryFile(max_size=SPOOL_IN_MEMORY)  # noqa: SIM115 - returned to the caller
    size = 0
    try:
        async for chunk in chunks:
            size += len(chunk)
            if size > expected:
                raise TooLarge(f"请求体超过应有的{expected}字节", f"the body exceeds the expected {expected} bytes",
                               code="media.body_too_large")
            spool.write(chunk)
        if size != expected:
            raise InvalidInput(f"只收到{size}字节，应为{expected}字节", f"received {size} of {expected} bytes",
                               code="media.body_incomplete", received=size, expected=expected)
    except BaseException:
        spool.close()
        raise
    spool.seek(0)
    return spool
