"""Import validation of the registers: headers, values, duplicate keys, report, streaming memory."""

from __future__ import annotations

import csv
import datetime as dt
import tracemalloc

import pytest

from backend.registry.importing import (
    ImportReport, SeenKeys, check_file, columns, iter_records, template_headers,
)
from backend.registry.tabular import TableError, write_table
from backend.registry.uscc import check_character

ENTITY_HEADERS = ["统一社会信用代码", "名称", "类型", "行业代码", "区划代码", "地址", "风险等级"]
INSPECTOR_HEADERS = ["姓名", "部门", "执法证号", "证件有效期起", "证件有效期止", "执法资质"]


def uscc(serial: int) -> str:
    base = f"91320612{serial:09d}"
    return base + check_character(base)


def entity(serial: int, **changes: str) -> list[str]:
    row = {"uscc": uscc(serial), "name": f"南通市某食品有限公司{serial}", "kind": "企业", "industry": "C1311",
           "region": "320612", "address": "江苏省南通市通州区金沙街道1号", "risk_class": "B"}
    row.update(changes)
    return list(row.values())


def write_csv(path, headers, rows, encoding="utf-8"):
    with open(path, "w", encoding=encoding, newline="") as out:
        writer = csv.writer(out)
        writer.writerow(headers)
        writer.writerows(rows)
    return path


def codes(problems):
    return [(p.row, p.column, p.code) for p in problems]


def test_template_headers():
    headers = template_headers("entities")
    assert headers[:3] == ["统一社会信用代码/uscc", "名称/name", "类型/kind"]
    assert len(headers) == len(columns("entities")) == 14
    assert template_headers("inspectors")[2] == "执法证号/credential_no"
    with pytest.raises(ValueError):
        template_headers("products")


def test_template_file_with_one_row_validates(tmp_path):
    path = tmp_path / "template.xlsx"
    write_table(path, template_headers("entities"), [entity(1) + ["小型", "", "张三", "", "否", "2", "tz01"]])
    records = list(iter_records("entities", path))
    assert len(records) == 1
    row, record = records[0]
    assert row == 2
    assert record == {
        "uscc": uscc(1), "name": "南通市某食品有限公司1", "kind": "enterprise", "industry": "C1311",
        "region": "320612", "address": "江苏省南通市通州区金沙街道1号", "risk_class": "B", "scale": "small",
        "status": "normal", "legal_person": "张三", "contact_phone": None, "special_sector": False,
        "complaints_count": 2, "departments": ["TZ01"], "legacy_id": False,
    }


def test_gb18030_file_with_chinese_headers(tmp_path):
    path = write_csv(tmp_path / "gbk.csv", ENTITY_HEADERS, [entity(1), entity(2, kind="个体工商户")], "gb18030")
    report = check_file("entities", path)
    assert (report.rows, report.valid, report.error_count) == (2, 2, 0)


def test_english_and_loose_headers(tmp_path):
    headers = ["\ufeffUSCC", " Name ", "KIND", "industry", "Region", "address", "Risk Class", "*Departments"]
    path = write_csv(tmp_path / "en.csv", headers, [entity(1, risk_class="high") + ["tz01；TZ02, tz01  SZ"]])
    [(_, record)] = list(iter_records("entities", path))
    assert record["risk_class"] == "D"
    assert record["departments"] == ["TZ01", "TZ02", "SZ"]
    assert record["status"] == "normal" and record["special_sector"] is False


def test_unknown_column(tmp_path):
    path = write_csv(tmp_path / "unknown.csv", ENTITY_HEADERS + ["备注"], [entity(1) + ["x"]])
    report = check_file("entities", path)
    assert codes(report.errors) == [(1, "备注", "column.unknown")]
    assert report.fatal and report.rows == 0 and not report.ok


def test_column_without_header(tmp_path):
    path = write_csv(tmp_path / "blank.csv", ENTITY_HEADERS[:2] + [""] + ENTITY_HEADERS[2:], [])
    [error] = check_file("entities", path).errors
    assert (error.code, error.message_zh) == ("column.unknown", "第3列没有表头")


def test_missing_and_duplicate_columns(tmp_path):
    headers = ["统一社会信用代码", "名称", "name", "类型", "行业代码", "区划代码", "地址"]
    path = write_csv(tmp_path / "missing.csv", headers, [])
    report = check_file("entities", path)
    assert codes(report.errors) == [(1, "name", "column.duplicate"), (1, "风险等级/risk_class", "column.missing")]
    assert "缺少必填列“风险等级”" in report.to_json()["errors"][1]["message"]
    assert list(iter_records("entities", path)) == []


