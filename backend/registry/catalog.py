"""Departments, inspection items (抽查事项清单, versioned) and the result-code table."""

from __future__ import annotations

from typing import Any

from backend.audit import service as audit
from backend.audit.service import Actor
from backend.db.tx import transaction
from backend.errors import Conflict, Forbidden, InvalidInput, NotFound
from backend.registry.rules import Problems
from backend.registry.tables import Department, InspectionItem, ResultCode
from backend.registry.vocab import QUALIFICATIONS, DepartmentLevel, ItemMethod, ItemType, RiskClass, Role

ITEM_COLUMNS = ("id", "code", "version", "name", "legal_basis", "content", "method", "type", "ratios",
                "frequency", "required_qualifications", "form_ref", "published")


async def list_departments() -> list[dict]:
    """Every department with its parent's code."""
    return await Department.select(Department.id, Department.code, Department.name, Department.level,
                                   Department.jurisdiction, Department.parent.code.as_alias("parent_code"),
                                   ).order_by(Department.code).run()


async def department_id(code: str, problems: Problems | None = None) -> int | None:
    """The id of the department with this code; a problem (or NotFound) when there is none."""
    row = await Department.select(Department.id).where(Department.code == code).first().run()
    if row:
        return row["id"]
    if problems is None:
        raise NotFound("部门不存在", "no such department", code="department.not_found")
    problems.add("department", "department.unknown", f"部门代码“{code}”不存在", f"unknown department '{code}'")
    return None


async def create_department(*, actor: Actor, data: dict[str, Any]) -> dict:
    """Add a department."""
    problems = Problems()
    try:
        data["level"] = DepartmentLevel.parse(data["level"]).value
    except ValueError:
        problems.add("level", "value.enum", f"级别无效，可选：{DepartmentLevel.choices_text()}", "unknown level")
    parent_code = data.pop("parent_code", None)
    parent = await department_id(parent_code, problems) if parent_code else None
    problems.raise_if_any()
    async with transaction():
        if await Department.exists().where(Department.code == data["code"]).run():
            raise Conflict("部门代码已存在", "department code is taken", code="department.exists")
        row = Department(**data, parent=parent)
        await row.save().run()
        await audit.record(actor=actor, action="department.create", target_type="department", target_id=row.id,
                           after={**data, "parent_code": parent_code})
    return {"id": row.id, **data, "parent_code": parent_code}


def _item_select():
    return InspectionItem.select(*[getattr(InspectionItem, c) for c in ITEM_COLUMNS],
                                 InspectionItem.department.code.as_alias("department")).output(load_json=True)


async def list_items(*, department: str | None, published: bool | None) -> list[dict]:
    """Items (every version), by code and version."""
    query = _item_select()
    if department:
        query = query.where(InspectionItem.department.code == department)
    if published is not None:
        query = query.where(InspectionItem.published == published)
    return await query.order_by(InspectionItem.code).order_by(InspectionItem.version).run()


async def get_item(*, item_id: int) -> dict:
    """One item version, or NotFound."""
    row = await _item_select().where(InspectionItem.id == item_id).first().run()
    if row is None:
        raise NotFound("抽查事项不存在", "no such inspection item", code="item.not_found")
    return row


def _normalise_item(data: dict[str, Any], problems: Problems) -> dict[str, Any]:
    for field, enum in (("method", ItemMethod), ("type", ItemType)):
        try:
            data[field] = enum.parse(data[field]).value
        except ValueError:
            problems.add(field, "value.enum", f"取值无效，可选：{enum.choices_text()}", f"unknown {field}")
    for field in ("ratios", "frequency"):
        unknown = set(data[field]) - {r.value for r in RiskClass}
        if unknown:
            problems.add(field, "value.risk_class", "风险等级应为A、B、C、D", "risk classes are A, B, C, D")
    for code in data["required_qualifications"]:
        if code not in QUALIFICATIONS:
            problems.add("required_qualifications", "value.qualification", f"执法资质“{code}”不存在",
                         f"unknown qualification '{code}'")
    return data


async def create_item(*, actor: Actor, data: dict[str, Any]) -> dict:
    """Add an item, or a new unpublished version of an existing code (published versions never change)."""
    problems = Problems()
    data = _normalise_item(dict(data), problems)
    dept = await department_id(data.pop("department"), problems)
    problems.raise_if_any()
    if actor.role == Role.DEPT_ADMIN.value and dept != actor.department_id:
        raise Forbidden("部门管理员只能管理本部门的抽查事项", "a department admin manages their own items only",
                        code="item.scope")
    async with transaction():
        latest = await InspectionItem.select(InspectionItem.version).where(
            InspectionItem.code == data["code"]).order_by(InspectionItem.version, ascending=False).first().run()
        row = InspectionItem(**data, department=dept, version=(latest["version"] + 1) if latest else 1,
                             published=False)
        await row.save().run()
        created = await get_item(item_id=row.id)
        await audit.record(actor=actor, action="item.create", target_type="item", target_id=row.id, after=created)
    return created


async def publish_item(*, actor: Actor, item_id: int) -> dict:
    """Publish an item version; from then on it is immutable."""
    async with transaction():
        item = await get_item(item_id=item_id)
        if item["published"]:
            raise Conflict("该版本已发布", "this version is already published", code="item.published")
        await InspectionItem.update({InspectionItem.published: True}).where(InspectionItem.id == item_id).run()
        await audit.record(actor=actor, action="item.publish", target_type="item", target_id=item_id,
                           before=item, after={**item, "published": True})
    return {**item, "published": True}


async def list_result_codes(*, version: int | None) -> list[dict]:
    """The result-code table: the given version, or the newest."""
    if version is None:
        newest = await ResultCode.select(ResultCode.table_version).order_by(
            ResultCode.table_version, ascending=False).first().run()
        version = newest["table_version"] if newest else 1
    rows = await ResultCode.select(ResultCode.code, ResultCode.label_zh, ResultCode.label_en, ResultCode.exclusive,
                                   ResultCode.table_version).where(ResultCode.table_version == version).order_by(
        ResultCode.sort_order).run()
    if not rows:
        raise InvalidInput("结果代码表版本不存在", "no such result-code table version", code="result_codes.version")
    return rows
