"""One row per (form, version): the key tasks pin."""

from piccolo.apps.migrations.auto.migration_manager import MigrationManager
from piccolo.engine import engine_finder

ID = "2026-11-23T12:21:00:000000"
VERSION = "1.38.0"
DESCRIPTION = "unique form versions"


async def forwards():
    manager = MigrationManager(migration_id=ID, app_name="choucha", description=DESCRIPTION)

    async def create_index():
        await engine_finder().run_ddl(
            "CREATE UNIQUE INDEX IF NOT EXISTS form_version_form_version ON form_version (form_id, version)")

    manager.add_raw(create_index)
    return manager
