"""HTTP routes of the registers: entities, inspectors, experts, departments, items, result codes."""

from __future__ import annotations

import msgspec
from litestar import Controller, Request, get, patch, post
from litestar.params import Parameter

from backend.auth.guards import requires, user_of
from backend.auth.permissions import allowed
from backend.errors import Forbidden
from backend.db.filters import json_contains
from backend.paging import Page, PageParam, PageSizeParam
from backend.registry import catalog, entities, inspectors
from backend.registry.schemas import (
    DepartmentCreate, EntityCreate, EntityUpdate, ExpertCreate, InspectorCreate, InspectorUpdate, ItemCreate,
    RecusalCreate,
)
from backend.registry.tables import Expert, Inspector

Filter = Parameter(default=None, max_length=100)


class EntityController(Controller):
    """The register of inspection objects (检查对象名录库)."""

    path = "/api/v1/entities"
    tags = ["registry"]

    @get("/", guards=[requires("registry.read")])
    async def list_entities(self, request: Request, page: int = PageParam, page_size: int = PageSizeParam,
                            q: str | None = Filter, region: str | None = Filter, industry: str | None = Filter,
                            kind: str | None = Filter, risk_class: str | None = Filter,
                            status: str | None = Filter) -> Page:
        """Search by name or USCC; filter by region, industry (prefix), kind, risk class, status."""
        role = user_of(request).role
        if risk_class and not allowed(role, "internal.read"):
            raise Forbidden("风险等级为内部信息", "risk classes are internal", code="auth.forbidden")
        rows, total = await entities.search(role=role, page=page, page_size=page_size, q=q, region=region,
                                            industry=industry, kind=kind, risk_class=risk_class, status=status)
        # broad searches over a large register are counted up to COUNT_CAP only (an exact count costs more
        # than the page): then `total` is COUNT_CAP + 1 and `total_exact` false ("more than 1,000")
        return Page(rows, total, page, page_size, total_exact=total <= entities.COUNT_CAP)

    @post("/", guards=[requires("registry.write")], status_code=201)
    async def create_entity(self, request: Request, data: EntityCreate) -> dict:
        """Register an entity."""
        return await entities.create(actor=user_of(request).actor, data=msgspec.structs.asdict(data))

    @get("/{entity_id:int}", guards=[requires("registry.read")])
    async def get_entity(self, request: Request, entity_id: int) -> dict:
        """One entity."""
        return entities.redact(await entities.get(entity_id=entity_id), user_of(request).role)

    @patch("/{entity_id:int}", guards=[requires("registry.write")])
    async def update_entity(self, request: Request, entity_id: int, data: EntityUpdate) -> dict:
        """Change some fields of an entity."""
        changes = {k: v for k, v in msgspec.structs.asdict(data).items() if v is not None}
        return await entities.update(actor=user_of(request).actor, entity_id=entity_id, data=changes)


