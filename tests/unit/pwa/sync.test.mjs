// uploads.js (resumable, one at a time), sync.js (backoff, pull into the store), report_view.js, identity.js.

import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { test } from 'node:test';
import { IDBFactory } from 'fake-indexeddb';
import { ApiError } from '../../../pwa/js/api.js';
import { seal, unseal, WrongPin, pinDelayMs } from '../../../pwa/js/identity.js';
import { Outbox } from '../../../pwa/js/outbox.js';
import { localReport } from '../../../pwa/js/report_view.js';
import { openStore } from '../../../pwa/js/store.js';
import { BACKOFF_CAP_MS, Sync, backoff } from '../../../pwa/js/sync.js';
import { Uploads, sha256Hex } from '../../../pwa/js/uploads.js';

const TASK = '0190aaaa-0000-7000-8000-000000000001';

/** A media server keeping parts; it cuts the connection once at part `cutAt`. */
function mediaServer(size, partSize, cutAt) {
  const parts = new Map();
  let cut = cutAt;
  const plan = () => ({ status: 'pending', method: 'multipart', part_size: partSize, complete_url: '/c',
    received: [...parts].map(([number, b]) => ({ number, size: b.length })),
    parts: Array.from({ length: Math.ceil(size / partSize) }, (_, i) => i + 1).filter((n) => !parts.has(n))
      .map((number) => ({ number, target: 'server', method: 'PUT', url: `/p/${number}` })) });
  return {
    parts,
    requestUpload: async () => plan(),
    async sendBytes(target, blob) {
      if (target.number === cut) { cut = null; throw new ApiError(0, { code: 'network' }); }
      parts.set(target.number, Buffer.from(await blob.arrayBuffer()));
    },
    completeUpload: async () => ({ status: 'stored' }),
  };
}

test('a multipart upload cut in the middle resumes with only the missing parts', async () => {
  const store = await openStore({ factory: new IDBFactory() });
  const uploads = new Uploads(store);
  const bytes = Buffer.alloc(2500, 7);
  bytes.write('photo', 0);
  const sha = await uploads.keep(new Blob([bytes], { type: 'image/jpeg' }), { task: TASK, kind: 'photo' });
  assert.equal(sha, createHash('sha256').update(bytes).digest('hex'));
  assert.equal(await sha256Hex(new Blob([bytes])), sha);
  const server = mediaServer(bytes.length, 1000, 2);
  await assert.rejects(uploads.uploadAll(server), (e) => e.status === 0);
  assert.deepEqual([...server.parts.keys()], [1]);
  assert.equal(await uploads.uploadAll(server), 1);
  assert.deepEqual(Buffer.concat([1, 2, 3].map((n) => server.parts.get(n))), bytes);
  const kept = await store.get('media', sha);
  assert.equal(kept.state, 'stored');
  assert.equal(kept.blob, null); // the original is let go once the server verified it
});

test('a refused file is marked and the next one still goes', async () => {
  const store = await openStore({ factory: new IDBFactory() });
  const uploads = new Uploads(store);
  await uploads.keep(new Blob(['a'], { type: 'text/plain' }), { task: TASK, kind: 'photo' });
  await uploads.keep(new Blob(['b'], { type: 'image/png' }), { task: TASK, kind: 'signature' });
  const api = {
    requestUpload: async (d) => { if (d.content_type === 'text/plain') throw new ApiError(415, { code: 'media.type' }); return { status: 'stored' }; },
  };
  assert.equal(await uploads.uploadAll(api), 2);
  assert.equal(await store.count('media', { index: 'state', value: 'refused' }), 1);
  assert.equal(await store.count('media', { index: 'state', value: 'stored' }), 1);
});

test('backoff doubles, is capped, and jitters', () => {
  assert.equal(backoff(1, () => 1), 2000);
  assert.equal(backoff(3, () => 1), 8000);
  assert.equal(backoff(30, () => 1), BACKOFF_CAP_MS);
  assert.equal(backoff(3, () => 0), 4000);
});

