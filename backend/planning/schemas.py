"""Request structs of plans and draws (msgspec)."""

from __future__ import annotations

from datetime import date
from typing import Annotated

import msgspec

Code = Annotated[str, msgspec.Meta(min_length=1, max_length=40)]
RatioText = Annotated[str, msgspec.Meta(min_length=1, max_length=20)]
Reason = Annotated[str, msgspec.Meta(min_length=2, max_length=2000)]


class Scope(msgspec.Struct, forbid_unknown_fields=True):
    """Undirected (everything in the jurisdiction) or directed by kind, scale, industry, region."""

    directed: bool = False
    kinds: list[Code] = []
    scales: list[Code] = []
    industries: list[Code] = []
    regions: list[Code] = []


class PlanCreate(msgspec.Struct, forbid_unknown_fields=True):
    year: Annotated[int, msgspec.Meta(ge=2000, le=2100)]
    title: Annotated[str, msgspec.Meta(min_length=2, max_length=200)]
    items: Annotated[list[int], msgspec.Meta(min_length=1, max_length=100)]
    starts_on: date
    ends_on: date
    department: Code | None = None
    scope: Scope = msgspec.field(default_factory=Scope)
    ratios: dict[str, RatioText] = {}
    counts: dict[str, Annotated[int, msgspec.Meta(ge=0)]] = {}
    frequency_cap: Annotated[int, msgspec.Meta(ge=1, le=12)] = 2
    team_size: Annotated[int, msgspec.Meta(ge=2, le=10)] = 2
    workload_cap: Annotated[int, msgspec.Meta(ge=1, le=10000)] = 30
    experts_per_team: Annotated[int, msgspec.Meta(ge=0, le=5)] = 0
    method: Code = "onsite"
    joint_partners: list[Code] = []
    avoid_previous_inspectors: bool = False


class PlanAdjust(msgspec.Struct, forbid_unknown_fields=True, omit_defaults=True):
    reason: Reason
    ratios: dict[str, RatioText] | None = None
    counts: dict[str, Annotated[int, msgspec.Meta(ge=0)]] | None = None
    starts_on: date | None = None
    ends_on: date | None = None
    team_size: Annotated[int, msgspec.Meta(ge=2, le=10)] | None = None
    workload_cap: Annotated[int, msgspec.Meta(ge=1, le=10000)] | None = None


class DrawAnnounce(msgspec.Struct, forbid_unknown_fields=True):
    plans: Annotated[list[int], msgspec.Meta(min_length=1, max_length=20)]
    sources_description: Annotated[str, msgspec.Meta(min_length=4, max_length=2000)]
    draw_date: date | None = None
    supersedes: int | None = None
    redraw_reason: Reason | None = None


class DrawExecute(msgspec.Struct, forbid_unknown_fields=True):
    sources: Annotated[list[Annotated[str, msgspec.Meta(min_length=1, max_length=500)]],
                       msgspec.Meta(min_length=1, max_length=20)]
    observers: list[Annotated[str, msgspec.Meta(min_length=1, max_length=200)]] = []
