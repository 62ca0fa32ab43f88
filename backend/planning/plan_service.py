"""Annual plans: draft, publish, adjust (with reasons, recorded and published), close."""

from __future__ import annotations

from datetime import datetime, timezone
from fractions import Fraction
from typing import Any

from backend.audit import service as audit
from backend.audit.service import Actor
from backend.db.tx import transaction
from backend.errors import Conflict, Forbidden, InvalidInput, NotFound
from backend.planning.errors import PlanningError
from backend.planning.strata import parse_ratio, ratio_text
from backend.planning.tables import Plan, PlanAdjustment
from backend.registry.codes import CodeError, normalise_industry, normalise_region
from backend.registry.rules import Problems
from backend.registry.tables import Department, InspectionItem
from backend.registry.vocab import EntityKind, EntityScale, ItemMethod, RiskClass, Role

CLASSES = tuple(r.value for r in RiskClass)
PLAN_COLUMNS = ("id", "year", "jurisdiction", "title", "status", "items", "scope", "ratios", "counts",
                "frequency_cap", "team_size", "workload_cap", "experts_per_team", "starts_on", "ends_on", "method",
                "joint_partners", "avoid_previous_inspectors", "created_at", "published_at", "closed_at")


def _now() -> datetime:
    return datetime.now(timezone.utc)


def _check_quotas(ratios: dict, counts: dict, problems: Problems) -> dict[str, str]:
    canonical = {}
    for label, raw in ratios.items():
        if label not in CLASSES:
            problems.add("ratios", "plan.risk_class", "风险等级应为A、B、C、D", "risk classes are A, B, C, D")
            continue
        try:
            canonical[label] = ratio_text(parse_ratio(raw))
        except PlanningError as exc:
            problems.add("ratios", exc.code, exc.message_zh, exc.message_en)
    for label in counts:
        if label not in CLASSES:
            problems.add("counts", "plan.risk_class", "风险等级应为A、B、C、D", "risk classes are A, B, C, D")
        elif label in ratios:
            problems.add("counts", "plan.quota", f"风险等级{label}不能同时给出比例和数量",
                         f"class {label} has both a ratio and a count")
    return canonical


def _check_scope(scope: dict, problems: Problems) -> dict:
    out = dict(scope)
    for field, enum in (("kinds", EntityKind), ("scales", EntityScale)):
        try:
            out[field] = sorted({enum.parse(v).value for v in scope[field]})
        except ValueError:
            problems.add(f"scope.{field}", "value.enum", f"取值无效，可选：{enum.choices_text()}", f"unknown {field}")
    for field, normalise in (("industries", normalise_industry), ("regions", normalise_region)):
        try:
            out[field] = sorted({normalise(v) for v in scope[field]})
        except CodeError as exc:
            problems.add(f"scope.{field}", exc.code, exc.message_zh, exc.message_en)
    if not out["directed"] and any(out[f] for f in ("kinds", "scales", "industries", "regions")):
        problems.add("scope", "plan.scope", "不定向抽查不能设置筛选条件", "an undirected draw has no filters")
    if out["directed"] and not any(out[f] for f in ("kinds", "scales", "industries", "regions")):
        problems.add("scope", "plan.scope", "定向抽查须至少设置一个筛选条件", "a directed draw needs a filter")
    return out


async def _resolve_department(actor: Actor, code: str | None) -> dict:
    if code is None and actor.department_id is None:
        raise InvalidInput("请指定部门", "name the plan's department", code="plan.department")
    query = Department.select(Department.id, Department.code, Department.jurisdiction)
    row = await (query.where(Department.code == code) if code else query.where(
        Department.id == actor.department_id)).first().run()
    if row is None:
        raise InvalidInput(f"部门“{code}”不存在", f"unknown department '{code}'", code="department.unknown")
    if actor.role == Role.DEPT_ADMIN.value and row["id"] != actor.department_id:
        raise Forbidden("部门管理员只能为本部门制定计划", "a department admin plans for their own department",
                        code="plan.scope_department")
    return row


