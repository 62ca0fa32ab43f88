"""Definition checks: every malformed definition is refused with JSON paths, stable codes, both languages."""

from __future__ import annotations

import copy

import pytest

from forms.definition import definition_errors, parse_definition
from forms.errors import InvalidDefinition


def field(name: str, kind: str = "text", **extra) -> dict:
    spec = {"name": name, "type": kind, "label": {"zh": name, "en": name}}
    if kind == "calculate":
        spec.pop("label")
    return spec | extra


def definition(*fields: dict, choices: dict | None = None, **head) -> dict:
    data = {"format": "choucha-form/1", "id": "test.form", "version": 1, "title": {"zh": "测试", "en": "Test"},
            "sections": [{"name": "main", "title": {"zh": "主要"}, "fields": list(fields) or [field("a")]}]}
    if choices is not None:
        data["choices"] = choices
    return data | head


COLORS = {"colors": [{"value": "red", "label": {"zh": "红"}}, {"value": "blue", "label": {"zh": "蓝"}}]}


def codes_at(data: dict) -> list[tuple[str, str]]:
    return [(e.path, e.code) for e in definition_errors(data)]


def test_a_minimal_definition_is_valid_and_parses():
    form = parse_definition(definition(field("a"), field("b", "integer", min=0, max=9, relevant="a != ''")))
    assert (form.id, form.version) == ("test.form", 1)
    assert [f.name for f in form.sections[0].children] == ["a", "b"]
    assert form.answer_names == {"a", "b"}
    assert form.fields["b"].relevant is not None and form.fields["a"].relevant is None


def test_parse_refuses_with_every_error_listed():
    data = definition(field("a", "colour"), field("b"), field("b", relevant="1 +"))
    with pytest.raises(InvalidDefinition) as refused:
        parse_definition(data)
    assert [(e.path, e.code) for e in refused.value.errors] == [
        ("sections[0].fields[0].type", "unknown_type"), ("sections[0].fields[2].relevant", "syntax"),
        ("sections[0].fields[2].name", "duplicate_name")]
    assert all(e.zh and e.en for e in refused.value.errors)


@pytest.mark.parametrize("fields, choices, expected", [
    ([field("a", "colour")], None, [("sections[0].fields[0].type", "unknown_type")]),
    ([field("a"), field("a", "integer")], None, [("sections[0].fields[1].name", "duplicate_name")]),
    ([field("main")], None, [("sections[0].fields[0].name", "duplicate_name")]),
    ([field("a", "select_one", choices="sizes")], COLORS, [("sections[0].fields[0].choices", "unknown_choice_list")]),
    ([field("a", "select_multiple")], None, [("sections[0].fields[0].choices", "unknown_choice_list")]),
    ([field("a", relevant="1 +")], None, [("sections[0].fields[0].relevant", "syntax")]),
    ([field("a", constraint="frobnicate(.)")], None, [("sections[0].fields[0].constraint", "unknown_function")]),
    ([field("a", constraint="regex(., '(?<=x)')")], None, [("sections[0].fields[0].constraint", "regex")]),
    ([field("a", required="string-length()")], None, [("sections[0].fields[0].required", "arity")]),
    ([field("a", relevant="b = 1")], None, [("sections[0].fields[0].relevant", "unknown_reference")]),
    ([field("a", relevant=". = 1")], None, [("sections[0].fields[0].relevant", "current_value")]),
    ([field("a", "calculate", calculation="b + 1"), field("b", "calculate", calculation="a + 1")], None,
     [("sections[0].fields[0]", "cycle")]),
    ([field("a", relevant="a != ''")], None, [("sections[0].fields[0]", "cycle")]),
    ([field("and")], None, [("sections[0].fields[0].name", "name")]),
    ([field("a-b")], None, [("sections[0].fields[0].name", "name")]),
    ([field("a", relevent="1 = 1")], None, [("sections[0].fields[0].relevent", "unknown_key")]),
    ([field("a", "integer", min=5, max=1)], None, [("sections[0].fields[0].max", "range")]),
    ([field("a", "integer", min=1.5)], None, [("sections[0].fields[0].min", "type")]),
    ([field("a", "photo", min_count=-1)], None, [("sections[0].fields[0].min_count", "type")]),
    ([field("a", "text", min=1)], None, [("sections[0].fields[0].min", "unknown_key")]),
    ([field("a", "calculate")], None, [("sections[0].fields[0].calculation", "missing")]),
    ([{"name": "a", "type": "text"}], None, [("sections[0].fields[0].label", "missing")]),
    ([field("a", label={"fr": "x"})], None, [("sections[0].fields[0].label", "label")]),
    ([field("a", personal_data="yes")], None, [("sections[0].fields[0].personal_data", "type")]),
    ([field("a", required=1)], None, [("sections[0].fields[0].required", "type")]),
    ([field("r", "repeat", fields=[field("g", "group", fields=[field("x")])])], None,
     [("sections[0].fields[0].fields[0].type", "nested_repeat")]),
    ([field("g", "group", fields=[])], None, [("sections[0].fields[0].fields", "fields")]),
    (["text"], None, [("sections[0].fields[0]", "type")]),
])
def test_definition_errors_have_json_paths(fields, choices, expected):
    assert codes_at(definition(*fields, choices=choices)) == expected


