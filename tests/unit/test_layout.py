"""Architecture rules checked on the source: sync/ and forms/ stay pure; settings documented."""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

from backend.config import Settings

ROOT = Path(__file__).resolve().parents[2]
FORBIDDEN = ("litestar", "piccolo", "boto3", "backend", "asyncpg", "aiosqlite")
PURE_DIRS = ["sync", "forms"]
PURE_MODULES = ["backend/registry/uscc.py", "backend/registry/codes.py", "backend/registry/tabular.py",
                "backend/registry/cell_values.py",
                "backend/registry/importing.py", "backend/registry/demo_data.py", "backend/audit/chain.py",
                "backend/ids.py"] + [f"backend/planning/{name}.py" for name in (
                    "errors", "sortition", "order_statistic", "strata", "eligibility", "roster", "teams", "joint",
                    "record", "verify")] + [f"backend/storage/{name}.py" for name in (
                    "rules", "sniff", "audio", "webm")] + ["backend/fieldsync/rules.py"]


def imported_roots(path: Path) -> set[str]:
    tree = ast.parse(path.read_text(encoding="utf-8"))
    roots = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            roots |= {alias.name.split(".")[0] for alias in node.names}
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            roots.add(node.module.split(".")[0])
    return roots


def pure_files() -> list[Path]:
    files = [p for d in PURE_DIRS for p in (ROOT / d).rglob("*.py")]
    return files + [ROOT / m for m in PURE_MODULES]


@pytest.mark.parametrize("path", pure_files(), ids=lambda p: str(p.relative_to(ROOT)))
def test_pure_code_imports_no_web_db_or_storage(path):
    roots = imported_roots(path)
    allowed_backend = path.is_relative_to(ROOT / "backend")
    bad = {r for r in roots if r in FORBIDDEN and not (allowed_backend and r == "backend")}
    assert not bad, f"{path.relative_to(ROOT)} imports {bad}"


def test_pure_backend_modules_import_only_pure_backend_modules():
    pure = {".".join(p.relative_to(ROOT).with_suffix("").parts) for p in pure_files()}
    pure |= {"backend.registry.vocab"}
    for path in pure_files():
        tree = ast.parse(path.read_text(encoding="utf-8"))
        for node in ast.walk(tree):
            if isinstance(node, ast.ImportFrom) and node.module and node.module.startswith("backend"):
                assert node.module in pure, f"{path.relative_to(ROOT)} imports {node.module}"


def test_every_setting_is_documented():
    source = (ROOT / "backend/config.py").read_text(encoding="utf-8")
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    for name in Settings.__dataclass_fields__:
        variable = f"CHOUCHA_{name.upper()}"
        assert variable in source, f"{name} has no documented variable"
        assert variable in readme, f"{variable} is missing from the README"
