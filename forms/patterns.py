"""regex(): the portable pattern subset that Python's `re` and JavaScript's RegExp read the same way.

Allowed: literals, `.`, `^`, `$`, groups `( )` and `(?: )`, `|`, quantifiers `* + ? {n} {n,} {n,m}` (each may
be made lazy with `?`), classes `[...]` / `[^...]` with ranges, and the escapes `\\d \\w \\s \\D \\W \\S \\b \\B
\\n \\t \\r \\f \\v` plus escaped punctuation. `\\d \\w \\s` mean ASCII digits, ASCII word characters and
ASCII white space in both languages; `.` matches every character, line breaks included; `$` only matches at
the very end. Lookarounds, back-references, named groups, flags and possessive quantifiers are refused, so
a pattern cannot mean one thing on the phone and another on the server.
"""

from __future__ import annotations

import re
from functools import lru_cache

from forms.errors import ExpressionError

MAX_PATTERN = 500
SHORTHAND = {"d": "0-9", "w": "A-Za-z0-9_", "s": " \\t\\n\\r\\f\\v"}
CONTROL = "ntrfv"
PUNCTUATION = "^$\\.*+?()[]{}|/-"
QUANTIFIER = re.compile(r"\{[0-9]+(?:,[0-9]*)?\}")


def _refuse(pattern: str, zh: str, en: str) -> ExpressionError:
    return ExpressionError("regex", f"正则表达式 {pattern!r} {zh}", f"regular expression {pattern!r}: {en}")


def portable_pattern(pattern: str) -> str:
    """The pattern rewritten for Python (`\\d` → `[0-9]`, `$` → `\\Z`); raises ExpressionError if not portable."""
    if len(pattern) > MAX_PATTERN:
        raise _refuse(pattern, "过长", f"longer than {MAX_PATTERN} characters")
    out: list[str] = []
    i, can_repeat, after_quantifier = 0, False, None  # after_quantifier: None, "quantifier" or "lazy"
    while i < len(pattern):
        char = pattern[i]
        if char == "[":
            i, text = _class(pattern, i)
            out.append(text)
            can_repeat, after_quantifier = True, None
            continue
        if char in "*+?{":
            lazy = char == "?" and after_quantifier == "quantifier"
            i = _quantifier(pattern, i, out, can_repeat or lazy)
            can_repeat, after_quantifier = False, "lazy" if lazy else "quantifier"
            continue
        after_quantifier = None
        if char == "\\":
            out.append(_escape(pattern, i))
            can_repeat, i = pattern[i + 1] not in "bB", i + 2
            continue
        if char in "]}":
            raise _refuse(pattern, f"中的 {char} 须写作 \\{char}", f"write a literal {char} as \\{char}")
        if char == "(" and pattern.startswith("(?", i):
            if not pattern.startswith("(?:", i):
                raise _refuse(pattern, "只支持 (?: ) 分组", "only (?: ) groups are supported")
            out.append("(?:")
            i, can_repeat = i + 3, False
            continue
        out.append("\\Z" if char == "$" else char)
        can_repeat, i = char not in "(|^$", i + 1
    return "".join(out)


def _escape(pattern: str, i: int) -> str:
    """An escape outside a class: shorthand classes become explicit ASCII classes."""
    if i + 1 >= len(pattern):
        raise _refuse(pattern, "以 \\ 结尾", "ends with a backslash")
    letter = pattern[i + 1]
    if letter in SHORTHAND:
        return f"[{SHORTHAND[letter]}]"
    if letter.lower() in SHORTHAND:
        return f"[^{SHORTHAND[letter.lower()]}]"
    if letter in "bB" or letter in CONTROL or letter in PUNCTUATION:
        return "\\" + letter
    raise _refuse(pattern, f"不支持转义 \\{letter}", f"unsupported escape \\{letter}")


def _quantifier(pattern: str, i: int, out: list[str], can_repeat: bool) -> int:
    """A quantifier, or the `?` that makes the previous one lazy; returns the index after it."""
    char = pattern[i]
    if not can_repeat:
        raise _refuse(pattern, f"第{i + 1}个字符 {char} 前没有可重复的内容",
                      f"nothing to repeat before {char} at {i + 1}")
    if char != "{":
        out.append(char)
        return i + 1
    match = QUANTIFIER.match(pattern, i)
    if not match:
        raise _refuse(pattern, "中的 { 须是 {n}、{n,} 或 {n,m}，或写作 \\{", "a { must be {n}, {n,} or {n,m}, or \\{")
    out.append(match[0])
    return match.end()


def _class(pattern: str, start: int) -> tuple[int, str]:
    """A character class from `[` to its `]`: returns the index after it and its Python text."""
    i, out, items = start + 1, ["["], []
    if pattern.startswith("^", i):
        out.append("^")
        i += 1
    while i < len(pattern) and pattern[i] != "]":
        char = pattern[i]
        if char == "[" or (char in "&|~-" and pattern.startswith(char * 2, i)):
            raise _refuse(pattern, f"字符类中的 {char} 须转义", f"escape {char} inside a character class")
        if char == "\\":
            letter = pattern[i + 1] if i + 1 < len(pattern) else ""
            if letter in SHORTHAND:
                items.append(("set", SHORTHAND[letter]))
            elif letter and (letter in CONTROL or letter in "\\]-[^"):
                items.append(("char", "\\" + letter))
            else:
                raise _refuse(pattern, f"字符类中不支持 \\{letter}", f"unsupported escape \\{letter} in a class")
            i += 2
            continue
        items.append(("dash", "-") if char == "-" else ("char", char))
        i += 1
    if i >= len(pattern) or not items:
        raise _refuse(pattern, "的字符类未闭合或为空", "has an unclosed or empty character class")
    for index, (kind, _) in enumerate(items):
        inner = 0 < index < len(items) - 1
        if kind == "dash" and inner and not (items[index - 1][0] == "char" and items[index + 1][0] == "char"):
            raise _refuse(pattern, "字符类中的范围两端须是单个字符",
                          "a range in a class must join two single characters")
    out.extend(text for _, text in items)
    return i + 1, "".join(out) + "]"


@lru_cache(maxsize=512)
def compile_pattern(pattern: str) -> re.Pattern:
    """The compiled portable pattern (cached); raises ExpressionError when it is not portable or invalid."""
    source = portable_pattern(pattern)
    try:
        return re.compile(source, re.ASCII | re.DOTALL)
    except re.error as exc:
        raise _refuse(pattern, f"无效：{exc}", f"invalid: {exc}") from None
