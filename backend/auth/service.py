"""Login, sessions and device tokens, users: one transaction per use case."""

from __future__ import annotations

import hashlib
import secrets
from dataclasses import dataclass
from datetime import datetime, timedelta, timezone

from piccolo.querystring import QueryString

from backend.audit import service as audit
from backend.audit.service import Actor
from backend.auth.passwords import check_strength, hash_password, verify_password
from backend.auth.tables import Session, User
from backend.config import get_settings
from backend.db.bulk import fetch_tuples
from backend.db.tx import transaction
from backend.errors import Conflict, Forbidden, InvalidInput, NotFound, Unauthenticated
from backend.registry.tables import Department
from backend.registry.vocab import Role

_TOUCH_EVERY = timedelta(minutes=5)
_BY_TOKEN = ('SELECT s."id", s."kind", s."csrf_token", s."expires_at", s."revoked_at", s."last_used_at", u."id", '
             'u."username", u."display_name", u."role", u."department", u."active" FROM "auth_session" s '
             'LEFT JOIN "app_user" u ON u."id" = s."user" WHERE s."token_hash" = {} LIMIT 1')
"""The session and user behind a token: every API request reads it, so it is written out once here."""


@dataclass(frozen=True)
class CurrentUser:
    """The authenticated user of a request, and how they authenticated."""

    id: int
    username: str
    display_name: str
    role: str
    department_id: int | None
    session_id: int
    via: str  # "cookie" or "bearer"
    csrf_token: str | None = None

    @property
    def actor(self) -> Actor:
        return Actor(self.id, self.username, self.role, self.department_id)


def token_hash(token: str) -> str:
    """Tokens are stored only as their SHA-256."""
    return hashlib.sha256(token.encode()).hexdigest()


def _now() -> datetime:
    return datetime.now(timezone.utc)


async def authenticate(*, username: str, password: str) -> dict:
    """The active user with this name and password, or Unauthenticated (same answer for both causes)."""
    user = await User.objects().where(User.username == username.strip()).first().run()
    ok = verify_password(user.password_hash if user else None, password)
    if not ok or not user.active:
        raise Unauthenticated("用户名或密码错误", "wrong user name or password", code="auth.invalid_credentials")
    return user.to_dict()


async def open_session(*, user: dict, device_name: str | None) -> tuple[str, dict]:
    """Create a web session (no device name) or a device token; returns the token and the session row."""
    settings = get_settings()
    token = secrets.token_urlsafe(32)
    kind = "device" if device_name else "web"
    lifetime = timedelta(days=settings.device_token_days) if device_name else timedelta(hours=settings.session_hours)
    now = _now()
    row = Session(user=user["id"], token_hash=token_hash(token), kind=kind, device_name=device_name,
                  csrf_token=None if device_name else secrets.token_urlsafe(24),
                  created_at=now, last_used_at=now, expires_at=now + lifetime)
    async with transaction():
        await row.save().run()
        await audit.record(actor=Actor(user["id"], user["username"], user["role"]), action="auth.login",
                           target_type="session", target_id=row.id, detail={"kind": kind, "device": device_name})
    return token, row.to_dict()


async def resolve_token(token: str, *, via: str) -> CurrentUser | None:
    """The user behind a live session token, or None when unknown, expired, revoked or deactivated."""
    rows = await fetch_tuples(QueryString(_BY_TOKEN, token_hash(token)))
    now = _now()
    if not rows:
        return None
    session_id, kind, csrf_token, expires_at, revoked_at, last_used_at, *user = rows[0]
    if revoked_at is not None or expires_at < now or not user[5]:
        return None
    if (via == "cookie") != (kind == "web"):
        return None
    if now - last_used_at > _TOUCH_EVERY:
        update = {Session.last_used_at: now}
        if kind == "device":  # device tokens expire after a period without use, not after login
            update[Session.expires_at] = now + timedelta(days=get_settings().device_token_days)
        await Session.update(update).where(Session.id == session_id).run()
    return CurrentUser(user[0], user[1], user[2], user[3], user[4], session_id, via, csrf_token)


async def revoke_session(*, actor: CurrentUser, session_id: int) -> None:
    """Revoke a session or device token: one's own, or anyone's for a platform admin."""
    async with transaction():
        row = await Session.objects().where(Session.id == session_id).first().run()
        if row is None or (row.user != actor.id and actor.role != Role.PLATFORM_ADMIN.value):
            raise NotFound("设备令牌不存在", "no such session or device token", code="session.not_found")
        if row.revoked_at is None:
            await Session.update({Session.revoked_at: _now()}).where(Session.id == session_id).run()
            await audit.record(actor=actor.actor, action="auth.revoke", target_type="session",
                               target_id=session_id, detail={"kind": row.kind, "device": row.device_name})


