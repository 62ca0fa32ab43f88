"""Lighter draw writes: the task uid's second index goes (its unique constraint is an index already), and on
PostgreSQL a draw's large JSON (pools, record) is compressed with LZ4 where the server has it (bench/draw.py:
storing a million-identifier pool took 0.43 s with the default pglz, 0.06 s with LZ4)."""

from piccolo.apps.migrations.auto.migration_manager import MigrationManager
from piccolo.engine import engine_finder

ID = "2026-11-23T15:00:00:000000"
VERSION = "1.38.0"
DESCRIPTION = "lighter draw writes"

LARGE_DRAW_COLUMNS = ("announcement", "pools", "exclusions", "record")


async def forwards():
    manager = MigrationManager(migration_id=ID, app_name="choucha", description=DESCRIPTION)

    async def lighten():
        engine = engine_finder()
        await engine.run_ddl("DROP INDEX IF EXISTS task_uid")
        if engine.engine_type != "postgres":
            return
        rows = await engine.run_ddl(
            "SELECT 'lz4' = ANY(enumvals) AS lz4 FROM pg_settings WHERE name = 'default_toast_compression'")
        if rows and rows[0]["lz4"]:  # a server built without LZ4 keeps pglz
            for column in LARGE_DRAW_COLUMNS:
                await engine.run_ddl(f'ALTER TABLE draw ALTER COLUMN "{column}" SET COMPRESSION lz4')

    manager.add_raw(lighten)
    return manager
