"""Team matching (随机匹配分组) with the draw's verifiable stream: qualified, non-recused, capped, load balanced.

Objects are matched one after another, in the order the draw selected them (strata in label order). The
roster is in canonical order (credential number, then id); `load` is the number of tasks an inspector
holds in the plan period, counting the teams already matched in this draw. For one object:
1. Available: load < load_cap and not unavailable for this object (recusal, previous inspector). If no
   available inspector holds some required token, or fewer than team_size are available, the object is
   reported unstaffed - `team.uncovered` (no available inspector holds the token at any load),
   `team.capped` (only inspectors at the cap could) or `team.too_few` - never given an unqualified team.
2. Picks use the object's key (`team_key`) and a pick counter i = 0, 1, …. For each required token in
   code-point order that the team does not cover yet, then with the token "*" (everyone) until the team
   has team_size members: the candidates are the available inspectors holding the token and not yet in
   the team, in roster order, restricted for load balance to those with
   load ≤ max(min(lowest_t + load_slack, load_cap - 1), lowest_c), where lowest_t is the lowest load of
   any roster inspector under the cap holding the token (whatever the object) and lowest_c the lowest
   load among the candidates. Pick i takes candidate number draw_number(key, i) mod (number of
   candidates), 0-based: one RFC 3797 step.
3. Experts (assistants, never counted as officers): experts_per_team further picks continue the counter
   over the expert pool in code-point order, each picked expert removed from the list as in RFC 3797.
4. Each member's load grows by one before the next object is matched.
The team is "forced" when every inspector pick had a single candidate (only the object side was random).
"""

from __future__ import annotations

import json
from bisect import bisect_right
from collections.abc import Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from functools import lru_cache
from hashlib import md5, sha256

from backend.planning.errors import PlanningError
from backend.planning.order_statistic import FenwickSet
from backend.planning.roster import ANY, Candidate, check_token
from backend.planning.sortition import RFC3797, check_version, counter_bytes, key_bytes, pool_hash

_NOTHING = pool_hash([])
"""The hash of no lines: most objects have nobody unavailable."""


@dataclass(frozen=True, slots=True)
class TeamRules:
    """Team size (≥ 2 officers, 行政处罚法 art 42), workload cap and slack, experts per team."""

    team_size: int = 2
    load_cap: int = 20
    load_slack: int = 1
    experts_per_team: int = 0

    def __post_init__(self) -> None:
        if self.team_size < 2:
            raise PlanningError("plan.team_size", "每组至少两名执法人员", "a team needs at least two officers")
        if self.load_cap < 1 or self.load_slack < 0 or self.experts_per_team < 0:
            raise PlanningError("plan.team_rules", "工作量上限、余量或专家人数无效",
                                "invalid load cap, slack or expert count")


@dataclass(frozen=True, slots=True)
class TeamRequest:
    """One object to staff: the tokens its items require and the inspectors it may not have (id -> reason)."""

    object_id: str
    required: frozenset[str]
    unavailable: Mapping[str, str] = field(default_factory=dict)


@dataclass(slots=True)
class Team:
    """The outcome for one object: members in pick order, or why it could not be staffed."""

    object_id: str
    derived_key: str
    members: list[str]
    experts: list[str]
    status: str
    reason: str | None = None
    missing: list[str] = field(default_factory=list)
    forced: bool = False


def canonical_json(value: object) -> bytes:
    """JSON with sorted keys, no spaces and ASCII escapes: the bytes every roster hash is taken over."""
    return json.dumps(value, sort_keys=True, separators=(",", ":"), ensure_ascii=True).encode("ascii")


def roster_hash(roster: Sequence[Candidate], experts: Sequence[str], rules: TeamRules) -> str:
    """SHA-256 of the canonical JSON {rules, inspectors: [[id, credential, tokens, load]…], experts}."""
    return sha256(canonical_json({
        "rules": {"team_size": rules.team_size, "load_cap": rules.load_cap, "load_slack": rules.load_slack,
                  "experts_per_team": rules.experts_per_team},
        "inspectors": [[c.id, c.credential_no, sorted(c.tokens), c.load] for c in roster],
        "experts": list(experts),
    })).hexdigest()


def unavailable_lines(unavailable: Mapping[str, str]) -> list[str]:
    """The unavailable inspectors as sorted "id<TAB>reason" lines."""
    return sorted(f"{inspector}\t{reason}" for inspector, reason in unavailable.items())


@lru_cache(maxsize=256)
def _tokens_hash(tokens: frozenset[str]) -> str:
    """pool_hash of a set of required tokens: a draw has a few distinct sets and 30,000 objects."""
    return pool_hash(tokens)


