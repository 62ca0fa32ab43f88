"""HTTP routes to import registers (multipart or streamed body), export them, and get the templates."""

from __future__ import annotations

import tempfile
from pathlib import Path

from litestar import Controller, Request, Response, get, post
from litestar.background_tasks import BackgroundTask
from litestar.datastructures import UploadFile
from litestar.params import Parameter
from litestar.response import File

from backend.auth.guards import requires, user_of
from backend.config import get_settings
from backend.errors import InvalidInput, TooLarge, problem
from backend.registry import exports
from backend.registry.imports import import_file

KIND = Parameter(pattern=r"^(entities|inspectors)$", description="entities or inspectors")
SUFFIXES = {".csv", ".xlsx"}
XLSX_TYPES = ("application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",)


async def _save_upload(request: Request, filename: str | None) -> tuple[Path, str]:
    """Store the upload in a temporary file, streaming, refusing it past the size limit."""
    limit = get_settings().max_upload_bytes
    if request.headers.get("content-type", "").startswith("multipart/form-data"):
        form = await request.form()
        upload = form.get("file")
        if not isinstance(upload, UploadFile):
            raise InvalidInput("请在表单字段 file 中上传文件", "upload the file in form field 'file'",
                               code="import.no_file")
        name = upload.filename or "upload.csv"
        chunks = _upload_chunks(upload)
    else:
        content_type = request.headers.get("content-type", "")
        name = filename or ("upload.xlsx" if content_type.startswith(XLSX_TYPES) else "upload.csv")
        chunks = request.stream()
    suffix = Path(name).suffix.lower()
    if suffix not in SUFFIXES:
        raise InvalidInput("只接受 .csv 或 .xlsx 文件", "only .csv and .xlsx files are accepted", code="file.format")
    handle = tempfile.NamedTemporaryFile(prefix="choucha-import-", suffix=suffix, delete=False)
    size = 0
    with handle:
        async for chunk in chunks:
            size += len(chunk)
            if size > limit:
                Path(handle.name).unlink(missing_ok=True)
                raise TooLarge(f"文件超过上限（{limit}字节）", f"file exceeds the limit of {limit} bytes")
            handle.write(chunk)
    return Path(handle.name), name


async def _upload_chunks(upload: UploadFile):
    while chunk := await upload.read(1 << 20):
        yield chunk


class ImportExportController(Controller):
    """Bulk register import and export (CSV or XLSX)."""

    path = "/api/v1/registers"
    tags = ["registry"]

    @post("/{kind:str}/import", guards=[requires("registry.import")], status_code=200)
    async def import_register(self, request: Request, kind: str = KIND, dry_run: bool = False,
                              skip_invalid: bool = False,
                              filename: str | None = Parameter(default=None, max_length=200)) -> Response:
        """Import a file (multipart field `file`, or the raw body with `?filename=`); 422 with the report on errors."""
        path, name = await _save_upload(request, filename)
        try:
            report = await import_file(actor=user_of(request).actor, kind=kind, path=path, dry_run=dry_run,
                                       skip_invalid=skip_invalid, filename=name)
        finally:
            path.unlink(missing_ok=True)
        if report["error_count"] and not report["written"]:
            first = report["errors"][0] if report["errors"] else {"message": ""}
            return problem(422, "import.invalid", f"导入文件有{report['error_count']}个错误，未写入任何数据",
                           f"the file has {report['error_count']} errors; nothing was written",
                           report=report, first_error=first)
        return Response(report)

    @get("/{kind:str}/export", guards=[requires("registry.export")])
    async def export_register(self, kind: str = KIND,
                              format: str = Parameter(default="csv", pattern=r"^(csv|xlsx)$")) -> File:
        """The whole register as CSV (UTF-8 with BOM) or XLSX, formula-escaped."""
        path = Path(tempfile.mkstemp(prefix=f"choucha-{kind}-", suffix=f".{format}")[1])
        await exports.export_register(kind=kind, path=path)
        return File(path=path, filename=f"{kind}.{format}", background=BackgroundTask(path.unlink, missing_ok=True))

    @get("/{kind:str}/template", guards=[requires("registry.read")])
    async def template(self, kind: str = KIND,
                       format: str = Parameter(default="csv", pattern=r"^(csv|xlsx)$")) -> File:
        """An empty import template with the bilingual headers."""
        path = Path(tempfile.mkstemp(prefix=f"choucha-template-{kind}-", suffix=f".{format}")[1])
        exports.write_template(kind=kind, path=path)
        return File(path=path, filename=f"{kind}-template.{format}",
                    background=BackgroundTask(path.unlink, missing_ok=True))