async def _check_items(item_ids: list[int], departments: set[int], problems: Problems) -> None:
    rows = await InspectionItem.select(InspectionItem.id, InspectionItem.published, InspectionItem.department).where(
        InspectionItem.id.is_in(item_ids)).run()
    found = {r["id"]: r for r in rows}
    for item_id in item_ids:
        row = found.get(item_id)
        if row is None:
            problems.add("items", "item.not_found", f"抽查事项{item_id}不存在", f"no inspection item {item_id}")
        elif not row["published"]:
            problems.add("items", "item.unpublished", f"抽查事项{item_id}未发布，不能列入计划",
                         f"item {item_id} is not published and cannot be planned")
        elif row["department"] not in departments:
            problems.add("items", "item.department", f"抽查事项{item_id}不属于本计划的部门",
                         f"item {item_id} belongs to no department of this plan")


async def create_plan(*, actor: Actor, data: dict[str, Any]) -> dict:
    """Draft a plan: published items of its departments, scope, ratios or counts per risk class."""
    dept = await _resolve_department(actor, data.pop("department"))
    problems = Problems()
    data["ratios"] = _check_quotas(data["ratios"], data["counts"], problems)
    data["scope"] = _check_scope(data["scope"], problems)
    try:
        data["method"] = ItemMethod.parse(data["method"]).value
    except ValueError:
        problems.add("method", "value.enum", f"方式无效，可选：{ItemMethod.choices_text()}", "unknown method")
    if data["ends_on"] < data["starts_on"] or data["starts_on"].year != data["year"]:
        problems.add("ends_on", "plan.timetable", "计划起止日期无效（须在计划年度内开始且结束不早于开始）",
                     "the timetable must start in the plan's year and not end before it starts")
    partners = await Department.select(Department.id, Department.code).where(
        Department.code.is_in(data["joint_partners"] or ["-"])).run()
    for code in set(data["joint_partners"]) - {p["code"] for p in partners}:
        problems.add("joint_partners", "department.unknown", f"部门“{code}”不存在", f"unknown department '{code}'")
    await _check_items(data["items"], {dept["id"], *(p["id"] for p in partners)}, problems)
    problems.raise_if_any()
    async with transaction():
        plan = Plan(**data, department=dept["id"], jurisdiction=dept["jurisdiction"], status="draft",
                    created_by=actor.id, created_at=_now())
        await plan.save().run()
        created = await get_plan(plan_id=plan.id)
        await audit.record(actor=actor, action="plan.create", target_type="plan", target_id=plan.id, after=created)
    return created


async def get_plan(*, plan_id: int) -> dict:
    """A plan with its department code, effective ratios and adjustments."""
    row = await Plan.select(*[getattr(Plan, c) for c in PLAN_COLUMNS], Plan.department.code.as_alias("department"),
                            Plan.department.id.as_alias("department_id")).where(
        Plan.id == plan_id).first().output(load_json=True).run()
    if row is None:
        raise NotFound("计划不存在", "no such plan", code="plan.not_found")
    row["effective_ratios"] = await effective_ratios(row)
    row["adjustments"] = await PlanAdjustment.select(
        PlanAdjustment.id, PlanAdjustment.reason, PlanAdjustment.changes, PlanAdjustment.at).where(
        PlanAdjustment.plan == plan_id).order_by(PlanAdjustment.id).output(load_json=True).run()
    return row


async def effective_ratios(plan: dict) -> dict[str, str]:
    """Per risk class: the plan's ratio, else the highest default of its items (the stricter reading)."""
    items = await InspectionItem.select(InspectionItem.ratios).where(
        InspectionItem.id.is_in(plan["items"] or [-1])).output(load_json=True).run()
    out = {}
    for label in CLASSES:
        if label in plan["counts"]:
            continue
        if label in plan["ratios"]:
            out[label] = plan["ratios"][label]
            continue
        defaults = [parse_ratio(str(i["ratios"][label])) for i in items if label in i["ratios"]]
        out[label] = ratio_text(max(defaults, default=Fraction(0)))
    return out


