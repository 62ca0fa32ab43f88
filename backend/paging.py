"""Paged lists: the query parameters and the response shape shared by every list route."""

from __future__ import annotations

from typing import Any

import msgspec
from litestar.params import Parameter

PageParam = Parameter(ge=1, default=1, description="page number, from 1")
PageSizeParam = Parameter(ge=1, le=500, default=50, description="rows per page (≤ 500)")


class Page(msgspec.Struct):
    """One page of a list and the number of matching rows (a lower bound when `total_exact` is false)."""

    items: list[Any]
    total: int
    page: int
    page_size: int
    total_exact: bool = True
