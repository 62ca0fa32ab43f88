"""Clean-up of uploads that never completed: their rows, their unfinished multipart uploads, staged bytes."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from litestar.concurrency import sync_to_thread

from backend.audit import service as audit
from backend.audit.service import SYSTEM
from backend.config import get_settings
from backend.db.tx import transaction
from backend.storage.factory import get_store
from backend.storage.rules import incoming_key, original_key
from backend.storage.service import ROW, summary
from backend.storage.tables import Media


async def prune_abandoned(*, older_than: timedelta, now: datetime | None = None) -> dict[str, int]:
    """Drop uploads declared longer than `older_than` ago whose bytes never completed: their unfinished
    multipart upload is aborted (S3 keeps the parts, and bills them, until then) or their staged single PUT
    deleted, and the pending row goes, each with an audit entry. A device that still holds the file declares
    it again and starts over; stored media are never touched."""
    cutoff = (now or datetime.now(UTC)) - older_than
    rows = await Media.select(*ROW, Media.created_at).where(
        (Media.status == "pending") & (Media.created_at < cutoff)).order_by(Media.id).output(load_json=True).run()
    store, pruned = get_store(get_settings()), 0
    for row in rows:
        async with transaction():
            gone = await Media.delete().where((Media.uid == row["uid"]) & (Media.status == "pending")).returning(
                Media.id).run()
            if not gone:
                continue  # completed meanwhile
            await audit.record(actor=SYSTEM, action="media.upload_abandoned", target_type="media",
                               target_id=row["uid"], before=summary(row),
                               detail={"declared_at": row["created_at"].isoformat(),
                                       "multipart": bool(row["upload_id"])})
        # the row is gone first: a completion racing with this finds no pending upload instead of missing bytes
        if row["upload_id"]:  # (no error when the store no longer knows it)
            await sync_to_thread(store.abort_multipart, original_key(row["sha256"]), row["upload_id"])
        else:
            await sync_to_thread(store.delete, incoming_key(row["uid"]))
        pruned += 1
    return {"pruned": pruned, "older_than_hours": int(older_than.total_seconds() // 3600)}
