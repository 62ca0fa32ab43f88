"""Media upload throughput to a real S3 (a throwaway Ceph RGW on loopback), beside boto3's own uploader.

    python bench/media.py            # 1 GiB file
    python bench/media.py --quick    # 128 MiB: under a minute

Ours: what the field app does. `S3Store.start_multipart`, then every part through a presigned part URL over
plain HTTP (httpx, a few parts in flight at once, as a phone's service worker would), `list_parts` (the server
trusts the store's list, not the client's ETags), `complete_multipart`; then the object is read back and its
SHA-256 compared with the source. Baselines in the same run, on the same RGW: boto3's `upload_file` with the
same part size and concurrency (the SDK's managed multipart upload, SigV4 headers), and one presigned PUT of
the whole file. Prints a table, then one JSON line with every figure. MB = 10^6 bytes. Goal: ≥ 50 MB/s.
"""

from __future__ import annotations

import argparse
import hashlib
import json
import os
import shutil
import sys
import tempfile
import time
from concurrent.futures import ThreadPoolExecutor
from io import BytesIO
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))  # the project (backend, tests.rgw) is imported below from the checkout

import httpx
from boto3.s3.transfer import TransferConfig

from backend.storage.s3 import S3Store
from tests.rgw import RgwCluster

MIB = 1024 * 1024
FULL = {"bytes": 1024 * MIB, "part_bytes": 8 * MIB, "concurrency": 4}
QUICK = {"bytes": 128 * MIB, "part_bytes": 8 * MIB, "concurrency": 4}
GOAL_MB_S = 50.0


def write_source(path: Path, size: int) -> str:
    """A file of random bytes (incompressible, like photos and audio); returns its SHA-256."""
    digest = hashlib.sha256()
    with path.open("wb") as out:
        for _ in range(0, size, 16 * MIB):
            block = os.urandom(min(16 * MIB, size - out.tell()))
            digest.update(block)
            out.write(block)
    return digest.hexdigest()


def read_chunk(path: Path, offset: int, size: int) -> bytes:
    """`size` bytes of the file from `offset` (a fresh descriptor: safe across threads)."""
    with path.open("rb") as source:
        source.seek(offset)
        return source.read(size)


def presigned_multipart(store: S3Store, path: Path, key: str, part_bytes: int, concurrency: int) -> float:
    """Seconds for the field app's way: presigned part URLs over plain HTTP, completed from list_parts."""
    size = path.stat().st_size
    offsets = list(range(0, size, part_bytes))
    start = time.perf_counter()
    upload_id = store.start_multipart(key, content_type="video/mp4")
    with httpx.Client(timeout=120, limits=httpx.Limits(max_connections=concurrency)) as phone:
        def send_part(number: int) -> None:
            request = store.presign_part(key, upload_id, number, expires=3600)
            body = read_chunk(path, offsets[number - 1], part_bytes)
            phone.put(request.url, content=body, headers=request.headers).raise_for_status()

        with ThreadPoolExecutor(concurrency) as pool:
            list(pool.map(send_part, range(1, len(offsets) + 1)))
    store.complete_multipart(key, upload_id, store.list_parts(key, upload_id))
    return time.perf_counter() - start


def boto3_upload_file(store: S3Store, path: Path, key: str, part_bytes: int, concurrency: int) -> float:
    """Seconds for boto3's managed upload with the same part size and concurrency."""
    config = TransferConfig(multipart_threshold=part_bytes, multipart_chunksize=part_bytes,
                            max_concurrency=concurrency)
    start = time.perf_counter()
    store.client.upload_file(str(path), store.bucket, key, ExtraArgs={"ContentType": "video/mp4"}, Config=config)
    return time.perf_counter() - start


def single_put(store: S3Store, path: Path, key: str, *_: int) -> float:
    """Seconds for one presigned PUT of the whole file, streamed from disk."""
    size = path.stat().st_size
    start = time.perf_counter()
    request = store.presign_put(key, content_type="video/mp4", size=size, expires=3600)
    with path.open("rb") as body, httpx.Client(timeout=600) as phone:
        phone.put(request.url, content=iter(lambda: body.read(MIB), b""), headers=request.headers).raise_for_status()
    return time.perf_counter() - start


