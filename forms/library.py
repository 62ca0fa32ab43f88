"""The library of form definitions (forms/definitions/, one file per version) and the rules for versions.

A version is identified by (id, version) and its content digest, and never changes once a task uses it.
Tasks pin (form id, version); a new version applies to new tasks only. Storing a definition is allowed when
its version is new and higher than every published one, when it repeats a stored version exactly
(idempotent), or when it replaces a version that no task has used yet.
"""

from __future__ import annotations

import hashlib
import json
from pathlib import Path

from forms.errors import FormError, InvalidDefinition

DEFINITIONS_DIR = Path(__file__).resolve().parent / "definitions"


def definition_file_name(definition: dict) -> str:
    """The file name a definition is stored under: `market.public-info.v1.json`."""
    return f"{definition['id']}.v{definition['version']}.json"


def load_definition(path: str | Path) -> dict:
    """A definition read from a JSON file (not yet checked); raises InvalidDefinition when it is not JSON."""
    path = Path(path)
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError, json.JSONDecodeError) as exc:
        raise InvalidDefinition([FormError(path.name, "not_json", f"无法读取 JSON：{exc}",
                                           f"cannot read JSON: {exc}")]) from None
    return data


def library(directory: str | Path = DEFINITIONS_DIR) -> dict[tuple[str, int], dict]:
    """Every definition of the directory by (id, version)."""
    found = {}
    for path in sorted(Path(directory).glob("*.json")):
        data = load_definition(path)
        found[(data.get("id"), data.get("version"))] = data
    return found


def find_definition(form_id: str, version: int | None = None, directory: str | Path = DEFINITIONS_DIR) -> dict:
    """The definition with this id (its newest version unless one is given); raises KeyError."""
    versions = {v: d for (i, v), d in library(directory).items() if i == form_id and isinstance(v, int)}
    if not versions or (version is not None and version not in versions):
        raise KeyError(f"{form_id}@{version}" if version else form_id)
    return versions[version if version is not None else max(versions)]


def canonical_json(definition: dict) -> bytes:
    """Canonical bytes of a definition: sorted keys, no spaces, UTF-8."""
    return json.dumps(definition, ensure_ascii=False, sort_keys=True, separators=(",", ":")).encode("utf-8")


def definition_digest(definition: dict) -> str:
    """SHA-256 (hex) of the canonical JSON: what a task pins alongside (id, version)."""
    return hashlib.sha256(canonical_json(definition)).hexdigest()


def check_new_version(definition: dict, published: dict[int, str],
                      used: set[int] | frozenset = frozenset()) -> list[FormError]:
    """Errors that forbid storing `definition`, given the stored versions of its id (version → digest) and
    the versions some task already uses; [] when it may be stored (a repeat of a stored version is a no-op)."""
    version, digest = definition["version"], definition_digest(definition)
    if version in published:
        if published[version] == digest:
            return []
        if version in used:
            return [FormError("version", "version_in_use", f"版本 {version} 已被检查任务使用，不能修改，请发布新版本",
                              f"version {version} is used by tasks and cannot change; publish a new version")]
        return []
    newest = max(published, default=0)
    if version <= newest:
        return [FormError("version", "version_not_newer", f"新版本号须大于已发布的 {newest}",
                          f"a new version must be higher than the published {newest}")]
    return []
