"""Inspection tasks: made from an executed draw's record, listed for the people who do them."""

from __future__ import annotations

from datetime import datetime, timezone

from backend.checklists.service import pin_latest
from backend.db.bulk import insert_rows
from backend.fieldwork.tables import Task, TaskMember
from backend.ids import uuid7
from backend.notify.service import notify_inspectors
from backend.registry.tables import Entity

TASK_COLUMNS = ("id", "uid", "draw", "year", "items", "departments", "team", "lead_inspector", "experts", "forms",
                "due_on", "status", "created_at", "updated_at")
LOOKUP_BATCH = 5000
"""USCCs per lookup query: asyncpg takes at most 32,767 parameters."""


def _plans_by_object(record: dict, plans: list[dict]) -> dict[str, list[dict]]:
    by_id = {p["id"]: p for p in plans}
    selected: dict[str, list[dict]] = {}
    for stratum in record["strata"]:
        plan = by_id[int(stratum["label"].split("-")[0][1:])]
        for uscc in stratum["selected"]:
            selected.setdefault(uscc, [])
            if plan not in selected[uscc]:
                selected[uscc].append(plan)
    return selected


async def _entity_ids(usccs: list[str]) -> dict[str, int]:
    ids = {}
    for start in range(0, len(usccs), LOOKUP_BATCH):
        rows = await Entity.select(Entity.id, Entity.uscc).where(
            Entity.uscc.is_in(usccs[start:start + LOOKUP_BATCH])).run()
        ids.update((r["uscc"], r["id"]) for r in rows)
    return ids


async def create_from_record(*, draw_id: int, record: dict, plans: list[dict], items: dict[int, dict]) -> int:
    """One task per selected object (joint plans merged: one visit, all items); unstaffed ones flagged."""
    by_object = _plans_by_object(record, plans)
    teams = {t["object"]: t for t in record["teams"]}
    ids = await _entity_ids(list(by_object))
    # tasks pin the newest version of each form; that version is immutable from now on
    pinned = await pin_latest({item["form_ref"] for item in items.values() if item["form_ref"]})
    now = datetime.now(timezone.utc)
    rows = []
    for uscc, object_plans in by_object.items():
        team = teams.get(uscc, {"members": [], "experts": [], "status": "unstaffed"})
        item_ids = sorted({i for p in object_plans for i in p["items"]})
        rows.append({
            "uid": uuid7(), "draw": draw_id, "entity": ids[uscc], "year": object_plans[0]["year"], "items": item_ids,
            "departments": sorted({items[i]["department"] for i in item_ids}),
            "team": [int(m) for m in team["members"]],
            "lead_inspector": int(team["members"][0]) if team["members"] else None,
            "experts": [int(e) for e in team["experts"]],
            "forms": {items[i]["code"]: {"form": items[i]["form_ref"], "version": pinned.get(items[i]["form_ref"])}
                      for i in item_ids if items[i]["form_ref"]},
            "due_on": min(p["ends_on"] for p in object_plans),
            "status": "assigned" if team["status"] == "staffed" else "unstaffed", "created_at": now, "updated_at": now})
    for start in range(0, len(rows), 1000):
        batch = rows[start:start + 1000]
        task_ids = {r["uid"]: r["id"] for r in await insert_rows(Task, batch, returning=("id", "uid"))}
        members = [{"task": task_ids[task["uid"]], "inspector": inspector, "role": "lead" if n == 0 else "member"}
                   for task in batch for n, inspector in enumerate(task["team"])]
        if members:
            await insert_rows(TaskMember, members)
    await notify_inspectors(kind="task.assigned", payloads={
        inspector: {"draw": draw_id, "tasks": uids, "count": len(uids)}
        for inspector, uids in _assignments(rows).items()})
    return len(rows)


def _assignments(rows: list[dict]) -> dict[int, list[str]]:
    """Inspector id -> uids of the new tasks on their teams."""
    mine: dict[int, list[str]] = {}
    for task in rows:
        for inspector in task["team"]:
            mine.setdefault(inspector, []).append(task["uid"])
    return mine


async def cancel_for_draw(*, draw_id: int) -> int:
    """Cancel a superseded draw's tasks that have not started; returns how many."""
    rows = await Task.update({Task.status: "cancelled", Task.updated_at: datetime.now(timezone.utc)}).where(
        (Task.draw == draw_id) & Task.status.is_in(["assigned", "unstaffed"])).returning(Task.id).run()
    return len(rows)


async def list_tasks(*, inspector_id: int | None, draw_id: int | None, status: str | None, page: int,
                     page_size: int) -> tuple[list[dict], int]:
    """Tasks with their entity, filtered by team member, draw or status."""
    query = Task.select(*[getattr(Task, c) for c in TASK_COLUMNS], Task.entity.uscc.as_alias("uscc"),
                        Task.entity.name.as_alias("entity_name"), Task.entity.address.as_alias("address")
                        ).output(load_json=True)
    count = Task.count()
    conditions = []
    if inspector_id is not None:
        mine = TaskMember.select(TaskMember.task).where(TaskMember.inspector == inspector_id)
        conditions.append(Task.id.is_in([r["task"] for r in await mine.run()] or [-1]))
    if draw_id is not None:
        conditions.append(Task.draw == draw_id)
    if status:
        conditions.append(Task.status == status)
    for condition in conditions:
        query, count = query.where(condition), count.where(condition)
    rows = await query.order_by(Task.due_on).order_by(Task.id).limit(page_size).offset((page - 1) * page_size).run()
    return rows, await count.run()
