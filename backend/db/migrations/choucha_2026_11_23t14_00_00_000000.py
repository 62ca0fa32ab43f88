"""Media: one row per SHA-256, pending until verified (written by hand in the generated form; additive)."""

from piccolo.apps.migrations.auto.migration_manager import MigrationManager
from piccolo.columns.column_types import JSON, BigInt, Integer, Timestamptz, Varchar
from piccolo.columns.defaults.timestamptz import TimestamptzNow
from piccolo.columns.indexes import IndexMethod

ID = "2026-11-23T14:00:00:000000"
VERSION = "1.38.0"
DESCRIPTION = "media"

COLUMNS = (
    # name, column class, params that differ from the defaults below
    ("uid", Varchar, {"length": 36, "default": "", "unique": True, "index": True}),
    ("sha256", Varchar, {"length": 64, "default": "", "unique": True, "index": True}),
    ("size", BigInt, {"default": 0}),
    ("content_type", Varchar, {"length": 40, "default": ""}),
    ("kind", Varchar, {"length": 10, "default": ""}),
    ("status", Varchar, {"length": 10, "default": "pending", "index": True}),
    ("upload_id", Varchar, {"length": 200, "default": None, "null": True}),
    ("part_size", BigInt, {"default": 0}),
    ("meta", JSON, {"default": "{}"}),
    ("filename", Varchar, {"length": 200, "default": None, "null": True}),
    ("task", Integer, {"default": 0, "index": True}),
    ("uploaded_by", Integer, {"default": 0}),
    ("created_at", Timestamptz, {"default": TimestamptzNow()}),
    ("stored_at", Timestamptz, {"default": None, "null": True}),
)


def _params(overrides: dict) -> dict:
    return {"null": False, "primary_key": False, "unique": False, "index": False,
            "index_method": IndexMethod.btree, "choices": None, "db_column_name": None, "secret": False,
            **overrides}


async def forwards():
    manager = MigrationManager(migration_id=ID, app_name="choucha", description=DESCRIPTION)

    manager.add_table(class_name="Media", tablename="media", schema=None, columns=None)
    for name, column_class, overrides in COLUMNS:
        manager.add_column(
            table_class_name="Media",
            tablename="media",
            column_name=name,
            db_column_name=name,
            column_class_name=column_class.__name__,
            column_class=column_class,
            params=_params(overrides),
            schema=None,
        )

    return manager
