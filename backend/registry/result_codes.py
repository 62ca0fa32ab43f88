"""The result-code table (DOMAIN.md §26), version 1: seeded by `migrate`, never edited in place."""

from __future__ import annotations

from backend.registry.tables import ResultCode
from forms import result_codes as forms_codes

# One table: the pure forms package (which may not import the backend) owns it; the database is seeded from it.
TABLE_VERSION = forms_codes.TABLE_VERSION
RESULT_CODES_V1 = forms_codes.RESULT_CODES
EXCLUSIVE_CODES = forms_codes.EXCLUSIVE
"""Code 1 (no problem found) excludes every other code on the same result."""


async def ensure_result_codes() -> int:
    """Insert version 1 of the table when it is missing; returns the number of rows added."""
    existing = await ResultCode.count().where(ResultCode.table_version == TABLE_VERSION)
    if existing:
        return 0
    await ResultCode.insert(*[
        ResultCode(table_version=TABLE_VERSION, code=code, label_zh=zh, label_en=en,
                   exclusive=code in EXCLUSIVE_CODES, sort_order=i)
        for i, (code, zh, en) in enumerate(RESULT_CODES_V1)
    ])
    return len(RESULT_CODES_V1)
