"""Media through the HTTP API: upload (single, multipart resumed), verification, refusals, dedupe, reading.

Backend-agnostic: the store comes from the settings. `media_backend` runs every test on the local store and
on a real S3 (Ceph RGW, tests/integration/s3_fixtures.py); the helpers send bytes wherever the upload plan
says (the server with our credentials, or a presigned store URL without them).
"""

from __future__ import annotations

import hashlib
import io
from datetime import UTC, date, datetime, timedelta

import httpx
import pytest
from PIL import Image

from backend.audit.service import SYSTEM
from backend.audit.tables import AuditEntry
from backend.auth.service import create_user
from backend.auth.tables import User
from backend.config import get_settings
from backend.fieldwork.tables import Task, TaskMember
from backend.ids import uuid7
from backend.planning.tables import Draw
from backend.registry.tables import Department, Entity, Inspector
from backend.storage.service import missing_media
from backend.storage.tables import Media
from tests.integration.conftest import PASSWORD, login, run
from tests.unit.storage import samples

MIB = 1024 * 1024
UPLOADS = "/api/v1/media/uploads"


@pytest.fixture(params=["local", "s3"], autouse=True)
def media_backend(request, monkeypatch, tmp_path):
    """Local store in a fresh folder, or a fresh bucket of the session's RGW; 5 MiB parts (S3's least) above 5 MiB."""
    if request.param == "s3":
        request.getfixturevalue("rgw_settings")  # skips when Ceph is not installed (fails under CI)
    else:
        monkeypatch.delenv("CHOUCHA_S3_ENDPOINT", raising=False)
        monkeypatch.setenv("CHOUCHA_MEDIA_DIR", str(tmp_path / "media"))
    for name, value in {"CHOUCHA_MEDIA_MULTIPART_THRESHOLD": 5 * MIB, "CHOUCHA_MEDIA_PART_SIZE": 5 * MIB,
                        "CHOUCHA_MEDIA_MAX_BYTES": 20 * MIB}.items():
        monkeypatch.setenv(name, str(value))
    get_settings.cache_clear()
    yield request.param
    get_settings.cache_clear()


async def _make_task(*, username: str | None, department: str = "SCJG") -> str:
    """A task of `department` whose team is a new inspector record, of the user `username` when given."""
    now, dept = datetime.now(UTC), await Department.select(Department.id).where(
        Department.code == department).first().run()
    serial = await Entity.count().run()
    entity = Entity(uscc=f"91320612MA{serial:08d}", name=f"测试超市{serial}", kind="enterprise", industry="F5211",
                    region="320612", address="南通市", risk_class="B", created_at=now, updated_at=now)
    draw = Draw(plans=[], algorithm="test", sources_description="test", announced_at=now)
    await entity.save().run()
    await draw.save().run()
    user = await User.select(User.id).where(User.username == username).first().run() if username else None
    inspector = Inspector(user=user["id"] if user else None, name=username or "外勤", department=dept["id"],
                          credential_no=f"C-{uuid7()}", valid_from=date(2020, 1, 1), valid_to=date(2030, 1, 1),
                          created_at=now, updated_at=now)
    await inspector.save().run()
    team = [inspector.id]
    task = Task(uid=uuid7(), draw=draw.id, entity=entity.id, year=2026, items=[], departments=[department], team=team,
                due_on=date(2026, 12, 31), created_at=now, updated_at=now)
    await task.save().run()
    for inspector_id in team:
        await TaskMember(task=task.id, inspector=inspector_id).save().run()
    return task.uid


class World(dict):
    """Task uids ("mine", "theirs") and, on first use, bearer headers per role (logins hash passwords: slow)."""

    def __init__(self, client, **tasks: str) -> None:
        super().__init__(**tasks)
        self.client = client

    def __missing__(self, role: str) -> dict[str, str]:
        if role == "inspector_2":
            run(create_user(actor=SYSTEM, username="inspector-2", display_name="inspector 2", password=PASSWORD,
                            role="inspector", department_code="LSCB"))
        self[role] = login(self.client, role)
        return self[role]


@pytest.fixture
def world(client, people):
    """The inspector's task (department SCJG) and a task of another inspector in department LSCB."""
    return World(client, mine=run(_make_task(username="inspector")),
                 theirs=run(_make_task(username=None, department="LSCB")))