def test_duplicate_uscc_on_later_rows(tmp_path):
    rows = [entity(1), entity(2), [], entity(1, name="重复"), entity(1, name="又重复")]
    path = write_csv(tmp_path / "dup.csv", ENTITY_HEADERS, rows)
    report = check_file("entities", path)
    assert codes(report.errors) == [(5, "统一社会信用代码", "key.duplicate"), (6, "统一社会信用代码", "key.duplicate")]
    assert "第2行" in report.errors[0].message_zh and "row 2" in report.errors[0].message_en
    assert (report.rows, report.valid) == (4, 2)
    assert [row for row, _ in iter_records("entities", path)] == [2, 3]


@pytest.mark.parametrize("changes, column, code", [
    ({"industry": "C99"}, "行业代码", "industry.unknown"),
    ({"industry": "A13"}, "行业代码", "industry.unknown"),
    ({"industry": "食品"}, "行业代码", "industry.invalid"),
    ({"region": "990101"}, "区划代码", "region.unknown"),
    ({"region": "32061"}, "区划代码", "region.invalid"),
    ({"kind": "公司"}, "类型", "value.enum"),
    ({"risk_class": "E"}, "风险等级", "value.enum"),
    ({"name": ""}, "名称", "value.required"),
    ({"name": "名" * 201}, "名称", "value.too_long"),
    ({"address": "址" * 301}, "地址", "value.too_long"),
    ({"uscc": "91350100M000100Y4"}, "统一社会信用代码", "uscc.length"),
    ({"uscc": "91350100M0001O0Y43"}, "统一社会信用代码", "uscc.character"),
])
def test_value_errors(tmp_path, changes, column, code):
    path = write_csv(tmp_path / "bad.csv", ENTITY_HEADERS, [entity(1), entity(2, **changes)])
    report = check_file("entities", path)
    assert codes(report.errors) == [(3, column, code)]
    assert report.valid == 1


def test_wrong_check_character_names_position_and_expected(tmp_path):
    path = write_csv(tmp_path / "check.csv", ENTITY_HEADERS, [entity(1, uscc="91350100M000100Y44")])
    [error] = check_file("entities", path).to_json()["errors"]
    assert error["code"] == "uscc.check"
    assert "第18位" in error["message"] and "应为“3”" in error["message"] and "expected '3'" in error["message"]


def test_enum_error_lists_accepted_values(tmp_path):
    path = write_csv(tmp_path / "enum.csv", ENTITY_HEADERS, [entity(1, kind="公司")])
    [error] = check_file("entities", path).errors
    assert "个体工商户" in error.message_zh and "enterprise" in error.message_en


def test_optional_entity_values(tmp_path):
    headers = ENTITY_HEADERS + ["特殊行业", "投诉次数", "状态"]
    rows = [entity(1) + ["是", "3", "吊销"], entity(2) + ["maybe", "-1", "closed"]]
    path = write_csv(tmp_path / "opt.csv", headers, rows)
    report = check_file("entities", path)
    assert [e.code for e in report.errors] == ["value.enum", "value.bool", "value.int"]  # in template order
    [(_, record)] = list(iter_records("entities", path))
    assert (record["special_sector"], record["complaints_count"], record["status"]) == (True, 3, "revoked")


def test_legacy_registration_number_is_a_warning(tmp_path):
    path = write_csv(tmp_path / "legacy.csv", ENTITY_HEADERS, [entity(1, uscc="320612000012345")])
    report = check_file("entities", path)
    assert report.ok and report.valid == 1
    assert codes(report.warnings) == [(2, "统一社会信用代码", "uscc.legacy")]
    [(_, record)] = list(iter_records("entities", path))
    assert record["legacy_id"] is True and record["uscc"] == "320612000012345"


def inspector(credential: str, **changes: str) -> list[str]:
    row = {"name": "王五", "department": "tz-scj", "credential": credential, "valid_from": "2023-01-01",
           "valid_to": "2027/12/31", "qualifications": "食品安全、market"}
    row.update(changes)
    return list(row.values())


def test_inspector_records(tmp_path):
    headers = INSPECTOR_HEADERS + ["业务专长", "状态", "区划代码"]
    row = inspector(" js 0001 ", qualifications="食品安全、market；Special Equipment Safety, food")
    path = write_csv(tmp_path / "insp.csv", headers, [row + ["冷链 食品;特种设备", "休假", "320612"]])
    [(row, record)] = list(iter_records("inspectors", path))
    assert record["credential_no"] == "JS0001" and record["department"] == "TZ-SCJ"
    assert (record["valid_from"], record["valid_to"]) == (dt.date(2023, 1, 1), dt.date(2027, 12, 31))
    assert record["qualifications"] == ["food", "market", "special_equipment"]
    assert record["expertise"] == ["冷链", "食品", "特种设备"]
    assert (record["status"], record["region"], record["username"]) == ("leave", "320612", None)