async def list_devices(*, user_id: int) -> list[dict]:
    """Live and revoked device tokens of a user, newest first (never the token itself)."""
    return await Session.select(
        Session.id, Session.device_name, Session.created_at, Session.last_used_at,
        Session.expires_at, Session.revoked_at,
    ).where((Session.user == user_id) & (Session.kind == "device")).order_by(Session.id, ascending=False).run()


async def create_user(*, actor: Actor, username: str, display_name: str, password: str, role: str,
                      department_code: str | None) -> dict:
    """Create a user; a department admin may create users of their own department only, never admins."""
    try:
        role = Role.parse(role).value
    except ValueError:
        raise InvalidInput(f"角色无效，可选：{Role.choices_text()}", "unknown role", code="user.role") from None
    if check_strength(password):
        raise InvalidInput("密码至少10个字符", "a password needs at least 10 characters", code="user.weak_password")
    department_id = None
    if department_code:
        dept = await Department.select(Department.id).where(Department.code == department_code).first().run()
        if not dept:
            raise InvalidInput(f"部门代码“{department_code}”不存在", f"unknown department {department_code!r}",
                               code="department.unknown")
        department_id = dept["id"]
    if actor.role == Role.DEPT_ADMIN.value and (
            department_id != actor.department_id or role == Role.PLATFORM_ADMIN.value):
        raise Forbidden("部门管理员只能为本部门创建非平台管理员用户",
                        "a department admin creates users of their own department only", code="user.scope")
    async with transaction():
        if await User.exists().where(User.username == username).run():
            raise Conflict(f"用户名“{username}”已存在", f"user name {username!r} is taken", code="user.exists")
        user = User(username=username, display_name=display_name, password_hash=hash_password(password),
                    role=role, department=department_id, active=True, created_at=_now())
        await user.save().run()
        public = {"id": user.id, "username": username, "display_name": display_name, "role": role,
                  "department": department_id, "active": True}
        await audit.record(actor=actor, action="user.create", target_type="user", target_id=user.id, after=public)
    return public


async def update_user(*, actor: Actor, user_id: int, display_name: str | None = None, role: str | None = None,
                      active: bool | None = None, password: str | None = None) -> dict:
    """Rename, change the role, (de)activate or reset the password; deactivation ends every session."""
    async with transaction():
        user = await User.objects().where(User.id == user_id).first().run()
        if user is None:
            raise NotFound("用户不存在", "no such user", code="user.not_found")
        if actor.role == Role.DEPT_ADMIN.value and (
                user.department != actor.department_id or user.role == Role.PLATFORM_ADMIN.value
                or role == Role.PLATFORM_ADMIN.value):
            raise Forbidden("部门管理员只能管理本部门的非平台管理员用户",
                            "a department admin manages users of their own department only", code="user.scope")
        if actor.id == user_id and (active is False or role not in (None, user.role)):
            raise Conflict("不能停用自己或更改自己的角色", "you cannot deactivate yourself or change your own role",
                           code="user.self")
        changes: dict = {}
        if display_name is not None:
            changes[User.display_name] = display_name
        if role is not None:
            try:
                changes[User.role] = Role.parse(role).value
            except ValueError:
                raise InvalidInput(f"角色无效，可选：{Role.choices_text()}", "unknown role", code="user.role") from None
        if active is not None:
            changes[User.active] = active
        if password is not None:
            if check_strength(password):
                raise InvalidInput("密码至少10个字符", "a password needs at least 10 characters",
                                   code="user.weak_password")
            changes[User.password_hash] = hash_password(password)
        before = {"display_name": user.display_name, "role": user.role, "active": user.active}
        if changes:
            await User.update(changes).where(User.id == user_id).run()
        if active is False or password is not None:
            await Session.update({Session.revoked_at: _now()}).where(
                (Session.user == user_id) & Session.revoked_at.is_null()).run()
        after = {**before, **{col._meta.name: v for col, v in changes.items() if col is not User.password_hash}}
        await audit.record(actor=actor, action="user.update", target_type="user", target_id=user_id,
                           before=before, after=after, detail={"password_reset": password is not None})
    return {"id": user_id, "username": user.username, "department": user.department, **after}
