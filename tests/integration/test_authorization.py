"""The authorization matrix: every API route × every role is allowed or 403, as the permission table says."""

from __future__ import annotations

import re

import pytest

from backend.app import create_app
from backend.auth.permissions import allowed
from tests.integration.conftest import ROLES, login

PUBLIC = {("POST", "/api/v1/auth/login")}


def api_routes() -> list[tuple[str, str, str | None]]:
    """(method, path, permission) of every API route; fails if a route has no permission guard."""
    found = []
    for route in create_app(run_migrations=False).routes:
        if not route.path.startswith("/api/v1"):
            continue
        for handler in route.route_handlers:
            for method in sorted(handler.http_methods - {"OPTIONS", "HEAD"}):
                if (method, route.path) in PUBLIC:
                    continue
                guards = [g for g in handler.resolve_guards() if hasattr(g, "permission")]
                assert guards, f"{method} {route.path} has no permission guard"
                found.append((method, route.path, guards[0].permission))
    return found


ROUTES = api_routes()


def concrete(path: str) -> str:
    """Fill path parameters: kinds get a real kind, ids one that does not exist."""
    path = re.sub(r"\{kind:str\}", "entities", path)
    return re.sub(r"\{[^}]+\}", "999999", path)


def test_every_route_family_is_covered():
    families = {path.split("/")[3] for _, path, _ in ROUTES}
    assert {"entities", "inspectors", "departments", "items", "users", "audit", "registers", "auth"} <= families


@pytest.mark.parametrize("method,path,permission", ROUTES, ids=[f"{m} {p}" for m, p, _ in ROUTES])
def test_unauthenticated_requests_get_401(client, method, path, permission):
    response = client.request(method, concrete(path), json={})
    assert response.status_code == 401
    assert response.json()["code"] == "auth.required"


@pytest.mark.parametrize("role", ROLES)
def test_each_role_gets_exactly_its_permissions(client, people, role):
    headers = login(client, role)
    mismatches = []
    for method, path, permission in ROUTES:
        if path.endswith("/logout"):
            continue  # would end the session the loop is using; covered in test_auth
        response = client.request(method, concrete(path), json={}, headers=headers)
        expect_allowed = permission is None or allowed(role, permission)
        denied = response.status_code == 403 and response.json().get("code") == "auth.forbidden"
        if expect_allowed == denied:
            mismatches.append(f"{method} {path}: {response.status_code} (permission {permission})")
    assert not mismatches, "\n".join(mismatches)