@pytest.mark.parametrize("relevant, code", [
    ("qty > 1", "repeat_reference"),          # a repeat's field read outside count/sum/min/max
    ("products = 1", "repeat_reference"),     # the repeat itself read as a value
    ("sum(qty) > 1", None), ("count(products) > 0", None), ("max(qty, 3) > 1", None),
    ("g = 1", "not_a_value"), ("info = 1", "not_a_value"),
])
def test_reference_rules_for_repeats_groups_and_notes(relevant, code):
    data = definition(field("info", "note"), field("g", "group", fields=[field("x")]),
                      field("products", "repeat", fields=[field("qty", "integer")]), field("a", relevant=relevant))
    expected = [("sections[0].fields[3].relevant", code)] if code else []
    assert codes_at(data) == expected


def test_row_fields_read_siblings_and_form_fields():
    data = definition(field("limit", "integer"),
                      field("products", "repeat", fields=[field("qty", "integer", constraint=". <= limit"),
                                                           field("why", relevant="qty > limit")]))
    assert codes_at(data) == []


def test_a_cycle_through_containers_names_every_field():
    data = definition(field("g", "group", relevant="b = 1", fields=[field("b", "calculate", calculation="c"),
                                                                     field("c", "integer")]))
    errors = definition_errors(data)
    assert [(e.path, e.code) for e in errors] == [("sections[0].fields[0]", "cycle")]
    assert "g → b → g" in errors[0].en and "g → b → g" in errors[0].zh


def test_constraints_and_required_may_refer_to_each_other_without_a_cycle():
    data = definition(field("a", "integer", constraint=". < b", required="b > 0"),
                      field("b", "integer", constraint=". > a", required="a > 0"))
    assert codes_at(data) == []


@pytest.mark.parametrize("head, expected", [
    ({"format": "odk"}, [("format", "format")]),
    ({"id": "Market Public"}, [("id", "id")]),
    ({"version": 0}, [("version", "version")]),
    ({"version": "1"}, [("version", "version")]),
    ({"title": {}}, [("title", "label")]),
    ({"items": "SCJG-001"}, [("items", "texts")]),
    ({"sections": []}, [("sections", "sections")]),
    ({"extra": 1}, [("extra", "unknown_key")]),
])
def test_head_errors(head, expected):
    assert codes_at(definition(**head)) == expected


def test_not_an_object():
    assert codes_at([]) == [("", "type")]


@pytest.mark.parametrize("choices, expected", [
    ({"colors": []}, [("choices.colors", "choices")]),
    ({"colors": [{"value": "a b", "label": {"zh": "x"}}]}, [("choices.colors[0].value", "choice_value")]),
    ({"colors": [{"value": "a", "label": {"zh": "x"}}, {"value": "a", "label": {"zh": "y"}}]},
     [("choices.colors[1].value", "duplicate_choice")]),
    ({"colors": [{"value": "a"}]}, [("choices.colors[0].label", "missing")]),
    ({"bad name": [{"value": "a", "label": {"zh": "x"}}]}, [("choices.bad name", "name")]),
])
def test_choice_list_errors(choices, expected):
    assert codes_at(definition(choices=choices)) == expected


@pytest.mark.parametrize("finding, expected", [
    ({"when": ". = 'no'", "result_codes": ["A"], "summary": {"zh": "问题"}}, []),
    ({"when": ". = 'no'", "result_codes": ["1"], "summary": {"zh": "问题"}},
     [".findings[0].result_codes", "result_code"]),
    ({"when": ". = 'no'", "result_codes": ["Z"], "summary": {"zh": "问题"}},
     [".findings[0].result_codes", "result_code"]),
    ({"when": ". =", "result_codes": ["A"], "summary": {"zh": "问题"}}, [".findings[0].when", "syntax"]),
    ({"result_codes": ["A"], "summary": {"zh": "问题"}}, [".findings[0].when", "missing"]),
    ({"when": "nope = 1", "result_codes": ["A"], "summary": {"zh": "问题"}},
     [".findings[0].when", "unknown_reference"]),
    ({"when": "1", "result_codes": ["A"], "summary": {"zh": "问题"}, "code": "x"},
     [".findings[0].code", "unknown_key"]),
])
def test_finding_errors(finding, expected):
    errors = codes_at(definition(field("a", "yes_no_na", findings=[finding])))
    assert errors == ([("sections[0].fields[0]" + expected[0], expected[1])] if expected else [])


def test_checking_does_not_change_the_definition():
    data = definition(field("a", relevant="${b} = 'x'"), field("b"))
    before = copy.deepcopy(data)
    parse_definition(data)
    assert data == before