def sha(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def declare(client, headers, data: bytes, task: str, *, kind="photo", content_type="image/jpeg", **override):
    body = {"sha256": sha(data), "size": len(data), "content_type": content_type, "kind": kind, "task": task,
            **override}
    return client.post(UPLOADS, json=body, headers=headers)


def send(client, headers, target: dict, data: bytes) -> None:
    """PUT bytes where the plan says: to the server with our credentials, or to the store without them."""
    if target["target"] == "server":
        response = client.request(target["method"], target["url"], content=data, headers=headers)
    else:
        response = httpx.request(target["method"], target["url"], content=data, headers=target["headers"])
    assert response.status_code in (200, 201, 204), response.text


def send_parts(client, headers, plan: dict, data: bytes, numbers=None) -> None:
    for part in plan["parts"]:
        if numbers is None or part["number"] in numbers:
            start = (part["number"] - 1) * plan["part_size"]
            send(client, headers, part, data[start:start + plan["part_size"]])


def upload(client, headers, data: bytes, task: str, **declaration) -> dict:
    """Declare, send (single or in parts), complete: the completion's answer."""
    plan = declare(client, headers, data, task, **declaration).json()
    if plan["status"] == "pending":
        if plan["method"] == "single":
            send(client, headers, plan["upload"], data)
        else:
            send_parts(client, headers, plan, data)
        response = client.post(f"{UPLOADS}/{plan['uid']}/complete", headers=headers)
        assert response.status_code == 200, response.text
        return response.json()
    return plan


def actions() -> list[str]:
    return [r["action"] for r in run(AuditEntry.select(AuditEntry.action).order_by(AuditEntry.seq).run())]


def test_small_photo_is_stored_with_evidence_and_clean_copies(client, world):
    data = samples.jpeg(6)
    plan = declare(client, world["inspector"], data, world["mine"], filename="../../IMG_0001.jpg").json()
    assert plan["status"] == "pending" and plan["method"] == "single"
    send(client, world["inspector"], plan["upload"], data)
    done = client.post(plan["complete_url"], headers=world["inspector"]).json()
    assert done["status"] == "stored" and done["meta"]["taken_at"] == "2026-11-23T10:15:00+08:00"
    assert done["meta"]["gps"]["lat"] == pytest.approx(31.2418056) and done["meta"]["width"] == 600
    row = run(Media.select().where(Media.sha256 == sha(data)).first().run())
    assert row["filename"] == "IMG_0001.jpg" and row["status"] == "stored" and row["stored_at"] is not None
    assert {"media.upload_requested", "media.stored"} <= set(actions())
    original = client.get(f"/api/v1/media/{sha(data)}", headers=world["inspector"])
    assert original.content == data and original.headers["content-type"] == "image/jpeg"
    for variant, bound in (("display", 1600), ("thumb", 320)):
        copy = client.get(f"/api/v1/media/{sha(data)}", params={"variant": variant}, headers=world["team_lead"])
        assert copy.status_code == 200 and copy.headers["x-content-type-options"] == "nosniff"
        img = Image.open(io.BytesIO(copy.content))
        assert max(img.size) <= bound and img.size[0] > img.size[1]  # stored 400×600, shown upright 600×400
        assert not img.getexif() and b"Exif" not in copy.content and b"2026:11:23" not in copy.content


def test_multipart_upload_resumes_with_only_the_missing_parts(client, world):
    data = samples.webm(2500.0) + bytes(range(256)) * (11 * MIB // 256)
    plan = declare(client, world["inspector"], data, world["mine"], kind="audio",
                   content_type="audio/webm;codecs=opus").json()
    assert (plan["method"], plan["part_count"], plan["part_size"]) == ("multipart", 3, 5 * MIB)
    send_parts(client, world["inspector"], plan, data, numbers={1, 3})  # then the connection drops
    early = client.post(plan["complete_url"], headers=world["inspector"])
    assert early.status_code == 409 and early.json()["code"] == "media.incomplete"
    assert early.json()["missing_parts"] == [2]
    resumed = client.get(f"{UPLOADS}/{plan['uid']}", headers=world["inspector"]).json()
    assert [p["number"] for p in resumed["received"]] == [1, 3] and [p["number"] for p in resumed["parts"]] == [2]
    send_parts(client, world["inspector"], resumed, data)
    done = client.post(plan["complete_url"], headers=world["inspector"]).json()
    assert done["status"] == "stored" and done["content_type"] == "audio/webm" and done["meta"]["duration"] == 2.5
    assert client.post(plan["complete_url"], headers=world["inspector"]).json()["status"] == "stored"  # idempotent
    assert client.get(f"/api/v1/media/{sha(data)}", headers=world["inspector"]).content == data
    assert client.get(f"{UPLOADS}/{plan['uid']}", headers=world["inspector"]).json()["status"] == "stored"


def test_forged_hash_is_refused_and_the_right_bytes_still_count(client, world):
    data = samples.wav(2.0)
    forged = bytearray(data)
    forged[-1] ^= 0xFF
    plan = declare(client, world["inspector"], data, world["mine"], kind="audio", content_type="audio/wav").json()
    target = plan["upload"]
    if target["target"] == "store":  # the presigned PUT is signed with the declared SHA-256: the store refuses
        assert httpx.put(target["url"], content=bytes(forged), headers=target["headers"]).status_code == 400
        refused = client.post(plan["complete_url"], headers=world["inspector"])
        assert refused.status_code == 409 and refused.json()["code"] == "media.incomplete"
    else:
        send(client, world["inspector"], target, bytes(forged))
        refused = client.post(plan["complete_url"], headers=world["inspector"])
        assert refused.status_code == 422 and refused.json()["code"] == "media.hash_mismatch"
        assert "media.verification_failed" in actions()
    assert refused.headers["content-type"].startswith("application/problem+json")
    assert run(missing_media([sha(data)])) == {sha(data)}
    assert client.get(f"/api/v1/media/{sha(data)}", headers=world["inspector"]).status_code == 404
    again = client.get(f"{UPLOADS}/{plan['uid']}", headers=world["inspector"]).json()
    send(client, world["inspector"], again["upload"], data)
    assert client.post(plan["complete_url"], headers=world["inspector"]).json()["meta"]["duration"] == 2.0
    assert run(missing_media([sha(data), "0" * 64])) == {"0" * 64}


def test_forged_multipart_upload_starts_over(client, world):
    data = b"OggS" + bytes(12 * MIB)
    plan = declare(client, world["inspector"], data, world["mine"], kind="audio", content_type="audio/ogg").json()
    send_parts(client, world["inspector"], plan, data[:-1] + b"x")
    refused = client.post(plan["complete_url"], headers=world["inspector"])
    assert refused.status_code == 422 and refused.json()["code"] == "media.hash_mismatch"
    again = client.get(f"{UPLOADS}/{plan['uid']}", headers=world["inspector"]).json()
    assert again["received"] == [] and len(again["parts"]) == 3
    send_parts(client, world["inspector"], again, data)
    assert client.post(plan["complete_url"], headers=world["inspector"]).json()["status"] == "stored"


def test_bodies_of_the_wrong_length_are_refused_at_once(client, world):
    data = samples.jpeg()
    plan = declare(client, world["inspector"], data, world["mine"]).json()
    if plan["upload"]["target"] != "server":
        pytest.skip("presigned uploads are checked at completion")
    longer = client.put(plan["upload"]["url"], content=data + b"x", headers=world["inspector"])
    shorter = client.put(plan["upload"]["url"], content=data[:-1], headers=world["inspector"])
    assert (longer.status_code, longer.json()["code"]) == (413, "media.body_too_large")
    assert (shorter.status_code, shorter.json()["code"]) == (422, "media.body_incomplete")


def test_too_large_is_413(client, world):
    response = declare(client, world["inspector"], b"x", world["mine"], size=20 * MIB + 1)
    assert response.status_code == 413 and response.json()["code"] == "media.too_large"
    assert response.headers["content-type"].startswith("application/problem+json")
    assert response.json()["message"]["zh"] and response.json()["message"]["en"]


def test_declared_types_outside_the_kind_are_refused(client, world):
    for kind, content_type, status, code in [("photo", "text/html", 415, "media.type"),
                                             ("signature", "image/jpeg", 415, "media.type"),
                                             ("audio", "image/png", 415, "media.type"),
                                             ("video", "video/mp4", 422, "media.kind")]:
        response = declare(client, world["inspector"], b"x", world["mine"], kind=kind, content_type=content_type)
        assert (response.status_code, response.json()["code"]) == (status, code)


def test_content_that_is_not_the_declared_type_is_refused(client, world):
    data = samples.jpeg()
    plan = declare(client, world["inspector"], data, world["mine"], content_type="image/png").json()
    send(client, world["inspector"], plan["upload"], data)
    refused = client.post(plan["complete_url"], headers=world["inspector"])
    assert refused.status_code == 422 and refused.json()["code"] == "media.content_mismatch"
    assert run(Media.count().run()) == 0 and "media.rejected" in actions()
    assert upload(client, world["inspector"], data, world["mine"])["status"] == "stored"  # declared right


def test_malformed_requests(client, world):
    bad_hash = declare(client, world["inspector"], b"x", world["mine"], sha256="../../etc/passwd")
    assert (bad_hash.status_code, bad_hash.json()["code"]) == (422, "media.sha256")
    unknown = client.post(UPLOADS, json={"sha256": "a" * 64, "size": 1, "content_type": "image/jpeg",
                                         "kind": "photo", "task": world["mine"], "extra": 1},
                          headers=world["inspector"])
    assert unknown.status_code == 400
    for path in (f"{UPLOADS}/..%2F..%2Fetc/content", f"{UPLOADS}/{uuid7()}/content"):
        assert client.put(path, content=b"x", headers=world["inspector"]).status_code in (400, 404)
    assert client.get("/api/v1/media/" + "a" * 64, params={"variant": "../x"},
                      headers=world["inspector"]).status_code == 400


def test_another_inspectors_task_is_forbidden_and_recorded(client, world):
    data = samples.jpeg()
    refused = declare(client, world["inspector"], data, world["theirs"])
    assert refused.status_code == 403 and refused.json()["code"] == "media.forbidden"
    assert run(Media.count().run()) == 0 and actions()[-1] == "media.upload_refused"
    observer = declare(client, world["observer"], data, world["mine"])
    assert observer.status_code == 403 and observer.json()["code"] == "auth.forbidden"
    assert declare(client, world["inspector"], data, uuid7()).json()["code"] == "media.task_not_found"


def test_same_bytes_are_stored_once(client, world):
    data = samples.png()
    first = upload(client, world["inspector"], data, world["mine"], kind="signature", content_type="image/png")
    assert first["status"] == "stored" and first["meta"] == {"format": "image/png", "width": 300, "height": 120}
    again = declare(client, world["team_lead"], data, world["mine"], kind="signature", content_type="image/png")
    assert again.json() == {k: first[k] for k in ("uid", "sha256", "status", "size", "content_type", "kind")}
    assert run(Media.count().run()) == 1


def test_reading_is_limited_to_the_tasks_people(client, world):
    data = samples.heic(6)
    assert upload(client, world["inspector"], data, world["mine"], content_type="image/heic")["status"] == "stored"
    url = f"/api/v1/media/{sha(data)}"
    for role in ("inspector", "team_lead", "platform_admin"):
        assert client.get(url, headers=world[role]).content == data
    assert client.get(url, headers=world["inspector_2"]).status_code == 404
    assert client.get(url, headers=world["observer"]).status_code == 403
    thumb = client.get(url, params={"variant": "thumb"}, headers=world["inspector"])
    assert thumb.headers["content-type"] == "image/jpeg" and Image.open(io.BytesIO(thumb.content)).size == (213, 320)
    audio = samples.wav()
    upload(client, world["inspector"], audio, world["mine"], kind="audio", content_type="audio/x-wav")
    assert client.get(f"/api/v1/media/{sha(audio)}", headers=world["inspector"]).headers["content-type"] == \
        "audio/wav"
    assert client.get(f"/api/v1/media/{sha(audio)}", params={"variant": "thumb"},
                      headers=world["inspector"]).status_code == 404


def test_audio_is_read_in_byte_ranges(client, world):
    """Players seek audio with Range requests (Safari plays nothing without them): 206 with the bytes and
    their Content-Range, 416 past the end, several ranges or another version's If-Range: the whole file."""
    audio = samples.wav()
    upload(client, world["inspector"], audio, world["mine"], kind="audio", content_type="audio/x-wav")
    url, size, me = f"/api/v1/media/{sha(audio)}", len(audio), world["inspector"]
    whole = client.get(url, headers=me)
    assert whole.status_code == 200 and whole.headers["accept-ranges"] == "bytes" and whole.content == audio
    first = client.get(url, headers={**me, "Range": "bytes=0-99"})
    assert first.status_code == 206 and first.content == audio[:100]
    assert first.headers["content-range"] == f"bytes 0-99/{size}" and first.headers["content-length"] == "100"
    middle = client.get(url, headers={**me, "Range": "bytes=1000-1999"})
    assert middle.status_code == 206 and middle.content == audio[1000:2000]
    tail = client.get(url, headers={**me, "Range": "bytes=-10"})
    assert tail.status_code == 206 and tail.content == audio[-10:]
    rest = client.get(url, headers={**me, "Range": f"bytes={size - 5}-"})
    assert rest.content == audio[-5:] and rest.headers["content-range"] == f"bytes {size - 5}-{size - 1}/{size}"
    past = client.get(url, headers={**me, "Range": f"bytes={size}-"})
    assert past.status_code == 416 and past.headers["content-range"] == f"bytes */{size}"
    assert past.json()["code"] == "media.range"
    assert client.get(url, headers={**me, "Range": "bytes=0-1,5-9"}).content == audio
    stale = client.get(url, headers={**me, "Range": "bytes=0-9", "If-Range": '"another"'})
    assert stale.status_code == 200 and stale.content == audio
    assert client.get(url, headers={**world["inspector_2"], "Range": "bytes=0-9"}).status_code == 404


def test_abandoned_uploads_are_pruned_and_their_parts_dropped(client, world):
    """`choucha media prune`: uploads declared over a week ago that never completed go, with their unfinished
    multipart upload or staged bytes; recent uploads and stored media stay; each pruning is audited."""
    from backend.audit.tables import AuditEntry
    from backend.cli import main
    from backend.storage.factory import get_store
    from backend.storage.rules import incoming_key, original_key

    me, store = world["inspector"], get_store(get_settings())
    large = bytes(range(256)) * (24 * 1024)  # 6 MiB: two parts; never completed, so never checked as a JPEG
    multipart = declare(client, me, large, world["mine"]).json()
    assert multipart["method"] == "multipart"
    send_parts(client, me, multipart, large, numbers={1})
    small = samples.wav()
    single = declare(client, me, small, world["mine"], kind="audio", content_type="audio/x-wav").json()
    send(client, me, single["upload"], small)  # bytes sent, never completed
    recent = declare(client, me, samples.png(), world["mine"], kind="signature", content_type="image/png").json()
    kept = upload(client, me, samples.heic(3), world["mine"], content_type="image/heic")
    old = datetime.now(UTC) - timedelta(days=8)
    run(Media.update({Media.created_at: old}).where(
        Media.uid.is_in([multipart["uid"], single["uid"], kept["uid"]])).run())
    row = run(Media.select(Media.upload_id).where(Media.uid == multipart["uid"]).first().run())
    assert [p.number for p in store.list_parts(original_key(multipart["sha256"]), row["upload_id"])] == [1]

    assert main(["media", "prune"]) == 0
    left = {r["uid"]: r["status"] for r in run(Media.select(Media.uid, Media.status).run())}
    assert left == {recent["uid"]: "pending", kept["uid"]: "stored"}
    with pytest.raises(KeyError):
        store.list_parts(original_key(multipart["sha256"]), row["upload_id"])
    assert store.stat(incoming_key(single["uid"])) is None
    pruned = run(AuditEntry.select(AuditEntry.target_id).where(AuditEntry.action == "media.upload_abandoned").run())
    assert sorted(r["target_id"] for r in pruned) == sorted([multipart["uid"], single["uid"]])
    again = declare(client, me, small, world["mine"], kind="audio", content_type="audio/x-wav").json()
    assert again["status"] == "pending" and again["uid"] != single["uid"]  # the device starts over
    assert main(["media", "prune", "--days", "0"]) == 2


def test_an_mp3_recording_gets_its_duration(client, world):
    data = samples.mp3_xing(500)
    done = upload(client, world["inspector"], data, world["mine"], kind="audio", content_type="audio/mpeg")
    assert done["status"] == "stored" and done["meta"]["duration"] == round(500 * 1152 / 44100, 3)
