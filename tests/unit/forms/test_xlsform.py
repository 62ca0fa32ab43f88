"""XLSForm import and export: an ODK-style workbook round-trips; every refusal names sheet, row and column."""

from __future__ import annotations

import json

import pytest
from openpyxl import Workbook

from forms.cli import export_xlsform, import_xlsform, main
from forms.errors import InvalidDefinition
from forms.xlsform import read_xlsform

SURVEY = [
    ("type", "name", "label::Chinese (zh)", "label::English (en)", "hint::zh", "required", "relevant", "constraint",
     "constraint_message::zh", "calculation", "appearance", "unit", "min", "personal_data", "legal_basis"),
    ("start", "start"),
    ("end", "end"),
    ("begin group", "licence", "许可证", "Licence", None, None, None, None, None, None, None, None, None, None,
     "《食品安全法》第三十五条"),
    ("yes_no_na", "licensed", "是否持证", "Licensed", "查看原件", "yes"),
    ("text", "licence_no", "许可证编号", "Licence number", None, "yes", "${licensed} = 'yes'",
     "regex(., '^JY[0-9]{14}$')", "格式：JY+14位数字"),
    ("select_multiple colours", "colours", "颜色", "Colours"),
    ("integer", "staff", "人数", "Staff", None, "TRUE()", None, ". >= 0", None, None, None, "人", 0),
    ("end group",),
    ("begin_repeat", "products", "抽查产品", "Products", None, None, "${licensed}='yes'"),
    ("text", "batch", "批号", "Batch", None, "yes"),
    ("decimal", "weight", "重量", "Weight", None, None, None, ". > 0"),
    ("end_repeat",),
    ("calculate", "total", None, None, None, None, None, None, None, "sum(${weight})"),
    ("geopoint", "location", "位置", "Location"),
    ("image", "party_sig", "当事人签名", "Party signature", None, "yes", None, None, None, None, "signature"),
    ("image", "photos", "照片", "Photos"),
    ("text", "person", "负责人", "Person in charge", None, None, None, None, None, None, None, None, None, "yes"),
    ("result_code", "codes", "结果", "Result", None, "yes"),
]
CHOICES = [("list_name", "name", "label::zh", "label::en"), ("colours", "red", "红", "red"),
           ("colours", 2, "蓝", "blue")]
SETTINGS = [("form_id", "version", "form_title", "form_title::en", "default_language", "items"),
            ("market.sample", "2024031501", "样例表", "Sample form", "Chinese (zh)", "SCJG-002")]
FINDINGS = [("field", "when", "result_codes", "summary::zh", "summary::en"),
            ("licensed", ". = 'no'", "3 A", "无证经营", "no licence")]


def workbook(path, survey=SURVEY, choices=CHOICES, settings=SETTINGS, findings=FINDINGS, **extra):
    """Write an XLSForm workbook with the given sheets (None leaves a sheet out)."""
    book = Workbook()
    book.remove(book.active)
    for title, rows in (("survey", survey), ("choices", choices), ("settings", settings), ("findings", findings),
                        *extra.items()):
        if rows is not None:
            sheet = book.create_sheet(title)
            for row in rows:
                sheet.append(list(row))
    book.save(path)
    return path


def survey_with(*rows):
    """The header plus the given survey rows."""
    return [SURVEY[0], *rows]


def test_import_reads_the_odk_subset(tmp_path):
    definition = import_xlsform(workbook(tmp_path / "sample.xlsx"))
    assert (definition["id"], definition["version"], definition["items"]) == ("market.sample", 2024031501, ["SCJG-002"])
    assert definition["title"] == {"zh": "样例表", "en": "Sample form"}
    first, loose = definition["sections"]
    assert first["name"] == "licence" and first["legal_basis"] == ["《食品安全法》第三十五条"]
    licence_no = first["fields"][1]
    assert licence_no["relevant"] == "licensed = 'yes'" and licence_no["constraint"] == "regex(., '^JY[0-9]{14}$')"
    assert licence_no["constraint_message"] == {"zh": "格式：JY+14位数字"}
    assert first["fields"][3] | {} == {"name": "staff", "type": "integer", "label": {"zh": "人数", "en": "Staff"},
                                       "required": True, "constraint": ". >= 0", "unit": "人", "min": 0}
    assert [f["name"] for f in loose["fields"]] == ["products", "total", "location", "party_sig", "photos", "person",
                                                    "codes"]
    assert loose["fields"][0]["relevant"] == "licensed = 'yes'" and loose["fields"][1]["calculation"] == "sum(weight)"
    assert [f["type"] for f in loose["fields"][3:5]] == ["signature", "photo"]
    assert loose["fields"][5]["personal_data"] is True
    assert definition["choices"]["colours"][1] == {"value": "2", "label": {"zh": "蓝", "en": "blue"}}
    assert first["fields"][0]["findings"] == [{"when": ". = 'no'", "result_codes": ["3", "A"],
                                               "summary": {"zh": "无证经营", "en": "no licence"}}]


