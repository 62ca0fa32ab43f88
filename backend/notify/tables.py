"""The notification inbox: what needs a person's attention, durable until read (Web Push delivers it later)."""

from __future__ import annotations

from piccolo.columns import JSON, ForeignKey, Timestamptz, Varchar
from piccolo.table import Table

from backend.auth.tables import User


class Notification(Table, tablename="notification"):
    """One message to one user; `delivered_at` is set by the push worker, `read_at` by the user."""

    user = ForeignKey(User, index=True)
    kind = Varchar(length=40)
    payload = JSON(default={})
    created_at = Timestamptz()
    delivered_at = Timestamptz(null=True, default=None)
    read_at = Timestamptz(null=True, default=None)
