"""Register imports and exports through the API and the CLI, on a real database."""

from __future__ import annotations

import csv
import io
import json

import openpyxl

from backend.cli import main
from backend.registry.tables import Entity, Inspector
from backend.registry.uscc import check_character
from tests.integration.conftest import login, run

HEADER = "统一社会信用代码,名称,类型,行业代码,区划代码,地址,风险等级,责任部门,负责人\n"


def uscc(n: int) -> str:
    first = f"9132061200{n:07d}"
    return first + check_character(first)


def csv_text(rows: int, start: int = 0, name: str = "通州粮油店") -> str:
    lines = [f"{uscc(i)},{name}{i},个体工商户,F5121,320612,通州区金沙街道{i}号,B,SCJG,李四"
             for i in range(start, start + rows)]
    return HEADER + "\n".join(lines) + "\n"


def post_csv(client, headers, text: str, encoding="utf-8", **params):
    return client.post("/api/v1/registers/entities/import", params=params, headers=headers,
                       files={"file": ("entities.csv", text.encode(encoding), "text/csv")})


def test_import_creates_then_reports_unchanged_and_updated(client, people):
    headers = login(client, "dept_admin")
    first = post_csv(client, headers, csv_text(30))
    assert first.status_code == 200, first.text
    assert (first.json()["created"], first.json()["written"]) == (30, True)
    again = post_csv(client, headers, csv_text(30)).json()
    assert (again["created"], again["updated"], again["unchanged"]) == (0, 0, 30)
    renamed = post_csv(client, headers, csv_text(10, name="通州新粮油店")).json()
    assert (renamed["created"], renamed["updated"], renamed["unchanged"]) == (0, 10, 0)
    assert run(Entity.count().run()) == 30


def test_one_bad_row_writes_nothing(client, people):
    headers = login(client, "dept_admin")
    text = csv_text(20)
    bad = text.replace(uscc(7), uscc(7)[:-1] + ("0" if uscc(7)[-1] != "0" else "1"))
    response = post_csv(client, headers, bad)
    assert response.status_code == 422
    report = response.json()["report"]
    assert report["rows"] == 20 and report["valid"] == 19
    assert report["errors"][0]["row"] == 9 and report["errors"][0]["code"] == "uscc.check"
    assert run(Entity.count().run()) == 0


def test_skip_invalid_writes_the_valid_rows(client, people):
    headers = login(client, "dept_admin")
    bad = csv_text(5).replace(",B,", ",Q,", 1)
    response = post_csv(client, headers, bad, skip_invalid=True)
    assert response.status_code == 200
    assert response.json()["created"] == 4 and response.json()["skipped"] == 1
    assert run(Entity.count().run()) == 4


def test_unknown_department_is_caught_before_anything_is_written(client, people):
    headers = login(client, "dept_admin")
    text = csv_text(1500).replace(",SCJG,", ",NOPE,", 1)
    text = text.replace("通州区金沙街道1400号,B,SCJG", "通州区金沙街道1400号,B,GHOST")
    response = post_csv(client, headers, text)
    assert response.status_code == 422
    codes = [(e["row"], e["code"]) for e in response.json()["report"]["errors"]]
    assert codes == [(2, "department.unknown"), (1402, "department.unknown")]
    assert run(Entity.count().run()) == 0


def test_dry_run_writes_nothing(client, people):
    response = post_csv(client, login(client, "dept_admin"), csv_text(10), dry_run=True)
    assert response.status_code == 200 and response.json()["written"] is False
    assert run(Entity.count().run()) == 0


def test_gb18030_and_raw_body_upload(client, people):
    headers = {**login(client, "dept_admin"), "content-type": "text/csv"}
    response = client.post("/api/v1/registers/entities/import", params={"filename": "gbk.csv"}, headers=headers,
                           content=csv_text(3).encode("gb18030"))
    assert response.status_code == 200, response.text
    names = {r["name"] for r in run(Entity.select(Entity.name).run())}
    assert names == {"通州粮油店0", "通州粮油店1", "通州粮油店2"}


