"""The shared vectors (forms/vectors/*.json) through Python, through node, and the two compared field by field."""

from __future__ import annotations

import copy
import json
import shutil
import subprocess
from pathlib import Path

import pytest

from forms.errors import ExpressionError
from forms.expressions import expression_text, parse_expression
from forms.validate import calculated_values, findings, suggested_result_codes, validate, visibility

ROOT = Path(__file__).resolve().parents[3]
VECTOR_DIR = ROOT / "forms" / "vectors"
FILES = {path.name: json.loads(path.read_text(encoding="utf-8")) for path in sorted(VECTOR_DIR.glob("*.json"))}
CASES = [(name, case) for name, file in FILES.items() for case in file["cases"]]
NODE = shutil.which("node")


def build_definition(file: dict, case: dict) -> dict:
    """The case's definition (its own or the file's) plus its `calculate` fields, as the JS runner builds it."""
    definition = copy.deepcopy(case.get("definition") or file["definition"])
    for name, calculation in case.get("calculate", {}).items():
        definition["sections"][0]["fields"].append({"name": name, "type": "calculate", "calculation": calculation})
    return definition


def run_case(file: dict, case: dict) -> dict:
    """The full result of one case, shaped like the JSON the JS runner prints."""
    if "expression" in case:
        try:
            parse_expression(case["expression"])
            return {"error": None}
        except ExpressionError as exc:
            return {"error": exc.code}
    definition, answers, today = build_definition(file, case), case["answers"], case.get("today")
    return {
        "errors": [e.as_dict() for e in validate(definition, answers, today=today)],
        "visible": visibility(definition, answers, today=today),
        "values": calculated_values(definition, answers, today=today),
        "findings": findings(definition, answers, today=today),
        "suggested_result_codes": suggested_result_codes(definition, answers, today=today),
    }


@pytest.mark.parametrize("file_name, case", CASES, ids=[f"{n}::{c['name']}" for n, c in CASES])
def test_vector_in_python(file_name, case):
    result, expect = run_case(FILES[file_name], case), case["expect"]
    if "error" in expect:
        assert result["error"] == expect["error"]
    if "valid" in expect:
        assert (not result["errors"]) == expect["valid"], result["errors"]
    if "errors" in expect:
        assert [{"path": e["path"], "code": e["code"]} for e in result["errors"]] == expect["errors"]
    for path, shown in expect.get("visible", {}).items():
        assert result["visible"][path] == shown, path
    for path, value in expect.get("values", {}).items():
        assert result["values"][path] == value, path
    if "findings" in expect:
        found = [{"path": f["path"], "result_codes": f["result_codes"]} for f in result["findings"]]
        assert found == expect["findings"]
    if "suggested_result_codes" in expect:
        assert result["suggested_result_codes"] == expect["suggested_result_codes"]


def test_there_are_enough_vectors_and_every_function_is_covered():
    from forms.functions import FUNCTIONS

    text = json.dumps(FILES, ensure_ascii=False)
    assert len(CASES) >= 40
    for name in FUNCTIONS:
        assert f"{name}(" in text, f"no vector uses {name}()"
    for operator in (" + ", " - ", " * ", " div ", " mod ", " = ", " != ", " < ", " <= ", " > ", " >= ", " and ",
                     " or ", "${", "regex(., "):
        assert operator in text, f"no vector uses {operator.strip()}"


PARSED = [(n, c) for n, c in CASES if "expression" in c and not c["expect"]["error"]]


@pytest.mark.parametrize("file_name, case", PARSED, ids=lambda v: v if isinstance(v, str) else v["name"])
def test_canonical_text_reads_back_to_the_same_tree(file_name, case):
    tree = parse_expression(case["expression"])
    for xlsform in (False, True):
        assert parse_expression(expression_text(tree, xlsform=xlsform)) == tree


@pytest.fixture(scope="module")
def node_results() -> dict:
    assert NODE, "node is needed: the PWA's evaluator is tested against the same vectors"
    done = subprocess.run([NODE, "pwa/forms/vector_runner.mjs"], cwd=ROOT, capture_output=True, text=True,
                          timeout=120, check=True)
    return json.loads(done.stdout)


def test_node_test_suite_passes():
    assert NODE, "node is needed: the PWA's evaluator is tested against the same vectors"
    done = subprocess.run([NODE, "--test", "pwa/forms/"], cwd=ROOT, capture_output=True, text=True, timeout=300)
    assert done.returncode == 0, done.stdout[-4000:] + done.stderr[-2000:]


@pytest.mark.parametrize("file_name, case", CASES, ids=[f"{n}::{c['name']}" for n, c in CASES])
def test_python_and_javascript_give_identical_results(node_results, file_name, case):
    assert node_results[file_name][case["name"]] == run_case(FILES[file_name], case)
