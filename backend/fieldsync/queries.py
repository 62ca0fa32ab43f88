"""Every query of reports and sync: devices, taken mutations, tasks with their documents, the change feed."""

from __future__ import annotations

from datetime import datetime

from piccolo.columns.combination import WhereRaw

from backend.audit.service import hold_chain_lock
from backend.checklists.tables import FormVersion
from backend.db.bulk import insert_rows
from backend.fieldsync.tables import Report, SyncChange, SyncDevice, SyncMutation
from backend.fieldwork.tables import Task
from backend.registry.tables import Entity, InspectionItem, Inspector

TASK_FIELDS = ("id", "uid", "entity", "status", "team", "departments", "items", "forms", "due_on", "year",
               "lead_inspector", "experts")


async def lock_device(*, device_id: str, user_id: int, now: datetime) -> dict:
    """The device's row, registered to `user_id` on its first sync, locked until the transaction ends so two
    pushes of one device take turns (SQLite's BEGIN IMMEDIATE already does)."""
    await SyncDevice.insert(SyncDevice(device=device_id, user=user_id, next_seq=1, scope=[], created_at=now,
                                       seen_at=now)).on_conflict(action="DO NOTHING").run()
    query = SyncDevice.select().where(SyncDevice.device == device_id).first().output(load_json=True)
    if SyncDevice._meta.db.engine_type == "postgres":
        query = query.lock_rows("UPDATE")
    return await query.run()


async def save_device(*, device_id: str, now: datetime, next_seq: int | None = None,
                      scope: list[int] | None = None) -> None:
    """Record what the device was last answered: its next number, the tasks it holds."""
    values = {SyncDevice.seen_at: now}
    if next_seq is not None:
        values[SyncDevice.next_seq] = next_seq
    if scope is not None:
        values[SyncDevice.scope] = sorted(scope)
    await SyncDevice.update(values).where(SyncDevice.device == device_id).run()


async def taken(device_id: str, seqs: list[int]) -> dict[int, tuple[str, dict]]:
    """seq -> (digest, outcome) of the given numbers the device already pushed."""
    if not seqs:
        return {}
    rows = await SyncMutation.select(SyncMutation.seq, SyncMutation.digest, SyncMutation.outcome).where(
        (SyncMutation.device == device_id) & SyncMutation.seq.is_in(seqs)).output(load_json=True).run()
    return {r["seq"]: (r["digest"], r["outcome"]) for r in rows}


async def record_mutations(rows: list[dict]) -> None:
    """Store the batch's taken mutations (their key is unique: a concurrent duplicate push fails here)."""
    if rows:
        await insert_rows(SyncMutation, rows)


async def tasks_by_uid(uids: list[str], *, lock: bool = False) -> dict[str, dict]:
    """Task rows (the fields access and merging need) by uid. With `lock` (PostgreSQL), the rows stay locked,
    in id order, until the transaction ends: two pushes (or a push and a review) of one report take turns
    instead of both merging into the same version; SQLite's BEGIN IMMEDIATE already serialises them."""
    if not uids:
        return {}
    query = Task.select(*[getattr(Task, f) for f in TASK_FIELDS]).where(Task.uid.is_in(uids)).order_by(
        Task.id).output(load_json=True)
    if lock and Task._meta.db.engine_type == "postgres":
        query = query.lock_rows("UPDATE", of=(Task,))
    return {r["uid"]: r for r in await query.run()}


async def tasks_by_id(ids: list[int]) -> list[dict]:
    """Task rows by id, ascending."""
    if not ids:
        return []
    return await Task.select(*[getattr(Task, f) for f in TASK_FIELDS]).where(Task.id.is_in(ids)).order_by(
        Task.id).output(load_json=True).run()


async def reports_of(task_ids: list[int]) -> dict[int, dict]:
    """Report rows by task id (tasks without a report yet are absent)."""
    if not task_ids:
        return {}
    rows = await Report.select().where(Report.task.is_in(task_ids)).output(load_json=True).run()
    return {r["task"]: r for r in rows}


async def save_report(*, report: dict, now: datetime, task_status: str | None = None) -> dict:
    """Insert or update a report's state, status and version; the task's status follows the report's
    (`task_status`, the task's status as the caller read it in this transaction, spares a no-op update)."""
    values = {"status": report["status"], "state": report["state"], "version": report["version"], "updated_at": now}
    for key in ("return_reasons", "submitted_at", "reviewed_at", "reviewed_by"):
        if key in report:
            values[key] = report[key]
    if report.get("id"):
        await Report.update({getattr(Report, k): v for k, v in values.items()}).where(Report.id == report["id"]).run()
    else:  # plain values: building a Report instance's INSERT cost more than the JSON of its state
        row = await insert_rows(Report, [{"task": report["task"], "return_reasons": [], "submitted_at": None,
                                          "reviewed_at": None, "reviewed_by": None, "created_at": now, **values}],
                                returning=("id",))
        report["id"] = row[0]["id"]
    if task_status != report["status"]:
        await Task.update({Task.status: report["status"], Task.updated_at: now}).where(
            (Task.id == report["task"]) & (Task.status != report["status"])).run()
    return report