def test_empty_file_and_wrong_type_are_clear_errors(client, people):
    headers = login(client, "dept_admin")
    empty = post_csv(client, headers, "")
    assert empty.status_code == 422 and empty.json()["report"]["errors"][0]["code"] == "file.empty"
    wrong = client.post("/api/v1/registers/entities/import", headers=headers,
                        files={"file": ("x.pdf", b"%PDF-1.4", "application/pdf")})
    assert wrong.status_code == 422 and wrong.json()["code"] == "file.format"


def test_inspector_import_resolves_departments(client, people):
    text = ("姓名,部门,执法证号,证件有效期起,证件有效期止,执法资质\n"
            "王五,SCJG,32061220230001,2023-01-01,2028-12-31,市场监管综合执法;food\n"
            "赵六,LSCB,32061220230002,2023-01-01,2028-12-31,grain\n")
    response = client.post("/api/v1/registers/inspectors/import", headers=login(client, "platform_admin"),
                           files={"file": ("i.csv", text.encode(), "text/csv")})
    assert response.status_code == 200, response.text
    rows = run(Inspector.select(Inspector.name, Inspector.qualifications).order_by(Inspector.id)
               .output(load_json=True).run())
    assert [r["name"] for r in rows] == ["王五", "赵六"]
    assert sorted(rows[0]["qualifications"]) == ["food", "market"] and rows[1]["qualifications"] == ["grain"]


def test_export_escapes_formulas_and_reimports(client, people, tmp_path):
    headers = login(client, "dept_admin")
    post_csv(client, headers, csv_text(3, name="=HYPERLINK(1)"))
    exported = client.get("/api/v1/registers/entities/export", headers=headers)
    assert exported.status_code == 200
    rows = list(csv.reader(io.StringIO(exported.content.decode("utf-8-sig"))))
    assert rows[1][1].startswith("'=HYPERLINK")
    xlsx = client.get("/api/v1/registers/entities/export", params={"format": "xlsx"}, headers=headers)
    path = tmp_path / "e.xlsx"
    path.write_bytes(xlsx.content)
    sheet = openpyxl.load_workbook(path).active
    assert sheet.cell(row=2, column=2).value.startswith("'=")
    assert sheet.cell(row=2, column=2).data_type != "f"


def test_cli_import_json_report_and_exit_status(tmp_path, capsys, people):
    good = tmp_path / "good.csv"
    good.write_text(csv_text(4), encoding="utf-8-sig")
    assert main(["import", "entities", str(good), "--dry-run", "--format", "json"]) == 0
    report = json.loads(capsys.readouterr().out)
    assert (report["rows"], report["valid"], report["errors"]) == (4, 4, [])
    bad = tmp_path / "bad.csv"
    bad.write_text(csv_text(2) + csv_text(1).splitlines()[1] + "\n", encoding="utf-8")
    assert main(["import", "entities", str(bad), "--format", "json"]) == 1
    report = json.loads(capsys.readouterr().out)
    assert [(e["row"], e["code"]) for e in report["errors"]] == [(4, "key.duplicate")]
    assert "2" in report["errors"][0]["message"]  # names the row where the code first appeared
    assert main(["import", "entities", str(good)]) == 0
    assert "4" in capsys.readouterr().out
    out = tmp_path / "out.xlsx"
    assert main(["export", "entities", str(out)]) == 0
    assert openpyxl.load_workbook(out).active.max_row == 5


def test_an_upload_over_the_limit_is_413_and_writes_nothing(people, monkeypatch):
    from litestar.testing import TestClient

    from backend.app import create_app
    from backend.config import get_settings

    monkeypatch.setenv("CHOUCHA_MAX_UPLOAD_BYTES", "4096")
    get_settings.cache_clear()
    try:
        with TestClient(app=create_app(run_migrations=False)) as small:
            headers = {**login(small, "dept_admin"), "content-type": "text/csv"}
            response = small.post("/api/v1/registers/entities/import", params={"filename": "big.csv"},
                                  headers=headers, content=csv_text(200).encode())
            assert response.status_code == 413
            assert response.headers["content-type"].startswith("application/problem+json")
    finally:
        monkeypatch.delenv("CHOUCHA_MAX_UPLOAD_BYTES")
        get_settings.cache_clear()
    assert run(Entity.count().run()) == 0
