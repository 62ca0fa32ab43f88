"""The database reads a draw needs: entities in scope, yearly counts, roster, loads, recusals, experts."""

from __future__ import annotations

import json
from bisect import bisect_left
from collections import Counter
from collections.abc import Sequence
from datetime import date

from piccolo.engine import engine_finder
from piccolo.querystring import QueryString

from backend.db.bulk import fetch_tuples, one_of
from backend.db.filters import json_contains
from backend.fieldwork.tables import Task
from backend.planning.errors import PlanningError
from backend.planning.roster import InspectorFacts
from backend.registry.tables import Department, Entity, Expert, InspectionItem, Inspector, Recusal

ACTIVE_TASK_STATES = ("assigned", "in_progress", "submitted", "returned", "approved", "completed")
LOOKUP_BATCH = 50_000
"""Values per lookup statement (they travel as one parameter, `bulk.one_of`)."""


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


RISK_CLASSES = ("A", "B", "C", "D")
GONE = ("deregistered", "revoked")
"""Statuses that are never drawn (eligibility.py rule 1)."""


def _scope(plan: dict, department_code: str) -> QueryString:
    conditions = _scope_conditions(plan, department_code)
    combined = conditions[0]
    for condition in conditions[1:]:
        combined = combined & condition
    return combined.querystring


def _year_counts(year: int) -> QueryString:
    """Inspections (pending and completed tasks) per entity id in a calendar year."""
    states = ", ".join(f"'{s}'" for s in ACTIVE_TASK_STATES)
    return QueryString("SELECT entity, count(*) AS n FROM task WHERE year = {} AND entity IS NOT NULL "
                       f"AND status IN ({states}) GROUP BY entity", year)


def _lines() -> str:
    """Each row as one line "<risk class><USCC>", all in one text (no order), and how many rows."""
    if engine_finder().engine_type == "postgres":
        return "string_agg(risk_class || uscc, E'\\n'), count(*)"
    return "group_concat(risk_class || uscc, char(10)), count(*)"


def _by_class(text: str | None, count: int) -> dict[str, list[str]]:
    """The lines of `_lines` as USCCs per risk class, each list in code-point order.

    One sort of the prefixed lines groups them by class and orders each class (the canonical order the
    pools need); each class's slice loses its prefix as text operations, not per line.
    """
    lines = text.split("\n") if text else []
    if len(lines) != count:  # a USCC holding a newline would split in two
        raise PlanningError("draw.pool", "抽查对象标识不能为空或含换行", "identifiers must be non-empty, one line")
    lines.sort()
    pools = {}
    for risk_class in RISK_CLASSES:
        start, end = bisect_left(lines, risk_class), bisect_left(lines, chr(ord(risk_class) + 1))
        chunk = "\n".join(lines[start:end])
        pools[risk_class] = chunk[1:].replace("\n" + risk_class, "\n").split("\n") if chunk else []
    return pools


async def pools_in_scope(plan: dict, department_code: str, *, frequency_cap: int
                         ) -> tuple[dict[str, list[str]], list[tuple], dict[str, int]]:
    """The plan's entities in scope, split for eligibility (DOMAIN.md §13) with the plain case decided by the database.

    Returns the plain pools (risk class -> USCCs in code-point order, of the entities neither deregistered
    nor revoked and under the cap: they are eligible without a note), the other entities in scope as
    EntityFacts-ordered tuples for `build_pools`, and their yearly inspection counts by USCC. A million plain
    entities arrive as one text, not a million rows (3 s as tuples, 5 s as dicts).
    """
    gone, classes = ", ".join(f"'{s}'" for s in GONE), ", ".join(f"'{c}'" for c in RISK_CLASSES)
    ((text, count),) = await fetch_tuples(QueryString(
        f"SELECT {_lines()} FROM entity WHERE {{}} AND risk_class IN ({classes}) AND status NOT IN ({gone}) "
        "AND id NOT IN (SELECT entity FROM ({}) AS counts WHERE n >= {})",
        _scope(plan, department_code), _year_counts(plan["year"]), frequency_cap))
    pools = _by_class(text, count)
    columns = "uscc, risk_class, status, complaints_count, special_sector, coalesce(counts.n, 0)"
    others = await fetch_tuples(QueryString(
        f"SELECT {columns} FROM entity LEFT JOIN ({{}}) AS counts ON counts.entity = entity.id "
        f"WHERE {{}} AND status IN ({gone}) UNION ALL "
        f"SELECT {columns} FROM entity JOIN ({{}}) AS counts ON counts.entity = entity.id "
        f"WHERE {{}} AND status NOT IN ({gone}) AND counts.n >= {{}}",
        _year_counts(plan["year"]), _scope(plan, department_code), _year_counts(plan["year"]),
        _scope(plan, department_code), frequency_cap))
    facts = [(uscc, risk, status, complaints, bool(special), status == "blacklisted")
             for uscc, risk, status, complaints, special, _ in others]
    return pools, facts, {row[0]: row[5] for row in others}


