"""Executing a draw into its public record (plain JSON-able data), and the record's verification.

The record holds everything needed to re-run the draw without the database: the sources and key, per
stratum its canonical pool (or, in the public view of a non-public stratum, only its hash), quota rule
inputs, derived key and selection; the roster the teams were drawn from (inspectors with credential
number, coverage tokens and load at the start of the draw, experts, team rules) with its hash; per object
the required tokens, unavailable inspectors with reasons, derived key and outcome; the exclusion log and
the one-sided flag. `parameters` (plan, dates, observers …) and `strata[].public` are descriptive: kept,
published, not re-derived. `verify_record` re-runs everything else and names the first difference.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from backend.planning.eligibility import Exclusion
from backend.planning.roster import Candidate
from backend.planning.sortition import key_string, pool_hash, version_for
from backend.planning.strata import Ratio, StratumDraw, draw_strata, parse_ratio, ratio_text, stratum_quota
from backend.planning.teams import Team, TeamRequest, TeamRules, iter_teams, roster_hash

if TYPE_CHECKING:
    from backend.planning.verify import Difference

RECORD_FORMAT = "choucha-draw-record-1"


@dataclass(frozen=True, slots=True)
class StratumSpec:
    """One stratum to draw: label, eligible identifiers (any order), a ratio or a count, publicity."""

    label: str
    pool: Sequence[str]
    ratio: Ratio | None = None
    count: int | None = None
    public: bool = True


@dataclass(frozen=True, slots=True)
class DrawSpec:
    """Everything a draw needs; objects given outright (approval inspections) are one stratum at ratio 1."""

    sources: Sequence[str]
    strata: Sequence[StratumSpec]
    roster: Sequence[Candidate] | None = ()
    team_rules: TeamRules = TeamRules()
    required: frozenset[str] = frozenset()
    required_by_object: Mapping[str, frozenset[str]] = field(default_factory=dict)
    required_by_stratum: Mapping[str, frozenset[str]] = field(default_factory=dict)
    unavailable: Mapping[str, Mapping[str, str]] = field(default_factory=dict)
    experts: Sequence[str] = ()
    excluded: Sequence[Exclusion] = ()
    exempted: Sequence[Exclusion] = ()
    excluded_inspectors: Sequence[Exclusion] = ()
    parameters: Mapping[str, Any] = field(default_factory=dict)


def one_sided(strata: Sequence[Mapping[str, Any]], teams: Sequence[Mapping[str, Any]]) -> str | None:
    """Which side had no randomness: "objects" (every drawing stratum taken whole), "inspectors", "both"."""
    drawing = [s for s in strata if s["quota"] > 0]
    objects = bool(drawing) and all(s["one_sided"] == "objects" for s in drawing)
    staffed = [t for t in teams if t["status"] == "staffed"]
    inspectors = bool(staffed) and all(t["forced"] for t in staffed)
    return {(True, True): "both", (True, False): "objects", (False, True): "inspectors"}.get((objects, inspectors))


def _stratum_entry(spec: StratumSpec, draw: StratumDraw) -> dict[str, Any]:
    return {
        "label": draw.label, "public": spec.public,
        "ratio": None if spec.ratio is None else ratio_text(parse_ratio(spec.ratio)), "count": spec.count,
        "pool_size": len(draw.pool), "pool_sha256": draw.pool_sha256, "pool": draw.pool, "quota": draw.quota,
        "derived_key": draw.derived_key, "selected": draw.selected, "one_sided": draw.one_sided,
    }


def _team_entry(request: TeamRequest, team: Team) -> dict[str, Any]:
    return {
        "object": team.object_id, "required": sorted(request.required),
        "unavailable": [{"inspector": i, "reason": r} for i, r in sorted(request.unavailable.items())
                        ] if request.unavailable else [],
        "derived_key": team.derived_key, "status": team.status, "reason": team.reason, "missing": team.missing,
        "members": team.members, "experts": team.experts, "forced": team.forced,
    }


def roster_entry(roster: Sequence[Candidate], experts: Sequence[str], rules: TeamRules) -> dict[str, Any]:
    """The roster section: rules, inspectors in canonical order, experts, and their hash."""
    inspectors = sorted(roster, key=lambda c: (c.credential_no, c.id))
    return {
        "rules": {"team_size": rules.team_size, "load_cap": rules.load_cap, "load_slack": rules.load_slack,
                  "experts_per_team": rules.experts_per_team},
        "inspectors": [{"id": c.id, "credential_no": c.credential_no, "tokens": sorted(c.tokens), "load": c.load}
                       for c in inspectors],
        "experts": sorted(experts),
        "sha256": roster_hash(inspectors, sorted(experts), rules),
    }


def _requests(spec: DrawSpec, draws: Sequence[StratumDraw]) -> list[TeamRequest]:
    """One request per selected object, in selection order; an object selected by several strata (a joint
    draw) is staffed once, for the union of what those strata require (进一次门、查多项事)."""
    on_roster = {c.id for c in spec.roster or ()}
    required: dict[str, frozenset[str]] = {}
    for draw in draws:
        by_stratum = spec.required_by_stratum.get(draw.label)
        for object_id in draw.selected:
            tokens = by_stratum
            if tokens is None:
                tokens = spec.required_by_object.get(object_id, spec.required)
            known = required.get(object_id)
            required[object_id] = frozenset(tokens) if known is None else known | frozenset(tokens)
    requests = []
    for object_id, tokens in required.items():
        unavailable = spec.unavailable.get(object_id)
        if unavailable:
            unavailable = {i: r for i, r in unavailable.items() if i in on_roster}
        requests.append(TeamRequest(object_id, tokens, unavailable or {}))
    return requests


def _log(items: Sequence[Exclusion]) -> list[dict[str, str]]:
    return [{"id": e.id, "reason": e.reason} for e in sorted(items, key=lambda e: e.id)]


def _exclusions(spec: DrawSpec) -> dict[str, list[dict[str, str]]]:
    return {"entities": _log(spec.excluded), "exempted": _log(spec.exempted),
            "inspectors": _log(spec.excluded_inspectors)}


@dataclass(frozen=True, slots=True)
class Selection:
    """The object side of a draw: its key, algorithm version and each stratum's draw (pool, quota, selected)."""

    key: str
    version: str
    draws: Sequence[StratumDraw]


