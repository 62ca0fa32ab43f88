"""Request structs of sync and review (msgspec); mutations are checked one by one in sync/mutations.py."""

from __future__ import annotations

from typing import Annotated

import msgspec

DeviceId = Annotated[str, msgspec.Meta(pattern=r"^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$")]
MAX_BATCH = 500
PUSH_MAX_BYTES = 4 * 1024 * 1024
"""A push body over this is refused with 413: media never travel in a push, only their hashes."""


class MutationKey(msgspec.Struct):
    """The part of a mutation the batch itself must get right: whose it is and its number."""

    device: DeviceId
    seq: Annotated[int, msgspec.Meta(ge=1, le=2**31 - 1)]


class PushIn(msgspec.Struct, forbid_unknown_fields=True):
    device: DeviceId
    mutations: Annotated[list[dict], msgspec.Meta(max_length=MAX_BATCH)]


class PullIn(msgspec.Struct, forbid_unknown_fields=True):
    device: DeviceId
    cursor: Annotated[str, msgspec.Meta(max_length=200)] | None = None
    limit: Annotated[int, msgspec.Meta(ge=1, le=500)] = 100


class ReturnIn(msgspec.Struct, forbid_unknown_fields=True):
    reasons: Annotated[list[Annotated[str, msgspec.Meta(min_length=2, max_length=1000)]],
                       msgspec.Meta(min_length=1, max_length=20)]
