"""Plans may avoid the inspectors of an entity's previous inspection (generated against PostgreSQL)."""

from piccolo.apps.migrations.auto.migration_manager import MigrationManager
from piccolo.columns.column_types import Boolean
from piccolo.columns.indexes import IndexMethod

ID = "2026-11-23T13:20:00:000000"
VERSION = "1.38.0"
DESCRIPTION = "plan option: avoid the previous inspectors of an entity"


async def forwards():
    manager = MigrationManager(
        migration_id=ID, app_name="choucha", description=DESCRIPTION
    )

    manager.add_column(
        table_class_name="Plan",
        tablename="plan",
        column_name="avoid_previous_inspectors",
        db_column_name="avoid_previous_inspectors",
        column_class_name="Boolean",
        column_class=Boolean,
        params={
            "default": False,
            "null": False,
            "primary_key": False,
            "unique": False,
            "index": False,
            "index_method": IndexMethod.btree,
            "choices": None,
            "db_column_name": None,
            "secret": False,
        },
        schema=None,
    )

    return manager
