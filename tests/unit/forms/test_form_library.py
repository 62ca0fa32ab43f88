"""The library in forms/definitions/: valid, schema-conformant, linked to the demo items, complete enough to use."""

from __future__ import annotations

import json
from pathlib import Path

import jsonschema
import pytest

from backend.registry import demo_data
from backend.registry.result_codes import EXCLUSIVE_CODES, RESULT_CODES_V1
from forms import result_codes
from forms.cli import validate_directory
from forms.definition import definition_errors, parse_definition
from forms.library import DEFINITIONS_DIR, definition_file_name, find_definition, library
from forms.structure import KEYS
from forms.validate import findings, suggested_result_codes, validate
from forms.xlsform import read_xlsform
from forms.xlsform_export import write_xlsform

SCHEMA = json.loads((Path(DEFINITIONS_DIR).parent / "schema.json").read_text(encoding="utf-8"))
LIBRARY = library()
REQUIRED_IDS = {"market.public-info", "market.food-business", "grain.purchase", "grain.stock",
                "market.special-equipment", "safety.production", "environment.discharge-permit"}
DEMO_IDS = {"market.drug-retail", "market.advertising", "market.product-quality", "market.inspection-body"}
IDS = sorted(LIBRARY, key=str)


def nodes(fields: list[dict]):
    """Every field below `fields`, depth first."""
    for field in fields:
        yield field
        yield from nodes(field.get("fields", []))


def every_field(definition: dict) -> list[dict]:
    return [field for section in definition["sections"] for field in nodes(section["fields"])]


def test_the_library_holds_the_required_forms():
    assert {form_id for form_id, _ in LIBRARY} >= REQUIRED_IDS | DEMO_IDS


def test_validate_directory_finds_nothing_wrong():
    assert validate_directory(DEFINITIONS_DIR) == []


@pytest.mark.parametrize("key", IDS, ids=lambda k: k[0])
def test_definition_is_valid_and_matches_the_schema(key):
    definition = LIBRARY[key]
    assert definition_errors(definition) == []
    jsonschema.Draft202012Validator(SCHEMA).validate(definition)
    assert (Path(DEFINITIONS_DIR) / definition_file_name(definition)).is_file()


@pytest.mark.parametrize("key", IDS, ids=lambda k: k[0])
def test_definition_is_complete(key):
    definition = LIBRARY[key]
    fields = every_field(definition)
    types = {field["type"] for field in fields}
    assert definition["legal_basis"] and definition["items"]
    assert {"repeat", "photo", "signature", "result_code", "date", "time"} <= types
    assert any(f.get("personal_data") for f in fields)
    checklist = [s for s in definition["sections"] if s["name"] not in ("record", "closing")]
    assert checklist, "a form needs at least one checklist section"
    for section in checklist:
        assert section.get("legal_basis") or any(f.get("legal_basis") or any(x.get("legal_basis") for x in f.get(
            "findings", [])) for f in nodes(section["fields"])) or definition["legal_basis"], section["name"]
    assert any(f.get("findings") for f in fields), "answers must map to findings and result codes"


def test_trade_secrets_and_gps_appear_in_the_library():
    fields = [f for definition in LIBRARY.values() for f in every_field(definition)]
    assert any(f.get("trade_secret") for f in fields)
    assert any(f["type"] == "geopoint" for f in fields)


def test_demo_items_point_at_forms_that_serve_them():
    for item in demo_data.items():
        if item["form_ref"]:
            definition = find_definition(item["form_ref"])
            assert item["code"] in definition["items"], (item["code"], item["form_ref"])


def test_every_library_item_code_exists_in_the_demo_items():
    codes = {item["code"] for item in demo_data.items()}
    for definition in LIBRARY.values():
        assert set(definition["items"]) <= codes, definition["id"]


@pytest.mark.parametrize("key", IDS, ids=lambda k: k[0])
def test_xlsform_export_and_import_give_the_same_definition(tmp_path, key):
    write_xlsform(LIBRARY[key], tmp_path / "form.xlsx")
    assert read_xlsform(tmp_path / "form.xlsx") == LIBRARY[key]


def test_result_code_table_matches_the_backend_seed():
    assert result_codes.RESULT_CODES == RESULT_CODES_V1
    assert result_codes.EXCLUSIVE == EXCLUSIVE_CODES


def test_schema_lists_the_same_keys_as_the_checker():
    for kind, allowed in KEYS.items():
        assert set(SCHEMA["$defs"][kind]["properties"]) | {"type"} >= allowed - {"type"}
        assert set(SCHEMA["$defs"][kind]["properties"]) - {"type"} == allowed - {"type"}, kind


