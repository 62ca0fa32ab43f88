"""HTTP routes of plans and draws: lifecycle, announcement, execution, the public record."""

from __future__ import annotations

import msgspec
from litestar import Controller, Request, get, post
from litestar.params import Parameter

from backend.auth.guards import requires, user_of
from backend.planning import draw_service, plan_service
from backend.planning.schemas import DrawAnnounce, DrawExecute, PlanAdjust, PlanCreate


class PlanController(Controller):
    """Annual plans (年度抽查计划)."""

    path = "/api/v1/plans"
    tags = ["planning"]

    @get("/", guards=[requires("plans.read")])
    async def list_plans(self, year: int | None = Parameter(default=None, ge=2000, le=2100),
                         status: str | None = Parameter(default=None, max_length=12),
                         department: str | None = Parameter(default=None, max_length=20)) -> list[dict]:
        """Plans, newest first."""
        return await plan_service.list_plans(year=year, status=status, department=department)

    @post("/", guards=[requires("plans.write")], status_code=201)
    async def create_plan(self, request: Request, data: PlanCreate) -> dict:
        """Draft a plan."""
        payload = msgspec.structs.asdict(data)
        payload["scope"] = msgspec.structs.asdict(data.scope)
        return await plan_service.create_plan(actor=user_of(request).actor, data=payload)

    @get("/{plan_id:int}", guards=[requires("plans.read")])
    async def get_plan(self, plan_id: int) -> dict:
        """A plan with its effective ratios and adjustments."""
        return await plan_service.get_plan(plan_id=plan_id)

    @post("/{plan_id:int}/publish", guards=[requires("plans.write")], status_code=200)
    async def publish(self, request: Request, plan_id: int) -> dict:
        """Publish a draft plan."""
        return await plan_service.publish_plan(actor=user_of(request).actor, plan_id=plan_id)

    @post("/{plan_id:int}/adjust", guards=[requires("plans.write")], status_code=200)
    async def adjust(self, request: Request, plan_id: int, data: PlanAdjust) -> dict:
        """Adjust a plan, with the reason (recorded and published once the plan is)."""
        changes = {k: v for k, v in msgspec.structs.asdict(data).items() if k != "reason" and v is not None}
        return await plan_service.adjust_plan(actor=user_of(request).actor, plan_id=plan_id, reason=data.reason,
                                              changes=changes)

    @post("/{plan_id:int}/close", guards=[requires("plans.write")], status_code=200)
    async def close(self, request: Request, plan_id: int) -> dict:
        """Close a plan."""
        return await plan_service.close_plan(actor=user_of(request).actor, plan_id=plan_id)


class DrawController(Controller):
    """Draws (双随机): announce, execute, read the record."""

    path = "/api/v1/draws"
    tags = ["planning"]

    @get("/", guards=[requires("plans.read")])
    async def list_draws(self, plan: int | None = Parameter(default=None, ge=1)) -> list[dict]:
        """Draws, newest first."""
        return await draw_service.list_draws(plan_id=plan)

    @post("/", guards=[requires("draws.write")], status_code=201)
    async def announce(self, request: Request, data: DrawAnnounce) -> dict:
        """Announce a draw: frozen pools with their hashes and the public sources that will form the key."""
        return await draw_service.announce(actor=user_of(request).actor, plan_ids=data.plans,
                                           sources_description=data.sources_description, draw_date=data.draw_date,
                                           supersedes=data.supersedes, redraw_reason=data.redraw_reason)

    @get("/{draw_id:int}", guards=[requires("plans.read")])
    async def get_draw(self, draw_id: int) -> dict:
        """The announcement, status and public record."""
        return await draw_service.get_draw(draw_id=draw_id)

    @post("/{draw_id:int}/execute", guards=[requires("draws.write")], status_code=200)
    async def execute(self, request: Request, draw_id: int, data: DrawExecute) -> dict:
        """Execute an announced draw with the now-known source values, once."""
        return await draw_service.execute(actor=user_of(request).actor, draw_id=draw_id, sources=data.sources,
                                          observers=data.observers)

    @get("/{draw_id:int}/record", guards=[requires("draws.full_record")])
    async def full_record(self, draw_id: int) -> dict:
        """The complete record with every pool, for observers and re-verification."""
        return await draw_service.full_record(draw_id=draw_id)