def warm_up(store: S3Store, part_bytes: int) -> None:
    """Make the bucket and one object first: RGW creates its data pool on the first write, which would
    otherwise be timed as part of whichever method runs first."""
    store.ensure_bucket()
    store.put("media/be/warm-up", BytesIO(os.urandom(2 * part_bytes)), content_type="video/mp4")
    read_back(store, "media/be/warm-up")


def read_back(store: S3Store, key: str) -> tuple[float, str]:
    """Seconds to download the object through `open`, and its SHA-256."""
    digest, start = hashlib.sha256(), time.perf_counter()
    with store.open(key) as body:
        for chunk in iter(lambda: body.read(MIB), b""):
            digest.update(chunk)
    return time.perf_counter() - start, digest.hexdigest()


METHODS = {"presigned_multipart": presigned_multipart, "boto3_upload_file": boto3_upload_file,
           "single_put": single_put}


def measure(sizes: dict, work: Path) -> dict:
    """Start RGW, upload the file every way, verify each object's SHA-256; the figures."""
    source = work / "source.bin"
    source_sha256 = write_source(source, sizes["bytes"])
    started = time.perf_counter()
    # memstore keeps objects in RAM: room for every copy, since RGW frees deleted data only later
    with RgwCluster(memory_bytes=len(METHODS) * sizes["bytes"] + 1024 * MIB) as rgw:
        rgw_start_s = time.perf_counter() - started  # includes making the user: ready to serve
        store = S3Store(endpoint=rgw.endpoint, bucket="bench", access_key=rgw.access_key,
                        secret_key=rgw.secret_key, region=rgw.region)
        warm_up(store, sizes["part_bytes"])
        results = {}
        for name, upload in METHODS.items():
            key = f"media/be/{name.replace('_', '-')}"
            seconds = upload(store, source, key, sizes["part_bytes"], sizes["concurrency"])
            read_s, sha256 = read_back(store, key)
            results[name] = {"seconds": seconds, "mb_per_s": sizes["bytes"] / seconds / 1e6,
                             "download_mb_per_s": sizes["bytes"] / read_s / 1e6,
                             "sha256_ok": sha256 == source_sha256}
    return {"rgw_start_s": rgw_start_s, "results": results}


def print_table(sizes: dict, figures: dict) -> None:
    """The figures for people."""
    print(f"\nUpload of {sizes['bytes'] / MIB:,.0f} MiB to Ceph RGW on loopback ({sizes['part_bytes'] / MIB:.0f} MiB "
          f"parts, {sizes['concurrency']} in flight; RGW started in {figures['rgw_start_s']:.1f} s)")
    print(f"{'method':22}{'seconds':>9}{'MB/s':>9}{'read MB/s':>11}{'SHA-256':>9}")
    for name, r in figures["results"].items():
        print(f"{name:22}{r['seconds']:>9.2f}{r['mb_per_s']:>9.1f}{r['download_mb_per_s']:>11.1f}"
              f"{'ok' if r['sha256_ok'] else 'WRONG':>9}")
    ours = figures["results"]["presigned_multipart"]["mb_per_s"]
    print(f"presigned multipart / boto3 upload_file: {figures['ratio_multipart_to_boto3']:.2f}; "
          f"goal ≥ {GOAL_MB_S:.0f} MB/s: {'met' if ours >= GOAL_MB_S else 'NOT met'}")


def main() -> None:
    """Parse the command line, measure, print the table and the JSON line."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="128 MiB instead of 1 GiB")
    args = parser.parse_args()
    sizes = dict(QUICK if args.quick else FULL)
    work = Path(tempfile.mkdtemp(prefix="choucha-bench-media-"))
    try:
        figures = measure(sizes, work)
    finally:
        shutil.rmtree(work, ignore_errors=True)
    results = figures["results"]
    figures["ratio_multipart_to_boto3"] = (results["presigned_multipart"]["mb_per_s"]
                                           / results["boto3_upload_file"]["mb_per_s"])
    print_table(sizes, figures)
    ok = all(r["sha256_ok"] for r in results.values())
    print(json.dumps({"bench": "media", "quick": args.quick, "sizes": sizes, **figures,
                      "goal_mb_per_s": GOAL_MB_S,
                      "goal_met": results["presigned_multipart"]["mb_per_s"] >= GOAL_MB_S,
                      "sha256_verified": ok}))
    if not ok:
        sys.exit(1)


if __name__ == "__main__":
    main()
