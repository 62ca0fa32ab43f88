"""Inspection tasks: made from an executed draw's record, listed for the people who do them."""

from __future__ import annotations

import os
import time
from datetime import datetime, timezone

from piccolo.querystring import QueryString
from piccolo.utils.encoding import dump_json

from backend.checklists.service import pin_latest
from backend.db.bulk import copy_rows, fetch_tuples, one_of, reserve_ids
from backend.fieldwork.tables import Task, TaskMember
from backend.ids import uuid7
from backend.notify.service import notify_inspectors

TASK_COLUMNS = ("id", "uid", "draw", "year", "items", "departments", "team", "lead_inspector", "experts", "forms",
                "due_on", "status", "created_at", "updated_at")
INSERT_COLUMNS = ("id", "uid", "draw", "entity", "year", "items", "departments", "team", "lead_inspector", "experts",
                  "forms", "due_on", "status", "created_at", "updated_at")


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
    """Entity id by USCC, in one statement however many (the values travel as one parameter)."""
    rows = await fetch_tuples(QueryString("SELECT uscc, id FROM entity WHERE {}", one_of("uscc", usccs, "text")))
    return {uscc: entity_id for uscc, entity_id in rows}


def _uids(count: int) -> list[str]:
    """Fresh UUIDv7s for new tasks: one clock reading and one read of randomness for all of them."""
    now_ms, noise = int(time.time() * 1000), os.urandom(10 * count)
    return [uuid7(now_ms, noise[10 * i:10 * i + 10]) for i in range(count)]


def _ints(values: list[int]) -> str:
    """A list of ids as JSON text, as json.dumps writes it (the team columns, 30,000 times a draw)."""
    return "[" + ", ".join(map(str, values)) + "]" if values else "[]"


def _shared(object_plans: list[dict], items: dict[int, dict], pinned: dict[str, int]) -> tuple:
    """What every task of the same plans has in common: year, items, departments, forms (JSON text), due date."""
    item_ids = sorted({i for p in object_plans for i in p["items"]})
    forms = {items[i]["code"]: {"form": items[i]["form_ref"], "version": pinned.get(items[i]["form_ref"])}
             for i in item_ids if items[i]["form_ref"]}
    return (object_plans[0]["year"], dump_json(item_ids),
            dump_json(sorted({items[i]["department"] for i in item_ids})), dump_json(forms),
            min(p["ends_on"] for p in object_plans))


async def create_from_record(*, draw_id: int, record: dict, plans: list[dict], items: dict[int, dict]) -> int:
    """One task per selected object (joint plans merged: one visit, all items); unstaffed ones flagged.

    Tasks and their members are written as tuples in bulk (COPY on PostgreSQL) with ids reserved first,
    so no row has to be read back.
    """
    by_object = _plans_by_object(record, plans)
    teams = {t["object"]: t for t in record["teams"]}
    ids = await _entity_ids(list(by_object))
    # tasks pin the newest version of each form; that version is immutable from now on
    pinned = await pin_latest({item["form_ref"] for item in items.values() if item["form_ref"]})
    now = datetime.now(timezone.utc)
    task_ids = await reserve_ids(Task, len(by_object))
    uids = _uids(len(by_object))
    shared: dict[tuple[int, ...], tuple] = {}
    rows, members, assigned = [], [], {}
    for task_id, uid, (uscc, object_plans) in zip(task_ids, uids, by_object.items(), strict=True):
        key = tuple(p["id"] for p in object_plans)
        if key not in shared:
            shared[key] = _shared(object_plans, items, pinned)
        year, item_json, departments, forms, due_on = shared[key]
        team = teams.get(uscc, {"members": [], "experts": [], "status": "unstaffed"})
        team_ids = [int(m) for m in team["members"]]
        rows.append((task_id, uid, draw_id, ids[uscc], year, item_json, departments, _ints(team_ids),
                     team_ids[0] if team_ids else None, _ints([int(e) for e in team["experts"]]), forms, due_on,
                     "assigned" if team["status"] == "staffed" else "unstaffed", now, now))
        for n, inspector in enumerate(team_ids):
            members.append((task_id, inspector, "lead" if n == 0 else "member"))
            assigned.setdefault(inspector, []).append(uid)
    await copy_rows(Task, INSERT_COLUMNS, rows)
    await copy_rows(TaskMember, ("task", "inspector", "role"), members)
    await notify_inspectors(kind="task.assigned", payloads={
        inspector: {"draw": draw_id, "tasks": mine, "count": len(mine)} for inspector, mine in assigned.items()})
    return len(rows)


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
