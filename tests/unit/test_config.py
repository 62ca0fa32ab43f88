"""Settings from the environment: embedded defaults, the generated secret, PostgreSQL URLs."""

from __future__ import annotations

import stat

import pytest

from backend.config import Settings
from backend.db.engine import postgres_config


@pytest.fixture
def env(monkeypatch, tmp_path):
    for name in ("CHOUCHA_DATABASE_URL", "CHOUCHA_SECRET_KEY", "CHOUCHA_MEDIA_DIR", "CHOUCHA_S3_ENDPOINT"):
        monkeypatch.delenv(name, raising=False)
    monkeypatch.setenv("CHOUCHA_DATA_DIR", str(tmp_path / "data"))
    return monkeypatch, tmp_path / "data"


def test_defaults_need_nothing(env):
    _, data = env
    settings = Settings.from_env()
    assert settings.database_url == f"sqlite:///{data / 'choucha.sqlite3'}"
    assert not settings.is_postgres and settings.media_dir == data / "media" and settings.s3_endpoint == ""


def test_secret_is_generated_once_and_kept_private(env):
    _, data = env
    first = Settings.from_env().secret_key
    assert len(first) >= 48 and Settings.from_env().secret_key == first
    assert stat.S_IMODE((data / "secret_key").stat().st_mode) == 0o600


def test_explicit_secret_wins(env):
    monkeypatch, _ = env
    monkeypatch.setenv("CHOUCHA_SECRET_KEY", "from-the-environment")
    assert Settings.from_env().secret_key == "from-the-environment"


def test_unknown_database_scheme_is_refused(env):
    monkeypatch, _ = env
    monkeypatch.setenv("CHOUCHA_DATABASE_URL", "mysql://x")
    with pytest.raises(ValueError, match="CHOUCHA_DATABASE_URL"):
        Settings.from_env()


def test_postgres_url_becomes_connection_arguments():
    assert postgres_config("postgresql://u%40x:p%2Fw@db.local:6543/choucha") == {
        "database": "choucha", "host": "db.local", "port": 6543, "user": "u@x", "password": "p/w"}
    assert postgres_config("postgresql:///local")["database"] == "local"
