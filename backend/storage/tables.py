"""Media rows: one per content (SHA-256), pending until its bytes arrived and were verified."""

from __future__ import annotations

from piccolo.columns import JSON, BigInt, Integer, Timestamptz, Varchar
from piccolo.table import Table


class Media(Table, tablename="media"):
    """A photo, audio recording or signature, addressed by its SHA-256; `meta` keeps the evidence (EXIF time,
    GPS, camera), pixel size or duration."""

    uid = Varchar(length=36, unique=True, index=True)
    sha256 = Varchar(length=64, unique=True, index=True)
    size = BigInt()
    content_type = Varchar(length=40)
    kind = Varchar(length=10)
    status = Varchar(length=10, default="pending", index=True)
    upload_id = Varchar(length=200, null=True, default=None)
    part_size = BigInt(default=0)
    meta = JSON(default={})
    filename = Varchar(length=200, null=True, default=None)
    task = Integer(index=True)
    uploaded_by = Integer()
    created_at = Timestamptz()
    stored_at = Timestamptz(null=True, default=None)


PERSONAL_DATA = {"media": ("meta",)}
"""GPS and capture time in `meta` locate the inspectors: never shown to observers or the public."""
