"""Queueing notifications inside the use case's transaction, and reading one's inbox."""

from __future__ import annotations

from datetime import datetime, timezone

from backend.db.bulk import insert_rows
from backend.errors import NotFound
from backend.notify.tables import Notification
from backend.registry.tables import Inspector


async def notify_inspectors(*, kind: str, payloads: dict[int, dict]) -> int:
    """Queue a notification for each inspector (id -> payload) who has a user account; returns how many."""
    if not payloads:
        return 0
    now = datetime.now(timezone.utc)
    rows = []
    ids = sorted(payloads)
    for start in range(0, len(ids), 5000):
        users = await Inspector.select(Inspector.id, Inspector.user).where(
            Inspector.id.is_in(ids[start:start + 5000]) & Inspector.user.is_not_null()).run()
        rows += [{"user": u["user"], "kind": kind, "payload": payloads[u["id"]], "created_at": now} for u in users]
    for start in range(0, len(rows), 1000):
        await insert_rows(Notification, rows[start:start + 1000])
    return len(rows)


async def inbox(*, user_id: int, unread_only: bool, limit: int) -> list[dict]:
    """A user's notifications, newest first."""
    query = Notification.select(Notification.id, Notification.kind, Notification.payload, Notification.created_at,
                                Notification.read_at).where(Notification.user == user_id)
    if unread_only:
        query = query.where(Notification.read_at.is_null())
    return await query.order_by(Notification.id, ascending=False).limit(limit).output(load_json=True).run()


async def mark_read(*, user_id: int, notification_id: int) -> None:
    """Mark one of the user's notifications as read."""
    rows = await Notification.update({Notification.read_at: datetime.now(timezone.utc)}).where(
        (Notification.id == notification_id) & (Notification.user == user_id)).returning(Notification.id).run()
    if not rows:
        raise NotFound("通知不存在", "no such notification", code="notification.not_found")
