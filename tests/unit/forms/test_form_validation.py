"""Validation through the Python API: repeats row by row, relevance, the error shape, findings, versions."""

from __future__ import annotations

from datetime import date

import pytest

from forms.definition import parse_definition
from forms.errors import FormError, InvalidDefinition
from forms.validate import calculated_values, findings, suggested_result_codes, validate, visibility
from forms.library import check_new_version, definition_digest

PRODUCTS = {
    "format": "choucha-form/1", "id": "test.products", "version": 1, "title": {"zh": "抽查产品", "en": "Products"},
    "legal_basis": ["《中华人民共和国产品质量法》第十五条"],
    "choices": {"units": [{"value": "kg", "label": {"zh": "千克"}}, {"value": "t", "label": {"zh": "吨"}}]},
    "sections": [{"name": "main", "title": {"zh": "抽样"}, "fields": [
        {"name": "visit_date", "type": "date", "label": {"zh": "检查日期"}, "required": True},
        {"name": "products", "type": "repeat", "label": {"zh": "产品", "en": "Products"}, "min_rows": 1, "max_rows": 60,
         "fields": [
             {"name": "batch_no", "type": "text", "label": {"zh": "批号", "en": "Batch"}, "required": True,
              "constraint": "regex(., '^[A-Z]{2}[0-9]{6}$')"},
             {"name": "made_on", "type": "date", "label": {"zh": "生产日期"}, "constraint": ". <= visit_date"},
             {"name": "amount", "type": "decimal", "label": {"zh": "数量"}, "min": 0},
             {"name": "unit", "type": "select_one", "choices": "units", "label": {"zh": "单位"},
              "required": "amount > 0"},
             {"name": "label_ok", "type": "yes_no_na", "label": {"zh": "标签合格"},
              "findings": [{"when": ". = 'no'", "result_codes": ["4", "E"],
                            "summary": {"zh": "标签不合格", "en": "bad label"}}]},
             {"name": "kg", "type": "calculate", "calculation": "if(unit = 't', amount * 1000, amount)"},
         ]},
        {"name": "total_kg", "type": "calculate", "calculation": "sum(kg)"},
        {"name": "oldest", "type": "calculate", "calculation": "date(min(made_on))"},
    ]}],
}


def row(index: int, **changes) -> dict:
    return {"batch_no": f"AB{index:06d}", "made_on": "2025-01-02", "amount": 2, "unit": "kg",
            "label_ok": "yes"} | changes


def answers(rows: list[dict]) -> dict:
    return {"visit_date": "2025-03-01", "products": rows}


FORM = parse_definition(PRODUCTS)


def test_fifty_valid_rows():
    assert validate(FORM, answers([row(i) for i in range(50)]), today=date(2025, 3, 1)) == []


def test_row_errors_carry_the_row_index_in_the_path():
    rows = [row(i) for i in range(5)]
    rows[3] = row(3, batch_no="")
    rows[4] = row(4, batch_no="x1", made_on="2025-04-01", amount=-1, unit=None)
    errors = validate(FORM, answers(rows), today="2025-03-01")
    assert [(e.path, e.code) for e in errors] == [
        ("products[3].batch_no", "required"), ("products[4].batch_no", "constraint"),
        ("products[4].made_on", "constraint"), ("products[4].amount", "range")]
    assert errors[0].as_dict() == {"path": "products[3].batch_no", "code": "required",
                                   "message": {"zh": "“批号”为必填项", "en": "“Batch” is required"}}
    assert errors[3].zh == "“数量”不能小于0" and errors[3].en == "“数量” must be at least 0"


def test_required_expression_per_row():
    rows = [row(0, unit=None), row(1, amount=0, unit=None)]
    errors = validate(FORM, answers(rows), today="2025-03-01")
    assert [(e.path, e.code) for e in errors] == [("products[0].unit", "required")]


