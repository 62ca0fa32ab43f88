"""Parse a form definition (a JSON dict) into typed, compiled objects, or refuse it with every error's JSON path.

    form = parse_definition(data)        # raises InvalidDefinition(errors)
    errors = definition_errors(data)     # [] when the definition is valid

Paths read like `sections[2].fields[5].relevant`. Checks, in order: the head (format, id, version, title),
choice lists, each node's keys and values, expression syntax, duplicate names, references (unknown names,
repeat rules, `.` outside constraints), then cycles among relevance and calculations.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from forms.errors import ExpressionError, FormError, InvalidDefinition
from forms.expressions import RESERVED, parse_expression, uses_current
from forms.references import check_references, compile_fields, find_cycles
from forms.structure import (FIELD_TYPES, KEYS, NAME, check_choices, check_findings, check_head, check_keys,
                             check_label, check_texts, error, is_count, join)

CONTAINERS = ("section", "group", "repeat")


@dataclass(eq=False, slots=True)
class Field:
    """A section, group, repeat or question, with its parsed and (once valid) compiled expressions."""

    name: str
    type: str
    source: str
    spec: dict
    parent: str | None = None
    repeat: str | None = None
    children: list = field(default_factory=list)
    expressions: dict = field(default_factory=dict)
    choices: frozenset | None = None
    relevant: object = None
    required: object = False
    constraint: object = None
    calculation: object = None
    findings: tuple = ()

    @property
    def label(self) -> dict:
        """The field's label (a section's title), {"zh", "en"}."""
        return self.spec.get("label") or self.spec.get("title") or {"zh": self.name, "en": self.name}


@dataclass(eq=False, slots=True)
class Form:
    """A valid definition: the raw dict, its sections, every node by name, the names answers may carry."""

    id: str
    version: int
    definition: dict
    sections: list[Field]
    fields: dict[str, Field]
    answer_names: frozenset


def parse_definition(data: object) -> Form:
    """The typed, compiled form; raises InvalidDefinition listing every error."""
    if isinstance(data, Form):
        return data
    errors, fields, sections = _check(data)
    if errors:
        raise InvalidDefinition(errors)
    compile_fields(fields)
    names = frozenset(name for name, f in fields.items() if f.repeat is None and f.type not in ("section", "group"))
    return Form(data["id"], data["version"], data, sections, fields, names)


def definition_errors(data: object) -> list[FormError]:
    """Every error of the definition ([] when valid)."""
    return _check(data)[0]


def _check(data: object) -> tuple[list[FormError], dict[str, Field], list[Field]]:
    if not isinstance(data, dict):
        return [error("", "type", "定义须为 JSON 对象", "a definition must be a JSON object")], {}, []
    errors = check_head(data) + check_choices(data.get("choices"))
    lists = data.get("choices") if isinstance(data.get("choices"), dict) else {}
    walker = _Walker(lists, errors)
    sections = walker.sections(data.get("sections"))
    fields = walker.unique_names()
    if not errors:
        errors += check_references(fields)
    if not errors:
        errors += find_cycles(fields)
    return errors, fields, sections


class _Walker:
    """Walks sections and fields depth-first, checking each node and collecting Field objects."""

    def __init__(self, choice_lists: dict, errors: list[FormError]) -> None:
        self.lists, self.errors, self.all = choice_lists, errors, []

    def sections(self, specs: object) -> list[Field]:
        """The sections of the definition."""
        if not isinstance(specs, list) or not specs:
            self.errors.append(error("sections", "sections", "sections 须为非空数组",
                                     "sections must be a non-empty array"))
            return []
        return [s for i, spec in enumerate(specs) if (s := self.node(spec, join("sections", i), None, None, True))]

    def children(self, specs: object, path: str, parent: str, repeat: str | None) -> list[Field]:
        """The fields of a section, group or repeat."""
        if not isinstance(specs, list) or not specs:
            self.errors.append(error(path, "fields", "fields 须为非空数组", "fields must be a non-empty array"))
            return []
        return [f for i, spec in enumerate(specs) if (f := self.node(spec, join(path, i), parent, repeat, False))]

    def node(self, spec: object, path: str, parent: str | None, repeat: str | None, top: bool) -> Field | None:
        """One section or field (None when it cannot be read at all)."""
        if not isinstance(spec, dict):
            self.errors.append(error(path, "type", "须为 JSON 对象", "must be a JSON object"))
            return None
        kind = "section" if top else spec.get("type")
        if kind not in FIELD_TYPES and kind != "section":
            self.errors.append(error(join(path, "type"), "unknown_type", f"未知字段类型 {kind!r}",
                                     f"unknown field type {kind!r}; known: {', '.join(FIELD_TYPES)}"))
            return None
        self.errors.extend(check_keys(spec, KEYS[kind], path) + self.values(spec, kind, path, repeat))
        node = Field(spec.get("name") if isinstance(spec.get("name"), str) else "", kind, path, spec, parent, repeat)
        node.expressions = self.expressions(spec, kind, path)
        self.all.append(node)
        if kind in CONTAINERS:
            inner = node.name if kind == "repeat" else repeat
            node.children = self.children(spec.get("fields"), join(path, "fields"), node.name, inner)
        if kind in ("select_one", "select_multiple") and isinstance(self.lists.get(spec.get("choices")), list):
            node.choices = frozenset(o.get("value") for o in self.lists[spec["choices"]] if isinstance(o, dict))
        return node

    def values(self, spec: dict, kind: str, path: str, repeat: str | None) -> list[FormError]:
        """The node's own values: name, labels, flags, choice list, ranges, counts, nesting."""
        errors = []
        name = spec.get("name")
        if not isinstance(name, str) or not NAME.fullmatch(name) or name in RESERVED:
            errors.append(error(join(path, "name"), "name",
                                "名称须以字母或下划线开头，由字母、数字、下划线组成"
                                "（不超过64个字符，不能是 and/or/div/mod）",
                                "a name starts with a letter or _ and holds letters, digits and _ "
                                "(≤ 64; not and/or/div/mod)"))
        label_key = "title" if kind == "section" else "label"
        errors += check_label(spec.get(label_key), join(path, label_key), required=kind != "calculate")
        for key in ("hint", "constraint_message"):
            errors += check_label(spec.get(key), join(path, key), required=False)
        errors += check_texts(spec.get("legal_basis"), join(path, "legal_basis"))
        for flag in ("personal_data", "trade_secret"):
            if flag in spec and type(spec[flag]) is not bool:
                errors.append(error(join(path, flag), "type", f"{flag} 须为 true 或 false",
                                    f"{flag} must be true or false"))
        if "findings" in spec:
            errors += check_findings(spec["findings"], join(path, "findings"))
        if kind in ("select_one", "select_multiple") and spec.get("choices") not in self.lists:
            shown = repr(spec.get("choices"))
            errors.append(error(join(path, "choices"), "unknown_choice_list", f"选项列表 {shown} 不存在",
                                f"choice list {shown} does not exist"))
        if kind in ("group", "repeat") and repeat is not None:
            errors.append(error(join(path, "type"), "nested_repeat", "重复组内不能再有分组或重复组",
                                "a repeat may not contain groups or repeats"))
        return errors + _ranges(spec, kind, path)

    def expressions(self, spec: dict, kind: str, path: str) -> dict:
        """Parse every expression of the node; syntax errors are recorded at the expression's path."""
        texts = {key: spec[key] for key in ("relevant", "constraint", "calculation") if key in spec}
        if isinstance(spec.get("required"), str):
            texts["required"] = spec["required"]
        elif "required" in spec and type(spec["required"]) is not bool:
            self.errors.append(error(join(path, "required"), "type", "required 须为 true、false 或表达式",
                                     "required must be true, false or an expression"))
        if isinstance(spec.get("findings"), list):
            texts |= {f"findings[{i}].when": f["when"] for i, f in enumerate(spec["findings"])
                      if isinstance(f, dict) and isinstance(f.get("when"), str)}
        if kind == "calculate" and "calculation" not in spec:
            self.errors.append(error(join(path, "calculation"), "missing", "计算字段缺少 calculation",
                                     "a calculate field needs a calculation"))
        parsed = {}
        for key, text in texts.items():
            where = f"{path}.{key}"
            try:
                parsed[key] = parse_expression(text)
            except ExpressionError as exc:
                self.errors.append(error(where, exc.code, f"表达式 {text!r}：{exc.zh}",
                                         f"expression {text!r}: {exc.en}"))
                continue
            if uses_current(parsed[key]) and not (key == "constraint" or key.startswith("findings[")):
                self.errors.append(error(where, "current_value", "只有 constraint 和 findings 可以使用 .",
                                         "only constraints and findings may use ."))
        return parsed

    def unique_names(self) -> dict[str, Field]:
        """Fields by name; a name used twice is an error at its second place."""
        seen: dict[str, Field] = {}
        for node in self.all:
            if not node.name:
                continue
            if node.name in seen:
                self.errors.append(error(join(node.source, "name"), "duplicate_name",
                                         f"名称 {node.name} 重复（首次出现于 {seen[node.name].source}）",
                                         f"duplicate name {node.name!r} (first at {seen[node.name].source})"))
                continue
            seen[node.name] = node
        return seen


def _ranges(spec: dict, kind: str, path: str) -> list[FormError]:
    """min/max (numbers), min_count/max_count (attachments), min_rows/max_rows (repeats): typed and ordered."""
    errors = []
    for low_key, high_key in (("min", "max"), ("min_count", "max_count"), ("min_rows", "max_rows")):
        low, high = spec.get(low_key), spec.get(high_key)
        for key, value in ((low_key, low), (high_key, high)):
            if value is None:
                continue
            numeric = type(value) in (int, float) if kind == "decimal" else type(value) is int
            if not (numeric if low_key == "min" else is_count(value)):
                errors.append(error(join(path, key), "type", f"{key} 须为{'数值' if kind == 'decimal' else '整数'}",
                                    f"{key} must be {'a number' if kind == 'decimal' else 'an integer'}"))
                low = high = None
        if low is not None and high is not None and low > high:
            errors.append(error(join(path, high_key), "range", f"{high_key} 小于 {low_key}",
                                f"{high_key} is less than {low_key}"))
    return errors
