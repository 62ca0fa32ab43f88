"""Draws: announce (freeze the pools, name the future sources), execute once, publish the record, make tasks."""

from __future__ import annotations

import asyncio
import sys
import threading
from collections.abc import Awaitable, Callable, Iterator
from contextlib import contextmanager
from datetime import date, datetime, timezone

from backend.audit import service as audit
from backend.audit.service import Actor
from backend.db.tx import transaction
from backend.errors import Conflict, InvalidInput, NotFound
from backend.fieldwork import tasks as task_service
from backend.planning import queries, stored
from backend.planning.eligibility import Exclusion, ExemptRules, build_pools
from backend.planning.plan_service import get_plan
from backend.planning.record import DrawSpec, Selection, StratumSpec, public_view, select_objects, staff
from backend.planning.roster import eligible_inspectors, required_tokens, unavailable_by_object
from backend.planning.sortition import version_for
from backend.planning.strata import CanonicalPool, stratum_quota
from backend.planning.stored import encode as encode_record
from backend.planning.tables import Draw
from backend.planning.teams import TeamRules

DRAWABLE = ("published", "adjusted")


def _now() -> datetime:
    return datetime.now(timezone.utc)


async def _plans(plan_ids: list[int]) -> list[dict]:
    plans = [await get_plan(plan_id=plan_id) for plan_id in dict.fromkeys(plan_ids)]
    for plan in plans:
        if plan["status"] not in DRAWABLE:
            raise Conflict(f"计划{plan['id']}状态为“{plan['status']}”，未发布的计划不能抽取",
                           f"plan {plan['id']} is {plan['status']}: only a published plan can be drawn",
                           code="draw.plan_unpublished")
    if len({p["year"] for p in plans}) > 1:
        raise InvalidInput("联合抽查的计划须属于同一年度", "plans of a joint draw must be of one year",
                           code="draw.joint_year")
    return plans


async def _strata(plan: dict, rules: ExemptRules) -> tuple[list[dict], dict[str, str], list[dict]]:
    """Pools per risk class of one plan (frozen as canonical texts), their summaries and the exclusion log."""
    plain, others, counts = await queries.pools_in_scope(plan, plan["department"], frequency_cap=rules.frequency_cap)
    # the database settles the plain case; the others (gone, or at the cap) get their reason here
    pools = build_pools(others, year_counts=counts, exempt_rules=rules)
    summaries, frozen = [], {}
    for risk_class in queries.RISK_CLASSES:
        label = f"P{plan['id']}-{risk_class}"
        pool = CanonicalPool.of(plain[risk_class] + pools.strata.get(risk_class, []))
        ratio = plan["effective_ratios"].get(risk_class)
        count = plan["counts"].get(risk_class)
        # a count larger than the stratum's pool is refused (draw.count), never silently reduced
        quota = stratum_quota(len(pool), ratio=None if count is not None else ratio, count=count)
        frozen[label] = pool.text
        summaries.append({"label": label, "plan": plan["id"], "pool_size": len(pool), "pool_sha256": pool.sha256,
                          "ratio": None if count is not None else ratio, "count": count, "quota": quota,
                          "public": False})
    log = [{"id": e.id, "reason": e.reason, "plan": plan["id"]} for e in pools.excluded]
    log += [{"id": e.id, "reason": e.reason, "plan": plan["id"]} for e in pools.exempted]
    return summaries, frozen, log


