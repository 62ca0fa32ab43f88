"""Inspection tasks: made from an executed draw's record, listed for the people who do them."""

from __future__ import annotations

import json
import os
import time
from datetime import datetime, timezone

from piccolo.querystring import QueryString
from piccolo.utils.encoding import dump_json

from backend.checklists.service import pin_latest
from backend.db.bulk import copy_rows, fetch_tuples, one_of, reserve_ids
from backend.fieldwork.tables import Task, TaskMember
from backend.ids import uuid7

TASK_COLUMNS = ("id", "uid", "draw", "year", "items", "departments", "team", "lead_inspector", "experts", "forms",
                "due_on", "status", "created_at", "updated_at")
INSERT_COLUMNS = ("id", "uid", "draw", "entity", "year", "items", "departments", "team", "lead_inspector", "experts",
                  "forms", "due_on", "status", "created_at", "updated_at")


def _plans_by_object(strata: list[tuple[str, list[str]]], plans: list[dict]) -> dict[str, list[dict]]:
    """The plans that selected each object ((stratum label, selected USCCs) in draw order), objects in that order."""
    by_id = {p["id"]: p for p in plans}
    selected: dict[str, list[dict]] = {}
    for label, usccs in strata:
        plan = by_id[int(label.split("-")[0][1:])]
        for uscc in usccs:
            selected.setdefault(uscc, [])
            if plan not in selected[uscc]:
                selected[uscc].append(plan)
    return selected


_ENTITY_IDS_SQLITE = ("SELECT json_group_array(json_array(e.uscc, e.id)) FROM json_each({}) AS j "
                      "JOIN entity AS e ON e.uscc = j.value")
"""SQLite answers the pairs as one JSON text: a row at a time, the driver's thread takes the GIL back for each of
30,000 rows from the team matching thread (1.1 s of a draw, bench/draw.py; 0.05 s as one text)."""


async def _entity_ids(usccs: list[str]) -> dict[str, int]:
    """Entity id by USCC, in one statement however many (the values travel as one parameter)."""
    if Task._meta.db.engine_type == "sqlite":
        ((text,),) = await fetch_tuples(QueryString(_ENTITY_IDS_SQLITE, json.dumps(usccs)))
        return {uscc: entity_id for uscc, entity_id in json.loads(text)}
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


UNSTAFFED = {"members": [], "experts": [], "status": "unstaffed"}


