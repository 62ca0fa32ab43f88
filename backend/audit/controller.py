"""HTTP routes to read and verify the audit chain (never to change it)."""

from __future__ import annotations

from litestar import Controller, get
from litestar.params import Parameter

from backend.audit import service
from backend.audit.tables import AuditEntry
from backend.auth.guards import requires
from backend.paging import Page, PageParam, PageSizeParam


class AuditController(Controller):
    """The audit chain (全程留痕): read-only."""

    path = "/api/v1/audit"
    tags = ["audit"]

    @get("/", guards=[requires("audit.read")])
    async def list_entries(self, page: int = PageParam, page_size: int = PageSizeParam,
                           target_type: str | None = Parameter(default=None, max_length=40),
                           target_id: str | None = Parameter(default=None, max_length=64),
                           action: str | None = Parameter(default=None, max_length=60)) -> Page:
        """Entries newest first, filtered by target or action."""
        query, count = AuditEntry.select().output(load_json=True), AuditEntry.count()
        for column, value in ((AuditEntry.target_type, target_type), (AuditEntry.target_id, target_id),
                              (AuditEntry.action, action)):
            if value:
                query, count = query.where(column == value), count.where(column == value)
        rows = await query.order_by(AuditEntry.seq, ascending=False).limit(page_size).offset(
            (page - 1) * page_size).run()
        return Page(rows, await count.run(), page, page_size)

    @get("/verify", guards=[requires("audit.read")])
    async def verify(self) -> dict:
        """Walk the whole chain: how many entries hold, and the first broken link if any."""
        checked, broken = await service.verify()
        return {"ok": broken is None, "checked": checked,
                "broken": None if broken is None else {"seq": broken.seq, "reason": broken.reason}}
