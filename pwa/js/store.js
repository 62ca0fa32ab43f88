// The device's database: the only module that touches IndexedDB. It owns the schema version and the
// migrations; everything else reads and writes plain objects through these functions.
//
//   const store = await openStore();
//   await store.write([['put', 'outbox', mutation], ['put', 'meta', { key: 'clock', ... }]]);  // one transaction

export const DB_NAME = 'choucha';
export const DB_VERSION = 2;

/** version → upgrade(db, tx): each step moves the schema one version on; never edit a shipped step. */
export const MIGRATIONS = {
  1(db) {
    db.createObjectStore('meta', { keyPath: 'key' });
    db.createObjectStore('tasks', { keyPath: 'uid' });
    db.createObjectStore('reports', { keyPath: 'task' });
    db.createObjectStore('forms', { keyPath: 'key' });
    db.createObjectStore('outbox', { keyPath: 'seq' });
    db.createObjectStore('sent', { keyPath: 'seq' });
    const media = db.createObjectStore('media', { keyPath: 'sha256' });
    media.createIndex('state', 'state');
  },
  2(db, tx) {
    // media records learnt which task they belong to, so a task's pending uploads are counted cheaply
    tx.objectStore('media').createIndex('task', 'task');
  },
};

/** Storage is full: nothing was written (the transaction rolled back), nothing already queued is lost. */
export class StorageFull extends Error {
  constructor(cause) {
    super('storage full');
    this.name = 'StorageFull';
    this.cause = cause;
  }
}

const asPromise = (request) => new Promise((resolve, reject) => {
  request.onsuccess = () => resolve(request.result);
  request.onerror = () => reject(request.error);
});

function done(tx) {
  return new Promise((resolve, reject) => {
    tx.oncomplete = () => resolve();
    tx.onabort = () => reject(tx.error && tx.error.name === 'QuotaExceededError' ? new StorageFull(tx.error) : tx.error);
    tx.onerror = () => {};
  });
}

/** Open (and migrate) the database; `factory` is indexedDB, or a fake in tests. */
export function openStore({ name = DB_NAME, factory = globalThis.indexedDB, version = DB_VERSION } = {}) {
  const request = factory.open(name, version);
  request.onupgradeneeded = (event) => {
    for (let v = event.oldVersion + 1; v <= version; v += 1) MIGRATIONS[v](request.result, request.transaction);
  };
  return asPromise(request).then((db) => new Store(db));
}

/** Delete the whole database (logout): the caller checks first that nothing is left to sync. */
export function deleteStore({ name = DB_NAME, factory = globalThis.indexedDB } = {}) {
  return asPromise(factory.deleteDatabase(name));
}

/** A thin promise layer over one open database. */
export class Store {
  constructor(db) {
    this.db = db;
    db.onversionchange = () => db.close(); // another tab upgrades: let it
  }

  /** One record by key, or undefined. */
  async get(name, key) {
    return asPromise(this.db.transaction(name).objectStore(name).get(key));
  }

  /** Every record of a store in key order (optionally those of one index value). */
  async all(name, { index = null, value = undefined } = {}) {
    const source = this.db.transaction(name).objectStore(name);
    return asPromise(index ? source.index(index).getAll(value) : source.getAll());
  }

  /** How many records a store (or one index value) holds. */
  async count(name, { index = null, value = undefined } = {}) {
    const source = this.db.transaction(name).objectStore(name);
    return asPromise(index ? source.index(index).count(value) : source.count());
  }

  /** The first `limit` records in key order. */
  async first(name, limit) {
    const source = this.db.transaction(name).objectStore(name);
    return asPromise(source.getAll(null, limit));
  }

  /** Apply [op, store, value-or-key] steps in one transaction: all of them, or (on any failure) none. */
  async write(steps) {
    const names = [...new Set(steps.map(([, name]) => name))];
    const tx = this.db.transaction(names, 'readwrite');
    const finished = done(tx);
    try {
      for (const [op, name, arg] of steps) {
        const target = tx.objectStore(name);
        if (op === 'put') target.put(arg);
        else if (op === 'delete') target.delete(arg);
        else if (op === 'clear') target.clear();
        else throw new Error(`unknown store op ${op}`);
      }
    } catch (error) {
      finished.catch(() => {}); // the abort below rejects it; the caller gets `error` instead
      tx.abort();
      throw error.name === 'QuotaExceededError' ? new StorageFull(error) : error;
    }
    return finished;
  }

  /** The value kept under a meta key, or `fallback`. */
  async meta(key, fallback = null) {
    const row = await this.get('meta', key);
    return row === undefined ? fallback : row.value;
  }

  /** Keep a value under a meta key. */
  setMeta(key, value) {
    return this.write([['put', 'meta', { key, value }]]);
  }

  close() {
    this.db.close();
  }
}

/** The key a form version is stored under. */
export const formKey = (form, version) => `${form}@${version}`;
