"""The one guard every API route carries: authenticate, check CSRF for cookie sessions, check the role."""

from __future__ import annotations

from litestar.connection import ASGIConnection
from litestar.handlers.base import BaseRouteHandler

from backend.auth.permissions import allowed
from backend.auth.service import CurrentUser, resolve_token
from backend.errors import Forbidden, Unauthenticated

SESSION_COOKIE = "choucha_session"
CSRF_HEADER = "x-csrf-token"
SAFE_METHODS = frozenset({"GET", "HEAD", "OPTIONS"})


async def current_user(connection: ASGIConnection) -> CurrentUser:
    """The request's user from a bearer device token or the session cookie, else 401."""
    cached = connection.scope.get("state", {}).get("user")
    if cached:
        return cached
    header = connection.headers.get("authorization", "")
    user = None
    if header.lower().startswith("bearer "):
        user = await resolve_token(header[7:].strip(), via="bearer")
    elif token := connection.cookies.get(SESSION_COOKIE):
        user = await resolve_token(token, via="cookie")
    if user is None:
        raise Unauthenticated("请先登录", "authentication required")
    if user.via == "cookie" and connection.scope.get("method", "GET") not in SAFE_METHODS:
        if connection.headers.get(CSRF_HEADER) != user.csrf_token:
            raise Forbidden("缺少或错误的CSRF令牌", "missing or wrong CSRF token", code="auth.csrf")
    connection.scope.setdefault("state", {})["user"] = user
    return user


def requires(permission: str | None):
    """A guard: the caller must be logged in and, when `permission` is given, hold it."""

    async def guard(connection: ASGIConnection, _: BaseRouteHandler) -> None:
        user = await current_user(connection)
        if permission and not allowed(user.role, permission):
            raise Forbidden("您的角色无权执行此操作", f"your role may not do this ({permission})")

    guard.permission = permission  # read by the authorization-matrix test
    return guard


def user_of(connection: ASGIConnection) -> CurrentUser:
    """The user the guard authenticated for this request."""
    return connection.scope["state"]["user"]
