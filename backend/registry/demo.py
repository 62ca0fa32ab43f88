"""Seeding the demo district into the database: idempotent, one transaction, one audit entry."""

from __future__ import annotations

from datetime import datetime, timezone

from backend.audit import service as audit
from backend.audit.service import SYSTEM
from backend.auth.passwords import hash_password
from backend.auth.tables import User
from backend.db.tx import transaction
from backend.registry import demo_data
from backend.registry.imports import BATCH, _upsert
from backend.registry.tables import Department, Entity, Expert, InspectionItem, Inspector, Recusal


async def _departments() -> dict[str, int]:
    ids = {d["code"]: d["id"] for d in await Department.select(Department.id, Department.code).run()}
    pending = [d for d in demo_data.departments() if d["code"] not in ids]
    # parents first, so a child's parent id is known when it is inserted
    for dept in sorted(pending, key=lambda d: d["parent_code"] is not None):
        row = Department(code=dept["code"], name=dept["name"], level=dept["level"],
                         jurisdiction=dept["jurisdiction"], parent=ids.get(dept["parent_code"]))
        await row.save().run()
        ids[dept["code"]] = row.id
    return ids


async def _users(depts: dict[str, int]) -> dict[str, int]:
    ids = {u["username"]: u["id"] for u in await User.select(User.id, User.username).run()}
    now = datetime.now(timezone.utc)
    for user in demo_data.users():
        if user["username"] not in ids:
            row = User(username=user["username"], display_name=user["display_name"],
                       password_hash=hash_password(user["password"]), role=user["role"],
                       department=depts.get(user["department_code"]), active=True, created_at=now)
            await row.save().run()
            ids[user["username"]] = row.id
    return ids


async def _inspectors(depts: dict[str, int], users: dict[str, int]) -> int:
    records = []
    for ins in demo_data.inspectors():
        record = {k: v for k, v in ins.items() if k not in ("department", "username")}
        record["department"] = depts[ins["department"]]
        record["user"] = users.get(ins["username"]) if ins.get("username") else None
        records.append(record)
    created, _, _ = await _upsert("inspectors", records, set(records[0]), datetime.now(timezone.utc))
    return created


async def _items(depts: dict[str, int]) -> int:
    existing = {(i["code"], i["version"]) for i in await InspectionItem.select(
        InspectionItem.code, InspectionItem.version).run()}
    new = [InspectionItem(**{**item, "department": depts[item["department"]]})
           for item in demo_data.items() if (item["code"], item["version"]) not in existing]
    if new:
        await InspectionItem.insert(*new).run()
    return len(new)


async def _entities(records: list[dict]) -> int:
    created = 0
    for start in range(0, len(records), BATCH):
        batch = records[start:start + BATCH]
        created += (await _upsert("entities", batch, set(batch[0]), datetime.now(timezone.utc)))[0]
    return created


async def _experts_and_recusals(entities: list[dict]) -> tuple[int, int]:
    experts = 0
    if not await Expert.count().run():
        rows = [Expert(**e, active=True) for e in demo_data.experts()]
        await Expert.insert(*rows).run()
        experts = len(rows)
    recusals = 0
    if not await Recusal.count().run():
        ins = {r["credential_no"]: r["id"] for r in await Inspector.select(Inspector.id, Inspector.credential_no).run()}
        links = demo_data.recusals(entities, demo_data.inspectors())
        ent = {r["uscc"]: r["id"] for r in await Entity.select(Entity.id, Entity.uscc).where(
            Entity.uscc.is_in([link["uscc"] for link in links])).run()}
        now = datetime.now(timezone.utc)
        rows = [Recusal(inspector=ins[link["credential_no"]], entity=ent[link["uscc"]], reason=link["reason"],
                        created_at=now) for link in links if link["uscc"] in ent and link["credential_no"] in ins]
        if rows:
            await Recusal.insert(*rows).run()
        recusals = len(rows)
    return experts, recusals


async def seed_demo(*, entities: int = 20000) -> dict[str, int]:
    """Seed (or top up) the demo district; running it again adds nothing."""
    records = demo_data.entities(entities)
    async with transaction():
        depts = await _departments()
        users = await _users(depts)
        summary = {
            "departments": len(depts), "users": len(users),
            "inspectors_created": await _inspectors(depts, users),
            "items_created": await _items(depts),
            "entities_created": await _entities(records),
        }
        summary["experts_created"], summary["recusals_created"] = await _experts_and_recusals(records)
        await audit.record(actor=SYSTEM, action="demo.seed", target_type="demo", target_id="320612", detail=summary)
    return summary
