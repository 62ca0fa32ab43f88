"""Parsing one import cell: text, codes, enums, USCC, dates, booleans, counts, lists, qualifications."""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Callable
from typing import Any, NamedTuple

from backend.registry.uscc import validate_uscc
from backend.registry.vocab import QUALIFICATIONS, Labelled

LIST_MAX = 1000
_SEPARATORS = re.compile(r"[;,、；，\s]+")
_DATE = re.compile(r"(\d{4})[-/.年](\d{1,2})[-/.月](\d{1,2})日?(?: 00:00(?::00)?)?|(\d{4})(\d{2})(\d{2})")
_BOOLS = {"是": True, "否": False, "true": True, "false": False, "1": True, "0": False,
          "yes": True, "no": False, "y": True, "n": False}


class Invalid(ValueError):
    """A cell value that breaks a rule: stable code and bilingual message."""

    def __init__(self, code: str, message_zh: str, message_en: str) -> None:
        super().__init__(message_en)
        self.code, self.message_zh, self.message_en = code, message_zh, message_en


class Warned(NamedTuple):
    """An accepted value that deserves a warning."""

    value: Any
    code: str
    message_zh: str
    message_en: str


def as_text(raw: str) -> str:
    return raw


def as_code(raw: str) -> str:
    return "".join(raw.split()).upper()


def enum_parser(cls: type[Labelled]) -> Callable[[str], str]:
    # A lookup table of the usual spellings spares Labelled.parse's scan on every row.
    spellings = {name: m.value for m in cls for name in (m.value, m.zh, m.value.lower(), m.en.lower())}

    def parse(raw: str) -> str:
        found = spellings.get(raw) or spellings.get(raw.lower())
        if found is not None:
            return found
        try:
            return cls.parse(raw).value
        except ValueError:
            accepted = ", ".join(f"{m.value} ({m.en})" for m in cls)
            raise Invalid("value.enum", f"“{raw}”不是有效值，可选：{cls.choices_text()}",
                          f"'{raw}' is not accepted; use one of: {accepted}") from None
    return parse


def as_uscc(raw: str) -> Any:
    result = validate_uscc(raw)
    if result.problem is not None:
        p = result.problem
        raise Invalid(p.code, p.message_zh, p.message_en)
    if result.legacy:
        return Warned(result.value, "uscc.legacy", "15位旧版注册号，已接受，请尽快更新为统一社会信用代码",
                      "15-digit legacy registration number accepted; replace it with the USCC")
    return result.value


def as_date(raw: str) -> dt.date:
    match = _DATE.fullmatch(raw)
    try:
        if match is None:
            raise ValueError(raw)
        y, m, d = (int(g) for g in (match.groups()[:3] if match.group(1) else match.groups()[3:]))
        return dt.date(y, m, d)
    except ValueError:
        raise Invalid("value.date", f"“{raw}”不是有效日期，请写作2024-01-31",
                      f"'{raw}' is not a valid date; write it as 2024-01-31") from None


def as_bool(raw: str) -> bool:
    try:
        return _BOOLS[raw.lower()]
    except KeyError:
        raise Invalid("value.bool", f"“{raw}”应为“是”或“否”", f"'{raw}' must be yes or no (是/否)") from None


def as_count(raw: str) -> int:
    if re.fullmatch(r"[0-9]+(?:\.0+)?", raw) is None:
        raise Invalid("value.int", f"“{raw}”应为不小于0的整数", f"'{raw}' must be a whole number ≥ 0")
    return int(raw.split(".")[0])


def as_list(raw: str) -> list[str]:
    items = list(dict.fromkeys(part for part in _SEPARATORS.split(raw) if part))
    for item in items:
        if len(item) > 100:
            raise Invalid("value.too_long", f"“{item[:20]}…”超过100个字符",
                          f"'{item[:20]}…' exceeds 100 characters")
    return items


def as_codes(raw: str) -> list[str]:
    return list(dict.fromkeys(item.upper() for item in as_list(raw)))


_QUALIFICATION_NAMES = {
    name.lower(): code for code, (zh, en) in QUALIFICATIONS.items() for name in (code, zh, en)
}
_PUNCTUATION = re.compile(r"[;,、；，\n]+")


def as_qualification(name: str) -> str:
    code = _QUALIFICATION_NAMES.get(name.lower())
    if code is None:
        choices = "、".join(f"{zh}/{code}" for code, (zh, _) in QUALIFICATIONS.items())
        raise Invalid("value.qualification", f"执法资质“{name}”不存在，可选：{choices}",
                      f"unknown qualification '{name}'; use one of: {', '.join(QUALIFICATIONS)}")
    return code


def as_qualifications(raw: str) -> list[str]:
    codes = []
    for piece in _PUNCTUATION.split(raw):
        piece = " ".join(piece.split())
        if piece.lower() in _QUALIFICATION_NAMES:  # an English label such as "food safety" has spaces
            codes.append(_QUALIFICATION_NAMES[piece.lower()])
        else:
            codes += [as_qualification(word) for word in piece.split()]
    return list(dict.fromkeys(codes))
