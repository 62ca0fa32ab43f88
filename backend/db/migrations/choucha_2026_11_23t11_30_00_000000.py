"""Composite unique keys Piccolo cannot declare: (item code, version), (table version, code), recusal pairs."""

from piccolo.apps.migrations.auto.migration_manager import MigrationManager
from piccolo.engine import engine_finder

ID = "2026-11-23T11:30:00:000000"
VERSION = "1.38.0"
DESCRIPTION = "composite unique indexes"

STATEMENTS = (
    "CREATE UNIQUE INDEX IF NOT EXISTS inspection_item_code_version ON inspection_item (code, version)",
    "CREATE UNIQUE INDEX IF NOT EXISTS result_code_version_code ON result_code (table_version, code)",
    "CREATE UNIQUE INDEX IF NOT EXISTS recusal_inspector_entity ON recusal (inspector, entity)",
)


async def forwards():
    manager = MigrationManager(migration_id=ID, app_name="choucha", description=DESCRIPTION)

    async def create_indexes():
        for statement in STATEMENTS:
            await engine_finder().run_ddl(statement)

    manager.add_raw(create_indexes)
    return manager
