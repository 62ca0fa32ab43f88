"""The field app's own unit tests (store, outbox, uploads, sync, identity) under `node --test`."""

from __future__ import annotations

import os
import shutil
import subprocess
from pathlib import Path

import pytest

HERE = Path(__file__).resolve().parent
ROOT = HERE.parents[2]
NODE = shutil.which("node")


def test_pwa_units_pass_under_node():
    missing = None if NODE else "Node.js"
    if not missing and not (HERE / "node_modules" / "fake-indexeddb").exists():
        missing = "fake-indexeddb (scripts/test.sh runs: npm install --prefix tests/unit/pwa)"
    if missing:
        if os.environ.get("CI") == "true":
            pytest.fail(f"the PWA unit tests need {missing}")
        pytest.skip(f"the PWA unit tests need {missing}")
    done = subprocess.run([NODE, "--test", str(HERE)], cwd=ROOT, capture_output=True, text=True, timeout=300)
    assert done.returncode == 0, done.stdout[-4000:] + done.stderr[-2000:]


TWIN = """
import { IDBFactory } from 'fake-indexeddb';
import { openStore } from '../../../pwa/js/store.js';
import { Outbox } from '../../../pwa/js/outbox.js';
const times = [1000, 1000, 999, 2000, 2000, 2500];
const store = await openStore({ factory: new IDBFactory() });
await store.setMeta('device', { id: 'a1b2c3d4-0000-4000-8000-000000000001', next_seq: 1, stamp: [0, 0] });
const box = await new Outbox(store, { clock: () => times.shift() }).init();
const T = '0190aaaa-0000-7000-8000-000000000001';
await box.answer(T, 'SCJG-GS-01', { person_in_charge: '张三', method: ['documents'] });
await box.answer(T, 'SCJG-GS-01', { person_in_charge: '李四' });
await box.add(T, 'photos', { sha256: 'a'.repeat(64), item: 'SCJG-GS-01', field: 'evidence_photos' }, 'e1e1e1e1-0000-4000-8000-000000000001');
await box.sign(T, 'SCJG-GS-01', 'officers[0].officer_signature', { attachment: 'b'.repeat(64) });
await box.remove(T, 'photos', 'e1e1e1e1-0000-4000-8000-000000000001');
await box.intent(T, 'submit');
console.log(JSON.stringify(await box.pending()));
"""


def test_the_outbox_makes_the_mutations_sync_client_py_makes():
    """The same actions at the same clock readings give byte-identical mutations in JS and in Python."""
    import json

    from sync.client import Device

    if not NODE or not (HERE / "node_modules" / "fake-indexeddb").exists():
        pytest.skip("needs Node.js and fake-indexeddb")
    done = subprocess.run([NODE, "--input-type=module", "-e", TWIN], cwd=HERE, capture_output=True, text=True,
                          timeout=60, env={**os.environ, "NODE_PATH": str(HERE / "node_modules")})
    assert done.returncode == 0, done.stderr
    times = iter([1000, 1000, 999, 2000, 2000, 2500])
    device = Device(lambda path, body: (500, {}), device_id="a1b2c3d4-0000-4000-8000-000000000001",
                    clock=lambda: next(times))
    task, item = "0190aaaa-0000-7000-8000-000000000001", "SCJG-GS-01"
    device.answer(task, item, {"person_in_charge": "张三", "method": ["documents"]})
    device.answer(task, item, {"person_in_charge": "李四"})
    device.add(task, "photos", {"sha256": "a" * 64, "item": item, "field": "evidence_photos"},
               "e1e1e1e1-0000-4000-8000-000000000001")
    device.sign(task, item, "officers[0].officer_signature", {"attachment": "b" * 64})
    device.remove(task, "photos", "e1e1e1e1-0000-4000-8000-000000000001")
    device.intent(task, "submit")
    assert json.loads(done.stdout) == json.loads(json.dumps(device.outbox))