def grain_stock_answers(**changes) -> dict:
    """A complete, lawful inspection of a grain store."""
    bin_row = {"bin_no": "P1", "grain_kind": "corn", "harvest_year": 2024, "book_t": 1000, "measured_t": 1012.5,
               "storage_quality": "fit", "bin_photo": ["b" * 64]}
    officer = {"officer_name": "王敏", "credential_no": "LN-210000-0042", "officer_signature": {"attachment": "s" * 64}}
    answers = {
        "inspection_date": "2025-03-03", "start_time": "09:00", "end_time": "10:30", "method": ["onsite", "books"],
        "location": {"lat": 40.99, "lon": 122.05, "accuracy": 6}, "credentials_shown": "yes", "recusal_informed": "yes",
        "recusal_requested": "no", "person_in_charge": "刘强", "person_phone": "13800000000", "premises_open": "yes",
        "facilities_ok": "yes", "toxic_mixed": "no", "chemicals_ok": "yes", "bins": [bin_row],
        "holds_policy_grain": "yes", "policy_kinds": ["local_reserve"], "policy_separate": "yes",
        "policy_misused": "no",
        "periodic_testing": "yes", "outbound_testing": "yes", "stock_ledger": "yes", "result_codes": ["1"],
        "officers": [officer, dict(officer, officer_name="赵磊", credential_no="LN-210000-0043")],
        "party_signature": {"attachment": "p" * 64, "signer": "刘强"},
    }
    return answers | changes


def test_a_lawful_grain_inspection_validates_with_no_findings():
    form = parse_definition(find_definition("grain.stock"))
    answers = grain_stock_answers()
    assert validate(form, answers, today="2025-03-03") == []
    assert findings(form, answers, today="2025-03-03") == []
    assert suggested_result_codes(form, answers) == ["1"]


def test_a_grain_inspection_with_problems_suggests_codes():
    form = parse_definition(find_definition("grain.stock"))
    bad_bin = {"bin_no": "P2", "grain_kind": "wheat", "harvest_year": 2019, "book_t": 500, "measured_t": 450,
               "storage_quality": "unfit"}
    answers = grain_stock_answers(bins=[grain_stock_answers()["bins"][0], bad_bin], policy_misused="yes",
                                  result_codes=["5", "A"], correction_ordered="no")
    assert validate(form, answers, today="2025-03-03") == []
    found = findings(form, answers, today="2025-03-03")
    assert [f["path"] for f in found] == ["bins[1].measured_t", "bins[1].storage_quality", "policy_misused"]
    assert found[0]["legal_basis"] and found[0]["summary"]["zh"] == "账实不符，差率超过±3%"
    assert suggested_result_codes(form, answers) == ["5", "A"]


def test_a_refused_signature_needs_evidence():
    form = parse_definition(find_definition("grain.stock"))
    answers = grain_stock_answers(party_signature={"refused": True, "reason": "负责人拒绝签字"})
    assert [(e.path, e.code) for e in validate(form, answers, today="2025-03-03")] == [("refusal_evidence", "required")]
    answers["officers"] = answers["officers"][:1]
    assert ("officers", "too_few") in [(e.path, e.code) for e in validate(form, answers, today="2025-03-03")]


def test_validate_directory_reports_each_file(tmp_path, capsys):
    from forms.cli import main

    good = find_definition("market.public-info")
    (tmp_path / "market.public-info.v1.json").write_text(json.dumps(good, ensure_ascii=False), encoding="utf-8")
    (tmp_path / "copy.json").write_text(json.dumps(good, ensure_ascii=False), encoding="utf-8")
    (tmp_path / "broken.json").write_text("{not json", encoding="utf-8")
    (tmp_path / "bad.v1.json").write_text(json.dumps(good | {"id": "Bad Id"}), encoding="utf-8")
    errors = validate_directory(tmp_path)
    assert [(e.path, e.code) for e in errors] == [
        ("bad.v1.json#id", "id"), ("broken.json", "not_json"), ("copy.json", "file_name"),
        ("market.public-info.v1.json", "duplicate_version")]
    assert main(["validate", str(tmp_path)]) == 1
    assert "bad.v1.json#id: [id]" in capsys.readouterr().err
    assert main(["validate", str(Path(DEFINITIONS_DIR))]) == 0
    assert validate_directory(tmp_path / "missing")[0].code == "not_a_directory"
