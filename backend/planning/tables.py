"""Plans (年度抽查计划), their adjustments, and draws (announced, then executed once)."""

from __future__ import annotations

from piccolo.columns import JSON, Boolean, Date, ForeignKey, Integer, Text, Timestamptz, Varchar
from piccolo.table import Table

from backend.auth.tables import User
from backend.registry.tables import Department


class Plan(Table, tablename="plan"):
    """An annual random-inspection plan of one department (joint partners named in it)."""

    department = ForeignKey(Department, index=True)
    year = Integer(index=True)
    jurisdiction = Varchar(length=6)
    title = Varchar(length=200)
    status = Varchar(length=12, default="draft", index=True)
    items = JSON(default=[])
    scope = JSON(default={})
    ratios = JSON(default={})
    counts = JSON(default={})
    frequency_cap = Integer(default=2)
    team_size = Integer(default=2)
    workload_cap = Integer(default=30)
    experts_per_team = Integer(default=0)
    starts_on = Date()
    ends_on = Date()
    method = Varchar(length=20, default="onsite")
    joint_partners = JSON(default=[])
    avoid_previous_inspectors = Boolean(default=False)
    created_by = ForeignKey(User, null=True, default=None)
    created_at = Timestamptz()
    published_at = Timestamptz(null=True, default=None)
    closed_at = Timestamptz(null=True, default=None)


class PlanAdjustment(Table, tablename="plan_adjustment"):
    """A change to a published plan, with its reason; published with the plan."""

    plan = ForeignKey(Plan, index=True)
    reason = Text()
    changes = JSON(default={})
    actor = ForeignKey(User, null=True, default=None)
    at = Timestamptz()


class Draw(Table, tablename="draw"):
    """A draw: announced (frozen pools, their hashes, named future sources), then executed exactly once."""

    plans = JSON(default=[])
    status = Varchar(length=12, default="announced", index=True)
    algorithm = Varchar(length=40)
    sources_description = Text()
    announcement = JSON(default={})
    pools = JSON(default={})
    exclusions = JSON(default=[])
    announced_at = Timestamptz()
    announced_by = ForeignKey(User, null=True, default=None)
    supersedes = ForeignKey("self", null=True, default=None)
    redraw_reason = Text(null=True, default=None)
    sources = JSON(null=True, default=None)
    observers = JSON(default=[])
    record = JSON(null=True, default=None)
    record_sha256 = Varchar(length=64, null=True, default=None)
    executed_at = Timestamptz(null=True, default=None)
    executed_by = ForeignKey(User, null=True, default=None)
