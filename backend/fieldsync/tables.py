"""Reports and the sync bookkeeping: devices, the mutations they pushed, and the ordered change feed."""

from __future__ import annotations

from piccolo.columns import JSON, BigSerial, ForeignKey, Integer, Timestamptz, Varchar
from piccolo.table import Table

from backend.fieldwork.tables import Task


class Report(Table, tablename="report"):
    """The inspection report of one task: its merged state (sync/merge.py) and lifecycle status."""

    task = ForeignKey(Task, unique=True, index=True)
    status = Varchar(length=12, default="assigned", index=True)
    state = JSON(default={})
    version = Integer(default=0)
    return_reasons = JSON(default=[])
    submitted_at = Timestamptz(null=True, default=None)
    reviewed_at = Timestamptz(null=True, default=None)
    reviewed_by = Integer(null=True, default=None)
    created_at = Timestamptz()
    updated_at = Timestamptz()


class SyncDevice(Table, tablename="sync_device"):
    """A device that syncs: whose it is, the next mutation number expected, the tasks it was sent."""

    device = Varchar(length=36, unique=True, index=True)
    user = Integer(index=True)
    next_seq = Integer(default=1)
    scope = JSON(default=[])
    created_at = Timestamptz()
    seen_at = Timestamptz()


class SyncMutation(Table, tablename="sync_mutation"):
    """Every mutation taken from a device, with its digest and outcome: replays answer from here."""

    device = Varchar(length=36)
    seq = Integer()
    digest = Varchar(length=64)
    task = Integer(null=True, default=None, index=True)
    status = Varchar(length=12)
    outcome = JSON(default={})
    received_at = Timestamptz()


class SyncChange(Table, tablename="sync_change"):
    """The change feed: one row per committed change of a task's report or task, in commit order."""

    id = BigSerial(primary_key=True)
    task = Integer(index=True)
    kind = Varchar(length=12)
    at = Timestamptz()
