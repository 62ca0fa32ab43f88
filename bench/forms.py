"""Validating a large checklist: a generated 300-field form with 50 repeat rows, in Python and in the PWA's JS.

    python bench/forms.py            # 400 validations per measure (issue 4)
    python bench/forms.py --quick    # 60 validations per measure: a few seconds

The form has 290 form-level questions in 10 sections (every answer type, relevance chains, constraints with
`.`, required expressions, findings, calculations) and a repeat of 10 fields with 50 rows: 790 answers.
Measured: parsing and compiling the definition (once per form version), `validate` on the parsed form (what
the server does per synced report), `validate` given the raw dict (parse included), `findings`; then the
same through node with pwa/forms/validate.js, whose errors must equal Python's. Goal: ≤ 5 ms per validation
in Python. Prints a table, then one JSON line with every figure.
"""

from __future__ import annotations

import argparse
import json
import random
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from forms.definition import parse_definition  # noqa: E402 - the repository root is added above
from forms.validate import findings, validate  # noqa: E402

GOAL_MS = 5.0
TODAY = "2025-03-01"
KINDS = ("yes_no_na", "integer", "text", "decimal", "date", "select_one", "select_multiple", "time", "photo")
NODE_BENCH = """
import { compileForm, validate } from %(module)s;
import fs from 'node:fs';
const { definition, answers, runs, today } = JSON.parse(fs.readFileSync(process.argv[1], 'utf8'));
let start = performance.now();
const form = compileForm(definition);
const compileMs = performance.now() - start;
const times = [];
let errors;
for (let i = 0; i < runs; i += 1) {
  start = performance.now();
  errors = validate(form, answers, { today });
  times.push(performance.now() - start);
}
process.stdout.write(JSON.stringify({ compileMs, times, errors }));
"""


def question(index: int) -> dict:
    """One generated question: its type cycles through KINDS; every few carry relevance, constraints, findings."""
    kind = KINDS[index % len(KINDS)]
    spec = {"name": f"q{index}", "type": kind, "label": {"zh": f"问题{index}", "en": f"Question {index}"}}
    if kind in ("select_one", "select_multiple"):
        spec["choices"] = "levels"
    if kind == "integer":
        spec |= {"min": 0, "max": 1000, "constraint": ". != 13"}
    if kind == "text":
        spec["constraint"] = "string-length(.) <= 40 and regex(., '^[A-Za-z0-9 ]*$')"
    if kind == "date":
        spec["constraint"] = ". <= today()"
    if kind == "photo":
        spec |= {"min_count": 1, "max_count": 5}
    if kind == "yes_no_na":
        spec["findings"] = [{"when": ". = 'no'", "result_codes": ["A"], "summary": {"zh": "问题", "en": "problem"}}]
    if index % 3 == 0:
        spec["required"] = True
    elif index % 7 == 0:
        spec["required"] = f"q{index - 1} != ''"
    if index % 4 == 2:
        previous = index - 2
        spec["relevant"] = (f"q{previous} != 'no'" if KINDS[previous % len(KINDS)] == "yes_no_na"
                            else f"q{previous} != '' or q{index - 1} = 5")
    return spec


def generate(fields: int = 300, rows: int = 50, row_fields: int = 10, seed: int = 4) -> tuple[dict, dict]:
    """The definition and a mostly valid answer set (a few deliberate errors, so messages are built too)."""
    rng = random.Random(seed)
    top = fields - row_fields
    per_section = top // 10
    questions = [question(i) for i in range(top)]
    sections = [{"name": f"s{s}", "title": {"zh": f"第{s}部分"},
                 "fields": questions[s * per_section:(s + 1) * per_section]} for s in range(10)]
    repeat_fields = [{"name": f"r{j}", "type": ("text", "integer", "yes_no_na")[j % 3], "label": {"zh": f"行字段{j}"},
                      "required": True} for j in range(row_fields)]
    repeat_fields[4] |= {"relevant": "r2 = 'yes' and q0 != 'na'"}
    repeat_fields[1] |= {"constraint": ". > 0 and . <= q1 + 1000"}
    sections[-1]["fields"] += [{"name": "items", "type": "repeat", "label": {"zh": "抽查项"}, "min_rows": 1,
                                "fields": repeat_fields},
                               {"name": "total", "type": "calculate", "calculation": "sum(r1) + count(items)"}]
    choices = {"levels": [{"value": v, "label": {"zh": v}} for v in ("low", "mid", "high")]}
    definition = {"format": "choucha-form/1", "id": "bench.large", "version": 1, "title": {"zh": "大型检查表"},
                  "choices": choices, "sections": sections}
    samples = {"yes_no_na": "yes", "integer": 7, "text": "Batch 42", "decimal": 2.5, "date": "2024-11-30",
               "select_one": "mid", "select_multiple": ["low", "high"], "time": "09:30", "photo": ["a" * 64]}
    answers = {f"q{i}": samples[KINDS[i % len(KINDS)]] for i in range(top)}
    for broken in rng.sample(range(top), 6):
        answers[f"q{broken}"] = 13 if KINDS[broken % len(KINDS)] == "integer" else None
    answers = {k: v for k, v in answers.items() if v is not None}
    answers["items"] = [{f"r{j}": ("lot", 3, "yes")[j % 3] for j in range(row_fields)} for _ in range(rows)]
    return definition, answers