async def inspectors_of(department_ids: list[int]) -> list[InspectorFacts]:
    """Every registered inspector of the departments, as roster facts (ids as strings)."""
    rows = await fetch_tuples(Inspector.select(
        Inspector.id, Inspector.credential_no, Inspector.department.code, Inspector.status, Inspector.valid_from,
        Inspector.valid_to, Inspector.qualifications).where(Inspector.department.is_in(department_ids)))
    return [InspectorFacts(str(i), credential, dept, status, _date(start), _date(end), tuple(_json(quals)))
            for i, credential, dept, status, start, end, quals in rows]


def _date(value: date | str) -> date:
    return value if isinstance(value, date) else date.fromisoformat(value)


def _json(value: str | list) -> list:
    return json.loads(value) if isinstance(value, str) else value


async def loads(starts_on: date, ends_on: date) -> Counter:
    """Tasks per inspector id (as string) due within the period."""
    rows = await Task.select(Task.team).where(
        (Task.due_on >= starts_on) & (Task.due_on <= ends_on) & Task.status.is_in(list(ACTIVE_TASK_STATES))
    ).output(load_json=True).run()
    return Counter(str(member) for row in rows for member in row["team"])


RECUSALS = "SELECT recusal.inspector, entity.uscc FROM recusal JOIN entity ON entity.id = recusal.entity"


async def recusal_pairs(pools: Sequence[Sequence[str]]) -> list[tuple[str, str]]:
    """(inspector id, entity USCC) recusal pairs: those of the pooled entities, and maybe others (they are looked
    up by entity, so pairs of entities outside the pools are harmless)."""
    if await Recusal.count() <= sum(map(len, pools)):
        # A draw's pools (up to the whole register) outnumber the recusals: every pair in one read, unfiltered,
        # is far cheaper than filtering by a million USCCs (or than a query per 5,000 of them: 20 s).
        return [(str(inspector), uscc) for inspector, uscc in await fetch_tuples(QueryString(RECUSALS))]
    pairs = []
    for pool in pools:
        for start in range(0, len(pool), LOOKUP_BATCH):
            rows = await fetch_tuples(QueryString(f"{RECUSALS} WHERE {{}}",
                                                  one_of("entity.uscc", pool[start:start + LOOKUP_BATCH], "text")))
            pairs += [(str(inspector), uscc) for inspector, uscc in rows]
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


async def previous_inspectors() -> dict[str, list[str]]:
    """Entity USCC -> the team (inspector ids as strings) of its latest earlier inspection, for every entity
    inspected (looked up by entity: reading them all is cheaper than filtering by a pool of a million)."""
    rows = await Task.select(Task.entity.uscc.as_alias("uscc"), Task.team).where(
        Task.status.is_in(list(ACTIVE_TASK_STATES))).order_by(Task.id).output(load_json=True).run()
    latest = {}
    for row in rows:  # later tasks overwrite earlier ones
        if row["team"]:
            latest[row["uscc"]] = [str(member) for member in row["team"]]
    return latest
