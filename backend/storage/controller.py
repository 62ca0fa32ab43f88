"""HTTP routes of media: ask to upload, send bytes (local storage), complete, resume, and read."""

from __future__ import annotations

from collections.abc import Iterator
from typing import IO

from litestar import Controller, Request, Response, get, post, put
from litestar.params import Parameter
from litestar.response import Stream

from backend.auth.guards import requires, user_of
from backend.errors import problem
from backend.storage import service
from backend.storage.ranges import Unsatisfiable, requested
from backend.storage.schemas import UploadCreate

UploadUid = Parameter(pattern=r"^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$",
                      description="the upload's uid, from POST /api/v1/media/uploads")
Variant = Parameter(default="original", pattern=r"^(original|display|thumb)$",
                    description="original bytes, or (photos) the display copy or thumbnail without EXIF")
CHUNK = 256 * 1024
# Content-addressed, so a variant never changes; private because it is personal evidence.
READ_HEADERS = {"Cache-Control": "private, max-age=31536000, immutable", "X-Content-Type-Options": "nosniff",
                "Content-Security-Policy": "default-src 'none'; sandbox", "Content-Disposition": "inline"}


def _chunks(stream: IO[bytes]) -> Iterator[bytes]:
    """Read the store's stream in chunks (Litestar pulls them in a worker thread), closing it at the end."""
    try:
        while chunk := stream.read(CHUNK):
            yield chunk
    finally:
        stream.close()


class MediaController(Controller):
    """Photos, audio and signatures, content-addressed by SHA-256 and verified before they count."""

    path = "/api/v1/media"
    tags = ["media"]  # noqa: RUF012 - Litestar reads it as declared (as in every controller)

    @post("/uploads", guards=[requires("media.upload")], status_code=200)
    async def request_upload(self, request: Request, data: UploadCreate) -> dict:
        """Declare a file for a task: `stored` (deduplicated, nothing to send) or the upload plan."""
        return await service.request_upload(user=user_of(request), data=data)

    @get("/uploads/{uid:str}", guards=[requires("media.upload")])
    async def upload_status(self, uid: str = UploadUid) -> dict:
        """Resume: the parts that arrived and fresh URLs for the missing ones."""
        return await service.upload_status(uid=uid)

    @put("/uploads/{uid:str}/content", guards=[requires("media.upload")], status_code=200)
    async def put_content(self, request: Request, uid: str = UploadUid) -> dict:
        """The raw bytes of a single-PUT upload (local storage)."""
        return await service.receive_content(uid=uid, chunks=request.stream())

    @put("/uploads/{uid:str}/parts/{number:int}", guards=[requires("media.upload")], status_code=200)
    async def put_part(self, request: Request, number: int = Parameter(ge=1, le=10_000),
                       uid: str = UploadUid) -> dict:
        """The raw bytes of part `number` of a multipart upload (local storage)."""
        return await service.receive_part(uid=uid, number=number, chunks=request.stream())

    @post("/uploads/{uid:str}/complete", guards=[requires("media.upload")], status_code=200)
    async def complete(self, request: Request, uid: str = UploadUid) -> dict:
        """Verify size and SHA-256, check and process the content; the media counts from here."""
        return await service.complete_upload(user=user_of(request), uid=uid)

    @get("/{sha256:str}", guards=[requires("media.read")])
    async def read(self, request: Request, sha256: str, variant: str = Variant) -> Response | Stream:
        """The bytes of a stored media variant, for users who may see a task that references it; one byte
        range when asked (206: audio players seek with them, and Safari plays nothing without)."""
        key, content_type, size = await service.media_file(user=user_of(request), sha256=sha256, variant=variant)
        etag = f'"{sha256}-{variant}"'
        headers = {**READ_HEADERS, "ETag": etag, "Accept-Ranges": "bytes"}
        try:
            part = requested(request.headers.get("range"), size, if_range=request.headers.get("if-range"),
                             etag=etag)
        except Unsatisfiable:
            refused = problem(416, "media.range", "请求的字节范围超出文件", "the range is past the end of the file")
            refused.headers["Content-Range"] = f"bytes */{size}"
            return refused
        if part is None:
            stream = await service.open_stored(key)
            return Stream(_chunks(stream), media_type=content_type, headers={**headers, "Content-Length": str(size)})
        stream = await service.open_stored(key, part.first, part.last)
        return Stream(_chunks(stream), status_code=206, media_type=content_type, headers={
            **headers, "Content-Length": str(part.length), "Content-Range": part.content_range})
