"""Settings read from CHOUCHA_* environment variables, with embedded defaults that need nothing."""

from __future__ import annotations

import os
import secrets
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path


def _env(name: str, default: str = "") -> str:
    return os.environ.get(name, default).strip()


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
        return cls(
            data_dir=data_dir,
            database_url=database_url,
            secret_key=_env("CHOUCHA_SECRET_KEY") or _stored_secret(data_dir),
            media_dir=Path(_env("CHOUCHA_MEDIA_DIR") or data_dir / "media"),
            s3_endpoint=_env("CHOUCHA_S3_ENDPOINT"),
            s3_bucket=_env("CHOUCHA_S3_BUCKET", "choucha"),
            s3_access_key=_env("CHOUCHA_S3_ACCESS_KEY"),
            s3_secret_key=_env("CHOUCHA_S3_SECRET_KEY"),
            s3_region=_env("CHOUCHA_S3_REGION", "us-east-1"),
            max_upload_bytes=int(_env("CHOUCHA_MAX_UPLOAD_BYTES", str(512 * 1024 * 1024))),
            session_hours=int(_env("CHOUCHA_SESSION_HOURS", "12")),
            device_token_days=int(_env("CHOUCHA_DEVICE_TOKEN_DAYS", "90")),
            login_attempts_per_minute=int(_env("CHOUCHA_LOGIN_ATTEMPTS_PER_MINUTE", "5")),
            cookie_secure=_env("CHOUCHA_COOKIE_SECURE", "false").lower() in ("1", "true", "yes"),
        )


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
