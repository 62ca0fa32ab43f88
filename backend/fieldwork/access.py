"""Which tasks a user may see and work on: the one place field-work scope is decided."""

from __future__ import annotations

from dataclasses import dataclass

from piccolo.querystring import QueryString

from backend.auth.service import CurrentUser
from backend.db.bulk import fetch_tuples
from backend.db.filters import json_contains
from backend.fieldwork.tables import Task, TaskMember
from sync import lifecycle

FIELD_STATUSES = lifecycle.STATUSES
"""Task statuses a device still carries (the report's); cancelled and unstaffed tasks leave its scope."""


@dataclass(frozen=True)
class FieldScope:
    """What a user reaches: their inspector id (if any) and the departments they review or manage."""

    user_id: int
    role: str
    inspector_id: int | None
    department_code: str | None

    @property
    def reviews(self) -> bool:
        """Team leads and administrators review (approve, return) their departments' reports."""
        return self.role in ("team_lead", "dept_admin", "platform_admin")


SCOPE_COLUMNS = ('(SELECT "id" FROM "inspector" WHERE "user" = {user} LIMIT 1), '
                 '(SELECT "code" FROM "department" WHERE "id" = {department})')
"""The user's inspector id and department code, as two columns of a statement (`user`, `department`: its
placeholders for the user's id and department id)."""
_SCOPE = "SELECT " + SCOPE_COLUMNS.format(user="{}", department="{}")


async def scope_of(user: CurrentUser) -> FieldScope:
    """The user's inspector record and department code, looked up once per request (one statement: every
    sync request needs them)."""
    ((inspector_id, code),) = await fetch_tuples(QueryString(_SCOPE, user.id, user.department_id))
    return scope_from(user, inspector_id, code)


def scope_from(user: CurrentUser, inspector_id: int | None, department_code: str | None) -> FieldScope:
    """The scope of a user whose inspector id and department code were read with `SCOPE_COLUMNS`."""
    return FieldScope(user.id, user.role, inspector_id, department_code)


def may_edit(scope: FieldScope, task: dict) -> bool:
    """Team members edit a task's report; reviewers of one of its departments may too (their edits merge)."""
    return scope.inspector_id is not None and scope.inspector_id in task["team"] or may_review(scope, task)


def may_review(scope: FieldScope, task: dict) -> bool:
    """Platform admins review everything; leads and department admins their departments' tasks."""
    if scope.role == "platform_admin":
        return True
    return scope.reviews and scope.department_code is not None and scope.department_code in task["departments"]


async def visible_task_ids(scope: FieldScope) -> list[int]:
    """Ids of the live tasks the user works on (team member) or reviews (department), ascending."""
    ids: set[int] = set()
    if scope.inspector_id is not None:
        rows = await TaskMember.select(TaskMember.task).where(TaskMember.inspector == scope.inspector_id).run()
        member_of = [r["task"] for r in rows]
        if member_of:
            live = await Task.select(Task.id).where(Task.id.is_in(member_of) & Task.status.is_in(
                list(FIELD_STATUSES))).run()
            ids.update(r["id"] for r in live)
    if scope.role == "platform_admin":
        rows = await Task.select(Task.id).where(Task.status.is_in(list(FIELD_STATUSES))).run()
        ids.update(r["id"] for r in rows)
    elif scope.reviews and scope.department_code:
        rows = await Task.select(Task.id).where(Task.status.is_in(list(FIELD_STATUSES))).where(
            json_contains("task.departments", scope.department_code)).run()
        ids.update(r["id"] for r in rows)
    return sorted(ids)
