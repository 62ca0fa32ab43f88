"""Entities (检查对象): create, update, read and search, one transaction per change."""

from __future__ import annotations

from datetime import datetime, timezone
from typing import Any

from piccolo.engine import engine_finder
from piccolo.querystring import QueryString
from piccolo.utils.encoding import load_json

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


COUNT_CAP = 1_000
"""Matches are counted up to this many: a total of COUNT_CAP + 1 means "more than COUNT_CAP".

An exact count of a broad filter over a million entities costs more than the page itself.
"""
_SELECT = ", ".join(f'"entity"."{c}"' for c in COLUMNS)


def name_bigrams(text: str) -> list[str]:
    """The distinct 2-character pieces of `text` made of letters or digits: keys of the name index."""
    pieces = (text[i:i + 2] for i in range(len(text) - 1))
    return list(dict.fromkeys(piece for piece in pieces if piece.isalnum()))


def _name_filter(text: str, engine_type: str) -> tuple[list[QueryString], str | None]:
    """Conditions of a name search, and on SQLite the FTS5 query that finds its candidates.

    Both narrow LIKE to the names holding every bigram of the query (migration 2026-11-23T12:00). On
    PostgreSQL each bigram is its own `&&` (the GIN index answers it exactly, no recheck); LIKE comes
    first, so a scan calls name_bigrams() only for names that already match.
    """
    conditions = [QueryString('"entity"."name" LIKE {}', f"%{text}%")]
    pieces = name_bigrams(text)
    if engine_type == "postgres":
        return conditions + [QueryString('name_bigrams("entity"."name") && {}', [p]) for p in pieces], None
    return conditions, " AND ".join(f'"{piece}"' for piece in pieces) or None


def _filters(*, q: str | None, region: str | None, industry: str | None, kind: str | None,
             risk_class: str | None, status: str | None) -> tuple[list[QueryString], str | None]:
    """SQL conditions on `entity` for the filters, and the FTS5 query of a name search on SQLite."""
    conditions, match = [], None
    if q:
        text = q.strip().upper()
        if len(text) >= 6 and text[:2].isalnum() and text.replace(" ", "").isalnum() and text.isascii():
            conditions.append(QueryString('"entity"."uscc" LIKE {}', f"{text}%"))
        else:
            conditions, match = _name_filter(q.strip(), engine_finder().engine_type)
    if region:
        conditions.append(QueryString('"entity"."region" = {}', region))
    if industry:
        conditions.append(QueryString('"entity"."industry" LIKE {}', f"{industry.upper()}%"))
    for column, value in (("kind", kind), ("risk_class", risk_class), ("status", status)):
        if value:
            conditions.append(QueryString(f'"entity"."{column}" = {{}}', value))
    return conditions, match


def _matching(conditions: list[QueryString], match: str | None, *,
              not_indexed: bool = False) -> tuple[QueryString, str]:
    """`FROM … WHERE …` of the matching entities, and the column ordering them by id.

    With an FTS5 query, FTS5 drives (CROSS JOIN keeps it outer) and yields rowids in order, so LIMIT stops
    early. `not_indexed` (SQLite) walks the table in id order: see `_walk_ids_on_postgres`.
    """
    source, order = ("entity NOT INDEXED" if not_indexed else "entity"), '"entity"."id"'
    if match is not None:
        source = "entity_name_bigrams CROSS JOIN entity ON entity.id = entity_name_bigrams.rowid"
        order = "entity_name_bigrams.rowid"
        conditions = [QueryString("entity_name_bigrams MATCH {}", match), *conditions]
    where = f" WHERE {' AND '.join('{}' for _ in conditions)}" if conditions else ""
    return QueryString(f"FROM {source}{where}", *conditions), order


async def _plan_for_latency(engine: Any) -> None:
    """PostgreSQL, for this transaction: plan each query for its values, without workers or JIT.

    A cached generic plan cannot tell a rare bigram from a common one. Every query here is bounded (a
    capped count, one page), yet a walk's estimated cost can pass jit_above_cost: compiling took 65 ms
    of a 66 ms query, and starting parallel workers costs more than they save.
    """
    await engine.run_ddl("SELECT set_config('plan_cache_mode', 'force_custom_plan', true), "
                         "set_config('max_parallel_workers_per_gather', '0', true), "
                         "set_config('jit', 'off', true)")


async def _walk_ids_on_postgres(engine: Any) -> None:
    """After a count over COUNT_CAP: have PostgreSQL find the page by walking the primary key.

    A broad match (1% of a million entities) fills a page within a few thousand rows in id order, while
    an index fetches and sorts every match. The planners cannot tell: SQLite keeps no statistics (its
    query says NOT INDEXED instead) and PostgreSQL multiplies the selectivities of LIKE and of the
    bigrams it implies.
    """
    await engine.run_ddl("SELECT set_config('enable_bitmapscan', 'off', true), "
                         "set_config('enable_seqscan', 'off', true)")


def _decoded(row: dict) -> dict:
    if isinstance(row["departments"], str):
        row["departments"] = load_json(row["departments"])
    return row


async def search(*, role: str, page: int, page_size: int, **filters: str | None) -> tuple[list[dict], int]:
    """A page of entities matching the filters (name or USCC search, region, industry prefix …).

    Returns the rows and the number of matches, exact up to COUNT_CAP; COUNT_CAP + 1 means more.
    """
    engine = engine_finder()
    conditions, match = _filters(**filters)
    # The planner settings below last until the transaction ends: only in a transaction of our own.
    tuned = engine.engine_type == "postgres" and engine.current_transaction.get() is None
    async with engine.transaction():  # one connection for both queries
        if tuned:
            await _plan_for_latency(engine)
        counted = await Entity.raw("SELECT count(*) AS n FROM (SELECT 1 {} LIMIT {}) AS capped",
                                   _matching(conditions, match)[0], COUNT_CAP + 1).run()
        broad = counted[0]["n"] > COUNT_CAP
        if broad and tuned:
            await _walk_ids_on_postgres(engine)
        matching, order = _matching(conditions, match, not_indexed=broad and engine.engine_type == "sqlite")
        # The page's ids first (an index-only walk on PostgreSQL), then their rows: deep pages stay cheap.
        rows = await Entity.raw(f"SELECT {_SELECT} FROM entity WHERE entity.id IN (SELECT {order} {{}} "
                                f"ORDER BY {order} LIMIT {{}} OFFSET {{}}) ORDER BY entity.id",
                                matching, page_size, (page - 1) * page_size).run()
    return [redact(_decoded(r), role) for r in rows], counted[0]["n"]
