"""Health, readiness and the OpenAPI document."""

from tests.integration.conftest import login


def test_health_and_ready(client):
    assert client.get("/health").json() == {"status": "ok"}
    ready = client.get("/ready")
    assert ready.status_code == 200
    assert ready.json()["status"] == "ready"


def test_openapi_lists_the_api(client):
    spec = client.get("/schema/openapi.json").json()
    assert "/api/v1/entities" in spec["paths"]
    assert "/api/v1/auth/login" in spec["paths"]


def test_unknown_route_is_a_problem(client):
    response = client.get("/api/v1/nothing-here")
    assert response.status_code == 404
    assert response.headers["content-type"].startswith("application/problem+json")
    assert response.json()["code"] == "not_found"


def test_login_gives_a_working_token(client, people):
    headers = login(client, "inspector")
    me = client.get("/api/v1/auth/me", headers=headers).json()
    assert me["username"] == "inspector" and me["role"] == "inspector"
