"""Reports and offline sync: report, sync_device, sync_mutation, sync_change (written by hand, additive)."""

from piccolo.apps.migrations.auto.migration_manager import MigrationManager
from piccolo.columns.base import OnDelete, OnUpdate
from piccolo.columns.column_types import JSON, BigSerial, ForeignKey, Integer, Serial, Timestamptz, Varchar
from piccolo.table import Table

ID = "2026-11-23T14:30:00:000000"
VERSION = "1.38.0"
DESCRIPTION = "reports and offline sync"


class Task(Table, tablename="task", schema=None):
    id = Serial(null=False, primary_key=True, db_column_name="id")


def _null(default=None) -> dict:
    return {"null": True, "default": default}


COLUMNS = {
    ("Report", "report"): [
        ("task", ForeignKey, {"references": Task, "on_delete": OnDelete.cascade, "on_update": OnUpdate.cascade,
                              "unique": True, "index": True, "null": True}),
        ("status", Varchar, {"length": 12, "default": "assigned", "index": True}),
        ("state", JSON, {"default": "{}"}),
        ("version", Integer, {"default": 0}),
        ("return_reasons", JSON, {"default": "[]"}),
        ("submitted_at", Timestamptz, _null()),
        ("reviewed_at", Timestamptz, _null()),
        ("reviewed_by", Integer, _null()),
        ("created_at", Timestamptz, {}),
        ("updated_at", Timestamptz, {}),
    ],
    ("SyncDevice", "sync_device"): [
        ("device", Varchar, {"length": 36, "unique": True, "index": True}),
        ("user", Integer, {"index": True}),
        ("next_seq", Integer, {"default": 1}),
        ("scope", JSON, {"default": "[]"}),
        ("created_at", Timestamptz, {}),
        ("seen_at", Timestamptz, {}),
    ],
    ("SyncMutation", "sync_mutation"): [
        ("device", Varchar, {"length": 36}),
        ("seq", Integer, {}),
        ("digest", Varchar, {"length": 64}),
        ("task", Integer, {**_null(), "index": True}),
        ("status", Varchar, {"length": 12}),
        ("outcome", JSON, {"default": "{}"}),
        ("received_at", Timestamptz, {}),
    ],
    ("SyncChange", "sync_change"): [
        ("id", BigSerial, {"primary_key": True}),
        ("task", Integer, {"index": True}),
        ("kind", Varchar, {"length": 12}),
        ("at", Timestamptz, {}),
    ],
}


async def forwards():
    manager = MigrationManager(migration_id=ID, app_name="choucha", description=DESCRIPTION)
    for (class_name, tablename), columns in COLUMNS.items():
        manager.add_table(class_name=class_name, tablename=tablename, schema=None, columns=None)
        for name, column_class, params in columns:
            manager.add_column(table_class_name=class_name, tablename=tablename, column_name=name,
                               db_column_name=name, column_class_name=column_class.__name__,
                               column_class=column_class, params=params, schema=None)
    return manager