def test_round_trip_import_export_import(tmp_path):
    first = import_xlsform(workbook(tmp_path / "sample.xlsx"))
    export_xlsform(first, tmp_path / "exported.xlsx")
    assert import_xlsform(tmp_path / "exported.xlsx") == first


def test_export_writes_xlsform_expressions_and_text_cells(tmp_path):
    from openpyxl import load_workbook

    definition = import_xlsform(workbook(tmp_path / "sample.xlsx"))
    definition["sections"][0]["fields"][0]["label"]["en"] = "=HYPERLINK(\"x\")"
    export_xlsform(definition, tmp_path / "out.xlsx")
    sheet = load_workbook(tmp_path / "out.xlsx")["survey"]
    rows = [[c.value for c in row] for row in sheet.iter_rows()]
    header = rows[0]
    licence_no = next(r for r in rows if r[1] == "licence_no")
    assert licence_no[header.index("relevant")] == "${licensed} = 'yes'"
    types = [row[0] for row in rows[1:]]
    assert rows[1][:2] == ["begin_group", "licence"] and types.count("begin_group") == types.count("end_group") == 2
    assert "begin_repeat" in types and "end_repeat" in types and "image" in types and "signature" in types
    licensed = next(r for r in sheet.iter_rows() if r[1].value == "licensed")
    assert licensed[header.index("label::en")].data_type == "s"
    assert import_xlsform(tmp_path / "out.xlsx") == definition


def refused(path) -> list[tuple[str, str]]:
    with pytest.raises(InvalidDefinition) as caught:
        read_xlsform(path)
    for error in caught.value.errors:
        assert error.zh and error.en
    return [(e.path, e.code) for e in caught.value.errors]


@pytest.mark.parametrize("rows, expected", [
    ([("dateTime", "when", "时间")], [("survey!A2", "unknown_type")]),
    ([("select_one_from_file towns.csv", "town", "镇")], [("survey!A2", "unknown_type")]),
    ([("select_one", "town", "镇")], [("survey!A2", "missing")]),
    ([("text", "a", "甲", None, None, None, "${a} = 'x' and")], [("survey!G2", "syntax")]),
    ([("text", "a", "甲", None, None, None, "${nope} = 'x'")], [("survey!G2", "unknown_reference")]),
    ([("text", "a", "甲"), ("integer", "a", "乙")], [("survey!B3", "duplicate_name")]),
    ([("select_one sizes", "a", "甲")], [("survey!A2", "unknown_choice_list")]),
    ([("end group",)], [("survey!A2", "unbalanced")]),
    ([("begin_group", "g", "组"), ("text", "a", "甲")], [("survey!A2", "unclosed")]),
    ([("text", "a", "甲", None, None, None, None, None, None, None, None, None, "many")], [("survey!M2", "type")]),
    ([("text", "a", "甲", None, None, None, None, None, None, None, None, None, None, "maybe")],
     [("survey!N2", "type")]),
    ([("text", "a-b", "甲")], [("survey!B2", "name")]),
    ([("text", "a")], [("survey!C2", "missing")]),
])
def test_survey_errors_name_sheet_row_and_column(tmp_path, rows, expected):
    assert refused(workbook(tmp_path / "bad.xlsx", survey=survey_with(*rows), findings=None)) == expected


def test_cycles_are_refused_naming_the_fields(tmp_path):
    rows = survey_with(("calculate", "a", None, None, None, None, None, None, None, "${b} + 1"),
                       ("calculate", "b", None, None, None, None, None, None, None, "${a} + 1"))
    with pytest.raises(InvalidDefinition) as caught:
        read_xlsform(workbook(tmp_path / "cycle.xlsx", survey=rows, findings=None))
    [error] = caught.value.errors
    assert (error.path, error.code) == ("survey!2:2", "cycle")
    assert "a → b → a" in error.en and "survey" in error.en and "row 2" in error.en and "第2行" in error.zh


