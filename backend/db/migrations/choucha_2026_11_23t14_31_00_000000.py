"""One row per (device, mutation number): a replay finds it, a second writer of the same key fails."""

from piccolo.apps.migrations.auto.migration_manager import MigrationManager
from piccolo.engine import engine_finder

ID = "2026-11-23T14:31:00:000000"
VERSION = "1.38.0"
DESCRIPTION = "unique sync mutation keys"


async def forwards():
    manager = MigrationManager(migration_id=ID, app_name="choucha", description=DESCRIPTION)

    async def create_index():
        await engine_finder().run_ddl(
            "CREATE UNIQUE INDEX IF NOT EXISTS sync_mutation_key ON sync_mutation (device, seq)")

    manager.add_raw(create_index)
    return manager
