"""Request structs of the registers (msgspec: types and lengths checked before any rule runs)."""

from __future__ import annotations

from datetime import date
from typing import Annotated

import msgspec

Short = Annotated[str, msgspec.Meta(min_length=1, max_length=100)]
Code = Annotated[str, msgspec.Meta(min_length=1, max_length=40)]
Codes = Annotated[list[Code], msgspec.Meta(max_length=50)]


class EntityCreate(msgspec.Struct, forbid_unknown_fields=True):
    uscc: Annotated[str, msgspec.Meta(min_length=1, max_length=40)]
    name: Annotated[str, msgspec.Meta(min_length=1, max_length=200)]
    kind: Short
    industry: Short
    region: Short
    address: Annotated[str, msgspec.Meta(min_length=1, max_length=300)]
    risk_class: Short
    scale: Short | None = None
    status: Short = "normal"
    legal_person: Short | None = None
    contact_phone: Short | None = None
    special_sector: bool = False
    complaints_count: Annotated[int, msgspec.Meta(ge=0)] = 0
    departments: Codes = []


class EntityUpdate(msgspec.Struct, forbid_unknown_fields=True, omit_defaults=True):
    name: Annotated[str, msgspec.Meta(min_length=1, max_length=200)] | None = None
    kind: Short | None = None
    industry: Short | None = None
    region: Short | None = None
    address: Annotated[str, msgspec.Meta(min_length=1, max_length=300)] | None = None
    risk_class: Short | None = None
    scale: Short | None = None
    status: Short | None = None
    legal_person: Short | None = None
    contact_phone: Short | None = None
    special_sector: bool | None = None
    complaints_count: Annotated[int, msgspec.Meta(ge=0)] | None = None
    departments: Codes | None = None


class InspectorCreate(msgspec.Struct, forbid_unknown_fields=True):
    name: Short
    department: Code
    credential_no: Short
    valid_from: date
    valid_to: date
    qualifications: Codes
    expertise: Codes = []
    region: Short | None = None
    status: Short = "active"
    phone: Short | None = None
    username: Short | None = None


class InspectorUpdate(msgspec.Struct, forbid_unknown_fields=True, omit_defaults=True):
    name: Short | None = None
    valid_from: date | None = None
    valid_to: date | None = None
    qualifications: Codes | None = None
    expertise: Codes | None = None
    region: Short | None = None
    status: Short | None = None
    phone: Short | None = None


class RecusalCreate(msgspec.Struct, forbid_unknown_fields=True):
    uscc: Annotated[str, msgspec.Meta(min_length=1, max_length=40)]
    reason: Annotated[str, msgspec.Meta(min_length=2, max_length=300)]


class ExpertCreate(msgspec.Struct, forbid_unknown_fields=True):
    name: Short
    kind: Short = "expert"
    organisation: Annotated[str, msgspec.Meta(max_length=200)] | None = None
    expertise: Codes = []
    phone: Short | None = None


class DepartmentCreate(msgspec.Struct, forbid_unknown_fields=True):
    code: Annotated[str, msgspec.Meta(pattern=r"^[A-Z0-9-]{2,20}$")]
    name: Short
    level: Short
    jurisdiction: Annotated[str, msgspec.Meta(pattern=r"^\d{6}$")]
    parent_code: Code | None = None


Ratio = Annotated[float, msgspec.Meta(ge=0, le=1)]
Times = Annotated[int, msgspec.Meta(ge=0, le=12)]


class ItemCreate(msgspec.Struct, forbid_unknown_fields=True):
    code: Annotated[str, msgspec.Meta(pattern=r"^[A-Za-z0-9_.-]{2,40}$")]
    name: Annotated[str, msgspec.Meta(min_length=1, max_length=200)]
    department: Code
    legal_basis: Annotated[str, msgspec.Meta(min_length=2, max_length=4000)]
    content: Annotated[str, msgspec.Meta(min_length=1, max_length=8000)]
    method: Short
    type: Short = "general"
    ratios: dict[str, Ratio] = {}
    frequency: dict[str, Times] = {}
    required_qualifications: Codes = []
    form_ref: Annotated[str, msgspec.Meta(max_length=100)] | None = None
