"""The value model of expressions: missing, number, text, boolean, date, list; conversions and comparisons.

Numbers are IEEE doubles (Python float), like JavaScript's, so both evaluators compute the same bits.
Missing (`None`) stands for an unanswered, hidden or non-numeric value; it propagates through arithmetic.
Every rule here has a twin in `pwa/forms/values.js`; the shared vectors hold them together.
"""

from __future__ import annotations

import math
import re
from datetime import date
from decimal import Decimal

EPOCH_ORDINAL = date(1970, 1, 1).toordinal()
FIRST_DAY, LAST_DAY = 1 - EPOCH_ORDINAL, date(9999, 12, 31).toordinal() - EPOCH_ORDINAL
NUMERIC_TEXT = re.compile(r"[ \t\n\r]*[+-]?(?:[0-9]+(?:\.[0-9]*)?|\.[0-9]+)[ \t\n\r]*")
DATE_TEXT = re.compile(r"([0-9]{4})-([0-9]{2})-([0-9]{2})")


def is_missing(value: object) -> bool:
    """True for what counts as no answer: None, the empty string, an empty list."""
    return value is None or value == "" or value == () or value == []


def to_number(value: object) -> float | None:
    """A number, or missing: booleans are 1/0, dates their day count since 1970-01-01, text must be decimal."""
    kind = type(value)
    if kind is float:
        return value
    if kind is str:
        return float(value) if NUMERIC_TEXT.fullmatch(value) else None
    if kind is bool:
        return 1.0 if value else 0.0
    if kind is date:
        return float(value.toordinal() - EPOCH_ORDINAL)
    if kind is int:
        return float(value)
    return None


def to_date(value: object) -> date | None:
    """A date, or missing: from a date, 'YYYY-MM-DD' text, or a day count since 1970-01-01."""
    kind = type(value)
    if kind is date:
        return value
    if kind is str:
        return parse_date(value)
    if kind is float or kind is int:
        days = math.floor(value)
        return date.fromordinal(days + EPOCH_ORDINAL) if FIRST_DAY <= days <= LAST_DAY else None
    return None


def parse_date(text: str) -> date | None:
    """A calendar date from exactly 'YYYY-MM-DD' (years 0001-9999), or None."""
    match = DATE_TEXT.fullmatch(text)
    if not match:
        return None
    try:
        return date(int(match[1]), int(match[2]), int(match[3]))
    except ValueError:
        return None


def to_text(value: object) -> str:
    """Text: missing is '', numbers as JavaScript prints them, booleans 'true'/'false', lists space-joined."""
    kind = type(value)
    if kind is str:
        return value
    if value is None:
        return ""
    if kind is float or kind is int:
        return number_text(float(value))
    if kind is bool:
        return "true" if value else "false"
    if kind is date:
        return value.isoformat()
    return " ".join(value)


def number_text(number: float) -> str:
    """The shortest text that reads back as `number`, laid out as JavaScript's String(number) does."""
    if number == 0:
        return "0"
    if number.is_integer() and abs(number) < 1e21:
        return str(int(number))
    _, digit_tuple, exponent = Decimal(repr(abs(number))).as_tuple()
    raw = "".join(map(str, digit_tuple))
    digits = raw.rstrip("0")
    point = len(raw) + exponent
    sign = "-" if number < 0 else ""
    if 0 < point <= 21:
        body = digits[:point] + "." + digits[point:] if point < len(digits) else digits.ljust(point, "0")
    elif -6 < point <= 0:
        body = "0." + "0" * -point + digits
    else:
        power = point - 1
        mantissa = digits[0] + ("." + digits[1:] if len(digits) > 1 else "")
        body = f"{mantissa}e{'+' if power >= 0 else '-'}{abs(power)}"
    return sign + body


def truthy(value: object) -> bool:
    """Boolean meaning: missing, false, 0, '' and the empty list are false; everything else true."""
    if value is None:
        return False
    kind = type(value)
    if kind is bool:
        return value
    if kind is float or kind is str or kind is tuple:
        return bool(value)
    return True


def equals(left: object, right: object) -> bool:
    """`=`: missing equals missing and ''; booleans, numbers, dates, then text decide the comparison."""
    if left is None or right is None:
        other = right if left is None else left
        return other is None or other == ""
    kinds = (type(left), type(right))
    if bool in kinds:
        return truthy(left) == truthy(right)
    if float in kinds:
        a, b = to_number(left), to_number(right)
        return a is not None and b is not None and a == b
    if date in kinds:
        a, b = to_date(left), to_date(right)
        return a is not None and a == b
    return to_text(left) == to_text(right)


def order(left: object, right: object) -> float | None:
    """Sign of left − right for `< <= > >=`, or None when the two cannot be ordered (missing, lists)."""
    if left is None or right is None or type(left) is tuple or type(right) is tuple:
        return None
    kinds = (type(left), type(right))
    if bool in kinds or float in kinds:
        a, b = to_number(left), to_number(right)
    elif date in kinds:
        a, b = to_date(left), to_date(right)
    else:
        a, b = to_number(left), to_number(right)
        if a is None or b is None:
            a, b = left, right
    if a is None or b is None:
        return None
    return (a > b) - (a < b)


def arithmetic(operator: str, left: object, right: object) -> float | None:
    """`+ - * div mod` on numbers; missing, division by zero and overflow give missing."""
    a, b = to_number(left), to_number(right)
    if a is None or b is None:
        return None
    if operator == "+":
        result = a + b
    elif operator == "-":
        result = a - b
    elif operator == "*":
        result = a * b
    elif b == 0:
        return None
    elif operator == "div":
        result = a / b
    else:
        result = math.fmod(a, b)
    return result if math.isfinite(result) else None
