"""A report's evidence end to end: media uploaded through the media API, referenced by synced mutations,
readable by the team and the reviewer, and required before approval."""

from __future__ import annotations

import io

from PIL import Image

from tests.integration.conftest import login, run
from tests.integration.fieldwork_factory import ITEM, make_task
from tests.integration.sync_helpers import COMPLETE, device
from tests.integration.test_media import sha, upload


def _signature_png(seed: int) -> bytes:
    image = Image.new("RGBA", (300, 120), (255, 255, 255, 0))
    for x in range(20, 280):
        image.putpixel((x, 60 + (x * seed) % 30), (0, 0, 0, 255))
    buffer = io.BytesIO()
    image.save(buffer, format="PNG")
    return buffer.getvalue()


def test_uploaded_signatures_complete_the_report_and_the_reviewer_sees_them(client, people):
    task = run(make_task())
    inspector, lead = login(client, "inspector"), login(client, "team_lead")
    dev = device(client, inspector)
    dev.pull()
    pngs = [_signature_png(seed) for seed in (3, 5, 7)]
    dev.answer(task["uid"], ITEM, COMPLETE)
    for png, field in zip(pngs, ("party_signature", "officers[0].officer_signature", "officers[1].officer_signature")):
        dev.sign(task["uid"], ITEM, field, {"attachment": sha(png)})
    dev.intent(task["uid"], "submit")
    dev.push()
    assert dev.outcomes[5]["status"] == "applied"
    waiting = client.get(f"/api/v1/reports/{task['uid']}", headers=lead).json()
    assert waiting["media_missing"] == sorted(sha(p) for p in pngs)
    early = client.post(f"/api/v1/reports/{task['uid']}/approve", headers=lead)
    assert early.status_code == 409 and early.json()["code"] == "report.media_missing"
    for png in pngs:  # the outbox uploads media after the mutations that reference them: order is free
        assert upload(client, inspector, png, task["uid"], kind="signature", content_type="image/png")["status"] \
            == "stored"
    assert client.get(f"/api/v1/reports/{task['uid']}", headers=lead).json()["media_missing"] == []
    for headers in (lead, login(client, "inspector_2")):
        response = client.get(f"/api/v1/media/{sha(pngs[0])}", headers=headers)
        assert response.status_code == 200 and response.content == pngs[0]
    assert client.get(f"/api/v1/media/{sha(pngs[0])}", headers=login(client, "observer")).status_code == 403
    approved = client.post(f"/api/v1/reports/{task['uid']}/approve", headers=lead)
    assert approved.status_code == 200 and approved.json()["status"] == "approved"
