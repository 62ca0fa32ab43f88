"""The Piccolo engine for the configured database: SQLite (embedded) or PostgreSQL."""

from __future__ import annotations

from urllib.parse import unquote, urlparse

from piccolo.engine.postgres import PostgresEngine
from piccolo.engine.sqlite import SQLiteEngine

from backend.config import Settings


def make_engine(settings: Settings) -> SQLiteEngine | PostgresEngine:
    """An engine for `settings.database_url`; SQLite waits up to 30 s for a lock instead of failing."""
    if settings.is_postgres:
        return PostgresEngine(config=postgres_config(settings.database_url))
    settings.sqlite_path.parent.mkdir(parents=True, exist_ok=True)
    return SQLiteEngine(path=str(settings.sqlite_path), timeout=30)


def postgres_config(url: str) -> dict:
    """asyncpg connection arguments from a postgresql:// URL."""
    parts = urlparse(url)
    config: dict = {"database": (parts.path or "/").lstrip("/") or "postgres"}
    if parts.hostname:
        config["host"] = parts.hostname
    if parts.port:
        config["port"] = parts.port
    if parts.username:
        config["user"] = unquote(parts.username)
    if parts.password:
        config["password"] = unquote(parts.password)
    return config


async def open_pool() -> None:
    """Keep `db_pool_size` PostgreSQL connections open for the server process (connecting costs ~4 ms a
    query here). Only a long-running server opens it: a pool belongs to the event loop that made it."""
    from piccolo.engine import engine_finder

    from backend.config import get_settings

    engine, size = engine_finder(), get_settings().db_pool_size
    if engine.engine_type == "postgres" and size > 0:
        await engine.start_connection_pool(min_size=1, max_size=size)


async def close_pool() -> None:
    """Close the pool on shutdown (no-op when none was opened)."""
    from piccolo.engine import engine_finder

    engine = engine_finder()
    if engine.engine_type == "postgres" and getattr(engine, "pool", None) is not None:
        await engine.close_connection_pool()
