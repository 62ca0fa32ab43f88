"""Test configuration: a throwaway data dir and database (SQLite, or PostgreSQL when asked) per run."""

from __future__ import annotations

import asyncio
import os
import tempfile

pytest_plugins = ["tests.integration.s3_fixtures"]  # rgw, s3_store, rgw_settings: real S3 (Ceph RGW)

_DATA_DIR = tempfile.mkdtemp(prefix="choucha-test-")
os.environ["CHOUCHA_DATA_DIR"] = _DATA_DIR
# CHOUCHA_TEST_DATABASE_URL=postgresql://… runs the integration tests on PostgreSQL (CI runs both).
_PG_URL = os.environ.get("CHOUCHA_TEST_DATABASE_URL", "")
if _PG_URL:
    os.environ["CHOUCHA_DATABASE_URL"] = _PG_URL
else:
    os.environ.pop("CHOUCHA_DATABASE_URL", None)
os.environ["CHOUCHA_LOGIN_ATTEMPTS_PER_MINUTE"] = "5"


def _recreate_postgres_database(url: str) -> None:
    """Drop and create the test database named in `url`, through the server's `postgres` database."""
    import asyncpg

    from backend.db.engine import postgres_config

    config = postgres_config(url)
    name = config.pop("database")

    async def run() -> None:
        conn = await asyncpg.connect(**config, database="postgres")
        try:
            await conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
            await conn.execute(f'CREATE DATABASE "{name}"')
        finally:
            await conn.close()

    asyncio.run(run())


if _PG_URL:
    _recreate_postgres_database(_PG_URL)
