"""PostgreSQL: the audit chain's lock and head in one round trip. The lock is held until commit, and every
round trip made under it waits for the server process to come back to it (bench/sync.py: pushes queued on
the lock while its holder sat idle in transaction), so taking it and reading the head are one call."""

from piccolo.apps.migrations.auto.migration_manager import MigrationManager
from piccolo.engine import engine_finder

ID = "2026-11-23T15:10:00:000000"
VERSION = "1.38.0"
DESCRIPTION = "audit chain head under its lock"

# A VOLATILE function's statements each take a new snapshot: the SELECT sees what committed before the lock
# was granted, which one statement doing both would not.
CHAIN_HEAD = """
CREATE OR REPLACE FUNCTION choucha_chain_head(lock_id bigint)
RETURNS TABLE (seq integer, hash varchar) LANGUAGE plpgsql VOLATILE AS $$
BEGIN
    PERFORM pg_advisory_xact_lock(lock_id);
    RETURN QUERY SELECT a.seq, a.hash::varchar FROM audit_entry a ORDER BY a.seq DESC LIMIT 1;
END
$$
"""


async def forwards():
    manager = MigrationManager(migration_id=ID, app_name="choucha", description=DESCRIPTION)

    async def create_function():
        engine = engine_finder()
        if engine.engine_type == "postgres":
            await engine.run_ddl(CHAIN_HEAD)

    manager.add_raw(create_function)
    return manager
