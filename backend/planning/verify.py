"""Verification of a draw record: re-derive every selection and team, and name the first field that differs.

Order: format and algorithm name; sources and key; each stratum (pool order, pool hash, quota, derived
key, selection, one-sided flag); the version rule (RFC 3797 unless a stream needs more picks); the
roster; each team in order, with the loads the earlier teams left; the one-sided flag; the exclusion log.
A value recorded twice - a hash beside the list it covers and again inside a derived key - is settled by
the two copies that agree, and the odd one is named; where only the draw's output can tell (a team's
inputs against its key, a stratum's label against its key), the recorded output decides.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any, NoReturn

from backend.planning.eligibility import EXCLUSION_REASONS, EXEMPTION_REASONS
from backend.planning.errors import PlanningError
from backend.planning.record import RECORD_FORMAT, one_sided
from backend.planning.roster import INSPECTOR_EXCLUSIONS, UNAVAILABLE_REASONS, Candidate
from backend.planning.sortition import VERSIONS, derive_key, key_string, pool_hash, version_for
from backend.planning.strata import StratumDraw, draw_stratum, stratum_group, stratum_quota
from backend.planning.teams import Team, TeamEngine, TeamRequest, TeamRules, roster_hash, team_key, unavailable_lines


@dataclass(frozen=True, slots=True)
class Difference:
    """The first field of a record that the re-run does not reproduce, and how."""

    path: str
    detail: str

    def __str__(self) -> str:
        return f"{self.path}: {self.detail}"


class _Found(Exception):
    def __init__(self, difference: Difference) -> None:
        super().__init__(str(difference))
        self.difference = difference


def _fail(path: str, detail: str) -> NoReturn:
    raise _Found(Difference(path, detail))


def _tail(derived: str, parts: int) -> list[str]:
    """A derived key split at its last `parts` slashes (it ends with "/"), or [] when it cannot be."""
    pieces = derived[:-1].rsplit("/", parts) if derived.endswith("/") else []
    return pieces if len(pieces) == parts + 1 else []


def _check_key(record: Mapping[str, Any]) -> str:
    try:
        computed = key_string(record["sources"])
    except PlanningError as exc:
        _fail("sources", exc.message_en)
    recorded = record["key"]
    if computed != recorded:
        strata = record["strata"]
        head = _tail(strata[0]["derived_key"], 1) if strata else []
        label = strata[0]["label"] if strata else ""
        witness = head[0][: len(head[0]) - len(label)] if head and head[0].endswith(label) else None
        if witness == recorded:
            _fail("sources", f"they give the key {computed!r}, not the recorded one")
        _fail("key", f"recorded {recorded!r}, the sources give {computed!r}")
    return computed


def _check_pool(p: str, stratum: Mapping[str, Any], pool: list[str]) -> None:
    for j in range(1, len(pool)):
        if not pool[j - 1] < pool[j]:
            _fail(f"{p}.pool[{j}]", "out of canonical order, or repeated")
    computed, recorded = pool_hash(pool), stratum["pool_sha256"]
    if computed != recorded:
        inside = _tail(stratum["derived_key"], 1)
        if inside and inside[1] == computed:
            _fail(f"{p}.pool_sha256", f"recorded {recorded}, the pool hashes to {computed}")
        _fail(f"{p}.pool", f"does not hash to the recorded pool_sha256 {recorded}")
    if stratum["pool_size"] != len(pool):
        _fail(f"{p}.pool_size", f"recorded {stratum['pool_size']}, the pool has {len(pool)}")


def _check_quota(p: str, stratum: Mapping[str, Any], size: int) -> int:
    field = "ratio" if stratum.get("ratio") is not None else "count"
    try:
        computed = stratum_quota(size, stratum.get("ratio"), stratum.get("count"))
    except PlanningError as exc:
        _fail(f"{p}.{field}", exc.message_en)
    recorded, chosen = stratum["quota"], len(stratum["selected"])
    if computed == recorded == chosen:
        return computed
    if recorded == chosen:
        _fail(f"{p}.{field}", f"gives a quota of {computed}, not the recorded {recorded}")
    if computed == chosen:
        _fail(f"{p}.quota", f"recorded {recorded}, the rounding rule gives {computed}")
    _fail(f"{p}.selected", f"{chosen} selected for a quota of {computed}")


def _redraw(stratum: Mapping[str, Any], pool: list[str], quota: int, key: str, version: str) -> StratumDraw | None:
    try:
        return draw_stratum(stratum["label"], pool, quota, key, version)
    except PlanningError as exc:
        if exc.code == "draw.count":  # more picks than the recorded version allows
            _fail("algorithm", exc.message_en)
        return None


def _check_derived_key(p: str, stratum: Mapping[str, Any], pool: list[str], quota: int, key: str,
                       version: str) -> None:
    try:
        expected = derive_key(key, stratum["label"], stratum["pool_sha256"])
    except PlanningError as exc:
        _fail(f"{p}.label", exc.message_en)
    recorded = stratum["derived_key"]
    if recorded != expected:
        head = _tail(recorded, 1)
        if head and head[0].startswith(key) and head[0] != key + stratum["label"]:
            other = dict(stratum, label=head[0][len(key):])
            redrawn = _redraw(other, pool, quota, key, version)
            if redrawn is not None and redrawn.selected == stratum["selected"]:
                _fail(f"{p}.label", f"the selection was drawn for label {other['label']!r}")
        _fail(f"{p}.derived_key", f"recorded {recorded!r}, expected {expected!r}")


def _compare(path: str, recorded: Sequence[Any], derived: Sequence[Any]) -> None:
    for j, (a, b) in enumerate(zip(recorded, derived)):
        if a != b:
            _fail(f"{path}[{j}]", f"recorded {a!r}, re-derived {b!r}")
    if len(recorded) != len(derived):
        _fail(f"{path}[{min(len(recorded), len(derived))}]", f"{len(recorded)} recorded, {len(derived)} re-derived")


def _check_strata(record: Mapping[str, Any], key: str, pools: Mapping[str, Sequence[str]]) -> list[list[str]]:
    version, seen, result = record["algorithm"], {}, []
    for i, stratum in enumerate(record["strata"]):
        p = f"strata[{i}]"
        if i and not record["strata"][i - 1]["label"] < stratum["label"]:
            _fail(f"{p}.label", "strata must be in label order, each once")
        pool = stratum.get("pool")
        pool = list(pool) if pool is not None else sorted(pools.get(stratum["label"], ())) or None
        if pool is None:
            _fail(f"{p}.pool", "not public: verify with the list shown to the observers")
        _check_pool(p, stratum, pool)
        group = seen.setdefault(stratum_group(stratum["label"]), set())
        if group.intersection(pool):
            _fail(f"{p}.pool", f"{min(group.intersection(pool))!r} is in two strata")
        group.update(pool)
        quota = _check_quota(p, stratum, len(pool))
        _check_derived_key(p, stratum, pool, quota, key, version)
        derived = _redraw(stratum, pool, quota, key, version)
        if derived is not None:
            _compare(f"{p}.selected", stratum["selected"], derived.selected)
            if stratum["one_sided"] != derived.one_sided:
                _fail(f"{p}.one_sided", f"recorded {stratum['one_sided']!r}, re-derived {derived.one_sided!r}")
        result.append(pool)
    return result


def _check_roster(record: Mapping[str, Any]) -> tuple[list[Candidate], list[str], TeamRules, str]:
    roster = record["roster"]
    people = [Candidate(e["id"], e["credential_no"], frozenset(e["tokens"]), e["load"]) for e in roster["inspectors"]]
    for j, entry in enumerate(roster["inspectors"]):
        if j and not (people[j - 1].credential_no, people[j - 1].id) < (people[j].credential_no, people[j].id):
            _fail(f"roster.inspectors[{j}]", "out of canonical order (credential number, id), or repeated")
        if entry["tokens"] != sorted(set(entry["tokens"])):
            _fail(f"roster.inspectors[{j}].tokens", "not sorted, or repeated")
    experts = list(roster["experts"])
    _compare("roster.experts", experts, sorted(set(experts)))
    try:
        rules = TeamRules(**roster["rules"])
    except (PlanningError, TypeError) as exc:
        _fail("roster.rules", str(exc))
    computed, recorded = roster_hash(people, experts, rules), roster["sha256"]
    if computed != recorded:
        inside = _tail(record["teams"][0]["derived_key"], 3) if record["teams"] else []
        if inside and inside[3] == computed:
            _fail("roster.sha256", f"recorded {recorded}, the roster hashes to {computed}")
        _fail("roster", f"its content does not hash to the recorded roster.sha256 {recorded}")
    return people, experts, rules, recorded


def _request(p: str, entry: Mapping[str, Any], on_roster: set[str]) -> TeamRequest:
    if entry["required"] != sorted(set(entry["required"])):
        _fail(f"{p}.required", "not sorted, or repeated")
    unavailable: dict[str, str] = {}
    for j, row in enumerate(entry["unavailable"]):
        if row["inspector"] not in on_roster or row["reason"] not in UNAVAILABLE_REASONS:
            _fail(f"{p}.unavailable[{j}]", "not on the roster, or an unknown reason")
        if unavailable and not max(unavailable) < row["inspector"]:
            _fail(f"{p}.unavailable[{j}]", "not sorted by inspector, or repeated")
        unavailable[row["inspector"]] = row["reason"]
    return TeamRequest(entry["object"], frozenset(entry["required"]), unavailable)


def _outcome(team: Team | Mapping[str, Any]) -> tuple[Any, ...]:
    get = team.get if isinstance(team, Mapping) else lambda name: getattr(team, name)
    return tuple(get(name) for name in ("status", "reason", "missing", "members", "experts", "forced"))


def _check_team(p: str, entry: Mapping[str, Any], request: TeamRequest, team: Team) -> None:
    if entry["derived_key"] != team.derived_key:
        if _outcome(team) != _outcome(entry):
            inside = _tail(entry["derived_key"], 3)  # [… "team:" object, H(required), H(unavailable), roster]
            if inside and inside[1] != pool_hash(request.required):
                _fail(f"{p}.required", "not what the team was drawn with")
            if inside and inside[2] != pool_hash(unavailable_lines(request.unavailable)):
                _fail(f"{p}.unavailable", "not what the team was drawn with")
        _fail(f"{p}.derived_key", f"recorded {entry['derived_key']!r}, expected {team.derived_key!r}")
    for name in ("status", "reason", "missing"):
        if entry[name] != getattr(team, name):
            _fail(f"{p}.{name}", f"recorded {entry[name]!r}, re-derived {getattr(team, name)!r}")
    _compare(f"{p}.members", entry["members"], team.members)
    _compare(f"{p}.experts", entry["experts"], team.experts)
    if entry["forced"] != team.forced:
        _fail(f"{p}.forced", f"recorded {entry['forced']!r}, re-derived {team.forced!r}")


def _check_teams(record: Mapping[str, Any], key: str) -> set[str]:
    if record["roster"] is None:
        if record["teams"]:
            _fail("teams", "teams without a roster")
        return set()
    people, experts, rules, digest = _check_roster(record)
    # an object selected by several strata (a joint draw) has one team, at its first selection
    objects = list(dict.fromkeys(o for stratum in record["strata"] for o in stratum["selected"]))
    if len(record["teams"]) != len(objects):
        _fail("teams", f"{len(record['teams'])} teams for {len(objects)} selected objects")
    engine = TeamEngine(people, rules, experts=experts, version=record["algorithm"])
    on_roster = {c.id for c in people}
    for k, (entry, object_id) in enumerate(zip(record["teams"], objects)):
        if entry["object"] != object_id:
            _fail(f"teams[{k}].object", f"recorded {entry['object']!r}, the selection gives {object_id!r}")
        request = _request(f"teams[{k}]", entry, on_roster)
        team = engine.choose(request, team_key(key, request, digest))
        _check_team(f"teams[{k}]", entry, request, team)
        engine.commit(team)
    return on_roster


def _check_log(record: Mapping[str, Any], pooled: set[str], on_roster: set[str]) -> None:
    rules = (("entities", EXCLUSION_REASONS, False, pooled), ("exempted", EXEMPTION_REASONS, True, pooled),
             ("inspectors", INSPECTOR_EXCLUSIONS, False, on_roster))
    for name, reasons, inside, members in rules:
        rows = record["exclusions"][name]
        for j, row in enumerate(rows):
            if row["reason"] not in reasons:
                _fail(f"exclusions.{name}[{j}].reason", f"unknown reason {row['reason']!r}")
            if (row["id"] in members) != inside or (j and not rows[j - 1]["id"] < row["id"]):
                _fail(f"exclusions.{name}[{j}]", "contradicts the pools or the roster, or out of order")


def first_difference(record: Mapping[str, Any], *, pools: Mapping[str, Sequence[str]] | None = None
                     ) -> Difference | None:
    """The first field the re-run does not reproduce, or None when the whole record matches."""
    try:
        if record.get("format") != RECORD_FORMAT:
            _fail("format", f"unknown record format {record.get('format')!r}")
        if record.get("algorithm") not in VERSIONS:
            _fail("algorithm", f"unknown algorithm version {record.get('algorithm')!r}")
        key = _check_key(record)
        strata_pools = _check_strata(record, key, pools or {})
        expected = version_for(max((s["quota"] for s in record["strata"]), default=0))
        if record["algorithm"] != expected:
            _fail("algorithm", f"recorded {record['algorithm']!r}, the draw's size calls for {expected!r}")
        on_roster = _check_teams(record, key)
        derived = one_sided(record["strata"], record["teams"])
        if record["one_sided"] != derived:
            _fail("one_sided", f"recorded {record['one_sided']!r}, re-derived {derived!r}")
        _check_log(record, {i for pool in strata_pools for i in pool}, on_roster)
    except _Found as found:
        return found.difference
    except (KeyError, TypeError, AttributeError, IndexError) as exc:
        return Difference("record", f"malformed: {exc!r}")
    return None
