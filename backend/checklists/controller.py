"""HTTP routes of checklist forms: list, fetch a version, store a definition."""

from __future__ import annotations

from typing import Any

from litestar import Controller, Request, Response, get, post
from litestar.params import Parameter

from backend.auth.guards import requires, user_of
from backend.checklists import service

FormId = Parameter(pattern=r"^[a-z0-9][a-z0-9_.-]{1,99}$", description="form id, e.g. market.public-info")


class FormController(Controller):
    """The unified checklists (一张表格管检查) and their versions."""

    path = "/api/v1/forms"
    tags = ["forms"]

    @get("/", guards=[requires("forms.read")])
    async def list_forms(self) -> list[dict]:
        """Every form: newest version summary and all version numbers."""
        return await service.list_forms()

    @post("/", guards=[requires("forms.write")], status_code=201)
    async def store(self, request: Request, data: dict[str, Any]) -> Response:
        """Store a definition (JSON) as its id and version; 200 when it was already stored unchanged."""
        row, outcome = await service.store_definition(actor=user_of(request).actor, data=data)
        return Response({**row, "outcome": outcome}, status_code=200 if outcome == "unchanged" else 201)

    @get("/{form_id:str}", guards=[requires("forms.read")])
    async def latest(self, form_id: str = FormId) -> dict:
        """The newest version of a form, with its definition."""
        return await service.get_version(form_id=form_id)

    @get("/{form_id:str}/versions/{version:int}", guards=[requires("forms.read")])
    async def version(self, version: int, form_id: str = FormId) -> dict:
        """One version of a form, with its definition."""
        return await service.get_version(form_id=form_id, version=version)
