"""A small task to work on: two inspectors (with accounts) on one task of one entity, one item and its form."""

from __future__ import annotations

from datetime import date, datetime, timezone

from backend.audit.service import SYSTEM
from backend.auth.service import create_user
from backend.auth.tables import User
from backend.checklists.service import pin_latest
from backend.db.tx import transaction
from backend.fieldwork.tables import Task, TaskMember
from backend.ids import uuid7
from backend.registry.tables import Department, Entity, InspectionItem, Inspector
from tests.integration.conftest import PASSWORD

FORM = "market.public-info"
ITEM = "SCJG-GS-01"


async def make_task(*, team: tuple[str, ...] = ("inspector", "inspector-2"), department: str = "SCJG",
                    uscc: str = "91320612MA1N2P3Q4X") -> dict:
    """A task (status assigned) whose team are the named users; creates missing inspector users."""
    now = datetime.now(timezone.utc)
    dept = await Department.select(Department.id).where(Department.code == department).first().run()
    async with transaction():
        entity = await Entity.select(Entity.id).where(Entity.uscc == uscc).first().run()
        if entity is None:
            entity = (await Entity.insert(Entity(
                uscc=uscc, name="南通市通州区示例食品店", kind="individual", industry="F5223", region="320612",
                address="通州区金沙街道示例路1号", risk_class="B", departments=[department], created_at=now,
                updated_at=now)).returning(Entity.id).run())[0]
        item = await InspectionItem.select(InspectionItem.id).where(InspectionItem.code == ITEM).first().run()
        if item is None:
            item = (await InspectionItem.insert(InspectionItem(
                code=ITEM, name="公示信息检查", department=dept["id"], legal_basis="《企业信息公示暂行条例》第十四条",
                content="年度报告公示信息", method="onsite", form_ref=FORM, published=True)).returning(
                InspectionItem.id).run())[0]
    members = [await _inspector(username, dept["id"], department, n) for n, username in enumerate(team)]
    pins = await pin_latest({FORM})
    uid = uuid7()
    async with transaction():
        task = (await Task.insert(Task(
            uid=uid, entity=entity["id"], year=2026, items=[item["id"]], departments=[department], team=members,
            lead_inspector=members[0], experts=[], forms={ITEM: {"form": FORM, "version": pins[FORM]}},
            due_on=date(2026, 12, 31), status="assigned", created_at=now, updated_at=now)).returning(Task.id).run())[0]
        for n, member in enumerate(members):
            await TaskMember.insert(TaskMember(task=task["id"], inspector=member, role="lead" if n == 0 else "member")).run()
    return {"id": task["id"], "uid": uid, "team": members}


async def _inspector(username: str, dept_id: int, department: str, n: int) -> int:
    user = await User.select(User.id).where(User.username == username).first().run()
    if user is None:
        user = await create_user(actor=SYSTEM, username=username, display_name=username, password=PASSWORD,
                                 role="inspector", department_code=department)
    row = await Inspector.select(Inspector.id).where(Inspector.user == user["id"]).first().run()
    if row is not None:
        return row["id"]
    now = datetime.now(timezone.utc)
    return (await Inspector.insert(Inspector(
        user=user["id"], name=f"检查员{username}", department=dept_id, credential_no=f"JS-{username}-{n:04d}",
        valid_from=date(2024, 1, 1), valid_to=date(2028, 12, 31), qualifications=["market"], created_at=now,
        updated_at=now)).returning(Inspector.id).run())[0]["id"]