async def announce(*, actor: Actor, plan_ids: list[int], sources_description: str, draw_date: date | None,
                   supersedes: int | None = None, redraw_reason: str | None = None) -> dict:
    """Freeze the pools and publish their hashes and sizes with the named future sources of the key."""
    plans = await _plans(plan_ids)
    if supersedes is not None and not redraw_reason:
        raise InvalidInput("重新抽取须说明理由", "a redraw needs a reason", code="draw.redraw_reason")
    strata, pools, exclusions = [], {}, []
    # one cap for the whole draw (the strictest of its plans), so an entity is pooled or excluded alike
    rules = ExemptRules(frequency_cap=min(p["frequency_cap"] for p in plans))
    for plan in plans:
        summaries, frozen, log = await _strata(plan, rules)
        strata += summaries
        pools.update(frozen)
        exclusions += log
    announcement = {
        "plans": [p["id"] for p in plans], "year": plans[0]["year"], "draw_date": str(draw_date or date.today()),
        "sources_description": sources_description, "strata": strata,
        "algorithm": version_for(max((s["quota"] for s in strata), default=0)),
        "exclusion_counts": _count_reasons(exclusions), "supersedes": supersedes, "redraw_reason": redraw_reason,
    }
    async with transaction():
        if supersedes is not None:
            old = await Draw.select(Draw.id, Draw.status).where(Draw.id == supersedes).first().run()
            if old is None or old["status"] == "superseded":
                raise Conflict("被替代的抽取不存在或已被替代", "the superseded draw does not exist or was replaced",
                               code="draw.supersedes")
        draw = Draw(plans=announcement["plans"], status="announced", algorithm=announcement["algorithm"],
                    sources_description=sources_description, announcement=announcement, pools=pools,
                    exclusions=exclusions, announced_at=_now(), announced_by=actor.id, supersedes=supersedes,
                    redraw_reason=redraw_reason)
        await draw.save().run()
        await audit.record(actor=actor, action="draw.announce", target_type="draw", target_id=draw.id,
                           after=announcement)
    return await get_draw(draw_id=draw.id)


def _count_reasons(log: list[dict]) -> dict[str, int]:
    counts: dict[str, int] = {}
    for entry in log:
        counts[entry["reason"]] = counts.get(entry["reason"], 0) + 1
    return counts


async def get_draw(*, draw_id: int, record: dict | None = None) -> dict:
    """A draw's announcement, status and (once executed) its public record; `record` spares re-reading it."""
    columns = [Draw.id, Draw.status, Draw.plans, Draw.algorithm, Draw.sources_description, Draw.announcement,
               Draw.announced_at, Draw.sources, Draw.observers, Draw.record_sha256, Draw.executed_at,
               Draw.supersedes, Draw.redraw_reason]
    if record is None:
        columns.insert(9, Draw.record)
    row = await Draw.select(*columns).where(Draw.id == draw_id).first().output(load_json=True).run()
    if row is None:
        raise NotFound("抽取不存在", "no such draw", code="draw.not_found")
    if record is not None:
        row = {**{k: v for k, v in row.items() if k != "record_sha256"}, "record": record,
               "record_sha256": row["record_sha256"]}
    if row["record"] is not None:
        public = {s["label"] for s in row["record"]["strata"] if s["public"] and "pool" not in s}
        if public:  # the public view lists the pools of public strata: put them back
            row["record"] = stored.with_pools(row["record"], await _pools(draw_id), public)
        row["record"] = public_view(row["record"])
    return row


async def _pools(draw_id: int) -> dict:
    """The announcement's frozen pools (texts), which the stored record refers to."""
    row = await Draw.select(Draw.pools).where(Draw.id == draw_id).first().output(load_json=True).run()
    return row["pools"]


async def _roster(plans: list[dict], announcement: dict) -> tuple[list, list, dict, bool]:
    departments = sorted({p["department"] for p in plans} | {c for p in plans for c in p["joint_partners"]})
    ids = await queries.department_ids(departments)
    facts = await queries.inspectors_of(list(ids.values()))
    starts = min(p["starts_on"] for p in plans)
    ends = max(p["ends_on"] for p in plans)
    scoped = len(plans) > 1 or any(p["joint_partners"] for p in plans)
    roster, excluded = eligible_inspectors(facts, on=date.fromisoformat(announcement["draw_date"]),
                                           loads=await queries.loads(starts, ends), scoped=scoped)
    return roster, excluded, ids, scoped


def _log(draw: dict, prefix: str) -> list[Exclusion]:
    """The announcement's exclusion (or exemption) log, one line per entity and reason."""
    pairs = {(e["id"], e["reason"]) for e in draw["exclusions"] if e["reason"].startswith(prefix)}
    return [Exclusion(i, r) for i, r in sorted(pairs)]