def select_objects(spec: DrawSpec) -> Selection:
    """Draw every stratum from the key: which objects are inspected, before any team is formed."""
    key = key_string(spec.sources)
    quotas = {s.label: stratum_quota(len(s.pool), s.ratio, s.count) for s in spec.strata}
    version = version_for(max(quotas.values(), default=0))
    draws = draw_strata({s.label: s.pool for s in spec.strata}, quotas, key, version)
    return Selection(key, version, draws)


def staff(spec: DrawSpec, selection: Selection,
          on_team: Callable[[dict[str, Any]], None] | None = None) -> dict[str, Any]:
    """Match the selected objects' teams and return the draw's record; the roster None means objects only,
    teams formed elsewhere. `on_team` sees each team entry as soon as it is matched, in record order (the
    service writes tasks while later teams are still being matched)."""
    teams: list[dict[str, Any]] = []
    roster = None
    if spec.roster is not None:
        requests = _requests(spec, selection.draws)
        roster = roster_entry(spec.roster, spec.experts, spec.team_rules)
        outcome = iter_teams(requests, spec.roster, spec.team_rules, public_key=selection.key,
                             experts=spec.experts, version=selection.version, roster_sha256=roster["sha256"])
        for request, team in zip(requests, outcome, strict=True):
            teams.append(entry := _team_entry(request, team))
            if on_team is not None:
                on_team(entry)
    by_label = {s.label: s for s in spec.strata}
    strata = [_stratum_entry(by_label[d.label], d) for d in selection.draws]
    return {
        "format": RECORD_FORMAT, "algorithm": selection.version, "parameters": dict(spec.parameters),
        "sources": list(spec.sources), "key": selection.key, "strata": strata, "roster": roster, "teams": teams,
        "exclusions": _exclusions(spec), "one_sided": one_sided(strata, teams),
    }


def execute_draw(spec: DrawSpec) -> dict[str, Any]:
    """Run the draw and return its record: the objects selected, then their teams."""
    return staff(spec, select_objects(spec))


def public_view(record: Mapping[str, Any]) -> dict[str, Any]:
    """The record as published: a non-public stratum keeps its size and hashes, not its members.

    Its selection is replaced by the hash of the selected identifiers, and when any stratum is
    non-public the teams are listed by object id, so no position betrays a stratum (a risk class);
    verifying such a record needs the full lists shown to observers.
    """
    view = dict(record)
    strata = []
    for stratum in record["strata"]:
        entry = dict(stratum)
        if not stratum["public"]:
            entry.pop("pool", None)
            entry["selected_sha256"] = pool_hash(entry.pop("selected"))
        strata.append(entry)
    view["strata"] = strata
    if not all(s["public"] for s in record["strata"]):
        view["teams"] = sorted(record["teams"], key=lambda t: t["object"])
    return view


def verify_record(record: Mapping[str, Any], *, pools: Mapping[str, Sequence[str]] | None = None
                  ) -> Difference | None:
    """Re-run the draw from the record alone (plus lists of non-public strata) and name the first difference."""
    from backend.planning.verify import first_difference  # verify builds on this module's format

    return first_difference(record, pools=pools)
