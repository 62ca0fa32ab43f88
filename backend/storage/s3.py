"""The S3 media store (boto3): AWS, Ceph RGW, MinIO and the Chinese clouds' S3 APIs.

Clients upload straight to the object store through presigned URLs (one PUT, or one per multipart part), so
media bytes never pass through the application. Each presigned PUT binds its Content-Type and Content-Length
(and, when given, the SHA-256 of the body) into the signature: the store refuses any other upload. The
store's own answers are not trusted for integrity: the media service re-hashes objects after completion
(RGW 16 has no SHA-256 checksums, and its CompleteMultipartUpload answer carries an empty ETag).
"""

from __future__ import annotations

import threading
import time
from typing import TYPE_CHECKING, BinaryIO

import boto3
from boto3.s3.transfer import TransferConfig
from botocore.config import Config
from botocore.exceptions import ClientError

from backend.storage.local import KEY
from backend.storage.store import ObjectInfo, PartInfo, PresignedRequest

if TYPE_CHECKING:
    from backend.config import Settings

MISSING = {"404", "NoSuchKey", "NotFound", "NoSuchUpload", "NoSuchBucket"}
# Browsers upload from the app's origin: allow the headers a presigned PUT carries, and let them read the
# ETag of a part. Origins may be any, because the URL's signature, not the origin, is the authorisation.
CORS = {"CORSRules": [{"AllowedMethods": ["PUT", "GET", "HEAD"], "AllowedOrigins": ["*"],
                       "AllowedHeaders": ["content-type", "content-md5", "x-amz-content-sha256"],
                       "ExposeHeaders": ["ETag"], "MaxAgeSeconds": 3600}]}
MAX_PRESIGN_SECONDS = 7 * 24 * 3600  # SigV4's limit
PARTS_PAGE = 1000  # parts per ListParts answer (S3's maximum)


def _code(error: ClientError) -> str:
    return str(error.response.get("Error", {}).get("Code", ""))


def _unquoted(etag: str) -> str:
    """S3 quotes ETags; the store interface (like the local store) does not."""
    return etag.strip('"')