class TaskWriter:
    """A draw's tasks (one per selected object, joint plans merged: one visit, all items), written in bulk
    while its teams are still being matched; unstaffed objects are flagged.

    `open` settles what does not depend on teams (entity ids, pinned forms, reserved task ids, uids) once the
    objects are selected; `write` takes the next teams in record order and writes their tasks and members
    as tuples (COPY on PostgreSQL), so no row is read back; `close` writes objects that got no team (a draw
    without a roster) and queues each inspector's notification.
    """

    def __init__(self, draw_id: int, objects: list[str], fixed: list[tuple], task_ids: list[int],
                 uids: list[str]) -> None:
        self.draw_id, self.objects, self.task_ids, self.uids = draw_id, objects, task_ids, uids
        self.fixed = fixed
        """Per object what its task has whatever its team: (entity id, year, items, departments, forms, due)."""
        self.written = 0
        self.now = datetime.now(timezone.utc)

    @classmethod
    async def open(cls, *, draw_id: int, strata: list[tuple[str, list[str]]], plans: list[dict],
                   items: dict[int, dict]) -> TaskWriter:
        """Prepare the tasks of the objects `strata` selected ((label, USCCs) in draw order)."""
        by_object = _plans_by_object(strata, plans)
        ids = await _entity_ids(list(by_object))
        # tasks pin the newest version of each form; that version is immutable from now on
        pinned = await pin_latest({item["form_ref"] for item in items.values() if item["form_ref"]})
        shared: dict[tuple[int, ...], tuple] = {}
        fixed = []
        for uscc, object_plans in by_object.items():
            key = tuple(p["id"] for p in object_plans)
            if key not in shared:
                shared[key] = _shared(object_plans, items, pinned)
            fixed.append((ids[uscc], *shared[key]))
        task_ids = await reserve_ids(Task, len(by_object))
        return cls(draw_id, list(by_object), fixed, task_ids, _uids(len(by_object)))

    async def write(self, teams: list[dict]) -> None:
        """The tasks of the next objects, with these teams (record entries, in record order)."""
        start = self.written
        for n, team in enumerate(teams, start):
            if n >= len(self.objects) or team["object"] != self.objects[n]:
                raise RuntimeError(f"team for {team['object']} out of the draw's order")
        await self._write(start, teams)

    async def close(self) -> int:
        """Write the objects left without a team, notify the inspectors; how many tasks there are."""
        await self._write(self.written, [UNSTAFFED] * (len(self.objects) - self.written))
        await _notify_assigned(self.draw_id, self.now)
        return self.written

    async def _write(self, start: int, teams: list[dict]) -> None:
        rows, members, now, draw_id = [], [], self.now, self.draw_id
        for n, team in enumerate(teams, start):
            task_id = self.task_ids[n]
            entity, year, item_json, departments, forms, due_on = self.fixed[n]
            team_ids = [int(m) for m in team["members"]]
            experts = team["experts"]
            rows.append((task_id, self.uids[n], draw_id, entity, year, item_json, departments, _ints(team_ids),
                         team_ids[0] if team_ids else None, _ints([int(e) for e in experts]) if experts else "[]",
                         forms, due_on, "assigned" if team["status"] == "staffed" else "unstaffed", now, now))
            if team_ids:
                members.append((task_id, team_ids[0], "lead"))
                members += [(task_id, inspector, "member") for inspector in team_ids[1:]]
        await copy_rows(Task, INSERT_COLUMNS, rows)
        await copy_rows(TaskMember, ("task", "inspector", "role"), members)
        self.written = start + len(teams)


_ASSIGNED = {
    # one notification per inspector with an account: {"draw", "tasks": [uids in task order], "count"}; the
    # members are grouped before the join (PostgreSQL: 74 ms instead of 185 ms for a draw's 65,000)
    "postgres": ("INSERT INTO notification (\"user\", kind, payload, created_at) "
                 "SELECT i.\"user\", 'task.assigned', json_build_object('draw', g.draw, 'tasks', g.tasks, "
                 "'count', g.n), {} FROM (SELECT m.inspector, t.draw, json_agg(t.uid ORDER BY t.id) AS tasks, "
                 "count(*) AS n FROM task t JOIN task_member m ON m.task = t.id WHERE t.draw = {} "
                 "GROUP BY m.inspector, t.draw) AS g JOIN inspector i ON i.id = g.inspector "
                 "WHERE i.\"user\" IS NOT NULL"),
    "sqlite": ("INSERT INTO notification (\"user\", kind, payload, created_at) "
               "SELECT i.\"user\", 'task.assigned', json_object('draw', g.draw, 'tasks', json(g.tasks), "
               "'count', g.n), {} FROM (SELECT inspector, draw, json_group_array(uid) AS tasks, count(*) AS n "
               "FROM (SELECT m.inspector, t.draw, t.uid FROM task t JOIN task_member m ON m.task = t.id "
               "WHERE t.draw = {} ORDER BY m.inspector, t.id) GROUP BY inspector, draw) AS g "
               "JOIN inspector i ON i.id = g.inspector WHERE i.\"user\" IS NOT NULL"),
}


async def _notify_assigned(draw_id: int, now: datetime) -> None:
    """Tell each inspector of the draw's teams their tasks, in one statement: the database gathers them from
    the rows just written (building 10,000 payloads here took longer than the statement)."""
    await Task.raw(_ASSIGNED[Task._meta.db.engine_type], now, draw_id).run()


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
