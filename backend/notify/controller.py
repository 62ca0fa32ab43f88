"""HTTP routes of the caller's notification inbox."""

from __future__ import annotations

from litestar import Controller, Request, get, post
from litestar.params import Parameter

from backend.auth.guards import requires, user_of
from backend.notify import service


class NotificationController(Controller):
    """My notifications (tasks assigned, reports to review …)."""

    path = "/api/v1/notifications"
    tags = ["notify"]

    @get("/", guards=[requires(None)])
    async def my_notifications(self, request: Request, unread: bool = False,
                               limit: int = Parameter(default=50, ge=1, le=200)) -> list[dict]:
        """Newest first; `unread=true` for the unread ones only."""
        return await service.inbox(user_id=user_of(request).id, unread_only=unread, limit=limit)

    @post("/{notification_id:int}/read", guards=[requires(None)], status_code=204)
    async def read(self, request: Request, notification_id: int) -> None:
        """Mark a notification as read."""
        await service.mark_read(user_id=user_of(request).id, notification_id=notification_id)
