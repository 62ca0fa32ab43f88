"""Inspectors (执法检查人员), their recusals (回避), and the separate pool of experts and third parties."""

from __future__ import annotations

from datetime import datetime, timezone
from typing import Any

from backend.audit import service as audit
from backend.audit.service import Actor
from backend.auth.permissions import allowed
from backend.auth.tables import User
from backend.db.tx import transaction
from backend.errors import Conflict, Forbidden, InvalidInput, NotFound
from backend.registry.rules import Problems, normalise_inspector
from backend.registry.tables import PERSONAL_DATA, Department, Entity, Expert, Inspector, Recusal
from backend.registry.uscc import normalise as normalise_uscc
from backend.registry.vocab import ExpertKind, Role

COLUMNS = ("id", "name", "credential_no", "valid_from", "valid_to", "qualifications", "expertise",
           "region", "status", "phone", "user", "created_at", "updated_at")
AUDITED = ("name", "credential_no", "valid_from", "valid_to", "qualifications", "expertise", "region",
           "status", "phone", "user", "department")


def _select():
    return Inspector.select(*[getattr(Inspector, c) for c in COLUMNS], Inspector.department.code.as_alias(
        "department"), Inspector.department.id.as_alias("department_id")).output(load_json=True)


def redact(row: dict, role: str) -> dict:
    """Hide personal data from roles that may not read it."""
    if allowed(role, "personal.read"):
        return row
    return {**row, **{c: None for c in PERSONAL_DATA["inspector"]}}


def _own_department(actor: Actor, department_id: int) -> None:
    if actor.role == Role.DEPT_ADMIN.value and actor.department_id != department_id:
        raise Forbidden("部门管理员只能管理本部门的检查人员", "a department admin manages their own inspectors only",
                        code="inspector.scope")


async def get(*, inspector_id: int) -> dict:
    """One inspector, or NotFound."""
    row = await _select().where(Inspector.id == inspector_id).first().run()
    if row is None:
        raise NotFound("检查人员不存在", "no such inspector", code="inspector.not_found")
    return row


async def create(*, actor: Actor, data: dict[str, Any]) -> dict:
    """Register an inspector in a department; the credential number is unique."""
    problems = Problems()
    record = normalise_inspector(data, problems)
    dept = await Department.select(Department.id).where(Department.code == record.pop("department")).first().run()
    if dept is None:
        problems.add("department", "department.unknown", "部门代码不存在", "unknown department")
    username = record.pop("username", None)
    user = await User.select(User.id).where(User.username == username).first().run() if username else None
    if username and user is None:
        problems.add("username", "user.unknown", f"用户“{username}”不存在", f"unknown user '{username}'")
    problems.raise_if_any()
    _own_department(actor, dept["id"])
    now = datetime.now(timezone.utc)
    async with transaction():
        if await Inspector.exists().where(Inspector.credential_no == record["credential_no"]).run():
            raise Conflict("执法证号已登记", "credential number already registered", code="inspector.exists")
        row = Inspector(**record, department=dept["id"], user=user["id"] if user else None,
                        created_at=now, updated_at=now)
        await row.save().run()
        created = await get(inspector_id=row.id)
        await audit.record(actor=actor, action="inspector.create", target_type="inspector", target_id=row.id,
                           after={k: created[k] for k in AUDITED})
    return created


async def update(*, actor: Actor, inspector_id: int, data: dict[str, Any]) -> dict:
    """Change an inspector's credential dates, qualifications, status …"""
    problems = Problems()
    before = await get(inspector_id=inspector_id)
    merged = {"valid_from": before["valid_from"], "valid_to": before["valid_to"], **data}
    changes = {k: v for k, v in normalise_inspector(merged, problems).items() if k in data}
    problems.raise_if_any()
    _own_department(actor, before["department_id"])
    async with transaction():
        if changes:
            changes["updated_at"] = datetime.now(timezone.utc)
            await Inspector.update({getattr(Inspector, k): v for k, v in changes.items()}).where(
                Inspector.id == inspector_id).run()
        after = await get(inspector_id=inspector_id)
        await audit.record(actor=actor, action="inspector.update", target_type="inspector",
                           target_id=inspector_id, before={k: before[k] for k in AUDITED},
                           after={k: after[k] for k in AUDITED})
    return after


async def add_recusal(*, actor: Actor, inspector_id: int, uscc: str, reason: str) -> dict:
    """Record that an inspector must not inspect an entity, and why (回避)."""
    inspector = await get(inspector_id=inspector_id)
    _own_department(actor, inspector["department_id"])
    entity = await Entity.select(Entity.id, Entity.name).where(Entity.uscc == normalise_uscc(uscc)).first().run()
    if entity is None:
        raise InvalidInput("该统一社会信用代码未登记", "no entity with this USCC", code="entity.not_found")
    async with transaction():
        if await Recusal.exists().where((Recusal.inspector == inspector_id) & (Recusal.entity == entity["id"])).run():
            raise Conflict("该回避关系已存在", "this recusal is already recorded", code="recusal.exists")
        row = Recusal(inspector=inspector_id, entity=entity["id"], reason=reason.strip(),
                      created_at=datetime.now(timezone.utc))
        await row.save().run()
        result = {"id": row.id, "inspector": inspector_id, "entity": entity["id"], "uscc": normalise_uscc(uscc),
                  "entity_name": entity["name"], "reason": row.reason}
        await audit.record(actor=actor, action="recusal.create", target_type="recusal", target_id=row.id,
                           after=result)
    return result


async def recusals(*, inspector_id: int) -> list[dict]:
    """The recusals of one inspector, with the entity's USCC and name."""
    await get(inspector_id=inspector_id)
    return await Recusal.select(Recusal.id, Recusal.reason, Recusal.created_at,
                                Recusal.entity.uscc.as_alias("uscc"), Recusal.entity.name.as_alias("entity_name"),
                                ).where(Recusal.inspector == inspector_id).order_by(Recusal.id).run()


async def create_expert(*, actor: Actor, data: dict[str, Any]) -> dict:
    """Add an expert, laboratory or third party to the assisting pool."""
    try:
        data = {**data, "kind": ExpertKind.parse(data["kind"]).value}
    except ValueError:
        raise InvalidInput(f"类型无效，可选：{ExpertKind.choices_text()}", "unknown expert kind",
                           code="value.enum") from None
    async with transaction():
        row = Expert(**data, active=True)
        await row.save().run()
        await audit.record(actor=actor, action="expert.create", target_type="expert", target_id=row.id, after=data)
    return {"id": row.id, **data, "active": True}
