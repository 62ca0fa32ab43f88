"""Checklist forms through the API and CLI: the library is loaded, versions are immutable once used."""

from __future__ import annotations

import copy
import json

import pytest

from backend.checklists import service
from backend.checklists.tables import FormVersion
from backend.cli import main
from forms.library import find_definition
from tests.integration.conftest import login, run


@pytest.fixture(autouse=True)
def fresh_library():
    """These tests add and pin versions: give the next test the library as `migrate` leaves it."""
    yield
    run(FormVersion.delete(force=True).run())
    run(service.ensure_library())


def test_the_library_is_loaded_by_migrate(client, people):
    forms = client.get("/api/v1/forms", headers=login(client, "inspector")).json()
    ids = {f["form_id"] for f in forms}
    assert {"market.public-info", "market.food-business", "grain.purchase", "grain.stock",
            "market.special-equipment", "safety.production", "environment.discharge-permit"} <= ids
    assert all(isinstance(f["items"], list) for f in forms)
    assert "LSCB-002" in next(f for f in forms if f["form_id"] == "grain.stock")["items"]
    grain = client.get("/api/v1/forms/grain.stock", headers=login(client, "inspector")).json()
    assert grain["definition"]["id"] == "grain.stock" and grain["title_zh"]


def test_a_new_version_is_stored_and_an_unchanged_one_is_not(client, people):
    admin = login(client, "platform_admin")
    definition = copy.deepcopy(find_definition("grain.stock"))
    again = client.post("/api/v1/forms", json=definition, headers=admin)
    assert again.status_code == 200 and again.json()["outcome"] == "unchanged"
    definition["version"] += 1
    definition["title"]["zh"] += "（修订）"
    created = client.post("/api/v1/forms", json=definition, headers=admin)
    assert created.status_code == 201 and created.json()["outcome"] == "created"
    versions = [f for f in client.get("/api/v1/forms", headers=admin).json() if f["form_id"] == "grain.stock"][0]
    assert versions["versions"][-2:] == [definition["version"] - 1, definition["version"]]


def test_a_used_version_is_immutable(client, people):
    admin = login(client, "platform_admin")
    definition = copy.deepcopy(find_definition("market.public-info"))
    assert run(service.pin_latest({"market.public-info"})) == {"market.public-info": definition["version"]}
    definition["title"]["zh"] += "（改）"
    refused = client.post("/api/v1/forms", json=definition, headers=admin)
    assert refused.status_code == 409 and refused.json()["code"] == "form.version_in_use"
    stored = run(FormVersion.select(FormVersion.title_zh).where(FormVersion.form_id == "market.public-info").run())
    assert "（改）" not in stored[0]["title_zh"]


def test_a_malformed_definition_is_refused_with_paths_and_nothing_stored(client, people):
    admin = login(client, "platform_admin")
    before = run(FormVersion.count().run())
    bad = {"format": "choucha-form-1", "id": "bad.form", "version": 1, "title": {"zh": "坏"}, "items": [],
           "sections": [{"name": "s", "type": "section", "fields": [{"name": "q", "type": "teleport"}]}]}
    response = client.post("/api/v1/forms", json=bad, headers=admin)
    assert response.status_code == 422 and response.json()["code"] == "form.invalid"
    assert all("path" in e for e in response.json()["errors"])
    assert run(FormVersion.count().run()) == before
    assert client.post("/api/v1/forms", json=bad, headers=login(client, "inspector")).status_code == 403


def test_cli_validates_the_library_and_round_trips_xlsform(tmp_path, capsys):
    assert main(["forms", "validate"]) == 0
    out = tmp_path / "grain.xlsx"
    assert main(["forms", "export", "grain.stock", "-o", str(out)]) == 0
    assert main(["forms", "import", str(out)]) == 0
    imported = json.loads(capsys.readouterr().out)
    assert imported["id"] == "grain.stock"
