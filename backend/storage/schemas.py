"""Request structs of media uploads (msgspec, written by hand: lengths bounded, unknown fields refused)."""

from __future__ import annotations

from typing import Annotated

import msgspec


class UploadCreate(msgspec.Struct, forbid_unknown_fields=True):
    """Ask to upload one file: its SHA-256 (hex) and size, declared type and kind, and the task it is for.

    The hash and type are checked by the media rules (stable problem codes), not by pattern here.
    """

    sha256: Annotated[str, msgspec.Meta(min_length=1, max_length=128)]
    size: int
    content_type: Annotated[str, msgspec.Meta(min_length=1, max_length=100)]
    kind: Annotated[str, msgspec.Meta(min_length=1, max_length=20)]
    task: Annotated[str, msgspec.Meta(min_length=1, max_length=36)]
    filename: Annotated[str, msgspec.Meta(max_length=1000)] | None = None