def team_key(public_key: str, request: TeamRequest, roster_sha256: str) -> str:
    """public key ‖ "team:" ‖ object ‖ "/" ‖ H(required) ‖ "/" ‖ H(unavailable lines) ‖ "/" ‖ roster hash ‖ "/"."""
    object_id = request.object_id
    if not object_id.isascii() or not object_id.isprintable() or "/" in object_id:
        raise PlanningError("draw.object", f"对象标识“{object_id}”须为不含“/”的ASCII", f"bad object id '{object_id}'")
    required = request.required
    unavailable = pool_hash(unavailable_lines(request.unavailable)) if request.unavailable else _NOTHING
    required_hash = _tokens_hash(required) if isinstance(required, frozenset) else pool_hash(required)
    return f"{public_key}team:{object_id}/{required_hash}/{unavailable}/{roster_sha256}/"


class TeamEngine:
    """The state of team matching within one draw: loads, and per token its band and Fenwick tree."""

    def __init__(self, roster: Sequence[Candidate], rules: TeamRules, *, experts: Sequence[str] = (),
                 version: str = RFC3797) -> None:
        check_version(version)
        self.roster = sorted(roster, key=lambda c: (c.credential_no, c.id))
        self.experts = sorted(experts)
        self.rules, self.version = rules, version
        self._pos = {c.id: p for p, c in enumerate(self.roster)}
        if len(self._pos) != len(self.roster) or len(set(self.experts)) != len(self.experts):
            raise PlanningError("team.roster", "检查人员名单有重复", "the roster lists someone twice")
        self._load = [c.load for c in self.roster]
        self._tokens = [frozenset({ANY, *map(check_token, c.tokens)}) for c in self.roster]
        self._holders: dict[str, list[int]] = {}
        for p, tokens in enumerate(self._tokens):
            for token in tokens:
                self._holders.setdefault(token, []).append(p)
        self._index = {t: {p: j for j, p in enumerate(h)} for t, h in self._holders.items()}
        self._levels: dict[str, dict[int, set[int]]] = {t: {} for t in self._holders}
        for p, load in enumerate(self._load):
            if load < rules.load_cap:
                for token in self._tokens[p]:
                    self._levels[token].setdefault(load, set()).add(p)
        self._under_cap = {t: sum(map(len, levels.values())) for t, levels in self._levels.items()}
        self._min = {t: min(levels, default=rules.load_cap) for t, levels in self._levels.items()}
        self._band = {t: min(low + rules.load_slack, rules.load_cap - 1) for t, low in self._min.items()}
        self._trees = {t: FenwickSet(len(h), [self._within(p, self._band[t]) for p in h])
                       for t, h in self._holders.items()}
        self._checked: dict[frozenset[str], list[str]] = {}
        # per inspector, for each token held: (token, its load levels, its tree, the inspector's place in it),
        # so that committing a team looks nothing up by token name (30,000 teams, 150,000 token updates)
        self._slots = [[(t, self._levels[t], self._trees[t], self._index[t][p]) for t in sorted(tokens)]
                       for p, tokens in enumerate(self._tokens)]

    def _within(self, p: int, t: int) -> bool:
        return self._load[p] <= t and self._load[p] < self.rules.load_cap

    def _available(self, token: str, skip: set[int]) -> int:
        if not skip:  # most objects: nobody recused
            return self._under_cap.get(token, 0)
        index, cap = self._index.get(token, {}), self.rules.load_cap
        return self._under_cap.get(token, 0) - sum(1 for q in skip if q in index and self._load[q] < cap)

    def _unstaffed(self, required: list[str], skip: set[int]) -> tuple[str, list[str]] | None:
        size = self.rules.team_size
        missing = [r for r in required if not self._available(r, skip)]
        if any(not any(q not in skip for q in self._holders.get(r, ())) for r in missing):
            return "team.uncovered", missing
        if missing:
            return "team.capped", missing
        if self._available(ANY, skip) < size:
            return ("team.too_few" if len(self.roster) - len(skip) < size else "team.capped"), []
        return None

    def _widened(self, token: str, skip: set[int]) -> list[int]:
        """Every band holder is unavailable: the holders up to the lowest load any candidate has."""
        levels = self._levels[token]
        lowest = min(level for level, people in levels.items() if people - skip)
        people = [q for level, group in levels.items() if level <= lowest for q in group if q not in skip]
        return sorted(people, key=self._index[token].__getitem__)

    def _number(self, key: bytes, i: int) -> int:
        """sortition.draw_number(key, i) for a key already encoded (the same digest, one encoding per object)."""
        counter = i.to_bytes(2, "big") if i < 1 << 16 else counter_bytes(i, self.version)
        return int.from_bytes(md5(counter + key + counter).digest(), "big")

    def _pick(self, token: str, skip: set[int], key: bytes, i: int) -> tuple[int, int]:
        index, band, tree = self._index[token], self._band[token], self._trees[token]
        load, cap = self._load, self.rules.load_cap
        skipped = [index[q] for q in skip if q in index and load[q] <= band and load[q] < cap]
        if len(skipped) > 1:
            skipped.sort()
        count = len(tree) - len(skipped)
        number = self._number(key, i)
        if not count:
            candidates = self._widened(token, skip)
            return candidates[number % len(candidates)], len(candidates)
        rank = j = number % count
        if not skipped:
            return self._holders[token][tree.kth(rank)], count
        while True:  # the least j whose element is the rank-th one not skipped
            x = tree.kth(j)
            nxt = rank + bisect_right(skipped, x)
            if nxt == j:
                return self._holders[token][x], count
            j = nxt

    def _required(self, tokens: frozenset[str]) -> list[str]:
        """The checked tokens in code-point order (a draw asks for a few distinct sets, 30,000 times)."""
        tokens = frozenset(tokens)  # the same object when it already is one
        required = self._checked.get(tokens)
        if required is None:
            required = self._checked[tokens] = sorted(map(check_token, tokens))
        return required

    def choose(self, request: TeamRequest, key: str) -> Team:
        """The team this object would get now; the engine's state is not changed."""
        skip = {self._pos[i] for i in request.unavailable if i in self._pos}
        required = self._required(request.required)
        problem = self._unstaffed(required, skip)
        if problem:
            return Team(request.object_id, key, [], [], "unstaffed", problem[0], problem[1])
        members: list[int] = []
        covered: set[str] = set()
        forced, size, encoded = True, self.rules.team_size, key_bytes(key)
        for token in required + [ANY] * size:
            if len(members) >= size if token == ANY else token in covered:
                continue
            p, count = self._pick(token, skip, encoded, len(members))
            forced = forced and count == 1
            members.append(p)
            skip.add(p)
            covered |= self._tokens[p]
        experts = self._experts(key, len(members))
        return Team(request.object_id, key, [self.roster[p].id for p in members], experts, "staffed",
                    forced=forced)

    def _experts(self, key: str, first: int) -> list[str]:
        if not self.rules.experts_per_team:
            return []
        remaining, chosen, encoded = list(self.experts), [], key_bytes(key)
        for i in range(first, first + min(self.rules.experts_per_team, len(remaining))):
            chosen.append(remaining.pop(self._number(encoded, i) % len(remaining)))
        return chosen

    def commit(self, team: Team) -> None:
        """Count the team's members as one task busier; a token's band rises with its lowest load."""
        cap = self.rules.load_cap
        bands, lows, loads, under_cap = self._band, self._min, self._load, self._under_cap
        for member in team.members:
            p = self._pos[member]
            old = loads[p]
            new = loads[p] = old + 1
            for token, levels, tree, place in self._slots[p]:
                levels[old].discard(p)
                if new < cap:
                    above = levels.get(new)
                    if above is None:
                        above = levels[new] = set()
                    above.add(p)
                else:
                    under_cap[token] -= 1
                band = bands[token]
                if old <= band and not (new <= band and new < cap):
                    tree.remove(place)
                if not levels.get(lows[token]):
                    self._raise_band(token)  # rarely: the lowest load left its level (the band follows it)

    def _raise_band(self, token: str) -> None:
        cap, levels = self.rules.load_cap, self._levels[token]
        while self._min[token] < cap and not levels.get(self._min[token]):
            self._min[token] += 1
        target = min(self._min[token] + self.rules.load_slack, cap - 1)
        while self._band[token] < target:
            self._band[token] += 1
            for p in levels.get(self._band[token], ()):
                self._trees[token].add(self._index[token][p])

    def match(self, request: TeamRequest, key: str) -> Team:
        """Choose the object's team and commit it."""
        team = self.choose(request, key)
        self.commit(team)
        return team


def iter_teams(requests: Sequence[TeamRequest], roster: Sequence[Candidate], rules: TeamRules, *,
               public_key: str, experts: Sequence[str] = (), version: str = RFC3797,
               roster_sha256: str | None = None) -> Iterator[Team]:
    """Staff every object in order with its own derived key, yielding each team as it is matched; unstaffed
    objects are reported, never dropped. `roster_sha256`, when the caller has it (`record.roster_entry`),
    spares hashing the roster again."""
    engine = TeamEngine(roster, rules, experts=experts, version=version)
    digest = roster_sha256 or roster_hash(engine.roster, engine.experts, rules)
    for request in requests:
        yield engine.match(request, team_key(public_key, request, digest))


def match_teams(requests: Sequence[TeamRequest], roster: Sequence[Candidate], rules: TeamRules, *,
                public_key: str, experts: Sequence[str] = (), version: str = RFC3797,
                roster_sha256: str | None = None) -> list[Team]:
    """Every object's team (`iter_teams`), as a list."""
    return list(iter_teams(requests, roster, rules, public_key=public_key, experts=experts, version=version,
                           roster_sha256=roster_sha256))