def test_unknown_reference_message_names_the_field(tmp_path):
    rows = survey_with(("text", "a", "甲", None, None, None, "${ghost} = 'x'"))
    with pytest.raises(InvalidDefinition) as caught:
        read_xlsform(workbook(tmp_path / "ghost.xlsx", survey=rows, findings=None))
    assert "'ghost'" in caught.value.errors[0].en and "ghost" in caught.value.errors[0].zh
    assert "column relevant" in caught.value.errors[0].en


def test_choice_filter_is_refused(tmp_path):
    header = SURVEY[0] + ("choice_filter",)
    rows = [header, ("select_one colours", "c", "颜色") + (None,) * (len(header) - 4) + ("name = 'red'",)]
    assert refused(workbook(tmp_path / "filter.xlsx", survey=rows, findings=None)) == [("survey!P2", "unsupported")]


def test_choice_and_findings_sheet_errors(tmp_path):
    choices = [("list_name", "name", "label"), ("colours", "red", "红"), ("colours", "dark red", "深红"), ("colours",)]
    findings = [("field", "when", "result_codes", "summary::zh"), ("nope", ". = 'no'", "A", "x"),
                ("licensed", ". = 'no'", "1", "x")]
    assert refused(workbook(tmp_path / "bad.xlsx", choices=choices, findings=findings)) == [
        ("choices!B4", "missing"), ("findings!A2", "unknown_reference")]
    assert refused(workbook(tmp_path / "bad2.xlsx", choices=choices[:3], findings=findings[:1] + findings[2:])) == [
        ("choices!B3", "choice_value"), ("findings!C2", "result_code")]


def test_settings_errors(tmp_path):
    settings = [("form_id", "version"), ("Not Valid", "v2")]
    assert refused(workbook(tmp_path / "s.xlsx", settings=settings)) == [("settings!A2", "id"),
                                                                          ("settings!B2", "version")]


def test_defaults_without_a_settings_sheet(tmp_path):
    rows = survey_with(("text", "a", "甲"))
    path = workbook(tmp_path / "Food Form.xlsx", survey=rows, choices=None, settings=None, findings=None)
    definition = read_xlsform(path)
    assert (definition["id"], definition["version"], definition["title"]) == ("food-form", 1, {"zh": "food-form"})
    assert definition["sections"][0]["fields"] == [{"name": "a", "type": "text", "label": {"zh": "甲"}}]


def test_english_default_language(tmp_path):
    survey = [("type", "name", "label"), ("text", "a", "Name")]
    settings = [("form_id", "default_language"), ("x.y", "English (en)")]
    path = workbook(tmp_path / "en.xlsx", survey=survey, choices=None, settings=settings, findings=None)
    definition = read_xlsform(path)
    assert definition["sections"][0]["fields"][0]["label"] == {"en": "Name"}


@pytest.mark.parametrize("sheets, code", [
    ({"survey": None, "Sheet": [("a", "b")]}, "not_xlsform"),
    ({"survey": [("question", "answer"), ("Name?", "Bob")]}, "not_xlsform"),
])
def test_a_spreadsheet_that_is_not_xlsform(tmp_path, sheets, code):
    survey = sheets.pop("survey")
    path = workbook(tmp_path / "plain.xlsx", survey=survey, choices=None, settings=None, findings=None, **sheets)
    assert [c for _, c in refused(path)] == [code]


def test_a_file_that_is_not_xlsx(tmp_path):
    path = tmp_path / "form.xlsx"
    path.write_text("type,name\ntext,a\n", encoding="utf-8")
    assert refused(path) == [("form.xlsx", "not_xlsx")]


def test_cli_import_to_stdout_and_file(tmp_path, capsys):
    path = workbook(tmp_path / "sample.xlsx")
    assert main(["import", str(path)]) == 0
    assert json.loads(capsys.readouterr().out)["id"] == "market.sample"
    assert main(["import", str(path), "-o", str(tmp_path / "out.json")]) == 0
    assert json.loads((tmp_path / "out.json").read_text(encoding="utf-8"))["version"] == 2024031501


def test_cli_refusals_exit_1_with_errors_on_stderr(tmp_path, capsys):
    path = workbook(tmp_path / "bad.xlsx", survey=survey_with(("dateTime", "when", "时间")), findings=None)
    assert main(["import", str(path)]) == 1
    assert "survey!A2: [unknown_type]" in capsys.readouterr().err
    assert main(["export", "no.such-form", "-o", str(tmp_path / "x.xlsx")]) == 2


def test_cli_export_from_the_library(tmp_path):
    assert main(["export", "grain.stock", "-o", str(tmp_path / "grain.xlsx")]) == 0
    assert read_xlsform(tmp_path / "grain.xlsx")["id"] == "grain.stock"
