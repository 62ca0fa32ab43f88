"""The Litestar application: routes, error handling, OpenAPI, migrations on start."""

from __future__ import annotations

import gc

from litestar import Litestar, MediaType, Response, get
from litestar.openapi import OpenAPIConfig
from piccolo.engine import engine_finder

from backend.audit.controller import AuditController
from backend.auth.controller import AuthController, UserController
from backend.checklists.controller import FormController
from backend.config import get_settings
from backend.db.engine import close_pool, open_pool
from backend.db.migrate import migrate
from backend.errors import EXCEPTION_HANDLERS, problem
from backend.fieldsync.controller import ReportController, SyncController
from backend.fieldwork.controller import TaskController
from backend.notify.controller import NotificationController
from backend.planning.controller import DrawController, PlanController
from backend.registry.controller import CatalogController, EntityController, InspectorController
from backend.registry.import_controller import ImportExportController
from backend.storage.controller import MediaController
from backend.web.routes import PWA_ROUTES


@get("/health", media_type=MediaType.JSON, tags=["ops"])
async def health() -> dict:
    """Liveness: the process answers."""
    return {"status": "ok"}


@get("/ready", media_type=MediaType.JSON, tags=["ops"])
async def ready() -> Response:
    """Readiness: the database answers a query."""
    try:
        await engine_finder().run_ddl("SELECT 1")
    except Exception:  # noqa: BLE001 - any failure means not ready
        return problem(503, "not_ready", "数据库不可用", "database unreachable")
    return Response({"status": "ready", "database": "postgresql" if get_settings().is_postgres else "sqlite"})


GC_THRESHOLDS = (20_000, 20, 20)
"""Young-generation collections every 20,000 allocations instead of 700: a request allocates thousands of
short-lived objects (a sync push decodes and re-encodes report states), and collecting them every 700 cost
about 15 % of a push's server CPU (bench/sync.py)."""


async def tune_gc() -> None:
    """Server processes only: objects alive after start-up (modules, routes, settings) are frozen out of
    every later collection, and the young generation is collected less often."""
    gc.collect()
    gc.freeze()
    gc.set_threshold(*GC_THRESHOLDS)


def _app(on_startup: list, on_shutdown: list) -> Litestar:
    return Litestar(
        route_handlers=[health, ready, AuthController, UserController, EntityController, InspectorController,
                        CatalogController, ImportExportController, AuditController, PlanController,
                        DrawController, TaskController, NotificationController, FormController, SyncController,
                        ReportController, MediaController, *PWA_ROUTES],
        exception_handlers=EXCEPTION_HANDLERS,
        on_startup=on_startup,
        on_shutdown=on_shutdown,
        openapi_config=OpenAPIConfig(title="Choucha 抽查 API", version="1", path="/schema"),
        request_max_body_size=get_settings().max_upload_bytes,
    )


def create_app(*, run_migrations: bool = True) -> Litestar:
    """Build the app. As a server (`run_migrations`), it brings the database up to date, opens the
    PostgreSQL connection pool and tunes the garbage collector on start; tests driving it in-process do
    none of that."""
    if not run_migrations:
        return _app([], [])
    return _app([migrate, open_pool, tune_gc], [close_pool])


def create_worker_app() -> Litestar:
    """One of several server processes (`choucha serve --workers N`): the parent process brought the
    database up to date before starting them, so none of them migrates (they would race)."""
    return _app([open_pool, tune_gc], [close_pool])
