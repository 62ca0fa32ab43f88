"""Permissions table, login limiter and password hashing, without a database."""

from __future__ import annotations

import pytest

from backend.auth.passwords import check_strength, hash_password, verify_password
from backend.auth.permissions import PERMISSIONS, allowed
from backend.auth.ratelimit import LoginLimiter
from backend.registry.vocab import Role


def test_observer_reads_but_never_writes_nor_sees_personal_data():
    writes = [p for p in PERMISSIONS if p.endswith((".write", ".import"))]
    assert writes and not any(allowed("observer", p) for p in writes)
    assert allowed("observer", "registry.read") and allowed("observer", "audit.read")
    assert not allowed("observer", "personal.read") and not allowed("observer", "internal.read")


def test_platform_admin_holds_every_permission_but_nobody_holds_an_unknown_one():
    assert all(allowed(Role.PLATFORM_ADMIN.value, p) for p in PERMISSIONS)
    assert not allowed(Role.PLATFORM_ADMIN.value, "no.such.permission")
    assert not allowed("intruder", "registry.read")


class Clock:
    def __init__(self) -> None:
        self.now = 0.0

    def __call__(self) -> float:
        return self.now


def test_limiter_blocks_after_the_limit_and_releases_after_the_window():
    clock = Clock()
    limiter = LoginLimiter(3, window=60, clock=clock)
    for _ in range(3):
        assert limiter.retry_after("k") == 0
        limiter.failed("k")
    assert 1 <= limiter.retry_after("k") <= 61
    assert limiter.retry_after("other") == 0
    clock.now = 61
    assert limiter.retry_after("k") == 0


def test_success_forgets_failures():
    limiter = LoginLimiter(2, clock=Clock())
    limiter.failed("k")
    limiter.succeeded("k")
    limiter.failed("k")
    assert limiter.retry_after("k") == 0


def test_passwords_hash_and_verify():
    hashed = hash_password("correct-horse-battery")
    assert hashed.startswith("$argon2id$")
    assert verify_password(hashed, "correct-horse-battery")
    assert not verify_password(hashed, "wrong")
    assert not verify_password(None, "anything")
    assert not verify_password("not-a-hash", "anything")


@pytest.mark.parametrize("password,problem", [("short", "length"), ("long-enough-pw", None)])
def test_strength(password, problem):
    assert check_strength(password) == problem
