"""The media store the settings choose: S3 when an endpoint is configured, else the local media directory."""

from __future__ import annotations

from functools import lru_cache

from backend.config import Settings
from backend.storage import images
from backend.storage.store import MediaStore


@lru_cache(maxsize=4)
def get_store(settings: Settings) -> MediaStore:
    """One store per settings object (tests that switch CHOUCHA_S3_* get a fresh one with fresh settings)."""
    images.configure(settings.max_image_pixels)
    if settings.storage_backend == "s3":
        from backend.storage.s3 import S3Store  # boto3 loads only when S3 is configured

        return S3Store.from_settings(settings)
    from backend.storage.local import LocalStore

    return LocalStore(settings.media_dir)
