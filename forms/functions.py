"""The functions of the expression language: their argument counts and their meaning on values.

`if`, `today`, `regex` and the aggregates `count sum min max` need the evaluator's context and are compiled
in `forms.evaluation`; the others are plain functions of their evaluated arguments, listed in SCALAR.
"""

from __future__ import annotations

import math

from forms.values import to_date, to_number, to_text, truthy

FUNCTIONS: dict[str, tuple[int, int | None]] = {
    "not": (1, 1), "true": (0, 0), "false": (0, 0), "if": (3, 3), "coalesce": (2, None),
    "selected": (2, 2), "count-selected": (1, 1), "string-length": (1, 1), "regex": (2, 2),
    "concat": (1, None), "contains": (2, 2), "starts-with": (2, 2), "substr": (2, 3),
    "number": (1, 1), "int": (1, 1), "round": (1, 2), "string": (1, 1), "date": (1, 1), "today": (0, 0),
    "count": (1, 1), "sum": (1, 1), "min": (1, None), "max": (1, None),
}
"""Name → (fewest, most arguments); None means any number."""
AGGREGATES = frozenset({"count", "sum", "min", "max"})
POWERS = tuple(float(10 ** n) for n in range(16))
"""Exact powers of ten for round(): the same constants on both sides, no pow() whose last bit may differ."""


def choices_of(value: object) -> tuple:
    """The chosen values of a multiple choice (a list, or space-separated text as XLSForm stores it)."""
    if value is None:
        return ()
    if type(value) is tuple:
        return value
    return tuple(part for part in to_text(value).split(" ") if part)


def code_points(text: str) -> list[str]:
    """Characters as Unicode code points (JavaScript counts UTF-16 units; both sides count points)."""
    return list(text)


def substr(value: object, start: object, end: object = ...) -> str:
    """Characters from `start` (0-based) up to `end` (exclusive; default the end), clamped to the text."""
    points = code_points(to_text(value))
    first = to_number(start)
    last = len(points) if end is ... else to_number(end)
    if first is None or last is None:
        return ""
    first = max(0, min(len(points), math.trunc(first)))
    last = max(0, min(len(points), math.trunc(last)))
    return "".join(points[first:last]) if last > first else ""


def round_half_away(value: object, digits: object = 0.0) -> float | None:
    """Round half away from zero to `digits` decimals (-15..15), the same bits in Python and JavaScript."""
    number, places = to_number(value), to_number(digits)
    if number is None or places is None or abs(math.trunc(places)) > 15:
        return None
    places = math.trunc(places)
    scale = POWERS[abs(places)]
    size = abs(number)
    rounded = math.floor(size * scale + 0.5) / scale if places >= 0 else math.floor(size / scale + 0.5) * scale
    result = rounded if number >= 0 else -rounded
    return result if math.isfinite(result) else None


def truncate(value: object) -> float | None:
    """The integer part, towards zero."""
    number = to_number(value)
    return None if number is None else float(math.trunc(number))


def coalesce(*values: object) -> object:
    """The first value that is neither missing nor ''."""
    return next((v for v in values if v is not None and v != ""), None)


SCALAR = {
    "not": lambda value: not truthy(value),
    "true": lambda: True,
    "false": lambda: False,
    "coalesce": coalesce,
    "selected": lambda value, choice: to_text(choice) in choices_of(value),
    "count-selected": lambda value: float(len(choices_of(value))),
    "string-length": lambda value: float(len(code_points(to_text(value)))),
    "concat": lambda *values: "".join(to_text(v) for v in values),
    "contains": lambda text, part: to_text(part) in to_text(text),
    "starts-with": lambda text, part: to_text(text).startswith(to_text(part)),
    "substr": substr,
    "number": to_number,
    "int": truncate,
    "round": round_half_away,
    "string": to_text,
    "date": to_date,
}
"""The functions that only need their evaluated arguments."""


def numbers_of(values: list) -> list[float] | None:
    """The numbers among `values` (missing skipped), or None when one is present but not a number."""
    numbers = []
    for value in values:
        if value is None or value == "":
            continue
        number = to_number(value)
        if number is None:
            return None
        numbers.append(number)
    return numbers


def aggregate(name: str, values: list, rows: int | None = None) -> object:
    """count / sum / min / max over the values of a column (or of scalar arguments)."""
    if name == "count":
        return float(rows) if rows is not None else float(sum(1 for v in values if v is not None and v != ""))
    numbers = numbers_of(values)
    if numbers is None:
        return None
    if name == "sum":
        total = 0.0
        for number in numbers:
            total += number
        return total if math.isfinite(total) else None
    if not numbers:
        return None
    return min(numbers) if name == "min" else max(numbers)
