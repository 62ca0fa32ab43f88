"""The media store contract, on the local directory store (the S3 store can run the same checks: `store` fixture).

Each test takes a `store` fixture; tests/integration can import these functions with an S3 `store` fixture.
"""

from __future__ import annotations

import io
import os

import pytest

from backend.storage.local import LocalStore
from backend.storage.store import PartInfo

KEY = "media/ab/" + "ab" * 32


@pytest.fixture
def store(tmp_path):
    return LocalStore(tmp_path / "media")


def _read(store, key: str) -> bytes:
    with store.open(key) as stream:
        return stream.read()


def test_open_reads_a_byte_range(store):
    data = bytes(range(256)) * 1000
    store.put(KEY, io.BytesIO(data), content_type="audio/wav")
    with store.open(KEY, 10, 19) as part:
        assert part.read() == data[10:20]
    with store.open(KEY, 250_000) as rest:
        assert rest.read() == data[250_000:]
    with store.open(KEY, 5, 200_004) as large:  # read in pieces, as a response streams it
        pieces = iter(lambda: large.read(65_536), b"")
        assert b"".join(pieces) == data[5:200_005]


def test_put_open_stat_delete(store):
    store.put(KEY, io.BytesIO(b"hello"), content_type="image/jpeg")
    assert _read(store, KEY) == b"hello" and store.stat(KEY).size == 5
    store.put(KEY, io.BytesIO(b"replaced!"), content_type="image/jpeg")
    assert _read(store, KEY) == b"replaced!"
    store.delete(KEY)
    store.delete(KEY)  # already gone: no error
    assert store.stat(KEY) is None
    with pytest.raises(KeyError):
        store.open(KEY)


def test_a_failed_put_leaves_the_old_object(store):
    class Broken:
        def __init__(self):
            self.calls = 0

        def read(self, size=-1):
            self.calls += 1
            if self.calls > 1:
                raise OSError("connection reset")
            return b"partial"

    store.put(KEY, io.BytesIO(b"original"), content_type="image/jpeg")
    with pytest.raises(OSError):
        store.put(KEY, Broken(), content_type="image/jpeg")
    assert _read(store, KEY) == b"original"


def test_multipart_in_any_order_resumable_and_joined_in_number_order(store):
    upload = store.start_multipart(KEY, content_type="audio/webm")
    store.upload_part(KEY, upload, 3, io.BytesIO(b"ccc"))
    store.upload_part(KEY, upload, 1, io.BytesIO(b"xxxx"))
    assert [(p.number, p.size) for p in store.list_parts(KEY, upload)] == [(1, 4), (3, 3)]
    store.upload_part(KEY, upload, 1, io.BytesIO(b"aaaa"))  # a resent part replaces the first copy
    second = store.upload_part(KEY, upload, 2, io.BytesIO(b"bb"))
    parts = store.list_parts(KEY, upload)
    assert [(p.number, p.size) for p in parts] == [(1, 4), (2, 2), (3, 3)] and parts[1] == second
    store.complete_multipart(KEY, upload, list(reversed(parts)))
    assert _read(store, KEY) == b"aaaabbccc"
    with pytest.raises(KeyError):
        store.list_parts(KEY, upload)  # the upload is over


def test_complete_refuses_a_missing_or_changed_part(store):
    upload = store.start_multipart(KEY, content_type="audio/webm")
    first = store.upload_part(KEY, upload, 1, io.BytesIO(b"aaaa"))
    with pytest.raises(ValueError):
        store.complete_multipart(KEY, upload, [first, PartInfo(2, 2, "0" * 32)])
    with pytest.raises(ValueError):
        store.complete_multipart(KEY, upload, [PartInfo(1, 4, "f" * 32)])
    assert store.stat(KEY) is None


def test_abort_drops_the_parts(store):
    upload = store.start_multipart(KEY, content_type="audio/webm")
    store.upload_part(KEY, upload, 1, io.BytesIO(b"aaaa"))
    store.abort_multipart(KEY, upload)
    store.abort_multipart(KEY, upload)
    with pytest.raises(KeyError):
        store.list_parts(KEY, upload)


def test_an_upload_belongs_to_its_key(store):
    upload = store.start_multipart(KEY, content_type="audio/webm")
    other = "media/cd/" + "cd" * 32
    with pytest.raises(KeyError):
        store.upload_part(other, upload, 1, io.BytesIO(b"x"))
    with pytest.raises(KeyError):
        store.list_parts(KEY, "0" * 32)


@pytest.mark.parametrize("key", ["../outside", "/etc/passwd", "media/../../outside", "media/./x", ".hidden",
                                 "media//x", "media/x/", "Media/X", "media\\..\\x", "", "media/\x00", "a/" * 9 + "b"])
def test_keys_cannot_leave_the_store(store, key):
    with pytest.raises(ValueError):
        store.put(key, io.BytesIO(b"x"), content_type="image/jpeg")
    with pytest.raises(ValueError):
        store.stat(key)
    with pytest.raises(ValueError):
        store.start_multipart(key, content_type="image/jpeg")


@pytest.mark.parametrize("upload_id", ["../../etc", "..", "0" * 31 + "/", "A" * 32])
def test_upload_ids_cannot_leave_the_store(store, upload_id):
    with pytest.raises(KeyError):
        store.upload_part(KEY, upload_id, 1, io.BytesIO(b"x"))


def test_a_planted_symlink_is_not_followed_out(store, tmp_path):
    outside = tmp_path / "outside"
    outside.mkdir()
    os.symlink(outside, store.root / "media")
    with pytest.raises(ValueError):
        store.put(KEY, io.BytesIO(b"x"), content_type="image/jpeg")
    assert not list(outside.iterdir())


def test_local_uploads_go_through_the_server(store):
    assert store.presign_put(KEY, content_type="image/jpeg", size=1, expires=60) is None
    upload = store.start_multipart(KEY, content_type="audio/webm")
    assert store.presign_part(KEY, upload, 1, expires=60) is None
