"""Taking a device's push: one transaction per batch, every mutation answered, none applied twice."""

from __future__ import annotations

import asyncio
from datetime import datetime
from zoneinfo import ZoneInfo

from backend.audit.service import Event
from backend.auth.service import CurrentUser
from backend.db.tx import transaction
from backend.errors import Forbidden
from backend.fieldsync import queries
from backend.fieldsync.documents import initial_status, task_forms
from backend.fieldsync.rules import answer_errors, submit_errors
from backend.fieldwork.access import FieldScope, may_edit
from sync import merge
from sync.ledger import Ledger
from sync.mutations import MutationError, parse

CHINA = ZoneInfo("Asia/Shanghai")
YIELD_EVERY = 4
"""Mutations merged between turns given to the server's other requests. Merging a batch of 100 takes a few
milliseconds of CPU without waiting on anything; the push that holds the audit chain's lock (every other
push waits for it) needs only a moment of this process to commit (bench/sync.py)."""
KEY_REUSED = {"status": "rejected", "code": "sync.key_reused", "message": {
    "zh": "该变更编号已用于不同的内容，未予应用", "en": "this mutation number was used for other content; not applied"}}
UNKNOWN_TASK = {"status": "rejected", "code": "sync.task_unknown",
                "message": {"zh": "任务不存在", "en": "no such task"}}
TASK_LEFT = {"status": "late", "code": "sync.task_left", "message": {
    "zh": "任务已取消或改派，数据已另行保存", "en": "task cancelled or reassigned; data kept as late"}}
FORBIDDEN = {"status": "rejected", "code": "sync.forbidden",
             "message": {"zh": "无权修改该任务的报告", "en": "you may not change this task's report"}}


async def owned_device(device_id: str, user: CurrentUser, now: datetime, *, touch: bool = False
                       ) -> tuple[dict, FieldScope]:
    """The device's row, registered to the user on first use, and the user's field scope; a device is never
    shared between users (`touch`: mark it seen now, as a push does before it commits)."""
    row, scope = await queries.claim_device(device_id=device_id, user=user, now=now, touch=touch)
    if row["user"] != user.id:
        raise Forbidden("该设备已登记给其他用户", "this device is registered to another user", code="sync.device_owner")
    return row, scope


async def push(*, user: CurrentUser, device_id: str, mutations: list[dict], now: datetime) -> dict:
    """Apply a device's batch in order; stop at a gap; answer each mutation's outcome and the next number."""
    async with transaction():  # the scope is read on the transaction's connection: no second one per push
        device, scope = await owned_device(device_id, user, now, touch=True)
        ledger = Ledger(device["next_seq"], await queries.taken(
            device_id, [m["seq"] for m in mutations if m["seq"] < device["next_seq"]]))
        batch = _Batch(scope, user, set(device["scope"]), now)
        await batch.load(mutations)
        results, gap = [], False
        for n, raw in enumerate(mutations, 1):
            if n % YIELD_EVERY == 0:
                await asyncio.sleep(0)  # let a push holding the audit chain's lock (waiting for us) go on
            kind, stored = ledger.classify(raw)
            if kind == "gap":
                gap = True
                break
            if kind == "replay":
                results.append({"seq": raw["seq"], "ack": True, "replayed": True, **stored})
            elif kind == "reused":
                results.append({"seq": raw["seq"], "ack": False, **KEY_REUSED})
            else:
                outcome, task_id = await batch.apply(raw)
                ledger.take(raw, outcome)
                batch.taken.append({"device": device_id, "seq": raw["seq"], "digest": ledger.taken[raw["seq"]][0],
                                    "task": task_id, "status": outcome["status"], "outcome": outcome,
                                    "received_at": now})
                results.append({"seq": raw["seq"], "ack": True, **outcome})
        await batch.save(device_id, ledger.next_seq)
    return {"results": results, "next_seq": ledger.next_seq, "gap": gap, "server_time": now.isoformat()}


