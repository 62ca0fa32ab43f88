"""Register tables: departments, entities (检查对象), inspectors, recusals, experts, items, result codes."""

from __future__ import annotations

from piccolo.columns import (
    JSON, Boolean, Date, ForeignKey, Integer, Text, Timestamptz, Varchar,
)
from piccolo.columns.reference import LazyTableReference
from piccolo.table import Table


class Department(Table, tablename="department"):
    """A government department with its jurisdiction (GB/T 2260) and parent."""

    code = Varchar(length=20, unique=True, index=True)
    name = Varchar(length=100)
    level = Varchar(length=10)
    jurisdiction = Varchar(length=6)
    parent = ForeignKey("self", null=True)


class Entity(Table, tablename="entity"):
    """An inspection object: a business, or a product, device or project, keyed by USCC."""

    uscc = Varchar(length=18, unique=True, index=True)
    legacy_id = Boolean(default=False)
    name = Varchar(length=200, index=True)
    kind = Varchar(length=20, index=True)
    scale = Varchar(length=10, null=True, default=None)
    industry = Varchar(length=5, index=True)
    region = Varchar(length=6, index=True)
    address = Varchar(length=300)
    legal_person = Varchar(length=100, null=True, default=None)
    contact_phone = Varchar(length=100, null=True, default=None)
    status = Varchar(length=20, index=True, default="normal")
    risk_class = Varchar(length=1, index=True)
    special_sector = Boolean(default=False)
    complaints_count = Integer(default=0)
    departments = JSON(default=[])
    created_at = Timestamptz()
    updated_at = Timestamptz()


PERSONAL_DATA = {"entity": ("legal_person", "contact_phone"), "inspector": ("phone",), "expert": ("phone",)}
"""Columns holding personal data: never published, redacted in public exports."""
INTERNAL_ONLY = {"entity": ("risk_class",)}
"""Columns that are internal to the regulator and never published."""


class Inspector(Table, tablename="inspector"):
    """A certified inspector (执法检查人员) with credential, qualifications and expertise."""

    user = ForeignKey(LazyTableReference("User", module_path="backend.auth.tables"), null=True, default=None)
    name = Varchar(length=100)
    department = ForeignKey(Department)
    credential_no = Varchar(length=100, unique=True, index=True)
    valid_from = Date()
    valid_to = Date()
    qualifications = JSON(default=[])
    expertise = JSON(default=[])
    region = Varchar(length=6, null=True, default=None)
    status = Varchar(length=10, default="active", index=True)
    phone = Varchar(length=100, null=True, default=None)
    created_at = Timestamptz()
    updated_at = Timestamptz()


class Recusal(Table, tablename="recusal"):
    """An inspector who must not inspect an entity (回避), with the reason."""

    inspector = ForeignKey(Inspector, index=True)
    entity = ForeignKey(Entity, index=True)
    reason = Varchar(length=300)
    created_at = Timestamptz()


class Expert(Table, tablename="expert"):
    """An expert, laboratory or third party: assists inspectors, never replaces them."""

    name = Varchar(length=100)
    organisation = Varchar(length=200, null=True, default=None)
    kind = Varchar(length=20, default="expert")
    expertise = JSON(default=[])
    phone = Varchar(length=100, null=True, default=None)
    active = Boolean(default=True)


class InspectionItem(Table, tablename="inspection_item"):
    """An item of the random-inspection list (抽查事项清单), versioned by (code, version)."""

    code = Varchar(length=40, index=True)
    version = Integer(default=1)
    name = Varchar(length=200)
    department = ForeignKey(Department)
    legal_basis = Text()
    content = Text()
    method = Varchar(length=20)
    type = Varchar(length=10, default="general")
    ratios = JSON(default={})
    frequency = JSON(default={})
    required_qualifications = JSON(default=[])
    form_ref = Varchar(length=100, null=True, default=None)
    published = Boolean(default=False)


class ResultCode(Table, tablename="result_code"):
    """A result category of the versioned code table (DOMAIN.md §26)."""

    table_version = Integer(default=1)
    code = Varchar(length=4)
    label_zh = Varchar(length=100)
    label_en = Varchar(length=150)
    exclusive = Boolean(default=False)
    sort_order = Integer(default=0)
