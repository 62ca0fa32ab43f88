"""Inspection tasks: one per drawn (or merged) object, with its team, items and pinned forms."""

from __future__ import annotations

from piccolo.columns import JSON, Date, ForeignKey, Integer, Timestamptz, Varchar
from piccolo.table import Table

from backend.planning.tables import Draw
from backend.registry.tables import Entity


class Task(Table, tablename="task"):
    """One visit to one object (进一次门): all items of all departments, one team."""

    uid = Varchar(length=36, unique=True)  # the unique constraint is its index
    draw = ForeignKey(Draw, index=True)
    entity = ForeignKey(Entity, index=True)
    year = Integer(index=True)
    items = JSON(default=[])
    departments = JSON(default=[])
    team = JSON(default=[])
    lead_inspector = Integer(null=True, default=None)
    experts = JSON(default=[])
    forms = JSON(default={})
    due_on = Date()
    status = Varchar(length=12, default="assigned", index=True)
    created_at = Timestamptz()
    updated_at = Timestamptz()


class TaskMember(Table, tablename="task_member"):
    """An inspector on a task's team (the team list of Task, indexed for "my tasks")."""

    task = ForeignKey(Task, index=True)
    inspector = Integer(index=True)
    role = Varchar(length=10, default="member")
