"""Integration fixtures: a migrated real database, emptied between tests, and logged-in clients."""

from __future__ import annotations

import asyncio
from collections.abc import Iterator

import pytest
from litestar.testing import TestClient
from piccolo.engine import engine_finder

from backend.app import create_app
from backend.auth.controller import AuthController
from backend.auth.service import create_user
from backend.audit.service import SYSTEM
from backend.checklists.service import ensure_library
from backend.db.migrate import migrate
from backend.db.tx import transaction
from backend.registry.tables import Department

PASSWORD = "correct-horse-battery"
ROLES = ("platform_admin", "dept_admin", "team_lead", "inspector", "observer")
TABLES = ("sync_change", "sync_mutation", "sync_device", "report", "notification", "task_member", "media", "task",
          "draw", "plan_adjustment", "plan", "audit_entry", "recusal", "auth_session", "inspector", "app_user", "expert",
          "inspection_item", "entity", "department")


def run(coro):
    """Run a coroutine to completion from a synchronous test."""
    return asyncio.run(coro)


@pytest.fixture(scope="session", autouse=True)
def migrated() -> None:
    run(migrate())


async def _empty_tables() -> None:
    engine = engine_finder()
    await engine.run_ddl("UPDATE form_version SET in_use = false")  # the library stays; pins do not
    if engine.engine_type == "postgres":
        await engine.run_ddl(f"TRUNCATE {', '.join(TABLES)} RESTART IDENTITY CASCADE")
        # the cascade reaches form_version (created_by -> app_user): reload the library as migrate does,
        # then start the audit chain empty, as on SQLite
        await ensure_library()
        await engine.run_ddl("TRUNCATE audit_entry RESTART IDENTITY")
    else:
        for table in TABLES:
            await engine.run_ddl(f"DELETE FROM {table}")


@pytest.fixture(autouse=True)
def clean_db() -> Iterator[None]:
    run(_empty_tables())
    AuthController.limiter = None
    yield


async def _seed_people() -> None:
    async with transaction():
        for code in ("SCJG", "LSCB"):
            await Department(code=code, name=f"{code}局", level="district", jurisdiction="320612").save().run()
    for role in ROLES:
        await create_user(actor=SYSTEM, username=role.replace("_", "-"), display_name=role, password=PASSWORD,
                          role=role, department_code=None if role in ("platform_admin", "observer") else "SCJG")


@pytest.fixture
def people() -> None:
    """Two departments and one user per role (user name = role with dashes), password PASSWORD."""
    run(_seed_people())


@pytest.fixture
def client() -> Iterator[TestClient]:
    with TestClient(app=create_app(run_migrations=False)) as test_client:
        yield test_client


def login(client: TestClient, role: str) -> dict[str, str]:
    """Bearer headers of a device token for the user of `role`."""
    response = client.post("/api/v1/auth/login", json={"username": role.replace("_", "-"), "password": PASSWORD,
                                                       "device_name": "pytest"})
    assert response.status_code == 200, response.text
    return {"Authorization": f"Bearer {response.json()['token']}"}
