"""The database reads a draw needs: entities in scope, yearly counts, roster, loads, recusals, experts."""

from __future__ import annotations

from collections import Counter
from datetime import date

from backend.db.bulk import fetch_tuples
from backend.db.filters import json_contains
from backend.fieldwork.tables import Task
from backend.planning.roster import InspectorFacts
from backend.registry.tables import Department, Entity, Expert, InspectionItem, Inspector, Recusal

ACTIVE_TASK_STATES = ("assigned", "in_progress", "submitted", "returned", "approved", "completed")


def jurisdiction_prefix(code: str) -> str:
    """The region-code prefix a jurisdiction covers: 320612 → 320612, 320600 → 3206, 320000 → 32."""
    for trailing in ("0000", "00"):
        if code.endswith(trailing):
            return code[: -len(trailing)]
    return code


def _scope_conditions(plan: dict, department_code: str) -> list:
    scope = plan["scope"]
    conditions = [Entity.region.like(f"{jurisdiction_prefix(plan['jurisdiction'])}%"),
                  json_contains("entity.departments", department_code)]
    if scope.get("directed"):
        if scope.get("kinds"):
            conditions.append(Entity.kind.is_in(scope["kinds"]))
        if scope.get("scales"):
            conditions.append(Entity.scale.is_in(scope["scales"]))
        if scope.get("regions"):
            conditions.append(Entity.region.is_in(scope["regions"]))
        if scope.get("industries"):
            industry = None
            for prefix in scope["industries"]:
                like = Entity.industry.like(f"{prefix}%")
                industry = like if industry is None else industry | like
            conditions.append(industry)
    return conditions


async def entities_in_scope(plan: dict, department_code: str) -> list[tuple]:
    """The plan's entities (jurisdiction, responsible department, directed filters) as EntityFacts-ordered tuples.

    Plain tuples (id, risk class, status, complaints, special sector, serious violation), not one dict and
    one EntityFacts per row: at a million entities those cost 3 s; `build_pools` takes either.
    """
    query = Entity.select(Entity.uscc, Entity.risk_class, Entity.status, Entity.complaints_count,
                          Entity.special_sector)
    for condition in _scope_conditions(plan, department_code):
        query = query.where(condition)
    return [(uscc, risk, status, complaints, special, status == "blacklisted")
            for uscc, risk, status, complaints, special in await fetch_tuples(query)]


async def year_counts(year: int) -> Counter:
    """Inspections (pending and completed tasks) per entity USCC in a calendar year."""
    rows = await Task.select(Task.entity.uscc.as_alias("uscc")).where(
        (Task.year == year) & Task.status.is_in(list(ACTIVE_TASK_STATES))).run()
    return Counter(r["uscc"] for r in rows)


async def inspectors_of(department_ids: list[int]) -> list[InspectorFacts]:
    """Every registered inspector of the departments, as roster facts (ids as strings)."""
    rows = await Inspector.select(Inspector.id, Inspector.credential_no, Inspector.department.code.as_alias("dept"),
                                  Inspector.status, Inspector.valid_from, Inspector.valid_to,
                                  Inspector.qualifications).where(
        Inspector.department.is_in(department_ids)).output(load_json=True).run()
    return [InspectorFacts(str(r["id"]), r["credential_no"], r["dept"], r["status"], r["valid_from"], r["valid_to"],
                           tuple(r["qualifications"])) for r in rows]


async def loads(starts_on: date, ends_on: date) -> Counter:
    """Tasks per inspector id (as string) due within the period."""
    rows = await Task.select(Task.team).where(
        (Task.due_on >= starts_on) & (Task.due_on <= ends_on) & Task.status.is_in(list(ACTIVE_TASK_STATES))
    ).output(load_json=True).run()
    return Counter(str(member) for row in rows for member in row["team"])


async def recusal_pairs(usccs: list[str]) -> list[tuple[str, str]]:
    """(inspector id, entity USCC) recusal pairs for the given entities."""
    if await Recusal.count() <= len(usccs):
        # A draw's pools (up to the whole register) outnumber the recusals: one pass over the recusals is
        # far cheaper than a query per 5,000 USCCs (20 s at a million entities on SQLite).
        wanted = set(usccs)
        rows = await Recusal.select(Recusal.inspector, Recusal.entity.uscc.as_alias("uscc")).run()
        return [(str(r["inspector"]), r["uscc"]) for r in rows if r["uscc"] in wanted]
    pairs = []
    for start in range(0, len(usccs), 5000):
        rows = await Recusal.select(Recusal.inspector, Recusal.entity.uscc.as_alias("uscc")).where(
            Recusal.entity.uscc.is_in(usccs[start:start + 5000])).run()
        pairs += [(str(r["inspector"]), r["uscc"]) for r in rows]
    return pairs


async def active_experts() -> list[str]:
    """Ids (as strings) of the active experts, laboratories and third parties."""
    return [str(r["id"]) for r in await Expert.select(Expert.id).where(Expert.active == True).run()]  # noqa: E712


async def items_by_id(item_ids: list[int]) -> dict[int, dict]:
    """Items with their department code and required qualifications."""
    rows = await InspectionItem.select(InspectionItem.id, InspectionItem.code, InspectionItem.version,
                                       InspectionItem.form_ref, InspectionItem.required_qualifications,
                                       InspectionItem.department.code.as_alias("department")).where(
        InspectionItem.id.is_in(item_ids or [-1])).output(load_json=True).run()
    return {r["id"]: r for r in rows}


async def department_ids(codes: list[str]) -> dict[str, int]:
    """Department code -> id."""
    rows = await Department.select(Department.id, Department.code).where(Department.code.is_in(codes or ["-"])).run()
    return {r["code"]: r["id"] for r in rows}


async def previous_inspectors(usccs: set[str]) -> dict[str, list[str]]:
    """Entity USCC -> the team (inspector ids as strings) of its latest earlier inspection."""
    rows = await Task.select(Task.entity.uscc.as_alias("uscc"), Task.team).where(
        Task.status.is_in(list(ACTIVE_TASK_STATES))).order_by(Task.id).output(load_json=True).run()
    latest = {}
    for row in rows:  # later tasks overwrite earlier ones
        if row["uscc"] in usccs and row["team"]:
            latest[row["uscc"]] = [str(member) for member in row["team"]]
    return latest
