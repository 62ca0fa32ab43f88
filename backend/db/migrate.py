"""Apply the migrations forward, then make sure the reference data (result codes, form library) is present."""

from __future__ import annotations

import contextlib
import io

from piccolo.apps.migrations.commands.forwards import run_forwards
from piccolo.engine import engine_finder


class MigrationFailed(RuntimeError):
    """A migration did not apply; the message carries Piccolo's output."""


async def migrate() -> None:
    """Apply every pending migration (idempotent) and seed the reference tables."""
    engine = engine_finder()
    if engine.engine_type == "sqlite":
        # WAL lets readers go on while one writer commits: the embedded default serves a team.
        await engine.run_ddl("PRAGMA journal_mode=WAL")
    output = io.StringIO()
    with contextlib.redirect_stdout(output):
        result = await run_forwards(app_name="all")
    if not result.success:
        raise MigrationFailed(f"{result.message}\n{output.getvalue()}")
    from backend.checklists.service import ensure_library
    from backend.registry.result_codes import ensure_result_codes

    await ensure_result_codes()
    await ensure_library()
