"""HTTP routes of login, sessions, device tokens and users."""

from __future__ import annotations

from litestar import Controller, Request, Response, delete, get, patch, post
from litestar.datastructures import Cookie
from litestar.params import Parameter

from backend.auth import service
from backend.auth.guards import SESSION_COOKIE, requires, user_of
from backend.auth.ratelimit import LoginLimiter
from backend.auth.schemas import LoginIn, UserCreate, UserUpdate
from backend.auth.tables import User
from backend.config import get_settings
from backend.errors import TooMany, Unauthenticated
from backend.paging import Page, PageParam, PageSizeParam


def _me(user) -> dict:
    return {"id": user.id, "username": user.username, "display_name": user.display_name,
            "role": user.role, "department": user.department_id}


class AuthController(Controller):
    """Logging in and out; device tokens for the field app."""

    path = "/api/v1/auth"
    tags = ["auth"]
    limiter: LoginLimiter | None = None

    @post("/login", status_code=200)
    async def login(self, request: Request, data: LoginIn) -> Response:
        """Log in: a web session (cookie + CSRF token), or with `device_name` a bearer device token."""
        settings = get_settings()
        limiter = AuthController.limiter or LoginLimiter(settings.login_attempts_per_minute)
        AuthController.limiter = limiter
        key = f"{request.client.host if request.client else '-'}|{data.username.strip().lower()}"
        if wait := limiter.retry_after(key):
            raise TooMany(f"登录失败次数过多，请{wait}秒后再试", f"too many failed logins, retry in {wait} s",
                          code="auth.rate_limited", retry_after=wait)
        try:
            user = await service.authenticate(username=data.username, password=data.password)
        except Unauthenticated:
            limiter.failed(key)
            raise
        limiter.succeeded(key)
        token, session = await service.open_session(user=user, device_name=data.device_name)
        me = {"id": user["id"], "username": user["username"], "display_name": user["display_name"],
              "role": user["role"], "department": user["department"]}
        if data.device_name:
            return Response({"kind": "device", "token": token, "session_id": session["id"], "user": me})
        cookie = Cookie(key=SESSION_COOKIE, value=token, httponly=True, samesite="lax", path="/",
                        secure=settings.cookie_secure, max_age=settings.session_hours * 3600)
        return Response({"kind": "web", "csrf_token": session["csrf_token"], "session_id": session["id"],
                         "user": me}, cookies=[cookie])

    @post("/logout", guards=[requires(None)], status_code=200)
    async def logout(self, request: Request) -> Response:
        """End the current session or revoke the current device token."""
        user = user_of(request)
        await service.revoke_session(actor=user, session_id=user.session_id)
        return Response({"ok": True}, cookies=[Cookie(key=SESSION_COOKIE, value="", max_age=0, path="/")])

    @get("/me", guards=[requires(None)])
    async def me(self, request: Request) -> dict:
        """Who am I, and my CSRF token for a web session."""
        user = user_of(request)
        return {**_me(user), "via": user.via, "csrf_token": user.csrf_token}

    @get("/devices", guards=[requires(None)])
    async def devices(self, request: Request) -> list[dict]:
        """My device tokens (never the token itself)."""
        return await service.list_devices(user_id=user_of(request).id)

    @delete("/devices/{session_id:int}", guards=[requires(None)], status_code=204)
    async def revoke(self, request: Request, session_id: int) -> None:
        """Revoke a device token (a lost phone)."""
        await service.revoke_session(actor=user_of(request), session_id=session_id)


class UserController(Controller):
    """Users and their roles."""

    path = "/api/v1/users"
    tags = ["users"]

    @get("/", guards=[requires("users.read")])
    async def list_users(self, page: int = PageParam, page_size: int = PageSizeParam,
                         q: str | None = Parameter(default=None, max_length=60)) -> Page:
        """Users, by user name; `q` searches user and display names."""
        query = User.select(User.id, User.username, User.display_name, User.role, User.department, User.active)
        count = User.count()
        if q:
            cond = User.username.ilike(f"%{q}%") | User.display_name.ilike(f"%{q}%")
            query, count = query.where(cond), count.where(cond)
        rows = await query.order_by(User.username).limit(page_size).offset((page - 1) * page_size).run()
        return Page(rows, await count.run(), page, page_size)

    @post("/", guards=[requires("users.write")], status_code=201)
    async def create_user(self, request: Request, data: UserCreate) -> dict:
        """Create a user."""
        return await service.create_user(actor=user_of(request).actor, username=data.username,
                                         display_name=data.display_name, password=data.password,
                                         role=data.role, department_code=data.department_code)

    @patch("/{user_id:int}", guards=[requires("users.write")])
    async def update_user(self, request: Request, user_id: int, data: UserUpdate) -> dict:
        """Rename, change role, (de)activate, or reset the password (ends the user's sessions)."""
        return await service.update_user(actor=user_of(request).actor, user_id=user_id, display_name=data.display_name,
                                         role=data.role, active=data.active, password=data.password)
