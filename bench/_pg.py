"""The benchmarks' PostgreSQL server: where it is, whether it answers, and admin statements on it."""

from __future__ import annotations

import asyncio
import os

PG_SERVER = os.environ.get("CHOUCHA_BENCH_PG", "postgresql://postgres@127.0.0.1:5432")
"""CHOUCHA_BENCH_PG: the server (no database) the benchmarks create their scratch databases on."""


async def admin(sql: str) -> None:
    """Run one statement on the PostgreSQL server's `postgres` database."""
    import asyncpg

    conn = await asyncpg.connect(f"{PG_SERVER}/postgres")
    try:
        await conn.execute(sql)
    finally:
        await conn.close()


def postgres_available() -> bool:
    """True when the benchmark's PostgreSQL server answers."""
    try:
        asyncio.run(admin("SELECT 1"))
        return True
    except Exception:  # noqa: BLE001 - any failure means: skip PostgreSQL
        return False
