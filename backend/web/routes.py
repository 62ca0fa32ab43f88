"""Serving the field app at /app/: the shell files, the service worker (never cached) and its precache list.

Public on purpose: the shell holds no data (everything personal comes through the guarded API), and the
app must load before anyone has logged in. Every file is revalidated (`no-cache` + ETag), so a phone never
runs a stale shell beside a new service worker; the service worker itself decides what works offline.
"""

from __future__ import annotations

import time
from urllib.parse import urlsplit

from litestar import Request, Response, get
from litestar.response import Redirect

from backend.config import get_settings
from backend.web.shell import (
    ShellFile,
    fingerprint,
    make_file,
    precache_manifest,
    precache_script,
    read_file,
    shell_files,
)

NOT_FOUND = Response(b"not found", status_code=404, media_type="text/plain")


RECHECK_SECONDS = 2.0
_cache: dict = {"checked": 0.0, "print": None, "files": {}}


def _served() -> dict[str, ShellFile]:
    """The shipped files, the service worker and the generated precache.js; read again when a file changed
    (checked every few seconds), so a deployment or an edit makes a new version without a restart."""
    now = time.monotonic()
    if now - _cache["checked"] >= RECHECK_SECONDS:
        _cache["checked"] = now
        root = get_settings().pwa_dir
        current = (root, *fingerprint(root))
        if current != _cache["print"]:
            files = shell_files(root)
            files["sw.js"] = read_file(root / "sw.js", root)
            files["precache.js"] = make_file("precache.js", precache_script(precache_manifest(files)))
            _cache.update(print=current, files=files)
    return _cache["files"]


def _csp() -> str:
    """The app's content policy; presigned uploads go to the S3 endpoint's origin, so it may be connected to."""
    endpoint = get_settings().s3_endpoint
    store = f" {urlsplit(endpoint).scheme}://{urlsplit(endpoint).netloc}" if endpoint else ""
    return ("default-src 'self'; img-src 'self' blob: data:; media-src 'self' blob:; "
            f"connect-src 'self'{store}; script-src 'self'; style-src 'self'; worker-src 'self'; "
            "object-src 'none'; base-uri 'self'; frame-ancestors 'none'")


def _response(file: ShellFile, request: Request) -> Response:
    etag = f'"{file.sha256[:32]}"'
    headers = {"Cache-Control": "no-cache", "ETag": etag, "X-Content-Type-Options": "nosniff",
               "Vary": "Accept-Encoding"}
    if file.path == "sw.js":
        headers["Service-Worker-Allowed"] = "/app/"
    if file.path.endswith(".html"):
        headers["Content-Security-Policy"] = _csp()
    if request.headers.get("if-none-match") == etag:
        return Response(b"", status_code=304, headers=headers)
    body = file.body
    if file.gzipped is not None and "gzip" in request.headers.get("accept-encoding", ""):
        body, headers["Content-Encoding"] = file.gzipped, "gzip"
    return Response(body, media_type=file.content_type, headers=headers)


@get(["/app", "/app/{file_path:path}"], include_in_schema=False, sync_to_thread=False)
def app_file(request: Request, file_path: str | None = None) -> Response:
    """A shell file; the bare /app goes to /app/ so the service worker's scope covers the page."""
    if file_path is None:
        if not request.scope.get("raw_path", b"/").endswith(b"/"):  # Litestar's path drops the slash
            return Redirect("/app/")
        file_path = "/"
    name = file_path.lstrip("/") or "index.html"
    file = _served().get(name)
    return _response(file, request) if file is not None else NOT_FOUND


PWA_ROUTES = [app_file]
"""Route handlers to register in the app."""