def test_row_count_limits():
    assert [(e.path, e.code) for e in validate(FORM, answers([]), today="2025-03-01")] == [("products", "too_few")]
    too_many = validate(FORM, answers([row(i) for i in range(61)]), today="2025-03-01")
    assert [(e.path, e.code) for e in too_many] == [("products", "too_many")]
    assert too_many[0].zh == "“产品”最多60项"


def test_calculations_over_rows():
    rows = [row(0, amount=1.5, unit="t"), row(1, amount=250, made_on="2024-12-31"), row(2, amount=None, unit=None)]
    values = calculated_values(FORM, answers(rows), today="2025-03-01")
    assert values == {"products[0].kg": 1500, "products[1].kg": 250, "products[2].kg": None, "total_kg": 1750,
                      "oldest": "2024-12-31"}


def test_visibility_lists_every_row_field():
    shown = visibility(FORM, answers([row(0)]), today="2025-03-01")
    assert list(shown) == ["main", "visit_date", "products", "products[0].batch_no", "products[0].made_on",
                           "products[0].amount", "products[0].unit", "products[0].label_ok", "products[0].kg",
                           "total_kg", "oldest"]


def test_findings_per_row_with_legal_basis_of_the_form():
    rows = [row(0), row(1, label_ok="no"), row(2, label_ok="no")]
    found = findings(FORM, answers(rows))
    assert [(f["path"], f["result_codes"]) for f in found] == [("products[1].label_ok", ["4", "E"]),
                                                               ("products[2].label_ok", ["4", "E"])]
    assert found[0]["legal_basis"] == ["《中华人民共和国产品质量法》第十五条"] and found[0]["field"] == "label_ok"
    assert suggested_result_codes(FORM, answers(rows)) == ["4", "E"]


def test_a_dict_definition_is_parsed_and_gives_the_same_result():
    rows = [row(0, batch_no="bad")]
    assert validate(PRODUCTS, answers(rows), today="2025-03-01") == validate(FORM, answers(rows), today="2025-03-01")


def test_an_invalid_definition_is_refused_not_used():
    with pytest.raises(InvalidDefinition):
        validate(PRODUCTS | {"version": 0}, {}, today="2025-03-01")


def test_today_must_be_a_date():
    with pytest.raises(ValueError):
        validate(FORM, {}, today="1 March 2025")


def test_today_is_missing_when_not_given():
    form = PRODUCTS | {"sections": [{"name": "s", "title": {"zh": "s"}, "fields": [
        {"name": "d", "type": "date", "label": {"zh": "日期"},
         "findings": [{"when": ". < today()", "result_codes": ["A"], "summary": {"zh": "过期"}}]}]}]}
    assert findings(form, {"d": "2020-01-01"}) == []
    assert [f["path"] for f in findings(form, {"d": "2020-01-01"}, today="2025-01-01")] == ["d"]


def test_form_error_prefix():
    error = FormError("sections[0].name", "name", "名称", "name")
    assert error.at("x.v1.json").path == "x.v1.json#sections[0].name"
    assert FormError("", "not_json", "z", "e").at("x.json").path == "x.json"


def test_digest_ignores_key_order_and_layout():
    reordered = dict(reversed(list(PRODUCTS.items())))
    assert definition_digest(reordered) == definition_digest(PRODUCTS)
    assert definition_digest(PRODUCTS | {"version": 2}) != definition_digest(PRODUCTS)


@pytest.mark.parametrize("version, published, used, code", [
    (1, {}, set(), None),                                   # the first version
    (2, {1: "x"}, {1}, None),                               # a new, higher version
    (1, {1: "same"}, {1}, None),                            # the same content again: idempotent
    (1, {1: "other"}, set(), None),                         # a draft no task uses may still change
    (1, {1: "other"}, {1}, "version_in_use"),               # immutable once a task uses it
    (2, {1: "x", 3: "y"}, set(), "version_not_newer"),      # versions only go up
])
def test_version_rules(version, published, used, code):
    definition = PRODUCTS | {"version": version}
    published = {v: definition_digest(definition) if d == "same" else d for v, d in published.items()}
    errors = check_new_version(definition, published, used)
    assert [e.code for e in errors] == ([code] if code else [])