class InspectorController(Controller):
    """The register of inspectors (执法检查人员名录库) and their recusals."""

    path = "/api/v1/inspectors"
    tags = ["registry"]

    @get("/", guards=[requires("registry.read")])
    async def list_inspectors(self, request: Request, page: int = PageParam, page_size: int = PageSizeParam,
                              q: str | None = Filter, department: str | None = Filter,
                              status: str | None = Filter, qualification: str | None = Filter) -> Page:
        """Inspectors by department, status, qualification; `q` searches name and credential number."""
        query, count = inspectors._select(), Inspector.count()
        conditions = []
        if q:
            conditions.append(Inspector.name.like(f"%{q}%") | Inspector.credential_no.like(f"{q}%"))
        if department:
            conditions.append(Inspector.department.code == department)
        if status:
            conditions.append(Inspector.status == status)
        if qualification:
            conditions.append(json_contains("inspector.qualifications", qualification))
        for condition in conditions:
            query, count = query.where(condition), count.where(condition)
        rows = await query.order_by(Inspector.id).limit(page_size).offset((page - 1) * page_size).run()
        role = user_of(request).role
        return Page([inspectors.redact(r, role) for r in rows], await count.run(), page, page_size)

    @post("/", guards=[requires("registry.write")], status_code=201)
    async def create_inspector(self, request: Request, data: InspectorCreate) -> dict:
        """Register an inspector."""
        return await inspectors.create(actor=user_of(request).actor, data=msgspec.structs.asdict(data))

    @get("/{inspector_id:int}", guards=[requires("registry.read")])
    async def get_inspector(self, request: Request, inspector_id: int) -> dict:
        """One inspector."""
        return inspectors.redact(await inspectors.get(inspector_id=inspector_id), user_of(request).role)

    @patch("/{inspector_id:int}", guards=[requires("registry.write")])
    async def update_inspector(self, request: Request, inspector_id: int, data: InspectorUpdate) -> dict:
        """Change credential dates, qualifications, status …"""
        changes = {k: v for k, v in msgspec.structs.asdict(data).items() if v is not None}
        return await inspectors.update(actor=user_of(request).actor, inspector_id=inspector_id, data=changes)

    @get("/{inspector_id:int}/recusals", guards=[requires("internal.read")])
    async def list_recusals(self, inspector_id: int) -> list[dict]:
        """Entities this inspector must not inspect, with reasons."""
        return await inspectors.recusals(inspector_id=inspector_id)

    @post("/{inspector_id:int}/recusals", guards=[requires("registry.write")], status_code=201)
    async def add_recusal(self, request: Request, inspector_id: int, data: RecusalCreate) -> dict:
        """Record a recusal (回避) with its reason."""
        return await inspectors.add_recusal(actor=user_of(request).actor, inspector_id=inspector_id,
                                            uscc=data.uscc, reason=data.reason)


class CatalogController(Controller):
    """Departments, the expert pool, inspection items and result codes."""

    path = "/api/v1"
    tags = ["registry"]

    @get("/departments", guards=[requires("departments.read")])
    async def list_departments(self) -> list[dict]:
        """Every department."""
        return await catalog.list_departments()

    @post("/departments", guards=[requires("departments.write")], status_code=201)
    async def create_department(self, request: Request, data: DepartmentCreate) -> dict:
        """Add a department."""
        return await catalog.create_department(actor=user_of(request).actor, data=msgspec.structs.asdict(data))

    @get("/experts", guards=[requires("registry.read")])
    async def list_experts(self, request: Request) -> list[dict]:
        """The pool of experts, laboratories and third parties."""
        rows = await Expert.select().order_by(Expert.id).output(load_json=True).run()
        personal = allowed(user_of(request).role, "personal.read")
        return [r if personal else {**r, "phone": None} for r in rows]

    @post("/experts", guards=[requires("registry.write")], status_code=201)
    async def create_expert(self, request: Request, data: ExpertCreate) -> dict:
        """Add to the expert pool."""
        return await inspectors.create_expert(actor=user_of(request).actor, data=msgspec.structs.asdict(data))

    @get("/items", guards=[requires("items.read")])
    async def list_items(self, department: str | None = Filter, published: bool | None = None) -> list[dict]:
        """The inspection-item list, every version."""
        return await catalog.list_items(department=department, published=published)

    @post("/items", guards=[requires("items.write")], status_code=201)
    async def create_item(self, request: Request, data: ItemCreate) -> dict:
        """Add an item or a new version of one."""
        return await catalog.create_item(actor=user_of(request).actor, data=msgspec.structs.asdict(data))

    @get("/items/{item_id:int}", guards=[requires("items.read")])
    async def get_item(self, item_id: int) -> dict:
        """One item version."""
        return await catalog.get_item(item_id=item_id)

    @post("/items/{item_id:int}/publish", guards=[requires("items.write")], status_code=200)
    async def publish_item(self, request: Request, item_id: int) -> dict:
        """Publish an item version."""
        return await catalog.publish_item(actor=user_of(request).actor, item_id=item_id)

    @get("/result-codes", guards=[requires("registry.read")])
    async def result_codes(self, version: int | None = Parameter(default=None, ge=1)) -> list[dict]:
        """The result-code table (DOMAIN.md §26)."""
        return await catalog.list_result_codes(version=version)
