"""HTTP routes of inspection tasks."""

from __future__ import annotations

from litestar import Controller, Request, get
from litestar.params import Parameter

from backend.auth.guards import requires, user_of
from backend.fieldwork import tasks
from backend.paging import Page, PageParam, PageSizeParam
from backend.registry.tables import Inspector


class TaskController(Controller):
    """Tasks: everyone's for planners, one's own for inspectors (`mine=true`)."""

    path = "/api/v1/tasks"
    tags = ["fieldwork"]

    @get("/", guards=[requires("tasks.read")])
    async def list_tasks(self, request: Request, page: int = PageParam, page_size: int = PageSizeParam,
                         mine: bool = False, draw: int | None = Parameter(default=None, ge=1),
                         status: str | None = Parameter(default=None, max_length=12)) -> Page:
        """Tasks by due date; `mine` limits them to the caller's teams."""
        inspector_id = None
        if mine:
            row = await Inspector.select(Inspector.id).where(Inspector.user == user_of(request).id).first().run()
            inspector_id = row["id"] if row else -1
        rows, total = await tasks.list_tasks(inspector_id=inspector_id, draw_id=draw, status=status, page=page,
                                             page_size=page_size)
        return Page(rows, total, page, page_size)
