// store.js against fake-indexeddb: migrations from every version, one-transaction writes, storage full.

import assert from 'node:assert/strict';
import { test } from 'node:test';
import { IDBFactory } from 'fake-indexeddb';
import { DB_VERSION, MIGRATIONS, StorageFull, openStore } from '../../../pwa/js/store.js';

test('a new database has every store and index of the current version', async () => {
  const store = await openStore({ factory: new IDBFactory() });
  assert.equal(store.db.version, DB_VERSION);
  assert.deepEqual([...store.db.objectStoreNames].sort(), ['forms', 'media', 'meta', 'outbox', 'reports', 'sent', 'tasks']);
  const tx = store.db.transaction('media');
  assert.deepEqual([...tx.objectStore('media').indexNames].sort(), ['state', 'task']);
  store.close();
});

test('a version-1 database migrates forward and keeps its data', async () => {
  const factory = new IDBFactory();
  const old = await openStore({ factory, version: 1 });
  await old.write([['put', 'media', { sha256: 'a', task: 't1', state: 'pending' }], ['put', 'meta', { key: 'cursor', value: 'c' }]]);
  old.close();
  const store = await openStore({ factory });
  assert.equal(await store.meta('cursor'), 'c');
  assert.equal(await store.count('media', { index: 'task', value: 't1' }), 1);
  assert.equal(Object.keys(MIGRATIONS).length, DB_VERSION);
  store.close();
});

test('a write is all or nothing', async () => {
  const store = await openStore({ factory: new IDBFactory() });
  await assert.rejects(store.write([['put', 'outbox', { seq: 1 }], ['put', 'outbox', { noKey: true }]]));
  assert.equal(await store.count('outbox'), 0);
  await store.write([['put', 'outbox', { seq: 1 }], ['put', 'outbox', { seq: 2 }], ['delete', 'outbox', 1]]);
  assert.deepEqual((await store.all('outbox')).map((m) => m.seq), [2]);
  assert.deepEqual(await store.first('outbox', 1), [{ seq: 2 }]);
  store.close();
});

test('a full disk is a StorageFull error and nothing of the write lands', async () => {
  const store = await openStore({ factory: new IDBFactory() });
  const original = store.db.transaction.bind(store.db);
  store.db.transaction = (...args) => {
    const tx = original(...args);
    const put = tx.objectStore.bind(tx);
    tx.objectStore = (name) => {
      const target = put(name);
      target.put = () => { const e = new Error('quota'); e.name = 'QuotaExceededError'; throw e; };
      return target;
    };
    return tx;
  };
  await assert.rejects(store.write([['put', 'outbox', { seq: 1 }]]), StorageFull);
  store.db.transaction = original;
  assert.equal(await store.count('outbox'), 0);
  store.close();
});