async def list_plans(*, year: int | None, status: str | None, department: str | None) -> list[dict]:
    """Plans, newest first."""
    query = Plan.select(Plan.id, Plan.year, Plan.title, Plan.status, Plan.department.code.as_alias("department"),
                        Plan.starts_on, Plan.ends_on, Plan.joint_partners).output(load_json=True)
    for column, value in ((Plan.year, year), (Plan.status, status), (Plan.department.code, department)):
        if value is not None:
            query = query.where(column == value)
    return await query.order_by(Plan.id, ascending=False).run()


async def _transition(actor: Actor, plan_id: int, allowed: tuple[str, ...], status: str, action: str,
                      extra: dict | None = None) -> dict:
    async with transaction():
        plan = await get_plan(plan_id=plan_id)
        _own(actor, plan)
        if plan["status"] not in allowed:
            raise Conflict(f"计划状态为“{plan['status']}”，不能执行此操作",
                           f"the plan is {plan['status']}; {action} is not possible", code="plan.state")
        await Plan.update({Plan.status: status, **(extra or {})}).where(Plan.id == plan_id).run()
        after = await get_plan(plan_id=plan_id)
        await audit.record(actor=actor, action=f"plan.{action}", target_type="plan", target_id=plan_id,
                           before=plan, after=after)
    return after


def _own(actor: Actor, plan: dict) -> None:
    if actor.role == Role.DEPT_ADMIN.value and plan["department_id"] != actor.department_id:
        raise Forbidden("部门管理员只能管理本部门的计划", "a department admin manages their own plans",
                        code="plan.scope_department")


async def publish_plan(*, actor: Actor, plan_id: int) -> dict:
    """Publish a draft: from now on it may be drawn from, and changes are adjustments."""
    return await _transition(actor, plan_id, ("draft",), "published", "publish", {Plan.published_at: _now()})


async def close_plan(*, actor: Actor, plan_id: int) -> dict:
    """Close a plan: no further draws."""
    return await _transition(actor, plan_id, ("published", "adjusted"), "closed", "close", {Plan.closed_at: _now()})


async def adjust_plan(*, actor: Actor, plan_id: int, reason: str, changes: dict[str, Any]) -> dict:
    """Change a plan; once published, each change is an adjustment recorded with its reason."""
    if not changes:
        raise InvalidInput("没有要调整的内容", "nothing to change", code="plan.no_changes")
    problems = Problems()
    plan = await get_plan(plan_id=plan_id)
    ratios = changes.get("ratios", plan["ratios"])
    counts = changes.get("counts", plan["counts"])
    if "ratios" in changes or "counts" in changes:
        changes["ratios"] = _check_quotas(ratios, counts, problems)
    if changes.get("ends_on", plan["ends_on"]) < changes.get("starts_on", plan["starts_on"]):
        problems.add("ends_on", "plan.timetable", "结束日期早于开始日期", "the plan ends before it starts")
    problems.raise_if_any()
    status = {"draft": "draft", "published": "adjusted", "adjusted": "adjusted"}.get(plan["status"])
    if status is None:
        raise Conflict("已关闭的计划不能调整", "a closed plan cannot be adjusted", code="plan.state")
    _own(actor, plan)
    async with transaction():
        await Plan.update({**{getattr(Plan, k): v for k, v in changes.items()}, Plan.status: status}).where(
            Plan.id == plan_id).run()
        if plan["status"] != "draft":
            await PlanAdjustment(plan=plan_id, reason=reason, actor=actor.id, at=_now(),
                                 changes={k: str(v) if k.endswith("_on") else v for k, v in changes.items()}
                                 ).save().run()
        after = await get_plan(plan_id=plan_id)
        await audit.record(actor=actor, action="plan.adjust", target_type="plan", target_id=plan_id,
                           before=plan, after=after, detail={"reason": reason, "fields": sorted(changes)})
    return after
