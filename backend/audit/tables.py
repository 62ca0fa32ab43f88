"""The append-only, hash-chained audit log (全程留痕)."""

from __future__ import annotations

from piccolo.columns import JSON, Integer, Varchar
from piccolo.table import Table


class AuditEntry(Table, tablename="audit_entry"):
    """One state change: who did what to which target, chained to the previous entry by SHA-256."""

    seq = Integer(unique=True, index=True)
    at = Varchar(length=32)
    actor_id = Integer(null=True, default=None)
    actor_name = Varchar(length=100)
    action = Varchar(length=60, index=True)
    target_type = Varchar(length=40)
    target_id = Varchar(length=64, index=True)
    before_digest = Varchar(length=64, null=True, default=None)
    after_digest = Varchar(length=64, null=True, default=None)
    detail = JSON(default={})
    prev_hash = Varchar(length=64)
    hash = Varchar(length=64)
