"""The expression language: tokenizer, parser to an AST, canonical printer, references. Never eval'd.

Grammar (lowest precedence first; all binary operators associate to the left)::

    expr    := and ("or" and)*
    and     := eq ("and" eq)*
    eq      := rel (("=" | "!=") rel)*
    rel     := add (("<" | "<=" | ">" | ">=") add)*
    add     := mul (("+" | "-") mul)*
    mul     := unary (("*" | "div" | "mod") unary)*
    unary   := "-" unary | primary
    primary := NUMBER | STRING | "." | NAME | "${" NAME "}" | FUNCTION "(" [expr ("," expr)*] ")" | "(" expr ")"

NAME is `[A-Za-z_][A-Za-z0-9_]*`; function names may contain hyphens (`count-selected`). Strings are quoted
with ' or " and have no escapes. `and or div mod` are reserved. Evaluation lives in `forms.evaluation`.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from decimal import Decimal

from forms.errors import ExpressionError
from forms.functions import FUNCTIONS
from forms.patterns import compile_pattern
from forms.values import number_text

MAX_LENGTH, MAX_DEPTH = 4000, 60
RESERVED = frozenset({"and", "or", "div", "mod"})
LEVELS = (("or",), ("and",), ("=", "!="), ("<", "<=", ">", ">="), ("+", "-"), ("*", "div", "mod"))
PRECEDENCE = {op: level for level, ops in enumerate(LEVELS) for op in ops}
TOKEN = re.compile(r"""
    (?P<space>[ \t\r\n]+)
  | (?P<number>[0-9]+(?:\.[0-9]+)?|\.[0-9]+)
  | (?P<string>'[^']*'|"[^"]*")
  | (?P<ref>\$\{(?P<ref_name>[A-Za-z_][A-Za-z0-9_]*)\})
  | (?P<name>[A-Za-z_][A-Za-z0-9_]*(?:-[A-Za-z_][A-Za-z0-9_]*)*)
  | (?P<op><=|>=|!=|[=<>+\-*(),.])
