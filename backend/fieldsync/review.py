"""Reviewing reports: a team lead reads a synced report, then approves it or returns it with reasons."""

from __future__ import annotations

from datetime import datetime

from backend.audit.service import Event
from backend.auth.service import CurrentUser
from backend.db.tx import transaction
from backend.errors import Conflict, Forbidden, NotFound
from backend.fieldsync import queries
from backend.fieldsync.documents import report_document
from backend.fieldwork.access import may_review, scope_of
from backend.notify.service import notify_inspectors
from backend.storage.service import missing_media
from sync import lifecycle
from sync.merge import media_hashes, new_state
from sync.views import history, report_view


async def _task_and_report(task_uid: str, *, lock: bool = False) -> tuple[dict, dict | None]:
    task = (await queries.tasks_by_uid([task_uid], lock=lock)).get(task_uid)
    if task is None:
        raise NotFound("任务不存在", "no such task", code="task.not_found")
    return task, (await queries.reports_of([task["id"]])).get(task["id"])


async def read(*, user: CurrentUser, task_uid: str) -> dict:
    """A report for its reviewer or team: the merged view, every field's history where it was written more
    than once (what changed where, by whom), and which media have not arrived yet."""
    task, report = await _task_and_report(task_uid)
    scope = await scope_of(user)
    if not (may_review(scope, task) or scope.inspector_id in task["team"]):
        raise Forbidden("无权查看该报告", "you may not read this report", code="report.forbidden")
    document = report_document(task, report)
    document["media_missing"] = sorted(await missing_media(document["media"]))
    state = report["state"] if report else new_state()
    document["history"] = {key: history(state, *key.split("/", 1)) for key, writes in sorted(state["fields"].items())
                           if len(writes) > 1}
    return document


async def awaiting(*, user: CurrentUser, status: str, page: int, page_size: int) -> tuple[list[dict], int]:
    """Reports in one status (by default those awaiting review) of the tasks the user reviews, oldest first."""
    scope = await scope_of(user)
    if not scope.reviews:
        return [], 0
    return await queries.reports_in_status(status=status, department=None if scope.role == "platform_admin"
                                           else scope.department_code or "-", page=page, page_size=page_size)


async def decide(*, user: CurrentUser, task_uid: str, act: str, reasons: list[str], now: datetime) -> dict:
    """Approve or return a submitted report, in one transaction with its audit entry and feed change."""
    scope = await scope_of(user)
    async with transaction():
        task, report = await _task_and_report(task_uid, lock=True)
        if not may_review(scope, task):
            raise Forbidden("无权审核该报告", "you may not review this report", code="report.forbidden")
        state = report["state"] if report else new_state()
        target = lifecycle.next_status(state["status"], act)
        if target is None:
            raise Conflict(f"报告当前状态为{state['status']}，不能{'通过' if act == 'approve' else '退回'}",
                           f"a {state['status']} report cannot be {act}d", code="report.status")
        if act == "approve":
            await _check_approvable(state)
        before = {"status": state["status"], "version": report["version"]}
        state["status"] = target
        report.update(status=target, state=state, version=report["version"] + 1, reviewed_at=now, reviewed_by=user.id)
        if act == "return":
            report["return_reasons"] = [*report["return_reasons"], {"at": now.isoformat(), "by": user.id,
                                                                     "reasons": reasons}]
        await queries.save_report(report=report, now=now)
        await queries.append_changes([task["id"]], kind="report", now=now, events=[Event(
            user.actor, f"report.{act}", "task", task["id"], before=before,
            after={"status": target, "version": report["version"]}, detail={"reasons": reasons} if reasons else None)])
        await notify_inspectors(kind=f"report.{act}ed" if act == "return" else "report.approved", payloads={
            member: {"task": task["uid"], "reasons": reasons} for member in task["team"]})
    return report_document(task, report)


async def _check_approvable(state: dict) -> None:
    view = report_view(state)
    if view["conflicts"]:
        raise Conflict("报告有未解决的冲突，请先处理", "the report has unresolved conflicts; resolve them first",
                       code="report.conflicts_open", conflicts=view["conflicts"])
    missing = await missing_media(sorted(media_hashes(state)))
    if missing:
        raise Conflict("仍有照片、录音或签名未上传完成", "some photos, audio or signatures have not arrived yet",
                       code="report.media_missing", missing=sorted(missing))
