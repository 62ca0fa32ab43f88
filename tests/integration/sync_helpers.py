"""Reference devices talking to the test app over HTTP, and answers that make a submittable report."""

from __future__ import annotations

import time

from sync.client import Device
from tests.integration.fieldwork_factory import ITEM

SIGNATURE = "5" * 64
OFFICER = ("6" * 64, "7" * 64)
COMPLETE = {"inspection_date": "2026-11-20", "start_time": "09:30", "end_time": "10:15", "method": ["documents"],
            "credentials_shown": "yes", "recusal_informed": "yes", "recusal_requested": "no",
            "person_in_charge": "张三", "report_published": "no", "result_codes": ["1"],
            "officers": [{"officer_name": "检查员甲", "credential_no": "JS-0001"},
                         {"officer_name": "检查员乙", "credential_no": "JS-0002"}]}
"""Every required answer of market.public-info for a documents-only check with nothing found."""


def media_arrived(hashes) -> None:
    """Mark media as stored, as a verified upload does (the upload itself is tested in test_media)."""
    from datetime import datetime, timezone

    from backend.ids import uuid7
    from backend.storage.tables import Media
    from tests.integration.conftest import run

    now = datetime.now(timezone.utc)
    for sha in hashes:
        run(Media.insert(Media(uid=uuid7(), sha256=sha, size=1, content_type="image/png", kind="signature",
                               status="stored", task=0, uploaded_by=0, created_at=now, stored_at=now)).run())


def device(client, headers: dict, *, clock=None, device_id: str | None = None) -> Device:
    """A reference device whose transport is the test client with the user's bearer token."""

    def transport(path: str, body: dict) -> tuple[int, dict]:
        response = client.post(path, json=body, headers=headers)
        return response.status_code, response.json()

    return Device(transport, device_id=device_id, clock=clock or (lambda: int(time.time() * 1000)))


def fill_and_sign(dev: Device, task: str) -> None:
    """Queue the answers and the party's signature that make the report complete."""
    dev.answer(task, ITEM, COMPLETE)
    dev.sign(task, ITEM, "party_signature", {"attachment": SIGNATURE, "signer": "张三"})
    sign_officers(dev, task)


def sign_officers(dev: Device, task: str) -> None:
    """Both inspectors sign their rows of the officers table."""
    for row in (0, 1):
        dev.sign(task, ITEM, f"officers[{row}].officer_signature", {"attachment": OFFICER[row]})