def _announced_pools(draw: dict) -> dict[str, CanonicalPool]:
    """The pools drawn from are the announced ones: their stored texts hash to the announced hashes (proof
    without querying or sorting the register again)."""
    return {s["label"]: CanonicalPool.announced(draw["pools"][s["label"]], s["pool_sha256"], s["label"])
            for s in draw["announcement"]["strata"]}


async def _unavailable(plans: list[dict], pools: dict[str, CanonicalPool]) -> dict[str, dict[str, str]]:
    previous = None
    if any(p["avoid_previous_inspectors"] for p in plans):
        previous = await queries.previous_inspectors()
    return unavailable_by_object(await queries.recusal_pairs([p.items for p in pools.values()]), previous)


async def _spec(draw: dict, sources: list[str], observers: list[str]) -> tuple[DrawSpec, list[dict], dict]:
    announcement = draw["announcement"]
    plans = [await get_plan(plan_id=p) for p in announcement["plans"]]
    roster, excluded_inspectors, _, scoped = await _roster(plans, announcement)
    items = await queries.items_by_id(sorted({i for p in plans for i in p["items"]}))
    by_stratum = {}
    for summary in announcement["strata"]:
        plan = next(p for p in plans if p["id"] == summary["plan"])
        by_stratum[summary["label"]] = required_tokens(
            ((items[i]["department"], items[i]["required_qualifications"]) for i in plan["items"]), scoped=scoped)
    pools = _announced_pools(draw)
    rules = TeamRules(team_size=max(p["team_size"] for p in plans), load_cap=min(p["workload_cap"] for p in plans),
                      experts_per_team=max(p["experts_per_team"] for p in plans))
    spec = DrawSpec(sources=sources, roster=roster, team_rules=rules, required_by_stratum=by_stratum,
                    strata=[StratumSpec(s["label"], pools[s["label"]], ratio=s["ratio"], count=s["count"],
                                        public=s["public"]) for s in announcement["strata"]],
                    unavailable=await _unavailable(plans, pools),
                    experts=await queries.active_experts() if rules.experts_per_team else [],
                    excluded_inspectors=excluded_inspectors, excluded=_log(draw, "excluded."),
                    exempted=_log(draw, "exempt."),
                    parameters={"plans": announcement["plans"], "year": announcement["year"],
                                "draw_date": announcement["draw_date"], "observers": observers,
                                "sources_description": announcement["sources_description"],
                                "lead_department": plans[0]["department"]})
    return spec, plans, items


async def execute(*, actor: Actor, draw_id: int, sources: list[str], observers: list[str]) -> dict:
    """Execute an announced draw once: key from the sources, selections, teams, tasks; the record is immutable."""
    async with transaction():
        claimed = await Draw.update({Draw.status: "executing"}).where(
            (Draw.id == draw_id) & (Draw.status == "announced")).returning(Draw.id).run()
        if not claimed:
            await get_draw(draw_id=draw_id)  # NotFound when it does not exist
            raise Conflict("该抽取已执行或已被替代", "this draw was already executed or superseded",
                           code="draw.already_executed")
        draw = await Draw.select(Draw.id, Draw.announcement, Draw.pools, Draw.supersedes, Draw.exclusions).where(
            Draw.id == draw_id).first().output(load_json=True).run()
        spec, plans, items = await _spec(draw, sources, observers)
        selection = select_objects(spec)
        record, writer = await _staff_while_writing(spec, selection, lambda: task_service.TaskWriter.open(
            draw_id=draw_id, strata=[(d.label, d.selected) for d in selection.draws], plans=plans, items=items))
        # stored without the pools the announcement holds; the digest is over the whole record. Encoded in a
        # worker thread while the database takes the last tasks and the notifications.
        encoding = asyncio.ensure_future(asyncio.to_thread(encode_record, record))
        try:
            created = await writer.close()
        finally:
            encoded, digest = await encoding
        if draw["supersedes"]:
            await _supersede(actor, draw["supersedes"], draw_id)
        await Draw.update({Draw.status: "executed", Draw.sources: list(sources), Draw.observers: list(observers),
                           Draw.record: encoded, Draw.record_sha256: digest, Draw.executed_at: _now(),
                           Draw.executed_by: actor.id}).where(Draw.id == draw_id).run()
        await audit.record(actor=actor, action="draw.execute", target_type="draw", target_id=draw_id,
                           after={"record_sha256": digest}, detail={"tasks": created, "observers": observers})
    return await get_draw(draw_id=draw_id, record=record)


