"""The inspectors a draw may use, and the coverage tokens that say what a team must be able to inspect.

A roster entry is a `Candidate`: an active inspector whose credential is valid on the draw date, with the
tokens it covers and its current workload in the plan period. Coverage is expressed in tokens so that the
matching and its verification need no knowledge of items or departments:
- department-scoped tokens (joint inspections, DOMAIN.md §14): an inspector of department D with
  qualification q covers `D/q`, and every inspector of D covers `D/*`; an item of D needing q requires
  `D/q`, an item of D needing no qualification requires `D/*`. A joint team therefore covers each
  department's items with that department's own officers, and has at least one officer of each department.
- plain tokens (one department): an inspector covers its qualification codes; an item requires its own.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import date

from backend.planning.eligibility import Exclusion
from backend.planning.errors import PlanningError

ANY = "*"
"""The token every candidate covers: used to fill a team up to its size."""
UNAVAILABLE_REASONS = ("recusal", "previous_inspector")
INSPECTOR_EXCLUSIONS = ("inspector.inactive", "inspector.credential_not_yet_valid", "inspector.credential_expired")


@dataclass(frozen=True, slots=True)
class Candidate:
    """An inspector in the draw's roster: id, credential number, coverage tokens, current workload."""

    id: str
    credential_no: str
    tokens: frozenset[str]
    load: int = 0


@dataclass(frozen=True, slots=True)
class InspectorFacts:
    """What the roster needs to know of one registered inspector."""

    id: str
    credential_no: str
    department: str
    status: str
    valid_from: date
    valid_to: date
    qualifications: tuple[str, ...] = ()


def check_token(token: str) -> str:
    """A token is a non-empty printable ASCII string other than the reserved "*"."""
    if not token or token == ANY or not token.isascii() or not token.isprintable():
        raise PlanningError("team.token", f"资质标记“{token}”无效", f"invalid coverage token '{token}'")
    return token


def inspector_tokens(department: str, qualifications: Iterable[str], *, scoped: bool) -> frozenset[str]:
    """What an inspector covers: `D/q` and `D/*` when scoped by department, else the qualification codes."""
    if scoped:
        return frozenset(check_token(f"{department}/{q}") for q in [*qualifications, ANY])
    return frozenset(check_token(q) for q in qualifications)


def required_tokens(items: Iterable[tuple[str, Iterable[str]]], *, scoped: bool) -> frozenset[str]:
    """What a team must cover for the items, each given as (department, required qualifications)."""
    tokens: set[str] = set()
    for department, qualifications in items:
        quals = list(qualifications)
        if scoped:
            tokens.update(f"{department}/{q}" for q in (quals or [ANY]))
        else:
            tokens.update(quals)
    return frozenset(check_token(t) for t in tokens)


def credential_problem(inspector: InspectorFacts, on: date) -> str | None:
    """Why the inspector may not be drawn on that date, or None."""
    if inspector.status != "active":
        return "inspector.inactive"
    if on < inspector.valid_from:
        return "inspector.credential_not_yet_valid"
    if on > inspector.valid_to:
        return "inspector.credential_expired"
    return None


def eligible_inspectors(inspectors: Iterable[InspectorFacts], *, on: date, loads: Mapping[str, int],
                        scoped: bool) -> tuple[list[Candidate], list[Exclusion]]:
    """The roster in canonical order (credential number, then id) and the inspectors left out, with reasons."""
    roster, excluded = [], []
    for inspector in inspectors:
        problem = credential_problem(inspector, on)
        if problem:
            excluded.append(Exclusion(inspector.id, problem))
            continue
        tokens = inspector_tokens(inspector.department, inspector.qualifications, scoped=scoped)
        roster.append(Candidate(inspector.id, inspector.credential_no, tokens, loads.get(inspector.id, 0)))
    roster.sort(key=lambda c: (c.credential_no, c.id))
    excluded.sort(key=lambda e: e.id)
    return roster, excluded


def unavailable_by_object(recusals: Iterable[tuple[str, str]],
                          previous: Mapping[str, Iterable[str]] | None = None) -> dict[str, dict[str, str]]:
    """Object id -> inspector id -> reason, from recusal pairs (inspector, object) and previous inspectors."""
    table: dict[str, dict[str, str]] = {}
    for object_id, inspectors in (previous or {}).items():
        for inspector_id in inspectors:
            table.setdefault(object_id, {})[inspector_id] = "previous_inspector"
    for inspector_id, object_id in recusals:
        # A declared recusal is the stronger reason: it wins over "previous inspector" in the log.
        table.setdefault(object_id, {})[inspector_id] = "recusal"
    return table