class S3Store:
    """One bucket of an S3-compatible service, created (with a CORS rule for uploads) on first use."""

    name = "s3"

    def __init__(self, *, endpoint: str, bucket: str, access_key: str, secret_key: str,
                 region: str = "us-east-1", path_style: bool = True) -> None:
        config = Config(
            signature_version="s3v4",
            s3={"addressing_style": "path" if path_style else "virtual"},
            retries={"mode": "standard", "max_attempts": 4},
            connect_timeout=5, read_timeout=60, max_pool_connections=32,
            # boto3 ≥ 1.36 adds CRC checksums (and aws-chunked bodies) by default; RGW 16 and several
            # S3-compatible services refuse or mangle them. Content-MD5 and our own SHA-256 suffice.
            request_checksum_calculation="when_required", response_checksum_validation="when_required",
        )
        self.bucket = bucket
        self.client = boto3.client("s3", endpoint_url=endpoint or None, region_name=region,
                                   aws_access_key_id=access_key or None, aws_secret_access_key=secret_key or None,
                                   config=config)
        # botocore has no parameter for a signed payload hash: carry it through the request context
        self.client.meta.events.register("provide-client-params.s3.PutObject", _take_sha256)
        self.client.meta.events.register("before-sign.s3.PutObject", _sign_sha256)
        self._ready = False
        self._lock = threading.Lock()

    @classmethod
    def from_settings(cls, settings: Settings) -> S3Store:
        """The store the CHOUCHA_S3_* settings describe."""
        return cls(endpoint=settings.s3_endpoint, bucket=settings.s3_bucket, access_key=settings.s3_access_key,
                   secret_key=settings.s3_secret_key, region=settings.s3_region, path_style=settings.s3_path_style)

    def ensure_bucket(self) -> None:
        """Create the bucket and its CORS rule when missing (once per process; concurrent callers wait)."""
        with self._lock:
            if self._ready:
                return
            try:
                self.client.head_bucket(Bucket=self.bucket)
            except ClientError as error:
                if _code(error) not in MISSING:
                    raise
                region = self.client.meta.region_name
                where = {} if region == "us-east-1" else {"CreateBucketConfiguration": {"LocationConstraint": region}}
                try:
                    self.client.create_bucket(Bucket=self.bucket, **where)  # us-east-1 is S3's unnamed default
                except ClientError as race:  # another process created it meanwhile
                    if _code(race) not in ("BucketAlreadyOwnedByYou", "BucketAlreadyExists"):
                        raise
                self.client.put_bucket_cors(Bucket=self.bucket, CORSConfiguration=CORS)
            self._ready = True

    def _s3(self):
        """The client, after making sure the bucket exists."""
        if not self._ready:
            self.ensure_bucket()
        return self.client

    @staticmethod
    def _check(key: str) -> str:
        if not KEY.match(key):  # the same keys as the local store: no traversal, nothing hidden
            raise ValueError(f"invalid media key {key!r}")
        return key

    def put(self, key: str, data: BinaryIO, *, content_type: str) -> None:
        """Upload a stream (in parts above 64 MiB: works for streams of unknown length)."""
        self._s3().upload_fileobj(data, self.bucket, self._check(key), ExtraArgs={"ContentType": content_type},
                                  Config=TransferConfig(multipart_threshold=64 << 20, multipart_chunksize=16 << 20))

    def open(self, key: str, first: int = 0, last: int | None = None) -> BinaryIO:
        """The object's body (or its bytes `first`..`last`: a ranged GET) as a stream read from the network;
        KeyError when absent."""
        ranged = {} if first == 0 and last is None else {"Range": f"bytes={first}-{'' if last is None else last}"}
        try:
            return self._s3().get_object(Bucket=self.bucket, Key=self._check(key), **ranged)["Body"]
        except ClientError as error:
            if _code(error) in MISSING:
                raise KeyError(key) from None
            raise

    def stat(self, key: str) -> ObjectInfo | None:
        """Size and ETag from a HEAD request, or None."""
        try:
            head = self._s3().head_object(Bucket=self.bucket, Key=self._check(key))
        except ClientError as error:
            if _code(error) in MISSING:
                return None
            raise
        return ObjectInfo(size=head["ContentLength"], etag=_unquoted(head.get("ETag", "")))

    def delete(self, key: str) -> None:
        """Delete the object (S3 answers 204 whether or not it existed)."""
        self._s3().delete_object(Bucket=self.bucket, Key=self._check(key))

    def _presign(self, operation: str, params: dict, expires: int, headers: dict[str, str]) -> PresignedRequest:
        expires = max(1, min(expires, MAX_PRESIGN_SECONDS))
        url = self._s3().generate_presigned_url(operation, Params={"Bucket": self.bucket, **params},
                                                ExpiresIn=expires, HttpMethod="PUT")
        return PresignedRequest(method="PUT", url=url, headers=headers, expires_at=int(time.time()) + expires)

    def presign_put(self, key: str, *, content_type: str, size: int, expires: int,
                    sha256: str | None = None) -> PresignedRequest:
        """A PUT URL valid only for this type and size (and, with `sha256`, only for exactly these bytes).

        `headers` are those the client must send (browsers set Content-Length themselves from the body).
        """
        headers = {"Content-Type": content_type, "Content-Length": str(size)}
        params = {"Key": self._check(key), "ContentType": content_type, "ContentLength": size}
        if sha256 is not None:
            headers["x-amz-content-sha256"] = params["ContentSHA256"] = sha256.lower()
        return self._presign("put_object", params, expires, headers)

    def start_multipart(self, key: str, *, content_type: str) -> str:
        """CreateMultipartUpload; returns the upload id."""
        answer = self._s3().create_multipart_upload(Bucket=self.bucket, Key=self._check(key),
                                                    ContentType=content_type)
        return answer["UploadId"]

    def presign_part(self, key: str, upload_id: str, number: int, *, expires: int) -> PresignedRequest:
        """A PUT URL for part `number` of the upload; the answer's ETag header names the part."""
        if not 1 <= number <= 10_000:
            raise ValueError("part number must be 1..10000")
        params = {"Key": self._check(key), "UploadId": upload_id, "PartNumber": number}
        return self._presign("upload_part", params, expires, {})

    def upload_part(self, key: str, upload_id: str, number: int, data: BinaryIO) -> PartInfo:
        """UploadPart from the server (read into memory: parts are a few MiB and botocore needs a length)."""
        body = data.read()
        try:
            answer = self._s3().upload_part(Bucket=self.bucket, Key=self._check(key), UploadId=upload_id,
                                            PartNumber=number, Body=body)
        except ClientError as error:
            if _code(error) in MISSING:
                raise KeyError(upload_id) from None
            raise
        return PartInfo(number=number, size=len(body), etag=_unquoted(answer["ETag"]))

    def list_parts(self, key: str, upload_id: str) -> list[PartInfo]:
        """Every part that arrived (all pages of ListParts), by number; KeyError for an unknown upload."""
        parts = []
        try:
            pages = self._s3().get_paginator("list_parts").paginate(
                Bucket=self.bucket, Key=self._check(key), UploadId=upload_id, PaginationConfig={"PageSize": PARTS_PAGE})
            for page in pages:
                parts += [PartInfo(number=p["PartNumber"], size=p["Size"], etag=_unquoted(p["ETag"]))
                          for p in page.get("Parts", [])]
        except ClientError as error:
            if _code(error) in MISSING:
                raise KeyError(upload_id) from None
            raise
        return sorted(parts, key=lambda p: p.number)

    def complete_multipart(self, key: str, upload_id: str, parts: list[PartInfo]) -> None:
        """CompleteMultipartUpload in part order; ValueError when a part is missing, differs or is too small.

        The answer's ETag is not used (RGW 16 leaves it empty): `stat` reads the real one.
        """
        listed = [{"PartNumber": p.number, "ETag": f'"{_unquoted(p.etag)}"'}
                  for p in sorted(parts, key=lambda p: p.number)]
        try:
            self._s3().complete_multipart_upload(Bucket=self.bucket, Key=self._check(key), UploadId=upload_id,
                                                 MultipartUpload={"Parts": listed})
        except ClientError as error:
            if _code(error) in ("InvalidPart", "InvalidPartOrder", "EntityTooSmall", "MalformedXML"):
                raise ValueError(f"cannot complete upload {upload_id}: {_code(error)}") from error
            if _code(error) in MISSING:
                raise KeyError(upload_id) from None
            raise

    def abort_multipart(self, key: str, upload_id: str) -> None:
        """AbortMultipartUpload; no error when the upload is already gone."""
        try:
            self._s3().abort_multipart_upload(Bucket=self.bucket, Key=self._check(key), UploadId=upload_id)
        except ClientError as error:
            if _code(error) not in MISSING:
                raise


def _take_sha256(params: dict, context: dict, **_: object) -> None:
    """Move our ContentSHA256 parameter (unknown to botocore) out of the parameters, into the context."""
    if "ContentSHA256" in params:
        context["choucha_sha256"] = params.pop("ContentSHA256")


def _sign_sha256(request, **_: object) -> None:
    """Put the SHA-256 into the signed headers: S3 and RGW then refuse a body with another hash."""
    if sha256 := request.context.get("choucha_sha256"):
        request.headers["x-amz-content-sha256"] = sha256
