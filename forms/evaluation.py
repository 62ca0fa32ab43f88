"""Compile an expression AST into nested closures `(scope, current) -> value`: fast, and still no eval.

A scope (see `forms.scope`) answers `value(name)` (the visible, typed value of a field, missing when hidden),
`top` (the form-level scope), `today`, `column(repeat, name)` (a field's values over the rows of a repeat)
and `row_count(repeat)`. `resolve(name, in_aggregate)` tells how a reference reads: ("row", None) for a
sibling in the same repeat row, ("top", None) for a form-level field, ("column", repeat) or ("rows", repeat)
for a repeat's field or the repeat itself inside count/sum/min/max.
"""

from __future__ import annotations

from collections.abc import Callable

from forms.expressions import Binary, Call, Current, Literal, Ref, Unary
from forms.functions import AGGREGATES, SCALAR, aggregate
from forms.patterns import compile_pattern
from forms.values import arithmetic, equals, order, to_number, to_text, truthy

Compiled = Callable[[object, object], object]
Resolver = Callable[[str, bool], tuple[str, str | None]]


def compile_expression(node: object, resolve: Resolver) -> Compiled:
    """A closure computing `node`; `resolve` places every reference (see the module docstring)."""
    kind = type(node)
    if kind is Literal:
        constant = node.value
        return lambda scope, current: constant
    if kind is Current:
        return lambda scope, current: current
    if kind is Ref:
        return _reference(node.name, resolve)
    if kind is Unary:
        operand = compile_expression(node.operand, resolve)

        def negate(scope, current):
            number = to_number(operand(scope, current))
            return None if number is None else -number
        return negate
    if kind is Binary:
        return _binary(node.op, compile_expression(node.left, resolve), compile_expression(node.right, resolve))
    return _call(node, resolve)


def _reference(name: str, resolve: Resolver) -> Compiled:
    where, _ = resolve(name, False)
    if where == "row":
        return lambda scope, current: scope.value(name)
    return lambda scope, current: scope.top.value(name)


def _binary(op: str, left: Compiled, right: Compiled) -> Compiled:
    if op == "and":
        return lambda s, c: truthy(left(s, c)) and truthy(right(s, c))
    if op == "or":
        return lambda s, c: truthy(left(s, c)) or truthy(right(s, c))
    if op == "=":
        return lambda s, c: equals(left(s, c), right(s, c))
    if op == "!=":
        return lambda s, c: not equals(left(s, c), right(s, c))
    if op in ("<", "<=", ">", ">="):
        test = {"<": lambda o: o < 0, "<=": lambda o: o <= 0, ">": lambda o: o > 0, ">=": lambda o: o >= 0}[op]

        def compare(s, c):
            sign = order(left(s, c), right(s, c))
            return sign is not None and test(sign)
        return compare
    return lambda s, c: arithmetic(op, left(s, c), right(s, c))


def _call(node: Call, resolve: Resolver) -> Compiled:
    name = node.name
    if name in AGGREGATES:
        return _aggregate(node, resolve)
    if name == "today":
        return lambda scope, current: scope.top.today
    args = [compile_expression(arg, resolve) for arg in node.args]
    if name == "if":
        test, then, otherwise = args
        return lambda s, c: then(s, c) if truthy(test(s, c)) else otherwise(s, c)
    if name == "regex":
        value, pattern = args[0], compile_pattern(node.args[1].value)

        def matches(s, c):
            text = value(s, c)
            return text is not None and pattern.search(to_text(text)) is not None
        return matches
    function = SCALAR[name]
    if not args:
        return lambda s, c: function()
    if len(args) == 1:
        only = args[0]
        return lambda s, c: function(only(s, c))
    if len(args) == 2:
        first, second = args
        return lambda s, c: function(first(s, c), second(s, c))
    return lambda s, c: function(*[arg(s, c) for arg in args])


def _aggregate(node: Call, resolve: Resolver) -> Compiled:
    """count/sum/min/max: a repeat's column or rows when given a reference to them, else scalar arguments."""
    name = node.name
    if len(node.args) == 1 and type(node.args[0]) is Ref:
        where, repeat = resolve(node.args[0].name, True)
        field = node.args[0].name
        if where == "rows":
            return lambda s, c: aggregate(name, [], s.top.row_count(repeat))
        if where == "column":
            return lambda s, c: aggregate(name, s.top.column(repeat, field))
    parts = [_aggregate_part(arg, resolve) for arg in node.args]
    return lambda s, c: aggregate(name, [value for part in parts for value in part(s, c)])


def _aggregate_part(arg: object, resolve: Resolver) -> Callable[[object, object], list]:
    if type(arg) is Ref:
        where, repeat = resolve(arg.name, True)
        if where == "column":
            return lambda s, c: s.top.column(repeat, arg.name)
        if where == "rows":
            return lambda s, c: [float(s.top.row_count(repeat))]
    single = compile_expression(arg, resolve)
    return lambda s, c: [single(s, c)]
