"""Generated register for bench/draw.py: entities, inspectors, recusals, items and a published plan.

Bulk-loaded into the migrated schema (asyncpg COPY on PostgreSQL, sqlite3 executemany on SQLite): the load
is setup, not a figure. Everything is deterministic (fixed seeds), so both engines draw from the same data.
"""

from __future__ import annotations

import json
import random
from datetime import date, datetime, timezone

DEPARTMENT = ("NT-SCJG", "南通市市场监督管理局", "city", "320600")
REGIONS = ("320602", "320612", "320613", "320623", "320681", "320682", "320685")
RISK_SHARES = {"A": 0.30, "B": 0.50, "C": 0.15, "D": 0.05}
"""Share of the register per risk class (A lowest risk): most entities are low risk."""
RATIOS = {"A": "0.01", "B": "0.02", "C": "0.06", "D": "0.15"}
"""The plan's ratio per risk class: about 3% overall with RISK_SHARES."""
STATUS_SHARES = (("normal", 0.990), ("abnormal", 0.006), ("deregistered", 0.003), ("revoked", 0.001))
QUALIFICATIONS = ("food_safety", "special_equipment", "measurement")
"""One per item: every team must cover all three."""
YEAR, STARTS_ON, ENDS_ON, DRAW_DATE = 2026, date(2026, 3, 1), date(2026, 12, 31), date(2026, 3, 2)
ENTITY_COLUMNS = ("uscc", "legacy_id", "name", "kind", "scale", "industry", "region", "address", "status",
                  "risk_class", "special_sector", "complaints_count", "departments", "created_at", "updated_at")
USER_COLUMNS = ("username", "display_name", "password_hash", "role", "department", "active", "created_at")
INSPECTOR_COLUMNS = ("user", "name", "department", "credential_no", "valid_from", "valid_to", "qualifications",
                     "expertise", "region", "status", "created_at", "updated_at")
RECUSAL_COLUMNS = ("inspector", "entity", "reason", "created_at")


def overall_ratio() -> float:
    """The expected share of the register drawn: Σ share × ratio."""
    return sum(RISK_SHARES[c] * float(RATIOS[c]) for c in RISK_SHARES)


def _pick(rng: random.Random, shares) -> str:
    x, total = rng.random(), 0.0
    for value, share in shares:
        total += share
        if x < total:
            return value
    return shares[-1][0]


