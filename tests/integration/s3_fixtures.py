"""Real S3 for the tests: one throwaway Ceph RGW per session (tests/rgw.py), started only when a test asks.

`rgw` is the running endpoint; `s3_store` an S3Store on a fresh bucket of it; `rgw_settings` points the
application's settings (CHOUCHA_S3_*) at it for one test. Without Ceph installed the tests that need it are
skipped with the apt command to run, except under CI=true, where that is a failure.
"""

from __future__ import annotations

import os
import uuid
from collections.abc import Iterator

import pytest

from backend.config import get_settings
from backend.storage.s3 import S3Store
from tests.rgw import INSTALL_HINT, RgwCluster, RgwEndpoint, installed


@pytest.fixture(scope="session")
def rgw() -> Iterator[RgwEndpoint]:
    """The session's RGW (started on first use, stopped and removed at the end of the session)."""
    if not installed():
        reason = f"Ceph RGW is not installed; the real-S3 tests need: {INSTALL_HINT}"
        if os.environ.get("CI") == "true":
            pytest.fail(reason)  # CI must never pass by skipping the S3 tests
        pytest.skip(reason)
    with RgwCluster() as endpoint:
        yield endpoint


def fresh_bucket() -> str:
    """A bucket name no other test uses (S3 names: 3-63 lower-case letters, digits, dashes)."""
    return f"test-{uuid.uuid4().hex[:20]}"


@pytest.fixture
def s3_store(rgw: RgwEndpoint) -> S3Store:
    """An S3Store on its own new bucket of the session's RGW."""
    return S3Store(endpoint=rgw.endpoint, bucket=fresh_bucket(), access_key=rgw.access_key,
                   secret_key=rgw.secret_key, region=rgw.region, path_style=True)


@pytest.fixture
def rgw_settings(rgw: RgwEndpoint) -> Iterator[RgwEndpoint]:
    """Settings (get_settings) pointing at RGW with a fresh bucket for this test, restored afterwards."""
    with pytest.MonkeyPatch.context() as patch:  # its own: undoes only the CHOUCHA_S3_* it set
        for name, value in rgw.env(bucket=fresh_bucket()).items():
            patch.setenv(name, value)
        get_settings.cache_clear()
        yield rgw
    get_settings.cache_clear()