class _Batch:
    """The reports one push touches, loaded once, changed in memory, written once."""

    def __init__(self, scope: FieldScope, user: CurrentUser, delivered: set[int], now: datetime) -> None:
        self.scope, self.user, self.delivered, self.now = scope, user, delivered, now
        self.received_ms = int(now.timestamp() * 1000)
        self.today = now.astimezone(CHINA).date()
        self.tasks: dict[str, dict] = {}
        self.forms: dict[int, dict] = {}
        """Per task id, its pinned forms by item (looked up once a batch, not once a mutation)."""
        self.reports: dict[int, dict] = {}
        self.changed: dict[int, list[int]] = {}
        self.taken: list[dict] = []
        self.refused: list[dict] = []

    async def load(self, mutations: list[dict]) -> None:
        """Fetch (and lock) the tasks the batch names, with their reports, in one query."""
        uids = sorted({m["task"] for m in mutations if isinstance(m.get("task"), str)})
        self.tasks, self.reports = await queries.push_targets(uids)

    async def apply(self, raw: dict) -> tuple[dict, int | None]:
        """The outcome of one new mutation (its effect kept in memory) and the task it concerns."""
        try:
            mutation = parse(raw)
        except MutationError as error:
            return {"status": "rejected", "code": error.code, "message": {"zh": error.zh, "en": error.en},
                    "errors": [{"path": error.path, "code": error.code}]}, None
        task = self.tasks.get(mutation.task)
        if task is None:
            return UNKNOWN_TASK, None
        report = self._report(task)
        if task["status"] == "cancelled" or not may_edit(self.scope, task):
            if task["id"] not in self.delivered:
                self.refused.append({"task": task["uid"], "seq": mutation.seq, "op": mutation.op})
                return FORBIDDEN, task["id"]
            # the task was this device's and was cancelled or reassigned since: keep the data as late
            merge.keep_late(report["state"], mutation, mutation.stamp, reason="task cancelled or reassigned")
            self._touch(task, mutation)
            return TASK_LEFT, task["id"]
        forms = self.forms.get(task["id"])
        if forms is None:
            forms = self.forms[task["id"]] = await task_forms(task)
        outcome = merge.apply(
            report["state"], mutation, received_ms=self.received_ms, user_id=self.user.id,
            check_answers=lambda item, merged, written: answer_errors(forms.get(item), item, merged, written,
                                                                      today=self.today),
            check_submit=lambda state: submit_errors(state, forms, today=self.today))
        if outcome.status != "rejected":
            self._touch(task, mutation)
        return outcome.as_dict(), task["id"]

    def _report(self, task: dict) -> dict:
        report = self.reports.get(task["id"])
        if report is None:
            status = initial_status(task)
            report = self.reports[task["id"]] = {"task": task["id"], "state": merge.new_state(status), "version": 0,
                                                 "status": status}
        return report

    def _touch(self, task: dict, mutation) -> None:
        report = self.reports[task["id"]]
        report["version"] += 1
        if report["state"]["status"] == "submitted" and report["status"] != "submitted":
            report["submitted_at"] = self.now
        report["status"] = report["state"]["status"]
        self.changed.setdefault(task["id"], []).append(mutation.seq)

    async def save(self, device_id: str, next_seq: int) -> None:
        """Write the taken mutations and the changed reports (their tasks are locked), then, under the audit
        chain's lock, which every other push and review waits for until this one commits, the audit entries
        and the feed rows (`queries.save_push`)."""
        events = []
        for task_id, seqs in sorted(self.changed.items()):
            report = self.reports[task_id]
            events.append(Event(self.user.actor, "report.sync", "task", task_id,
                                after={"version": report["version"], "status": report["status"]},
                                detail={"device": device_id, "mutations": seqs}))
        events += [Event(self.user.actor, "sync.forbidden", "task", refusal["task"],
                         detail={"device": device_id, **refusal}) for refusal in self.refused]
        await queries.save_push(self.taken, [self.reports[task_id] for task_id in sorted(self.changed)],
                                device_id=device_id, next_seq=next_seq, now=self.now,
                                task_status={t["id"]: t["status"] for t in self.tasks.values()},
                                changed=self.changed, events=events)