def timed(runs: int, action) -> list[float]:
    """Milliseconds of each of `runs` calls."""
    times = []
    for _ in range(runs):
        start = time.perf_counter()
        action()
        times.append((time.perf_counter() - start) * 1000)
    return times


def summary(times: list[float]) -> dict:
    """Median, 95th percentile and best, in ms."""
    ordered = sorted(times)
    return {"median_ms": round(statistics.median(ordered), 3),
            "p95_ms": round(ordered[int(len(ordered) * 0.95) - 1], 3), "best_ms": round(ordered[0], 3)}


def run_node(definition: dict, answers: dict, runs: int) -> dict | None:
    """The JS evaluator's compile time and validation times, or None without node."""
    node = shutil.which("node")
    if not node:
        return None
    module = json.dumps((ROOT / "pwa" / "forms" / "validate.js").as_uri())
    with tempfile.TemporaryDirectory() as tmp:
        data = Path(tmp) / "input.json"
        data.write_text(json.dumps({"definition": definition, "answers": answers, "runs": runs, "today": TODAY}))
        done = subprocess.run([node, "--input-type=module", "-e", NODE_BENCH % {"module": module}, str(data)],
                              capture_output=True, text=True, check=True, timeout=300)
    return json.loads(done.stdout)


def main() -> None:
    """Measure, print the table, then the JSON line."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="60 runs per measure instead of 400")
    args = parser.parse_args()
    runs = 60 if args.quick else 400
    definition, answers = generate()
    parse_ms = timed(20, lambda: parse_definition(definition))
    form = parse_definition(definition)
    errors = validate(form, answers, today=TODAY)
    figures = {
        "fields": 300, "repeat_rows": len(answers["items"]),
        "answers": sum(len(r) for r in answers["items"]) + len(answers) - 1,
        "runs": runs, "errors": len(errors),
        "python_parse": summary(parse_ms),
        "python_validate": summary(timed(runs, lambda: validate(form, answers, today=TODAY))),
        "python_validate_from_dict": summary(timed(max(runs // 4, 10),
                                                   lambda: validate(definition, answers, today=TODAY))),
        "python_findings": summary(timed(runs, lambda: findings(form, answers, today=TODAY))),
    }
    node = run_node(definition, answers, runs)
    if node:
        figures["js_compile_ms"] = round(node["compileMs"], 3)
        figures["js_validate"] = summary(node["times"][runs // 10:])  # after the JIT has warmed up
        figures["js_errors_identical"] = node["errors"] == [e.as_dict() for e in errors]
    figures["goal_ms"] = GOAL_MS
    figures["goal_met"] = figures["python_validate"]["median_ms"] <= GOAL_MS
    print_table(figures)
    print(json.dumps(figures, ensure_ascii=False))


def print_table(figures: dict) -> None:
    """The figures as a table: one row per measure."""
    print(f"form: {figures['fields']} fields, {figures['repeat_rows']} repeat rows, {figures['answers']} answers, "
          f"{figures['errors']} errors; {figures['runs']} runs")
    print(f"{'measure':<28}{'median ms':>12}{'p95 ms':>10}{'best ms':>10}")
    for key in ("python_parse", "python_validate", "python_validate_from_dict", "python_findings", "js_validate"):
        if key in figures:
            row = figures[key]
            print(f"{key:<28}{row['median_ms']:>12.3f}{row['p95_ms']:>10.3f}{row['best_ms']:>10.3f}")
    if "js_compile_ms" in figures:
        print(f"{'js_compile (once)':<28}{figures['js_compile_ms']:>12.3f}")
        print(f"JS errors identical to Python's: {figures['js_errors_identical']}")
    print(f"goal ≤ {figures['goal_ms']} ms per Python validation: {'met' if figures['goal_met'] else 'NOT met'}")


if __name__ == "__main__":
    main()
