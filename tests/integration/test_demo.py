"""The demo district seeds into the real database, is idempotent, and its users can log in."""

from __future__ import annotations

from backend.auth.tables import User
from backend.registry.demo import seed_demo
from backend.registry.demo_data import DEMO_PASSWORDS
from backend.registry.tables import Department, Entity, InspectionItem, Inspector, Recusal
from tests.integration.conftest import run


def test_demo_seeds_once_and_users_log_in(client):
    first = run(seed_demo(entities=600))
    assert first["entities_created"] == 600 and first["inspectors_created"] >= 150
    assert first["departments"] >= 13 and first["items_created"] >= 35 and first["recusals_created"] > 0
    again = run(seed_demo(entities=600))
    assert again["entities_created"] == again["inspectors_created"] == again["items_created"] == 0
    assert run(Entity.count().run()) == 600
    assert run(Department.count().run()) == first["departments"]
    assert run(InspectionItem.count().where(InspectionItem.published == True).run()) >= 35  # noqa: E712
    assert run(Recusal.count().run()) == first["recusals_created"]
    linked = run(Inspector.select(Inspector.user.username).where(Inspector.user.is_not_null()).run())
    assert {row["user.username"] for row in linked} == {"inspector", "lead"}
    for username, password in DEMO_PASSWORDS.items():
        response = client.post("/api/v1/auth/login", json={"username": username, "password": password})
        assert response.status_code == 200, username
    roles = {r["role"] for r in run(User.select(User.role).run())}
    assert roles == {"platform_admin", "dept_admin", "team_lead", "inspector", "observer"}
