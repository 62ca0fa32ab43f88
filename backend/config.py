"""Settings read from CHOUCHA_* environment variables, with embedded defaults that need nothing."""

from __future__ import annotations

import os
import secrets
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path


def _env(name: str, default: str = "") -> str:
    return os.environ.get(name, default).strip()


def _flag(name: str, default: str) -> bool:
    return _env(name, default).lower() in ("1", "true", "yes")


@dataclass(frozen=True)
class Settings:
    """Everything configurable. Each field names its variable; see README "Configuration"."""

    data_dir: Path
    """CHOUCHA_DATA_DIR (default ./var): SQLite file, local media, generated keys."""
    database_url: str
    """CHOUCHA_DATABASE_URL (default sqlite:///<data_dir>/choucha.sqlite3); postgresql://user@host:port/db."""
    secret_key: str
    """CHOUCHA_SECRET_KEY: signs tokens; generated into <data_dir>/secret_key on first run when unset."""
    media_dir: Path
    """CHOUCHA_MEDIA_DIR (default <data_dir>/media): local media store when no S3 endpoint is set."""
    s3_endpoint: str = ""
    """CHOUCHA_S3_ENDPOINT: S3-compatible endpoint URL; empty means local media storage."""
    s3_bucket: str = "choucha"
    """CHOUCHA_S3_BUCKET: bucket for media."""
    s3_access_key: str = ""
    """CHOUCHA_S3_ACCESS_KEY: access key id."""
    s3_secret_key: str = ""
    """CHOUCHA_S3_SECRET_KEY: secret access key."""
    s3_region: str = "us-east-1"
    """CHOUCHA_S3_REGION: signing region."""
    s3_path_style: bool = True
    """CHOUCHA_S3_PATH_STYLE (default true): http://host/bucket/key addressing (Ceph RGW, MinIO); false for
    virtual-hosted http://bucket.host/key (AWS, most Chinese clouds)."""
    media_max_bytes: int = 200 * 1024 * 1024
    """CHOUCHA_MEDIA_MAX_BYTES: largest accepted media file (photo, audio, signature); larger gets 413."""
    media_multipart_threshold: int = 8 * 1024 * 1024
    """CHOUCHA_MEDIA_MULTIPART_THRESHOLD: files larger than this are uploaded in parts (resumable)."""
    media_part_size: int = 8 * 1024 * 1024
    """CHOUCHA_MEDIA_PART_SIZE: bytes per part of a multipart upload (S3 needs at least 5 MiB)."""
    media_presign_seconds: int = 3600
    """CHOUCHA_MEDIA_PRESIGN_SECONDS: how long a presigned upload URL stays valid."""
    max_image_pixels: int = 120_000_000
    """CHOUCHA_MAX_IMAGE_PIXELS: larger images are refused as decompression bombs (108 MP phones pass)."""
    max_upload_bytes: int = 512 * 1024 * 1024
    """CHOUCHA_MAX_UPLOAD_BYTES: largest accepted upload (imports, media); larger gets 413."""
    session_hours: int = 12
    """CHOUCHA_SESSION_HOURS: lifetime of a web (cookie) session."""
    device_token_days: int = 90
    """CHOUCHA_DEVICE_TOKEN_DAYS: lifetime of a device (bearer) token without use."""
    login_attempts_per_minute: int = 5
    """CHOUCHA_LOGIN_ATTEMPTS_PER_MINUTE: failed logins per user name and client before 429."""
    cookie_secure: bool = False
    """CHOUCHA_COOKIE_SECURE: set the Secure flag on cookies (true behind HTTPS)."""
    pwa_dir: Path = Path(__file__).resolve().parents[1] / "pwa"
    """CHOUCHA_PWA_DIR (default the shipped pwa/): the field app's files served at /app/."""
    db_pool_size: int = 10
    """CHOUCHA_DB_POOL_SIZE (PostgreSQL): connections the server process keeps open (0: connect per query)."""

    @property
    def storage_backend(self) -> str:
        """"s3" when an endpoint is configured, else "local" (the media directory)."""
        return "s3" if self.s3_endpoint else "local"

    @property
    def is_postgres(self) -> bool:
        return self.database_url.startswith(("postgres://", "postgresql://"))

    @property
    def sqlite_path(self) -> Path:
        return Path(self.database_url.removeprefix("sqlite:///"))

    @classmethod
    def from_env(cls) -> "Settings":
        """Read the environment; create the data dir and the secret key file when needed."""
        data_dir = Path(_env("CHOUCHA_DATA_DIR", "./var")).resolve()
        data_dir.mkdir(parents=True, exist_ok=True)
        database_url = _env("CHOUCHA_DATABASE_URL") or f"sqlite:///{data_dir / 'choucha.sqlite3'}"
        if not database_url.startswith(("sqlite:///", "postgres://", "postgresql://")):
            raise ValueError(f"CHOUCHA_DATABASE_URL must be sqlite:///PATH or postgresql://…, got {database_url!r}")
        settings = cls(
            data_dir=data_dir,
            database_url=database_url,
            secret_key=_env("CHOUCHA_SECRET_KEY") or _stored_secret(data_dir),
            media_dir=Path(_env("CHOUCHA_MEDIA_DIR") or data_dir / "media"),
            s3_endpoint=_env("CHOUCHA_S3_ENDPOINT"),
            s3_bucket=_env("CHOUCHA_S3_BUCKET", "choucha"),
            s3_access_key=_env("CHOUCHA_S3_ACCESS_KEY"),
            s3_secret_key=_env("CHOUCHA_S3_SECRET_KEY"),
            s3_region=_env("CHOUCHA_S3_REGION", "us-east-1"),
            s3_path_style=_flag("CHOUCHA_S3_PATH_STYLE", "true"),
            media_max_bytes=int(_env("CHOUCHA_MEDIA_MAX_BYTES", str(200 * 1024 * 1024))),
            media_multipart_threshold=int(_env("CHOUCHA_MEDIA_MULTIPART_THRESHOLD", str(8 * 1024 * 1024))),
            media_part_size=int(_env("CHOUCHA_MEDIA_PART_SIZE", str(8 * 1024 * 1024))),
            media_presign_seconds=int(_env("CHOUCHA_MEDIA_PRESIGN_SECONDS", "3600")),
            max_image_pixels=int(_env("CHOUCHA_MAX_IMAGE_PIXELS", "120000000")),
            max_upload_bytes=int(_env("CHOUCHA_MAX_UPLOAD_BYTES", str(512 * 1024 * 1024))),
            session_hours=int(_env("CHOUCHA_SESSION_HOURS", "12")),
            device_token_days=int(_env("CHOUCHA_DEVICE_TOKEN_DAYS", "90")),
            login_attempts_per_minute=int(_env("CHOUCHA_LOGIN_ATTEMPTS_PER_MINUTE", "5")),
            cookie_secure=_flag("CHOUCHA_COOKIE_SECURE", "false"),
            db_pool_size=int(_env("CHOUCHA_DB_POOL_SIZE", "10")),
            pwa_dir=Path(_env("CHOUCHA_PWA_DIR") or Path(__file__).resolve().parents[1] / "pwa"),
        )
        # S3 refuses parts under 5 MiB (except the last) only at completion: fail at start instead
        minimum = 5 * 1024 * 1024 if settings.s3_endpoint else 1
        if settings.media_part_size < minimum:
            raise ValueError(f"CHOUCHA_MEDIA_PART_SIZE must be at least {minimum} bytes")
        return settings


def _stored_secret(data_dir: Path) -> str:
    """The secret kept in <data_dir>/secret_key, created (mode 0600) on first use."""
    path = data_dir / "secret_key"
    if not path.exists():
        fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
        with os.fdopen(fd, "w") as fh:
            fh.write(secrets.token_urlsafe(48))
    return path.read_text().strip()


@lru_cache(maxsize=1)
def get_settings() -> Settings:
    """The process-wide settings (cached; tests clear the cache after changing the environment)."""
    return Settings.from_env()
