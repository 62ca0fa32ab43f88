"""HTTP routes of offline sync (push, pull) and of report review (read, approve, return)."""

from __future__ import annotations

from datetime import datetime, timezone
from typing import Literal

import msgspec
from litestar import Controller, Request, get, post

from backend.auth.guards import requires, user_of
from backend.errors import InvalidInput
from backend.paging import Page, PageParam, PageSizeParam
from backend.fieldsync import pull as pulling
from backend.fieldsync import push as pushing
from backend.fieldsync import review
from backend.fieldsync.schemas import PUSH_MAX_BYTES, MutationKey, PullIn, PushIn, ReturnIn


def _keys_checked(data: PushIn) -> list[dict]:
    """The batch's mutations, each with a valid key of this device, in strictly rising order."""
    previous = 0
    for index, raw in enumerate(data.mutations):
        try:
            key = msgspec.convert(raw, MutationKey, strict=True)
        except msgspec.ValidationError as error:
            raise InvalidInput(f"第{index + 1}个变更缺少有效的设备号或序号", f"mutation {index}: {error}",
                               code="sync.malformed", index=index) from None
        if key.device != data.device or key.seq <= previous:
            raise InvalidInput(f"第{index + 1}个变更的设备号或序号不符", f"mutation {index}: wrong device or seq order",
                               code="sync.malformed", index=index)
        previous = key.seq
    return data.mutations


class SyncController(Controller):
    """What devices push and pull."""

    path = "/api/v1/sync"
    tags = ["sync"]

    @post("/push", guards=[requires("sync.use")], status_code=200, request_max_body_size=PUSH_MAX_BYTES)
    async def push(self, request: Request, data: PushIn) -> dict:
        """Apply the device's mutations in order; each answered (replays with their stored outcome)."""
        return await pushing.push(user=user_of(request), device_id=data.device, mutations=_keys_checked(data),
                                  now=datetime.now(timezone.utc))

    @post("/pull", guards=[requires("sync.use")], status_code=200)
    async def pull(self, request: Request, data: PullIn) -> dict:
        """New tasks and changes after the cursor, in commit order, scoped to the user."""
        return await pulling.pull(user=user_of(request), device_id=data.device, cursor=data.cursor,
                                  limit=data.limit, now=datetime.now(timezone.utc))


class ReportController(Controller):
    """Reports for their team and reviewers; approve and return for team leads."""

    path = "/api/v1/reports"
    tags = ["fieldwork"]

    @get("/", guards=[requires("reports.review")])
    async def list_reports(self, request: Request, page: int = PageParam, page_size: int = PageSizeParam,
                           status: Literal["submitted", "returned", "approved", "in_progress"] = "submitted") -> Page:
        """Reports of the caller's departments in one status: by default those awaiting approval."""
        rows, total = await review.awaiting(user=user_of(request), status=status, page=page, page_size=page_size)
        return Page(rows, total, page, page_size)

    @get("/{task_uid:str}", guards=[requires("reports.read")])
    async def read(self, request: Request, task_uid: str) -> dict:
        """The merged report of a task, its conflicts, and the media still missing."""
        return await review.read(user=user_of(request), task_uid=task_uid)

    @post("/{task_uid:str}/approve", guards=[requires("reports.review")], status_code=200)
    async def approve(self, request: Request, task_uid: str) -> dict:
        """Approve a submitted report: it is final from now on."""
        return await review.decide(user=user_of(request), task_uid=task_uid, act="approve", reasons=[],
                                   now=datetime.now(timezone.utc))

    @post("/{task_uid:str}/return", guards=[requires("reports.review")], status_code=200)
    async def return_report(self, request: Request, task_uid: str, data: ReturnIn) -> dict:
        """Return a submitted report to its team, with reasons."""
        return await review.decide(user=user_of(request), task_uid=task_uid, act="return", reasons=data.reasons,
                                   now=datetime.now(timezone.utc))
