"""One transaction per use case, on either engine."""

from __future__ import annotations

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager

from piccolo.engine import engine_finder
from piccolo.engine.sqlite import TransactionType


@asynccontextmanager
async def transaction() -> AsyncIterator[None]:
    """Run the block in one transaction; SQLite takes the write lock at BEGIN so chains never race."""
    engine = engine_finder()
    if engine.current_transaction.get() is not None:
        yield
        return
    if engine.engine_type == "sqlite":
        async with engine.transaction(transaction_type=TransactionType.immediate):
            yield
    else:
        async with engine.transaction():
            yield
