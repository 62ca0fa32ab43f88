// outbox.js: mutations shaped as sync/client.py makes them, pushed in order, deleted only once acknowledged.

import assert from 'node:assert/strict';
import { test } from 'node:test';
import { IDBFactory } from 'fake-indexeddb';
import { Outbox, RETAIN, SyncRefused, tick } from '../../../pwa/js/outbox.js';
import { ApiError } from '../../../pwa/js/api.js';
import { openStore } from '../../../pwa/js/store.js';

const TASK = '0190aaaa-0000-7000-8000-000000000001';

async function outbox(clock = () => 1000) {
  const store = await openStore({ factory: new IDBFactory() });
  return new Outbox(store, { clock }).init();
}

/** A server that acknowledges what it is sent (from next_seq on), like backend/fieldsync/push.py. */
function server({ fail = 0 } = {}) {
  const seen = [];
  let next = 1;
  let failures = fail;
  return {
    seen,
    async push(device, mutations) {
      if (failures > 0) { failures -= 1; throw new ApiError(0, { code: 'network' }); }
      seen.push(...mutations);
      const results = [];
      for (const m of mutations) {
        if (m.seq > next) return { results, next_seq: next, gap: true };
        if (m.seq === next) next += 1;
        results.push({ seq: m.seq, ack: true, status: 'applied' });
      }
      return { results, next_seq: next, gap: false };
    },
  };
}

test('the clock is monotone even when the wall clock steps back', () => {
  assert.deepEqual(tick([0, 0], 5), [5, 0]);
  assert.deepEqual(tick([5, 0], 5), [5, 1]);
  assert.deepEqual(tick([5, 1], 3), [5, 2]);
});

test('mutations carry device, seq, hlc, and bases from the heads the device saw', async () => {
  const box = await outbox();
  await box.store.write([['put', 'reports', { task: TASK, heads: { 'I/a': ['other:3'] } }]]);
  const first = await box.answer(TASK, 'I', { a: 'yes', b: 2 });
  assert.deepEqual(Object.keys(first).sort(), ['base', 'device', 'hlc', 'item', 'op', 'seq', 'task', 'values']);
  assert.deepEqual(first.base, { a: ['other:3'], b: [] });
  assert.deepEqual([first.seq, first.hlc, first.device], [1, [1000, 0], box.device.id]);
  const second = await box.answer(TASK, 'I', { a: 'no' });
  assert.deepEqual(second.base, { a: [`${box.device.id}:1`] }); // its own newer write first
  assert.deepEqual(second.hlc, [1000, 1]);
  const sign = await box.sign(TASK, 'I', 'party_signature', { refused: true, reason: 'x' });
  assert.deepEqual(sign.op, 'sign');
  const resolved = await box.resolve(TASK, 'I', 'a', 'yes', ['d1:1', 'd2:1']);
  assert.deepEqual(resolved.base, { a: ['d1:1', 'd2:1'] });
  assert.equal(await box.count(), 4);
});

test('a push sends in order and deletes only what was acknowledged', async () => {
  const box = await outbox();
  for (let i = 0; i < 5; i += 1) await box.intent(TASK, 'start');
  const api = server();
  assert.equal(await box.push(api, 2), 5);
  assert.deepEqual(api.seen.map((m) => m.seq), [1, 2, 3, 4, 5]);
  assert.equal(await box.count(), 0);
  assert.equal((await box.store.all('sent')).length, 5);
});

test('no answer keeps everything for the next try, without duplicates', async () => {
  const box = await outbox();
  await box.intent(TASK, 'start');
  const api = server({ fail: 1 });
  await assert.rejects(box.push(api), (e) => e.status === 0);
  assert.equal(await box.count(), 1);
  assert.equal(await box.push(api), 1);
  assert.deepEqual(api.seen.map((m) => m.seq), [1]);
});

test('a 4xx refusal stops the push and keeps the outbox', async () => {
  const box = await outbox();
  await box.intent(TASK, 'start');
  const api = { push: async () => { throw new ApiError(403, { code: 'sync.device_owner' }); } };
  await assert.rejects(box.push(api), SyncRefused);
  assert.equal(await box.count(), 1);
});

test('a server restored from a backup gets back what it lost', async () => {
  const box = await outbox();
  for (let i = 0; i < 3; i += 1) await box.intent(TASK, 'start');
  await box.push(server());
  await box.intent(TASK, 'submit');
  const restored = server(); // expects seq 1 again
  assert.equal(await box.push(restored), 4);
  assert.deepEqual(restored.seen.map((m) => m.seq), [4, 1, 2, 3, 4]);
});

test('a reused key that is never acknowledged stays for a person to look at', async () => {
  const box = await outbox();
  await box.intent(TASK, 'start');
  const api = { push: async (d, ms) => ({ results: ms.map((m) => ({ seq: m.seq, ack: false, status: 'rejected', code: 'sync.key_reused' })), next_seq: 5, gap: false }) };
  assert.equal(await box.push(api), 0);
  assert.equal(await box.count(), 1);
});

test('rejected outcomes are kept for the task page', async () => {
  const box = await outbox();
  await box.intent(TASK, 'submit');
  const api = { push: async (d, ms) => ({ results: ms.map((m) => ({ seq: m.seq, ack: true, status: 'rejected', code: 'sync.incomplete' })), next_seq: 2, gap: false }) };
  await box.push(api);
  assert.equal((await box.refusals(TASK))[0].outcome.code, 'sync.incomplete');
  assert.ok(RETAIN >= 1000);
});
