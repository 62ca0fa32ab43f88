"""Unified social credit code (统一社会信用代码, GB 32100-2015) validation: pure functions."""

from __future__ import annotations

from dataclasses import dataclass

ALPHABET = "0123456789ABCDEFGHJKLMNPQRTUWXY"
WEIGHTS = tuple(pow(3, i, 31) for i in range(17))
_VALUE = {ch: i for i, ch in enumerate(ALPHABET)}


@dataclass(frozen=True, slots=True)
class UsccProblem:
    """Why a code is not a valid USCC: a stable code, the 1-based position (0 = whole code), bilingual text."""

    code: str
    position: int
    message_zh: str
    message_en: str
    expected: str | None = None


@dataclass(frozen=True, slots=True)
class UsccResult:
    """The normalised code, whether it is a legacy 15-digit registration number, and its problem if any."""

    value: str
    legacy: bool
    problem: UsccProblem | None

    @property
    def ok(self) -> bool:
        return self.problem is None


def check_character(first17: str) -> str:
    """The check character (position 18) for the first 17 characters of a USCC."""
    total = sum(_VALUE[ch] * w for ch, w in zip(first17, WEIGHTS, strict=True))
    return ALPHABET[(31 - total % 31) % 31]


def normalise(raw: str) -> str:
    """Strip surrounding and inner whitespace and upper-case: how people paste codes."""
    return "".join(raw.split()).upper()


def validate_uscc(raw: str, *, allow_legacy: bool = True) -> UsccResult:
    """Validate a USCC; a 15-digit legacy registration number is accepted and flagged when allowed."""
    code = normalise(raw)
    if allow_legacy and len(code) == 15 and code.isdigit():
        return UsccResult(code, True, None)
    if len(code) != 18:
        return UsccResult(code, False, UsccProblem(
            "uscc.length", 0,
            f"统一社会信用代码应为18位，实际为{len(code)}位",
            f"a USCC has 18 characters, this one has {len(code)}",
        ))
    for pos, ch in enumerate(code, start=1):
        if ch not in _VALUE:
            return UsccResult(code, False, UsccProblem(
                "uscc.character", pos,
                f"第{pos}位字符“{ch}”不允许（不使用I、O、S、V、Z）",
                f"character {pos} '{ch}' is not allowed (I, O, S, V, Z are never used)",
            ))
    if not code[2:8].isdigit():
        pos = next(i for i in range(3, 9) if not code[i - 1].isdigit())
        return UsccResult(code, False, UsccProblem(
            "uscc.region", pos,
            f"第3-8位应为行政区划代码（数字），第{pos}位为“{code[pos - 1]}”",
            f"positions 3-8 are a region code (digits); position {pos} is '{code[pos - 1]}'",
        ))
    expected = check_character(code[:17])
    if code[17] != expected:
        return UsccResult(code, False, UsccProblem(
            "uscc.check", 18,
            f"第18位校验码错误：应为“{expected}”，实际为“{code[17]}”",
            f"check character (position 18) is '{code[17]}', expected '{expected}'",
            expected=expected,
        ))
    return UsccResult(code, False, None)
