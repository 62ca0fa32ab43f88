"""Versions of the unified checklist forms (一张表格管检查): immutable, pinned by tasks."""

from __future__ import annotations

from piccolo.columns import JSON, Boolean, ForeignKey, Integer, Timestamptz, Varchar
from piccolo.table import Table

from backend.auth.tables import User


class FormVersion(Table, tablename="form_version"):
    """One version of one form; never updated: a changed definition is a new version."""

    form_id = Varchar(length=100, index=True)
    version = Integer()
    title_zh = Varchar(length=200)
    title_en = Varchar(length=200, null=True, default=None)
    items = JSON(default=[])
    definition = JSON(default={})
    sha256 = Varchar(length=64)
    in_use = Boolean(default=False)
    created_by = ForeignKey(User, null=True, default=None)
    created_at = Timestamptz()
