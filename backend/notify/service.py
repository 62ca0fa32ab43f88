"""Queueing notifications inside the use case's transaction, and reading one's inbox."""

from __future__ import annotations

from datetime import datetime, timezone

from piccolo.querystring import QueryString
from piccolo.utils.encoding import dump_json

from backend.db.bulk import copy_rows, fetch_tuples, one_of
from backend.db.tx import transaction
from backend.errors import NotFound
from backend.notify.tables import Notification


async def notify_inspectors(*, kind: str, payloads: dict[int, dict]) -> int:
    """Queue a notification for each inspector (id -> payload) who has a user account; returns how many.

    In the use case's transaction (joined; one is opened when there is none): the rows are written in bulk
    on its connection.
    """
    if not payloads:
        return 0
    now = datetime.now(timezone.utc)
    async with transaction():
        users = await fetch_tuples(QueryString(
            'SELECT id, "user" FROM inspector WHERE {} AND "user" IS NOT NULL', one_of("id", sorted(payloads), "int")))
        rows = [(user, kind, dump_json(payloads[inspector]), now) for inspector, user in sorted(users)]
        await copy_rows(Notification, ("user", "kind", "payload", "created_at"), rows)
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