""", re.VERBOSE)


@dataclass(frozen=True, slots=True)
class Literal:
    """A number (float) or a string."""
    value: float | str


@dataclass(frozen=True, slots=True)
class Ref:
    """A reference to a field by name (`name` or `${name}`)."""
    name: str


@dataclass(frozen=True, slots=True)
class Current:
    """`.`: the value of the field being checked (constraints, findings)."""


@dataclass(frozen=True, slots=True)
class Call:
    """A function call."""
    name: str
    args: tuple


@dataclass(frozen=True, slots=True)
class Unary:
    """Negation: `-x`."""
    operand: object


@dataclass(frozen=True, slots=True)
class Binary:
    """A binary operator: or and = != < <= > >= + - * div mod."""
    op: str
    left: object
    right: object


def tokenize(text: str) -> list[tuple[str, str, int]]:
    """The tokens of `text` as (kind, text, offset), ending with ("end", "", len)."""
    tokens, position = [], 0
    while position < len(text):
        match = TOKEN.match(text, position)
        if not match:
            raise ExpressionError("syntax", f"第{position + 1}个字符 {text[position]!r} 无法识别",
                                  f"unexpected character {text[position]!r} at {position + 1}", position)
        kind = match.lastgroup if match.lastgroup != "ref_name" else "ref"
        value = match[kind]
        if kind == "name" and "-" in value and not text[match.end():].lstrip(" \t\r\n").startswith("("):
            value = value.split("-", 1)[0]  # `a-b` is a minus b; only function names hold hyphens
        if kind == "ref":
            value = match["ref_name"]
        if kind != "space":
            tokens.append((kind, value, position))
        position = match.start() + (len(value) if kind == "name" else len(match[0]))
    tokens.append(("end", "", len(text)))
    return tokens


class _Parser:
    """Recursive descent over the token list, one method per grammar rule."""

    def __init__(self, text: str) -> None:
        self.text, self.tokens, self.index, self.depth = text, tokenize(text), 0, 0

    def peek(self) -> tuple[str, str, int]:
        """The next token, not consumed."""
        return self.tokens[self.index]

    def take(self) -> tuple[str, str, int]:
        """The next token, consumed."""
        token = self.tokens[self.index]
        self.index += 1
        return token

    def fail(self, token: tuple[str, str, int], zh: str, en: str) -> ExpressionError:
        """A syntax error at `token`."""
        shown = repr(token[1]) if token[0] != "end" else "表达式结尾"
        shown_en = repr(token[1]) if token[0] != "end" else "end of expression"
        return ExpressionError("syntax", f"第{token[2] + 1}个字符处（{shown}）{zh}",
                               f"{en} at {token[2] + 1} ({shown_en})", token[2])

    def binary(self, level: int) -> object:
        """Operators of precedence `level` and above (LEVELS), left-associative."""
        if level == len(LEVELS):
            return self.unary()
        node = self.binary(level + 1)
        while self.peek()[1] in LEVELS[level] and self.peek()[0] in ("op", "name"):
            op = self.take()[1]
            node = Binary(op, node, self.binary(level + 1))
        return node

    def unary(self) -> object:
        """Negation or a primary."""
        if self.peek() == ("op", "-", self.peek()[2]):
            self.take()
            return Unary(self.nested(self.unary))
        return self.primary()

    def nested(self, rule) -> object:
        """Apply `rule` one level deeper, refusing nesting beyond MAX_DEPTH."""
        self.depth += 1
        if self.depth > MAX_DEPTH:
            raise self.fail(self.peek(), "嵌套过深", "nested too deeply")
        node = rule()
        self.depth -= 1
        return node

    def primary(self) -> object:
        """A literal, `.`, a reference, a call or a parenthesised expression."""
        kind, value, position = token = self.take()
        if kind == "number":
            return Literal(float(value))
        if kind == "string":
            return Literal(value[1:-1])
        if kind == "ref":
            return Ref(value)
        if token[:2] == ("op", "."):
            return Current()
        if token[:2] == ("op", "("):
            node = self.nested(lambda: self.binary(0))
            self.expect(")")
            return node
        if kind == "name" and value not in RESERVED:
            if self.peek()[:2] == ("op", "("):
                return self.call(value, position)
            if "-" not in value:
                return Ref(value)
        raise self.fail(token, "应为数值、字符串、字段或函数", "expected a number, string, field or function")

    def call(self, name: str, position: int) -> Call:
        """The arguments of a function call, checked against the function table."""
        self.take()
        args = []
        if self.peek()[:2] != ("op", ")"):
            args.append(self.nested(lambda: self.binary(0)))
            while self.peek()[:2] == ("op", ","):
                self.take()
                args.append(self.nested(lambda: self.binary(0)))
        self.expect(")")
        check_call(name, args, position)
        return Call(name, tuple(args))

    def expect(self, op: str) -> None:
        """Consume `op` or fail."""
        token = self.take()
        if token[:2] != ("op", op):
            raise self.fail(token, f"应为 {op}", f"expected {op!r}")


def check_call(name: str, args: list, position: int) -> None:
    """Refuse unknown functions, wrong argument counts and regex() patterns that are not portable."""
    if name not in FUNCTIONS:
        raise ExpressionError("unknown_function", f"未知函数 {name}()", f"unknown function {name}()", position)
    low, high = FUNCTIONS[name]
    if len(args) < low or (high is not None and len(args) > high):
        wanted = f"{low}" if low == high else f"{low}-{high if high is not None else '…'}"
        raise ExpressionError("arity", f"{name}() 需要 {wanted} 个参数，实际 {len(args)} 个",
                              f"{name}() takes {wanted} arguments, got {len(args)}", position)
    if name == "regex":
        if not isinstance(args[1], Literal) or not isinstance(args[1].value, str):
            raise ExpressionError("regex", "regex() 的第二个参数须是字符串常量",
                                  "the second argument of regex() must be a string literal", position)
        compile_pattern(args[1].value)


def parse_expression(text: str) -> object:
    """The AST of `text`; raises ExpressionError (codes syntax, unknown_function, arity, regex)."""
    if not isinstance(text, str) or not text.strip():
        raise ExpressionError("syntax", "表达式为空", "the expression is empty")
    if len(text) > MAX_LENGTH:
        raise ExpressionError("syntax", f"表达式超过{MAX_LENGTH}个字符", f"longer than {MAX_LENGTH} characters")
    parser = _Parser(text)
    node = parser.binary(0)
    if parser.peek()[0] != "end":
        raise parser.fail(parser.peek(), "之后有多余内容", "unexpected text")
    if tree_depth(node) > MAX_DEPTH:
        raise ExpressionError("syntax", f"表达式嵌套超过{MAX_DEPTH}层", f"nested deeper than {MAX_DEPTH} levels")
    return node


def tree_depth(node: object) -> int:
    """The depth of an AST, measured without recursion (a long `a + b + c …` chain is deep)."""
    deepest, stack = 0, [(node, 1)]
    while stack:
        current, depth = stack.pop()
        deepest = max(deepest, depth)
        stack.extend((child, depth + 1) for child in children(current))
    return deepest


def children(node: object) -> tuple:
    """The direct sub-expressions of a node."""
    if isinstance(node, Call):
        return node.args
    if isinstance(node, Unary):
        return (node.operand,)
    if isinstance(node, Binary):
        return (node.left, node.right)
    return ()


def expression_text(node: object, *, xlsform: bool = False) -> str:
    """Canonical text of an AST (minimal parentheses); `xlsform=True` writes references as ${name}."""
    if isinstance(node, Literal):
        if isinstance(node.value, str):
            return f'"{node.value}"' if "'" in node.value else f"'{node.value}'"
        text = number_text(node.value)
        return format(Decimal(repr(node.value)), "f") if "e" in text else text  # the grammar has no exponents
    if isinstance(node, Ref):
        return f"${{{node.name}}}" if xlsform else node.name
    if isinstance(node, Current):
        return "."
    if isinstance(node, Call):
        return f"{node.name}({', '.join(expression_text(a, xlsform=xlsform) for a in node.args)})"
    if isinstance(node, Unary):
        inner = expression_text(node.operand, xlsform=xlsform)
        return f"-({inner})" if isinstance(node.operand, Binary) else f"-{inner}"
    level = PRECEDENCE[node.op]
    left = expression_text(node.left, xlsform=xlsform)
    right = expression_text(node.right, xlsform=xlsform)
    if isinstance(node.left, Binary) and PRECEDENCE[node.left.op] < level:
        left = f"({left})"
    if isinstance(node.right, Binary) and PRECEDENCE[node.right.op] <= level:
        right = f"({right})"
    return f"{left} {node.op} {right}"


def references(node: object, aggregate: bool = False) -> list[tuple[str, bool]]:
    """Every field reference as (name, directly inside count/sum/min/max), in reading order."""
    if isinstance(node, Ref):
        return [(node.name, aggregate)]
    if isinstance(node, Call):
        inside = node.name in ("count", "sum", "min", "max")
        return [ref for arg in node.args
                for ref in (references(arg, inside) if isinstance(arg, Ref) else references(arg))]
    if isinstance(node, Unary):
        return references(node.operand)
    if isinstance(node, Binary):
        return references(node.left) + references(node.right)
    return []


def uses_current(node: object) -> bool:
    """True when the expression reads `.` somewhere."""
    return isinstance(node, Current) or any(uses_current(child) for child in children(node))
