"""The field app's files (pwa/): which are shipped, their bytes and content hashes, the precache manifest.

Pure file reading, no web framework: the route module serves what this module reads, and
`scripts/pwa_manifest.py` prints the same manifest. The manifest is computed from the files themselves,
so the service worker's version changes exactly when a shipped byte changes.
"""

from __future__ import annotations

import gzip
import hashlib
import json
from dataclasses import dataclass
from pathlib import Path

PWA_DIR = Path(__file__).resolve().parents[2] / "pwa"
"""The shipped app's files (the server serves settings.pwa_dir, this by default)."""
NOT_SHIPPED_SUFFIXES = (".test.mjs", ".test.js")
NOT_SHIPPED_NAMES = frozenset({"vector_runner.mjs", "sw.js", "precache.js"})
"""Node-only test helpers, and the service worker and its manifest (never precached: they are the updater)."""

MIME = {
    ".html": "text/html", ".js": "text/javascript",
    ".mjs": "text/javascript", ".css": "text/css",
    ".json": "application/json", ".webmanifest": "application/manifest+json",
    ".png": "image/png", ".svg": "image/svg+xml", ".ico": "image/x-icon", ".txt": "text/plain",
}
COMPRESSIBLE = frozenset({".html", ".js", ".mjs", ".css", ".json", ".webmanifest", ".svg", ".txt"})


@dataclass(frozen=True)
class ShellFile:
    """One file of the app as served: bytes, gzip bytes (text only), type and hash."""

    path: str
    body: bytes
    gzipped: bytes | None
    content_type: str
    sha256: str


def _shipped(path: Path, root: Path) -> bool:
    rel = path.relative_to(root)
    if any(part.startswith(".") or part == "node_modules" for part in rel.parts):
        return False
    return path.suffix in MIME and not path.name.endswith(NOT_SHIPPED_SUFFIXES)


def make_file(path: str, body: bytes) -> ShellFile:
    """A served file from its path under /app/ and its bytes (text is also kept gzipped)."""
    suffix = Path(path).suffix
    packed = gzip.compress(body, 9, mtime=0) if suffix in COMPRESSIBLE else None
    return ShellFile(path, body, packed, MIME[suffix], hashlib.sha256(body).hexdigest())


def read_file(path: Path, root: Path) -> ShellFile:
    """A served file from disk."""
    return make_file(path.relative_to(root).as_posix(), path.read_bytes())


def shell_files(root: Path = PWA_DIR) -> dict[str, ShellFile]:
    """Every file under pwa/ that the app serves, by path relative to /app/."""
    files = sorted(p for p in root.rglob("*") if p.is_file() and _shipped(p, root))
    return {f.path: f for f in (read_file(p, root) for p in files)}


def fingerprint(root: Path = PWA_DIR) -> tuple[int, int]:
    """(newest modification time, number of files) under `root`: changes when a file is edited or added."""
    stats = [p.stat().st_mtime_ns for p in root.rglob("*") if p.is_file()]
    return max(stats, default=0), len(stats)


def precache_manifest(files: dict[str, ShellFile]) -> dict:
    """The versioned list of what the service worker installs: path and content hash of each shell file."""
    entries = [[path, f.sha256[:16]] for path, f in sorted(files.items()) if path not in NOT_SHIPPED_NAMES]
    version = hashlib.sha256(json.dumps(entries).encode()).hexdigest()[:12]
    return {"version": version, "files": entries}


def precache_script(manifest: dict) -> bytes:
    """precache.js: the manifest as a classic script the service worker imports (checked on every update)."""
    return f"self.PRECACHE = {json.dumps(manifest, separators=(',', ':'))};\n".encode()