@pytest.mark.parametrize("raw, expected", [
    ("2024-02-29", dt.date(2024, 2, 29)), ("2024/2/9", dt.date(2024, 2, 9)),
    ("2024年3月1日", dt.date(2024, 3, 1)), ("20240301", dt.date(2024, 3, 1)),
    ("2024.03.01", dt.date(2024, 3, 1)), ("2024-03-01 00:00:00", dt.date(2024, 3, 1)),
])
def test_date_formats(tmp_path, raw, expected):
    path = write_csv(tmp_path / "d.csv", INSPECTOR_HEADERS, [inspector("A1", valid_from=raw)])
    [(_, record)] = list(iter_records("inspectors", path))
    assert record["valid_from"] == expected


@pytest.mark.parametrize("changes, column, code", [
    ({"valid_from": "2023-02-30"}, "证件有效期起", "value.date"),
    ({"valid_to": "明年"}, "证件有效期止", "value.date"),
    ({"valid_to": "2022-12-31"}, "证件有效期止", "value.date_range"),
    ({"qualifications": "食品安全、烹饪"}, "执法资质", "value.qualification"),
    ({"qualifications": ""}, "执法资质", "value.required"),
    ({"department": ""}, "部门", "value.required"),
])
def test_inspector_errors(tmp_path, changes, column, code):
    path = write_csv(tmp_path / "i.csv", INSPECTOR_HEADERS, [inspector("A1", **changes)])
    assert codes(check_file("inspectors", path).errors) == [(2, column, code)]


def test_duplicate_credential_number(tmp_path):
    rows = [inspector("A1"), inspector("B2"), inspector("a1")]
    path = write_csv(tmp_path / "cred.csv", INSPECTOR_HEADERS, rows)
    [error] = check_file("inspectors", path).errors
    assert (error.row, error.code) == (4, "key.duplicate") and "第2行" in error.message_zh


def test_report_json_and_text(tmp_path):
    rows = [entity(1), entity(2, region="x"), entity(3, uscc="320612000012345")]
    path = write_csv(tmp_path / "r.csv", ENTITY_HEADERS, rows)
    report = check_file("entities", path)
    data = report.to_json()
    assert (data["rows"], data["valid"]) == (3, 2)
    assert data["errors"] == [{"row": 3, "column": "区划代码", "code": "region.invalid",
                               "message": "区划代码“x”应为6位数字 / region code 'x' must be 6 digits"}]
    assert [w["code"] for w in data["warnings"]] == ["uscc.legacy"]
    lines = report.to_text().splitlines()
    assert lines[0].startswith("导入检查：共3行，有效2行") and lines[1].startswith("Import check: 3 rows")
    assert any("第3行" in line and "region.invalid" in line for line in lines)


def test_problem_lists_are_capped_but_counted(tmp_path):
    path = write_csv(tmp_path / "many.csv", ENTITY_HEADERS, [entity(i, kind="?") for i in range(5)])
    report = check_file("entities", path, limit=2)
    assert (len(report.errors), report.error_count) == (2, 5)
    assert "另有3条未列出" in report.to_text()


def test_file_problem_is_fatal(tmp_path):
    path = tmp_path / "nul.csv"
    path.write_bytes(",".join(ENTITY_HEADERS).encode() + b"\n" + b"1,2\x00\n")
    report = check_file("entities", path)
    assert report.fatal and codes(report.errors) == [(2, "", "file.malformed")]
    with pytest.raises(TableError):
        list(iter_records("entities", path))


def test_second_pass_fills_the_same_report(tmp_path):
    path = write_csv(tmp_path / "two.csv", ENTITY_HEADERS, [entity(1), entity(2, kind="?"), entity(1)])
    first = check_file("entities", path)
    second = ImportReport(kind="entities")
    rows = [row for row, _ in iter_records("entities", path, second)]
    assert rows == [2]
    assert second.to_json() == first.to_json()


def test_seen_keys_survive_growth():
    seen = SeenKeys(capacity=8)
    assert all(seen.first_row(f"K{i}", i + 2) is None for i in range(5000))
    assert seen.first_row("K0", 9000) == 2
    assert seen.first_row("K4999", 9001) == 5001
    assert seen.first_row("K5000", 9002) is None


def test_twenty_megabytes_in_bounded_memory(tmp_path):
    path = tmp_path / "big.csv"
    with open(path, "w", encoding="utf-8", newline="") as out:
        out.write(",".join(template_headers("entities")) + "\n")
        serial = 0
        while out.tell() < 20 * 1024 * 1024:
            out.write(",".join(entity(serial) + ["小型", "正常", "张三", "0513-1234567", "否", "1", "TZ01;TZ02"]))
            out.write("\n")
            serial += 1
        out.write(",".join(entity(7)) + ",,,,,,,\n")
    size = path.stat().st_size
    tracemalloc.start()
    try:
        report = check_file("entities", path)
        _, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    assert (report.rows, report.valid) == (serial + 1, serial)
    assert codes(report.errors) == [(serial + 2, "统一社会信用代码/uscc", "key.duplicate")]
    assert peak < size / 3, f"peak {peak} bytes for a {size}-byte file"
