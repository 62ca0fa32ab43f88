"""Request and response structs of auth and users (msgspec, validated on the way in)."""

from __future__ import annotations

from typing import Annotated

import msgspec

Name = Annotated[str, msgspec.Meta(min_length=1, max_length=60)]


class LoginIn(msgspec.Struct, forbid_unknown_fields=True):
    username: Name
    password: Annotated[str, msgspec.Meta(min_length=1, max_length=200)]
    device_name: Annotated[str, msgspec.Meta(min_length=1, max_length=100)] | None = None


class UserCreate(msgspec.Struct, forbid_unknown_fields=True):
    username: Annotated[str, msgspec.Meta(pattern=r"^[A-Za-z0-9_.-]{3,60}$")]
    display_name: Annotated[str, msgspec.Meta(min_length=1, max_length=100)]
    password: Annotated[str, msgspec.Meta(max_length=200)]
    role: str
    department_code: str | None = None


class UserRead(msgspec.Struct):
    id: int
    username: str
    display_name: str
    role: str
    department: int | None
    active: bool


class UserUpdate(msgspec.Struct, forbid_unknown_fields=True, omit_defaults=True):
    display_name: Annotated[str, msgspec.Meta(min_length=1, max_length=100)] | None = None
    role: str | None = None
    active: bool | None = None
    password: Annotated[str, msgspec.Meta(max_length=200)] | None = None