test('a failed cycle waits and retries; a pull fills the store', async () => {
  const store = await openStore({ factory: new IDBFactory() });
  const outbox = await new Outbox(store).init();
  let calls = 0;
  const api = {
    push: async () => ({ results: [], next_seq: 1, gap: false }),
    async pull(device, cursor) {
      calls += 1;
      if (calls === 1) throw new ApiError(503, {});
      return { tasks: [{ uid: TASK, items: [], forms: {} }], reports: [{ task: TASK, status: 'assigned', heads: {} }],
        forms: [], codes: { version: 1, codes: [] }, cursor: 'c1', more: false };
    },
  };
  const timers = { pending: null, setTimeout(f, ms) { this.pending = [f, ms]; return 1; }, clearTimeout() {} };
  const sync = new Sync({ store, outbox, uploads: new Uploads(store), api, timers });
  assert.equal(await sync.run(), false);
  assert.equal(sync.state.phase, 'waiting');
  assert.ok(timers.pending[1] >= 1000 && timers.pending[1] <= 2000);
  assert.equal(await sync.run(), true);
  assert.equal((await store.get('tasks', TASK)).uid, TASK);
  assert.equal(await store.meta('cursor'), 'c1');
});

test('an expired token stops the cycle for a re-login, keeping the outbox', async () => {
  const store = await openStore({ factory: new IDBFactory() });
  const outbox = await new Outbox(store).init();
  await outbox.intent(TASK, 'start');
  const api = { push: async () => { throw new ApiError(401, { code: 'auth.required' }); } };
  const sync = new Sync({ store, outbox, uploads: new Uploads(store), api });
  assert.equal(await sync.run(), false);
  assert.equal(sync.state.phase, 'auth');
  assert.equal(await outbox.count(), 1);
  let pushes = 0;
  api.push = async () => { pushes += 1; return { results: [], next_seq: 1, gap: false }; };
  assert.equal(await sync.wake(), false); // the network coming back does not retry a refused token
  assert.equal(pushes, 0);
  assert.equal(sync.state.phase, 'auth');
});

test('the local report lays pending answers, media and signatures over the server view', () => {
  const report = { task: TASK, status: 'in_progress', answers: { I: { officers: [{ officer_name: 'A' }] } }, heads: {}, signatures: {}, photos: [], audio: [] };
  const view = localReport(report, [
    { task: TASK, seq: 1, op: 'answers', item: 'I', values: { a: 'yes' } },
    { task: TASK, seq: 2, op: 'add', set: 'photos', id: 'p1', value: { sha256: 'h1', item: 'I', field: 'pics' } },
    { task: TASK, seq: 3, op: 'sign', item: 'I', field: 'officers[0].officer_signature', value: { attachment: 's' } },
    { task: TASK, seq: 4, op: 'remove', set: 'photos', id: 'p1' },
    { task: TASK, seq: 5, op: 'intent', act: 'submit' },
    { task: 'other', seq: 6, op: 'answers', item: 'I', values: { a: 'no' } },
  ], TASK);
  assert.deepEqual(view.answers.I, { officers: [{ officer_name: 'A', officer_signature: { attachment: 's' } }], a: 'yes', pics: [] });
  assert.equal(view.status, 'submitted');
  assert.equal(view.pending, 5);
});

test('the PIN seals the token; a wrong PIN opens nothing', async () => {
  const [sealed] = await seal('2468', 'token-123', 1000);
  assert.ok(!JSON.stringify([...sealed.data]).includes('token'));
  assert.equal((await unseal('2468', sealed))[0], 'token-123');
  await assert.rejects(unseal('1357', sealed), WrongPin);
  assert.equal(pinDelayMs(1), 0);
  assert.ok(pinDelayMs(10) > pinDelayMs(4));
});
