"""The sync benchmark's yardstick: pouchdb-server (CouchDB's replication API on LevelDB), installed with npm
into bench/.node (git-ignored), fed the same mutations as documents and read back through `_changes`."""

from __future__ import annotations

import os
import shutil
import subprocess
import time
from pathlib import Path

from _sync_load import wait_until_up

NODE_DIR = Path(__file__).resolve().parent / ".node"
BIN = NODE_DIR / "node_modules" / ".bin" / "pouchdb-server"


def ensure_installed() -> Path:
    """The pouchdb-server executable, installed on first use (npm, into bench/.node)."""
    if not BIN.exists():
        if shutil.which("npm") is None:
            raise RuntimeError("pouchdb-server needs Node.js and npm")
        NODE_DIR.mkdir(exist_ok=True)
        subprocess.run(["npm", "install", "--no-audit", "--no-fund", "pouchdb-server"], cwd=NODE_DIR, check=True,
                       stdout=subprocess.DEVNULL)
    return BIN


def start(port: int, work: Path) -> subprocess.Popen:
    """pouchdb-server on loopback with its LevelDB files (and its log and config) in `work`."""
    work.mkdir(parents=True, exist_ok=True)
    process = subprocess.Popen([str(ensure_installed()), "--host", "127.0.0.1", "--port", str(port), "--dir",
                                str(work), "--config", str(work / "config.json"), "--no-color"],
                               cwd=work, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
                               env={**os.environ, "NODE_ENV": "production"})
    return wait_until_up(process, f"http://127.0.0.1:{port}/", seconds=60, name="pouchdb-server")


def database_name(device_id: str) -> str:
    """One database per device, CouchDB's usual way to keep each user's documents apart (and pouch's best
    case: a device's `_changes` never scans anybody else's)."""
    return f"device-{device_id}"


def as_document(mutation: dict) -> dict:
    """A mutation as a CouchDB document: the same JSON, keyed by its device and number."""
    return {"_id": f"{mutation['device']}:{mutation['seq']:010d}", **mutation}


def push(line, db: str, mutations: list[dict], batch: int) -> int:
    """`_bulk_docs` in batches over `line` (a bench Line); the count of documents written (each must be ok)."""
    written = 0
    for start in range(0, len(mutations), batch):
        docs = [as_document(m) for m in mutations[start:start + batch]]
        began = time.perf_counter()
        response = line.client.post(f"/{db}/_bulk_docs", json={"docs": docs})
        line.latencies.append(time.perf_counter() - began)
        line.bytes += len(response.content)
        results = response.json()
        if response.status_code != 201 or any("error" in r for r in results):
            raise RuntimeError(f"_bulk_docs failed: {response.status_code} {str(results)[:300]}")
        written += len(results)
    return written


def pull(line, db: str, limit: int) -> int:
    """`_changes?include_docs=true` paged from the start like our pull, over `line`; mutations received."""
    since, docs = "0", 0
    while True:
        began = time.perf_counter()
        response = line.client.get(f"/{db}/_changes", params={"include_docs": "true", "since": since, "limit": limit})
        line.latencies.append(time.perf_counter() - began)
        line.bytes += len(response.content)
        body = response.json()
        docs += sum(1 for r in body["results"] if r.get("doc", {}).get("seq"))
        since = body["last_seq"]
        if len(body["results"]) < limit:
            return docs
