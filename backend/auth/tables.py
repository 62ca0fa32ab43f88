"""Users and their sessions (web cookies and device tokens)."""

from __future__ import annotations

from piccolo.columns import Boolean, ForeignKey, Timestamptz, Varchar
from piccolo.table import Table

from backend.registry.tables import Department


class User(Table, tablename="app_user"):
    """A person who logs in, with one role and optionally a department."""

    username = Varchar(length=60, unique=True, index=True)
    display_name = Varchar(length=100)
    password_hash = Varchar(length=200)
    role = Varchar(length=20)
    department = ForeignKey(Department, null=True, default=None)
    active = Boolean(default=True)
    created_at = Timestamptz()


class Session(Table, tablename="auth_session"):
    """A login: a web session (cookie + CSRF token) or a device token for the PWA."""

    user = ForeignKey(User, index=True)
    token_hash = Varchar(length=64, unique=True, index=True)
    kind = Varchar(length=10)
    device_name = Varchar(length=100, null=True, default=None)
    csrf_token = Varchar(length=64, null=True, default=None)
    created_at = Timestamptz()
    last_used_at = Timestamptz()
    expires_at = Timestamptz()
    revoked_at = Timestamptz(null=True, default=None)
