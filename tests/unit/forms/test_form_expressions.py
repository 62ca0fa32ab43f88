"""The expression language's parts: tokens, trees, canonical text, references, portable regex, number text."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from forms.errors import ExpressionError
from forms.expressions import (Binary, Call, Current, Literal, Ref, Unary, expression_text, parse_expression,
                               references, tokenize, uses_current)
from forms.patterns import compile_pattern, portable_pattern
from forms.values import equals, number_text, order, to_date, to_number, to_text


def test_tokens_and_hyphenated_function_names():
    assert [t[:2] for t in tokenize("count-selected(a-b) - 1")] == [
        ("name", "count-selected"), ("op", "("), ("name", "a"), ("op", "-"), ("name", "b"), ("op", ")"),
        ("op", "-"), ("number", "1"), ("end", "")]
    assert [t[:2] for t in tokenize("${x}>=.5")] == [("ref", "x"), ("op", ">="), ("number", ".5"), ("end", "")]


def test_tree_shapes():
    assert parse_expression("a = 'x' or not(b) and c < 2") == Binary(
        "or", Binary("=", Ref("a"), Literal("x")),
        Binary("and", Call("not", (Ref("b"),)), Binary("<", Ref("c"), Literal(2.0))))
    assert parse_expression("-.") == Unary(Current())
    assert parse_expression("${a} div 2 mod 3") == Binary("mod", Binary("div", Ref("a"), Literal(2.0)), Literal(3.0))


@pytest.mark.parametrize("text, canonical, xlsform", [
    ("${a}='x'", "a = 'x'", "${a} = 'x'"),
    ("(a + b) * c", "(a + b) * c", "(${a} + ${b}) * ${c}"),
    ("a - (b - c)", "a - (b - c)", "${a} - (${b} - ${c})"),
    ("(a - b) - c", "a - b - c", "${a} - ${b} - ${c}"),
    ("-(a + 1)", "-(a + 1)", "-(${a} + 1)"),
    ("selected( ${m} , \"it's\" )", "selected(m, \"it's\")", "selected(${m}, \"it's\")"),
    ("1.50 + 007", "1.5 + 7", "1.5 + 7"),
    (". >= today()", ". >= today()", ". >= today()"),
])
def test_canonical_text(text, canonical, xlsform):
    tree = parse_expression(text)
    assert expression_text(tree) == canonical
    assert expression_text(tree, xlsform=True) == xlsform


def test_references_mark_aggregate_arguments():
    tree = parse_expression("sum(w) + count(rows) + max(w, a) + if(b, c, sum(w + 1))")
    assert references(tree) == [("w", True), ("rows", True), ("w", True), ("a", True), ("b", False), ("c", False),
                                ("w", False)]
    assert uses_current(parse_expression("a + string-length(.)")) and not uses_current(parse_expression("a"))


@pytest.mark.parametrize("text, code, position", [
    ("a +", "syntax", 3), ("a @ b", "syntax", 2), ("nope(1)", "unknown_function", 0), ("not(1, 2)", "arity", 0),
    ("regex(a, '[')", "regex", 0),
])
def test_parse_errors_carry_code_and_position(text, code, position):
    with pytest.raises(ExpressionError) as refused:
        parse_expression(text)
    assert (refused.value.code, refused.value.position) == (code, position)
    assert refused.value.zh and refused.value.en


names = st.sampled_from(["a", "b", "qty", "field_1"])
leaves = st.one_of(names.map(Ref), st.just(Current()), st.integers(0, 10 ** 6).map(lambda n: Literal(float(n))),
                   st.floats(0, 1e6, allow_nan=False).map(Literal), st.text("xyz 中'", max_size=5).map(Literal))
OPERATORS = ["or", "and", "=", "!=", "<", "<=", ">", ">=", "+", "-", "*", "div", "mod"]
trees = st.recursive(leaves, lambda inner: st.one_of(
    st.tuples(st.sampled_from(OPERATORS), inner, inner).map(lambda t: Binary(*t)),
    inner.map(Unary),
    st.lists(inner, min_size=2, max_size=3).map(lambda args: Call("concat", tuple(args))),
    st.tuples(inner, inner).map(lambda args: Call("coalesce", args))), max_leaves=12)


@given(trees)
def test_printing_then_parsing_gives_the_same_tree(tree):
    assert parse_expression(expression_text(tree)) == tree
    assert parse_expression(expression_text(tree, xlsform=True)) == tree


@pytest.mark.parametrize("pattern, python", [
    (r"^\d{6}$", r"^[0-9]{6}\Z"), (r"\w+\s\W", r"[A-Za-z0-9_]+[ \t\n\r\f\v][^A-Za-z0-9_]"),
    (r"[\d.-]", r"[0-9.-]"), (r"a\-b", r"a\-b"), (r"(?:ab)+?", r"(?:ab)+?"), (r"[^\s]", r"[^ \t\n\r\f\v]"),
])
def test_portable_patterns_are_rewritten_explicitly(pattern, python):
    assert portable_pattern(pattern) == python


@pytest.mark.parametrize("pattern", [r"(?i)a", r"(?P<x>a)", r"a(?!b)", r"\1", r"\p{L}", r"a{,2}", r"a*+", "[a", "]",
                                     "a}", r"[\w-z]", "[[a]]", "[a--b]", "x" * 501, "\\"])
def test_unportable_patterns_are_refused(pattern):
    with pytest.raises(ExpressionError) as refused:
        compile_pattern(pattern)
    assert refused.value.code == "regex"


@pytest.mark.parametrize("number, text", [
    (0.0, "0"), (-0.0, "0"), (3.0, "3"), (0.1 + 0.2, "0.30000000000000004"), (1e21, "1e+21"), (1.5e-7, "1.5e-7"),
    (0.000001, "0.000001"), (123456789.125, "123456789.125"), (-2.5e30, "-2.5e+30"),
    (2.0 ** 70, "1.1805916207174113e+21"),
    (1e20, "100000000000000000000"), (5e-324, "5e-324"),
])
def test_numbers_print_as_javascript_prints_them(number, text):
    assert number_text(number) == text


def test_conversions():
    assert to_number(" 12.5 ") == 12.5 and to_number("1e3") is None and to_number("١") is None
    assert to_date("2024-02-29").isoformat() == "2024-02-29" and to_date("2023-02-29") is None
    assert to_text(to_date(0.0)) == "1970-01-01" and to_date(1e12) is None
    assert equals(None, "") and not equals(None, 0.0) and equals(True, "x") and equals("3", 3.0)
    assert order("b", "a") == 1 and order(None, 1.0) is None and order(("a",), "a") is None