def uscc(i: int, region: str) -> str:
    """A valid USCC, unique per i: '91' + region + 'MA' + 6 base-31 digits of i + GB 11714 check + check."""
    from backend.registry.uscc import ALPHABET, check_character

    body = "MA" + "".join(ALPHABET[(i // 31 ** k) % 31] for k in range(5, -1, -1))
    total = sum(int(ch, 36) * w for ch, w in zip(body, (3, 7, 9, 10, 5, 8, 4, 2)))
    first17 = "91" + region + body + "0123456789X0"[11 - total % 11]
    return first17 + check_character(first17)


def entity_rows(n: int, now: datetime):
    """n entity rows (ENTITY_COLUMNS) in the department's jurisdiction, listing it as responsible."""
    rng = random.Random(20260301)
    risks = list(RISK_SHARES.items())
    departments = json.dumps([DEPARTMENT[0]])
    for i in range(n):
        region = REGIONS[i % len(REGIONS)]
        special = rng.random() < 0.08
        yield (uscc(i, region), False, f"基准{i}商贸有限公司", "enterprise", rng.choice(("micro", "small", "medium")),
               "F5211", region, f"江苏省南通市基准路{i}号", _pick(rng, STATUS_SHARES), _pick(rng, risks), special,
               rng.choice((0, 0, 0, 0, 1, 3)), departments, now, now)


def user_rows(n: int, department_id: int, now: datetime):
    """n inspector accounts (the field app's users: each is notified of its new tasks); no usable password."""
    for i in range(n):
        yield (f"bench-inspector-{i}", f"检查员{i}", "bench-no-login", "inspector", department_id, True, now)


def inspector_rows(n: int, department_id: int, first_user: int, now: datetime):
    """n active inspectors with accounts; each holds each qualification with probability 1/2, at least one."""
    rng = random.Random(20260302)
    for i in range(n):
        quals = [q for q in QUALIFICATIONS if rng.random() < 0.5] or [rng.choice(QUALIFICATIONS)]
        yield (first_user + i, f"检查员{i}", department_id, f"JS32060020{i:06d}", date(2024, 1, 1), date(2028, 12, 31),
               json.dumps(quals), "[]", REGIONS[i % len(REGIONS)], "active", now, now)


def recusal_rows(n: int, inspectors: range, entities: range, now: datetime):
    """n distinct (inspector, entity) recusal pairs."""
    rng, seen = random.Random(20260303), set()
    while len(seen) < n:
        pair = (rng.choice(inspectors), rng.choice(entities))
        if pair not in seen:
            seen.add(pair)
            yield (*pair, "近亲属在该企业任职", now)


class Loader:
    """Bulk rows into one table at a time: COPY on PostgreSQL, executemany in one transaction on SQLite."""

    def __init__(self, settings) -> None:
        self.settings = settings

    async def __aenter__(self) -> "Loader":
        if self.settings.is_postgres:
            import asyncpg

            self.pg = await asyncpg.connect(self.settings.database_url)
        else:
            import sqlite3

            self.lite = sqlite3.connect(self.settings.sqlite_path)
        return self

    async def __aexit__(self, *exc) -> None:
        if self.settings.is_postgres:
            await self.pg.execute("VACUUM ANALYZE")
            await self.pg.close()
        else:
            self.lite.execute("ANALYZE")
            self.lite.close()

    async def load(self, table: str, columns: tuple[str, ...], rows, chunk: int = 50_000) -> int:
        """Write every row; returns how many."""
        count, batch = 0, []
        for row in rows:
            batch.append(row)
            if len(batch) == chunk:
                count += await self._write(table, columns, batch)
                batch = []
        return count + (await self._write(table, columns, batch) if batch else 0)

    async def _write(self, table: str, columns: tuple[str, ...], rows: list) -> int:
        if self.settings.is_postgres:
            await self.pg.copy_records_to_table(table, records=rows, columns=columns)
        else:
            marks = ", ".join("?" * len(columns))
            with self.lite:
                self.lite.executemany(f"INSERT INTO {table} ({', '.join(columns)}) VALUES ({marks})", rows)
        return len(rows)


async def _items(department_id: int) -> list[int]:
    from backend.registry.tables import InspectionItem

    items = [InspectionItem(code=f"BENCH-{n:03d}", version=1, name=f"基准抽查事项{n}", department=department_id,
                            legal_basis="《基准法》", content="基准检查内容", method="onsite", type="general",
                            ratios=dict(RATIOS), frequency={}, required_qualifications=[q],
                            form_ref=f"bench-form-{n}", published=True)
             for n, q in enumerate(QUALIFICATIONS, start=1)]
    rows = await InspectionItem.insert(*items).returning(InspectionItem.id).run()
    return [r["id"] for r in rows]


async def _plan(item_ids: list[int], workload_cap: int) -> int:
    from backend.audit.service import SYSTEM
    from backend.planning.plan_service import create_plan, publish_plan

    plan = await create_plan(actor=SYSTEM, data={
        "department": DEPARTMENT[0], "year": YEAR, "title": "基准年度双随机抽查计划", "items": item_ids,
        "starts_on": STARTS_ON, "ends_on": ENDS_ON,
        "scope": {"directed": False, "kinds": [], "scales": [], "industries": [], "regions": []},
        "ratios": dict(RATIOS), "counts": {}, "frequency_cap": 2, "team_size": 2, "workload_cap": workload_cap,
        "experts_per_team": 0, "method": "onsite", "joint_partners": []})
    await publish_plan(actor=SYSTEM, plan_id=plan["id"])
    return plan["id"]


async def seed(*, entities: int, inspectors: int, recusals: int, workload_cap: int) -> dict:
    """Migrate, bulk-load the register and publish the plan; returns the plan id and row counts."""
    from backend.config import get_settings
    from backend.db.migrate import migrate
    from backend.registry.tables import Department

    await migrate()
    code, name, level, jurisdiction = DEPARTMENT
    dept = Department(code=code, name=name, level=level, jurisdiction=jurisdiction)
    await dept.save().run()
    now = datetime.now(timezone.utc)
    async with Loader(get_settings()) as loader:
        n_entities = await loader.load("entity", ENTITY_COLUMNS, entity_rows(entities, now))
        await loader.load("app_user", USER_COLUMNS, user_rows(inspectors, dept.id, now))
        n_inspectors = await loader.load("inspector", INSPECTOR_COLUMNS, inspector_rows(
            inspectors, dept.id, await _first_id("app_user"), now))
        first_entity, first_inspector = await _first_id("entity"), await _first_id("inspector")
        n_recusals = await loader.load("recusal", RECUSAL_COLUMNS, recusal_rows(
            recusals, range(first_inspector, first_inspector + inspectors),
            range(first_entity, first_entity + entities), now))
    plan_id = await _plan(await _items(dept.id), workload_cap)
    return {"plan_id": plan_id, "entities": n_entities, "inspectors": n_inspectors, "recusals": n_recusals}


async def _first_id(table: str) -> int:
    """The first id of a freshly bulk-loaded table (ids are consecutive from there)."""
    from piccolo.engine import engine_finder

    rows = await engine_finder().run_ddl(f"SELECT min(id) AS id FROM {table}")
    return rows[0]["id"]