async def reports_in_status(*, status: str, department: str | None, page: int,
                            page_size: int) -> tuple[list[dict], int]:
    """Reports in `status` (of one department's tasks, or all), with their task and entity, oldest first."""
    query = Report.select(Report.id, Report.status, Report.version, Report.submitted_at, Report.updated_at,
                          Report.task.uid.as_alias("task"), Report.task.due_on.as_alias("due_on"),
                          Report.task.entity.name.as_alias("entity_name"),
                          Report.task.entity.uscc.as_alias("uscc")).where(Report.status == status)
    count = Report.count().where(Report.status == status)
    if department is not None:
        condition = WhereRaw('"report"."task" IN (SELECT id FROM task WHERE CAST(departments AS TEXT) LIKE {})',
                             f'%"{department}"%')
        query, count = query.where(condition), count.where(condition)
    rows = await query.order_by(Report.updated_at).order_by(Report.id).limit(page_size).offset(
        (page - 1) * page_size).run()
    return rows, await count.run()


async def append_changes(task_ids: list[int], *, kind: str, now: datetime) -> None:
    """Add to the change feed; the chain lock makes feed numbers follow commit order on PostgreSQL."""
    if task_ids:
        await hold_chain_lock()
        await insert_rows(SyncChange, [{"task": t, "kind": kind, "at": now} for t in sorted(set(task_ids))])


async def head() -> int:
    """The newest committed change number (0 when the feed is empty)."""
    rows = await SyncChange.raw("SELECT MAX(id) AS head FROM sync_change").run()
    return rows[0]["head"] or 0


IN_LIST_LIMIT = 1000
"""Scopes up to this many tasks filter the feed in SQL; larger ones (reviewers of a whole department) scan
it in order and filter here, since bind-parameter lists are capped (32,767 on asyncpg)."""


async def changed_tasks(after: int, task_ids: list[int], limit: int) -> list[dict]:
    """Change numbers and tasks after `after`, among `task_ids`, in feed order, at most `limit`."""
    if not task_ids:
        return []
    if len(task_ids) <= IN_LIST_LIMIT:
        return await _feed(after, limit).where(SyncChange.task.is_in(task_ids)).run()
    wanted, found, position = set(task_ids), [], after
    while len(found) < limit:
        rows = await _feed(position, limit * 4).run()
        if not rows:
            break
        found += [r for r in rows if r["task"] in wanted]
        position = rows[-1]["id"]
    return found[:limit]


def _feed(after: int, limit: int):
    return SyncChange.select(SyncChange.id, SyncChange.task).where(SyncChange.id > after).order_by(
        SyncChange.id).limit(limit)


async def form_definitions(pins: set[tuple[str, int]]) -> dict[tuple[str, int], dict]:
    """(form id, version) -> definition of each pinned form version."""
    out: dict[tuple[str, int], dict] = {}
    for form_id in sorted({f for f, _ in pins}):
        versions = sorted(v for f, v in pins if f == form_id)
        rows = await FormVersion.select(FormVersion.form_id, FormVersion.version, FormVersion.definition).where(
            (FormVersion.form_id == form_id) & FormVersion.version.is_in(versions)).output(load_json=True).run()
        out.update(((r["form_id"], r["version"]), r["definition"]) for r in rows)
    return out


async def task_context(tasks: list[dict]) -> tuple[dict, dict, dict]:
    """Entities, items and team members the task documents name: three dicts by id."""
    entity_ids = sorted({t["entity"] for t in tasks})
    item_ids = sorted({i for t in tasks for i in t["items"]})
    people = sorted({p for t in tasks for p in t["team"] + t["experts"]})
    entities = {r["id"]: r for r in await Entity.select(
        Entity.id, Entity.uscc, Entity.name, Entity.address, Entity.region, Entity.kind).where(
        Entity.id.is_in(entity_ids or [-1])).run()}
    items = {r["id"]: r for r in await InspectionItem.select(
        InspectionItem.id, InspectionItem.code, InspectionItem.name, InspectionItem.legal_basis, InspectionItem.content,
        InspectionItem.method, InspectionItem.department.code.as_alias("department")).where(
        InspectionItem.id.is_in(item_ids or [-1])).run()}
    inspectors = {r["id"]: r for r in await Inspector.select(
        Inspector.id, Inspector.name, Inspector.credential_no, Inspector.department.code.as_alias("department")).where(
        Inspector.id.is_in(people or [-1])).run()}
    return entities, items, inspectors
