"""Entities (检查对象): create, update, read and search, one transaction per change."""

from __future__ import annotations

from datetime import datetime, timezone
from typing import Any

from backend.audit import service as audit
from backend.audit.service import Actor
from backend.auth.permissions import allowed
from backend.db.tx import transaction
from backend.errors import Conflict, NotFound
from backend.registry.rules import Problems, normalise_entity
from backend.registry.tables import INTERNAL_ONLY, PERSONAL_DATA, Department, Entity

COLUMNS = ("id", "uscc", "legacy_id", "name", "kind", "scale", "industry", "region", "address",
           "legal_person", "contact_phone", "status", "risk_class", "special_sector",
           "complaints_count", "departments", "created_at", "updated_at")
AUDITED = tuple(c for c in COLUMNS if c not in ("id", "created_at", "updated_at"))


def redact(row: dict, role: str) -> dict:
    """Hide personal data and internal fields from roles that may not read them."""
    if not allowed(role, "personal.read"):
        row = {**row, **{c: None for c in PERSONAL_DATA["entity"]}}
    if not allowed(role, "internal.read"):
        row = {**row, **{c: None for c in INTERNAL_ONLY["entity"]}}
    return row


async def _check_departments(codes: list[str], problems: Problems) -> None:
    if not codes:
        return
    known = {r["code"] for r in await Department.select(Department.code).where(Department.code.is_in(codes)).run()}
    for code in sorted(set(codes) - known):
        problems.add("departments", "department.unknown", f"部门代码“{code}”不存在", f"unknown department '{code}'")


async def create(*, actor: Actor, data: dict[str, Any]) -> dict:
    """Register a new entity; its USCC must be valid and not registered yet."""
    problems = Problems()
    record = normalise_entity(data, problems)
    await _check_departments(record.get("departments", []), problems)
    problems.raise_if_any()
    now = datetime.now(timezone.utc)
    async with transaction():
        if await Entity.exists().where(Entity.uscc == record["uscc"]).run():
            raise Conflict(f"统一社会信用代码{record['uscc']}已登记", f"USCC {record['uscc']} is already registered",
                           code="entity.exists")
        row = Entity(**record, created_at=now, updated_at=now)
        await row.save().run()
        created = await get(entity_id=row.id)
        await audit.record(actor=actor, action="entity.create", target_type="entity", target_id=row.id,
                           after={k: created[k] for k in AUDITED})
    return created


async def update(*, actor: Actor, entity_id: int, data: dict[str, Any]) -> dict:
    """Change some fields of an entity; the audit entry digests the state before and after."""
    problems = Problems()
    changes = normalise_entity(data, problems)
    await _check_departments(changes.get("departments", []), problems)
    problems.raise_if_any()
    async with transaction():
        before = await get(entity_id=entity_id)
        if changes:
            changes["updated_at"] = datetime.now(timezone.utc)
            await Entity.update({getattr(Entity, k): v for k, v in changes.items()}).where(
                Entity.id == entity_id).run()
        after = await get(entity_id=entity_id)
        await audit.record(actor=actor, action="entity.update", target_type="entity", target_id=entity_id,
                           before={k: before[k] for k in AUDITED}, after={k: after[k] for k in AUDITED},
                           detail={"fields": sorted(k for k in changes if k != "updated_at")})
    return after


async def get(*, entity_id: int) -> dict:
    """One entity, or NotFound."""
    row = await Entity.select(*[getattr(Entity, c) for c in COLUMNS]).where(
        Entity.id == entity_id).first().output(load_json=True).run()
    if row is None:
        raise NotFound("检查对象不存在", "no such entity", code="entity.not_found")
    return row


def _filters(*, q: str | None, region: str | None, industry: str | None, kind: str | None,
             risk_class: str | None, status: str | None):
    conditions = []
    if q:
        text = q.strip().upper()
        if len(text) >= 6 and text[:2].isalnum() and text.replace(" ", "").isalnum() and text.isascii():
            conditions.append(Entity.uscc.like(f"{text}%"))
        else:
            conditions.append(Entity.name.like(f"%{q.strip()}%"))
    if region:
        conditions.append(Entity.region == region)
    if industry:
        conditions.append(Entity.industry.like(f"{industry.upper()}%"))
    for column, value in ((Entity.kind, kind), (Entity.risk_class, risk_class), (Entity.status, status)):
        if value:
            conditions.append(column == value)
    return conditions


async def search(*, role: str, page: int, page_size: int, **filters: str | None) -> tuple[list[dict], int]:
    """A page of entities matching the filters (name or USCC search, region, industry prefix …)."""
    conditions = _filters(**filters)
    query = Entity.select(*[getattr(Entity, c) for c in COLUMNS]).output(load_json=True)
    count = Entity.count()
    for condition in conditions:
        query, count = query.where(condition), count.where(condition)
    rows = await query.order_by(Entity.id).limit(page_size).offset((page - 1) * page_size).run()
    return [redact(r, role) for r in rows], await count.run()