TEAM_CHUNK = 2000
"""Teams handed from the matching thread to the task writer at a time."""
SWITCH_INTERVAL = 0.0005
"""Seconds a thread waits for the GIL before it asks the holder to let go, while teams are matched (Python's
default is 5 ms): the event loop, woken by the database's answer to a chunk of tasks, gets back to it within
half a millisecond instead of idling up to 5 ms behind the matching thread, each time (bench/draw.py)."""
_switching = {"draws": 0, "default": sys.getswitchinterval()}
_switching_lock = threading.Lock()


@contextmanager
def _prompt_switching() -> Iterator[None]:
    """The shorter switch interval while any draw's teams are matched (the setting is the process's)."""
    with _switching_lock:
        if not _switching["draws"]:
            _switching["default"] = sys.getswitchinterval()
            sys.setswitchinterval(min(SWITCH_INTERVAL, _switching["default"]))
        _switching["draws"] += 1
    try:
        yield
    finally:
        with _switching_lock:
            _switching["draws"] -= 1
            if not _switching["draws"]:
                sys.setswitchinterval(_switching["default"])


async def _staff_while_writing(spec: DrawSpec, selection: Selection,
                               open_writer: Callable[[], Awaitable[task_service.TaskWriter]]
                               ) -> tuple[dict, task_service.TaskWriter]:
    """Match the teams in a worker thread while this task opens the task writer and writes the tasks of the
    teams already matched: the database's work (on PostgreSQL another process, another core) overlaps the
    matching instead of following it. The record is the one `record.staff` alone returns; the first failure
    of either side is raised once the matching has ended."""
    loop = asyncio.get_running_loop()
    chunks: asyncio.Queue[list[dict] | None] = asyncio.Queue()
    pending: list[dict] = []

    def hand_over() -> None:
        loop.call_soon_threadsafe(chunks.put_nowait, pending.copy())
        pending.clear()

    def on_team(entry: dict) -> None:
        pending.append(entry)
        if len(pending) >= TEAM_CHUNK:
            hand_over()

    def match() -> dict:
        try:
            return staff(spec, selection, on_team)
        finally:
            hand_over()
            loop.call_soon_threadsafe(chunks.put_nowait, None)

    with _prompt_switching():
        matching = asyncio.ensure_future(asyncio.to_thread(match))
        try:
            writer = await open_writer()  # its reads overlap the first teams
            while (chunk := await chunks.get()) is not None:
                if chunk:
                    await writer.write(chunk)
        finally:
            record = await matching
    return record, writer


async def _supersede(actor: Actor, old_id: int, new_id: int) -> None:
    await Draw.update({Draw.status: "superseded"}).where(Draw.id == old_id).run()
    cancelled = await task_service.cancel_for_draw(draw_id=old_id)
    await audit.record(actor=actor, action="draw.supersede", target_type="draw", target_id=old_id,
                       detail={"by": new_id, "tasks_cancelled": cancelled})


async def full_record(*, draw_id: int) -> dict:
    """The complete record with every pool (for observers and `choucha draw verify`)."""
    row = await Draw.select(Draw.record).where(Draw.id == draw_id).first().output(load_json=True).run()
    if row is None or row["record"] is None:
        raise NotFound("抽取不存在或尚未执行", "no such executed draw", code="draw.not_found")
    if all("pool" in s for s in row["record"]["strata"]):
        return row["record"]  # stored whole (before pools were stored once)
    return stored.with_pools(row["record"], await _pools(draw_id))


async def list_draws(*, plan_id: int | None) -> list[dict]:
    """Draws newest first, without records."""
    rows = await Draw.select(Draw.id, Draw.status, Draw.plans, Draw.algorithm, Draw.announced_at, Draw.executed_at,
                             Draw.supersedes, Draw.record_sha256).order_by(Draw.id, ascending=False).output(
        load_json=True).run()
    return [r for r in rows if plan_id is None or plan_id in r["plans"]]
