// One sync cycle (no DOM): push the outbox, upload media one at a time, pull what changed into the store,
// fetch any form version a task pins that the device lacks. Failures back off (capped, with jitter) and
// are retried; a refusal (4xx) or an expired token stops and is reported, the outbox kept whole.

import { formKey } from './store.js';
import { SyncRefused } from './outbox.js';

export const BACKOFF_BASE_MS = 2_000;
export const BACKOFF_CAP_MS = 5 * 60_000;

/** The wait before retry number `failures` (1, 2, …): doubling from the base, capped, 50–100 % jitter. */
export function backoff(failures, random = Math.random) {
  const ceiling = Math.min(BACKOFF_CAP_MS, BACKOFF_BASE_MS * 2 ** Math.max(0, failures - 1));
  return Math.round(ceiling * (0.5 + random() / 2));
}

/** Push, upload and pull for one device; dispatches `state` events ({detail: state}) as it goes. */
export class Sync extends EventTarget {
  constructor({ store, outbox, uploads, api, timers = globalThis }) {
    super();
    Object.assign(this, { store, outbox, uploads, api, timers });
    this.failures = 0;
    this.timer = null;
    this.running = null;
    this.state = { phase: 'idle', error: null, lastOk: null, retryAt: null, upload: null };
  }

  _set(changes) {
    this.state = { ...this.state, ...changes };
    this.dispatchEvent(new CustomEvent('state', { detail: this.state }));
  }

  /** Run a cycle now (or join the running one). */
  run() {
    if (!this.running) this.running = this._cycle().finally(() => { this.running = null; });
    return this.running;
  }

  async _cycle() {
    this.timers.clearTimeout(this.timer);
    this._set({ phase: 'pushing', error: null, retryAt: null });
    try {
      await this.outbox.push(this.api);
      this._set({ phase: 'uploading' });
      await this.uploads.uploadAll(this.api, (upload) => this._set({ upload }));
      this._set({ phase: 'pulling', upload: null });
      await this.pull();
      await this.outbox.push(this.api); // anything queued while the cycle ran
      this.failures = 0;
      this._set({ phase: 'idle', lastOk: Date.now() });
      return true;
    } catch (error) {
      this._failed(error);
      return false;
    }
  }

  _failed(error) {
    const status = error.status || 0;
    if (status === 401) return this._set({ phase: 'auth', error: { code: 'auth.required', status } });
    if (error instanceof SyncRefused || (status >= 400 && status < 500 && status !== 408 && status !== 429)) {
      return this._set({ phase: 'refused', error: { code: error.code, status, body: error.body } });
    }
    if (!(status === 0 || status >= 500 || status === 408 || status === 429)) {
      return this._set({ phase: 'refused', error: { code: error.name || 'error', status, detail: String(error) } });
    }
    this.failures += 1;
    const wait = backoff(this.failures);
    this.timer = this.timers.setTimeout(() => this.run(), wait);
    return this._set({ phase: 'waiting', error: { code: error.code || 'network', status }, retryAt: Date.now() + wait });
  }

  /** Pull until the server has nothing more, storing tasks, reports, forms and codes. */
  async pull(limit = 100) {
    for (let guard = 0; guard < 1000; guard += 1) {
      const cursor = await this.store.meta('cursor');
      const body = await this.api.pull(this.outbox.device.id, cursor, limit);
      if (body.reset) {
        await this._reset(body);
        continue;
      }
      await this._take(body);
      if (!body.more) return this._ensureForms();
    }
    throw new Error('pull did not finish');
  }

  async _reset(body) {
    if (body.reset === 'server_behind') {
      await this.outbox.resendFrom(body.device_next);
      await this.outbox.push(this.api);
    }
    const steps = (body.removed || []).flatMap((uid) => [['delete', 'tasks', uid], ['delete', 'reports', uid]]);
    await this.store.write([...steps, ['put', 'meta', { key: 'cursor', value: null }]]);
  }

  async _take(body) {
    const now = Date.now();
    const pendingTasks = new Set((await this.outbox.pending()).map((m) => m.task));
    const steps = [['put', 'meta', { key: 'cursor', value: body.cursor }]];
    for (const task of body.tasks) steps.push(['put', 'tasks', { ...task, received_at: now }]);
    for (const report of body.reports) {
      steps.push(['put', 'reports', { ...report, pulled_at: now }]);
      if (!pendingTasks.has(report.task)) steps.push(['delete', 'meta', `heads:${report.task}`]);
    }
    for (const f of body.forms) steps.push(['put', 'forms', { key: formKey(f.form, f.version), ...f }]);
    if (body.codes) steps.push(['put', 'meta', { key: 'codes', value: body.codes }]);
    await this.store.write(steps);
  }

  /** A form version a task pins but the device lacks (pulled before a newer app): fetch it now. */
  async _ensureForms() {
    for (const task of await this.store.all('tasks')) {
      for (const pin of Object.values(task.forms || {})) {
        if (!pin.version || await this.store.get('forms', formKey(pin.form, pin.version))) continue;
        const row = await this.api.formVersion(pin.form, pin.version);
        await this.store.write([['put', 'forms', { key: formKey(pin.form, pin.version), form: pin.form,
          version: pin.version, definition: row.definition }]]);
      }
    }
  }

  /**
   * Run soon after a wake-up the person did not ask for (the network came back, Background Sync),
   * forgetting the backoff. Not while the token is refused: the server would refuse it again, so the sync
   * waits for the re-login, which runs it.
   */
  wake() {
    if (this.state.phase === 'auth') return Promise.resolve(false);
    this.failures = 0;
    return this.run();
  }
}
