"""Checklist form versions: store (validated, immutable once used), list, fetch, pin for tasks."""

from __future__ import annotations

import hashlib
import json
from datetime import datetime, timezone
from typing import Any

from backend.audit import service as audit
from backend.audit.chain import canonical_json
from backend.audit.service import SYSTEM, Actor
from backend.checklists.tables import FormVersion
from backend.db.tx import transaction
from backend.errors import Conflict, InvalidInput, NotFound
from forms.definition import definition_errors
from forms.library import DEFINITIONS_DIR as LIBRARY
SUMMARY = (FormVersion.id, FormVersion.form_id, FormVersion.version, FormVersion.title_zh, FormVersion.title_en,
           FormVersion.items, FormVersion.sha256, FormVersion.in_use, FormVersion.created_at)


def _invalid(errors: list) -> InvalidInput:
    first = errors[0]
    return InvalidInput(f"表单定义无效：{first.path} {first.zh}", f"invalid form definition: {first.path} {first.en}",
                        code="form.invalid", errors=[e.as_dict() for e in errors])


async def store_definition(*, actor: Actor, data: Any) -> tuple[dict, str]:
    """Store a definition as its (id, version); returns the row and "created", "replaced" or "unchanged"."""
    errors = definition_errors(data)
    if errors:
        raise _invalid(errors)
    digest = hashlib.sha256(canonical_json(data).encode()).hexdigest()
    form_id, version = data["id"], data["version"]
    async with transaction():
        existing = await FormVersion.select(FormVersion.id, FormVersion.sha256, FormVersion.in_use).where(
            (FormVersion.form_id == form_id) & (FormVersion.version == version)).first().run()
        if existing and existing["sha256"] == digest:
            return await get_version(form_id=form_id, version=version), "unchanged"
        if existing and existing["in_use"]:
            raise Conflict(f"表单{form_id}第{version}版已被任务使用，不能修改，请发布新版本",
                           f"form {form_id} version {version} is used by tasks: publish a new version",
                           code="form.version_in_use")
        title = data["title"]
        values = {"title_zh": title.get("zh") or title.get("en"), "title_en": title.get("en"), "items": data.get("items", []),
                  "definition": data, "sha256": digest}
        if existing:
            await FormVersion.update({getattr(FormVersion, k): v for k, v in values.items()}).where(
                FormVersion.id == existing["id"]).run()
        else:
            await FormVersion(form_id=form_id, version=version, created_by=actor.id,
                              created_at=datetime.now(timezone.utc), **values).save().run()
        outcome = "replaced" if existing else "created"
        await audit.record(actor=actor, action=f"form.{outcome}", target_type="form", target_id=f"{form_id}@{version}",
                           after={"sha256": digest})
    return await get_version(form_id=form_id, version=version), outcome


async def ensure_library() -> dict[str, int]:
    """Load the shipped definitions (forms/definitions/*.json) that are not stored yet."""
    counts = {"created": 0, "replaced": 0, "unchanged": 0}
    for path in sorted(LIBRARY.glob("*.json")):
        _, outcome = await store_definition(actor=SYSTEM, data=json.loads(path.read_text(encoding="utf-8")))
        counts[outcome] += 1
    return counts


async def list_forms() -> list[dict]:
    """Every form with its newest version's summary and all version numbers."""
    rows = await FormVersion.select(*SUMMARY).order_by(FormVersion.form_id).order_by(FormVersion.version).output(
        load_json=True).run()
    forms: dict[str, dict] = {}
    for row in rows:
        entry = forms.setdefault(row["form_id"], {"versions": []})
        entry.update({k: row[k] for k in ("form_id", "version", "title_zh", "title_en", "items", "sha256")})
        entry["versions"].append(row["version"])
    return list(forms.values())


async def get_version(*, form_id: str, version: int | None = None) -> dict:
    """One version with its definition (the newest when `version` is None)."""
    query = FormVersion.select(*SUMMARY, FormVersion.definition).where(FormVersion.form_id == form_id)
    if version is not None:
        query = query.where(FormVersion.version == version)
    row = await query.order_by(FormVersion.version, ascending=False).first().output(load_json=True).run()
    if row is None:
        raise NotFound("表单不存在", "no such form or version", code="form.not_found")
    return row


async def pin_latest(form_ids: set[str]) -> dict[str, int]:
    """The newest version of each form, marked in use (immutable from now on): form id -> version."""
    if not form_ids:
        return {}
    rows = await FormVersion.select(FormVersion.id, FormVersion.form_id, FormVersion.version).where(
        FormVersion.form_id.is_in(sorted(form_ids))).order_by(FormVersion.version).run()
    latest = {r["form_id"]: r for r in rows}
    if latest:
        await FormVersion.update({FormVersion.in_use: True}).where(
            FormVersion.id.is_in([r["id"] for r in latest.values()])).run()
    return {form_id: row["version"] for form_id, row in latest.items()}
