"""Login, web sessions with CSRF, device tokens and their revocation, rate limiting, user creation."""

from __future__ import annotations

from tests.integration.conftest import PASSWORD, login


def web_login(client, username="dept-admin"):
    response = client.post("/api/v1/auth/login", json={"username": username, "password": PASSWORD})
    assert response.status_code == 200, response.text
    assert "choucha_session" in response.cookies
    return response.json()["csrf_token"]


def test_wrong_password_is_401_with_a_stable_code(client, people):
    response = client.post("/api/v1/auth/login", json={"username": "inspector", "password": "nope"})
    assert response.status_code == 401
    assert response.headers["content-type"].startswith("application/problem+json")
    body = response.json()
    assert body["code"] == "auth.invalid_credentials"
    assert body["message"]["zh"] and body["message"]["en"]


def test_unknown_user_gets_the_same_answer_as_a_wrong_password(client, people):
    response = client.post("/api/v1/auth/login", json={"username": "ghost", "password": "whatever"})
    assert response.status_code == 401 and response.json()["code"] == "auth.invalid_credentials"


def test_login_is_rate_limited_per_user_name(client, people):
    for _ in range(5):
        assert client.post("/api/v1/auth/login", json={"username": "inspector", "password": "x"}).status_code == 401
    blocked = client.post("/api/v1/auth/login", json={"username": "inspector", "password": PASSWORD})
    assert blocked.status_code == 429
    assert blocked.json()["code"] == "auth.rate_limited" and blocked.json()["retry_after"] >= 1
    # another user name from the same client is not blocked
    assert client.post("/api/v1/auth/login", json={"username": "observer", "password": PASSWORD}).status_code == 200


def test_cookie_session_needs_the_csrf_token_for_writes(client, people):
    csrf = web_login(client)
    assert client.get("/api/v1/auth/me").json()["username"] == "dept-admin"
    without = client.post("/api/v1/users", json={"username": "abc", "display_name": "x", "password": PASSWORD,
                                                 "role": "inspector", "department_code": "SCJG"})
    assert without.status_code == 403 and without.json()["code"] == "auth.csrf"
    created = client.post("/api/v1/users", headers={"X-CSRF-Token": csrf},
                          json={"username": "abc", "display_name": "x", "password": PASSWORD,
                                "role": "inspector", "department_code": "SCJG"})
    assert created.status_code == 201, created.text


def test_logout_ends_the_web_session(client, people):
    csrf = web_login(client)
    assert client.post("/api/v1/auth/logout", headers={"X-CSRF-Token": csrf}).status_code == 200
    client.cookies.clear()
    assert client.get("/api/v1/auth/me").status_code == 401


def test_a_revoked_device_token_stops_working(client, people):
    headers = login(client, "inspector")
    devices = client.get("/api/v1/auth/devices", headers=headers).json()
    assert [d["device_name"] for d in devices] == ["pytest"]
    other = login(client, "inspector")
    assert client.delete(f"/api/v1/auth/devices/{devices[0]['id']}", headers=other).status_code == 204
    assert client.get("/api/v1/auth/me", headers=headers).status_code == 401
    assert client.get("/api/v1/auth/me", headers=other).status_code == 200


def test_a_user_cannot_revoke_someone_elses_device(client, people):
    victim = login(client, "team_lead")
    victim_id = client.get("/api/v1/auth/devices", headers=victim).json()[0]["id"]
    attacker = login(client, "inspector")
    assert client.delete(f"/api/v1/auth/devices/{victim_id}", headers=attacker).status_code == 404
    assert client.get("/api/v1/auth/me", headers=victim).status_code == 200


def test_department_admin_cannot_create_a_platform_admin(client, people):
    headers = login(client, "dept_admin")
    response = client.post("/api/v1/users", headers=headers, json={
        "username": "evil", "display_name": "x", "password": PASSWORD, "role": "platform_admin",
        "department_code": "SCJG"})
    assert response.status_code == 403 and response.json()["code"] == "user.scope"


def test_weak_password_and_taken_name_are_refused(client, people):
    headers = login(client, "platform_admin")
    weak = client.post("/api/v1/users", headers=headers, json={
        "username": "newbie", "display_name": "x", "password": "short", "role": "inspector"})
    assert weak.status_code == 422 and weak.json()["code"] == "user.weak_password"
    taken = client.post("/api/v1/users", headers=headers, json={
        "username": "inspector", "display_name": "x", "password": PASSWORD, "role": "inspector"})
    assert taken.status_code == 409 and taken.json()["code"] == "user.exists"


def test_deactivating_a_user_ends_their_sessions(client, people):
    victim = login(client, "inspector")
    admin = login(client, "platform_admin")
    user_id = client.get("/api/v1/auth/me", headers=victim).json()["id"]
    response = client.patch(f"/api/v1/users/{user_id}", headers=admin, json={"active": False})
    assert response.status_code == 200 and response.json()["active"] is False
    assert client.get("/api/v1/auth/me", headers=victim).status_code == 401
    again = client.post("/api/v1/auth/login", json={"username": "inspector", "password": PASSWORD})
    assert again.status_code == 401


def test_admins_cannot_lock_themselves_out(client, people):
    admin = login(client, "platform_admin")
    me = client.get("/api/v1/auth/me", headers=admin).json()["id"]
    response = client.patch(f"/api/v1/users/{me}", headers=admin, json={"active": False})
    assert response.status_code == 409 and response.json()["code"] == "user.self"
