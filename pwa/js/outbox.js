// The outbox (no DOM): mutations made exactly as sync/client.py makes them — device id, a rising seq, a
// hybrid logical clock, bases from the heads the device saw — pushed in order, and deleted only once the
// server acknowledged them. Acknowledged ones are retained (capped) so a server restored from a backup can
// be given again what it lost.

export const BATCH = 100;
export const RETAIN = 10_000;

/** The next local stamp after `last` at wall time `now` (monotone even if the clock steps back). */
export function tick([wall, counter], now) {
  return now > wall ? [now, 0] : [wall, counter + 1];
}

/** The server refused a request as a whole (a 4xx): the outbox is kept and a person must look. */
export class SyncRefused extends Error {
  constructor(status, body) {
    super(`${status}: ${body && body.code}`);
    this.name = 'SyncRefused';
    this.status = status;
    this.code = body && body.code;
    this.body = body;
  }
}

const uuid = () => globalThis.crypto.randomUUID();

/** One device's outbox over the store: queueing is serialised, so seq and clock never interleave. */
export class Outbox {
  constructor(store, { clock = () => Date.now() } = {}) {
    this.store = store;
    this.clock = clock;
    this.chain = Promise.resolve();
  }

  /** Load (or create) the device identity and clock. */
  async init() {
    let device = await this.store.meta('device');
    if (!device) {
      device = { id: uuid(), next_seq: 1, stamp: [0, 0] };
      await this.store.setMeta('device', device);
    }
    this.device = device;
    return this;
  }

  _serial(work) {
    const next = this.chain.then(work, work);
    this.chain = next.catch(() => {});
    return next;
  }

  _queue(task, op, body, extraSteps = () => []) {
    return this._serial(async () => {
      const stamp = tick(this.device.stamp, this.clock());
      const mutation = { device: this.device.id, seq: this.device.next_seq, task, hlc: stamp, op, ...body };
      const device = { ...this.device, next_seq: this.device.next_seq + 1, stamp };
      const heads = await this.store.meta(`heads:${task}`, {});
      await this.store.write([['put', 'outbox', mutation], ['put', 'meta', { key: 'device', value: device }],
        ...extraSteps(mutation, heads)]);
      this.device = device; // only once written: a full disk leaves seq and clock as they were
      return mutation;
    });
  }

  /** The write ids of a field this device knows as live (its own newer write first). */
  async heads(task, item, name) {
    const key = `${item}/${name}`;
    const local = await this.store.meta(`heads:${task}`, {});
    if (local[key]) return local[key];
    const report = await this.store.get('reports', task);
    return [...((report && report.heads && report.heads[key]) || [])];
  }

  /** Answer fields of one item, based on the values this device last saw of them. */
  async answer(task, item, values, base = null) {
    const seen = base || Object.fromEntries(await Promise.all(
      Object.keys(values).map(async (name) => [name, await this.heads(task, item, name)])));
    return this._queue(task, 'answers', { item, values, base: seen }, (mutation, heads) => {
      const next = { ...heads };
      for (const name of Object.keys(values)) next[`${item}/${name}`] = [`${mutation.device}:${mutation.seq}`];
      return [['put', 'meta', { key: `heads:${task}`, value: next }]];
    });
  }

  /** Settle a conflict: write the chosen value based on every head, so all of them are superseded. */
  resolve(task, item, name, value, allHeads) {
    return this.answer(task, item, { [name]: value }, { [name]: [...allHeads] });
  }

  /** Add an element (photo, audio, finding, note) to one of the report's sets. */
  add(task, set, value, id = uuid()) { return this._queue(task, 'add', { set, id, value }); }

  /** Remove an element for good (a tombstone). */
  remove(task, set, id) { return this._queue(task, 'remove', { set, id }); }

  /** Write a signature (or a refusal) into a signature field. */
  sign(task, item, field, value) { return this._queue(task, 'sign', { item, field, value }); }

  /** Ask for a status change: start, submit or withdraw. */
  intent(task, act) { return this._queue(task, 'intent', { act }); }

  pending() { return this.store.all('outbox'); }
  count() { return this.store.count('outbox'); }

  /** Send the outbox in order; returns how many were acknowledged. Stops at a refusal it cannot fix.
   * Not serialised with queueing (a slow network must not hold up a tap); one push runs at a time. */
  push(api, batchSize = BATCH) {
    if (!this.pushing) this.pushing = this._push(api, batchSize).finally(() => { this.pushing = null; });
    return this.pushing;
  }

  async _push(api, batchSize) {
    let acknowledged = 0;
    for (;;) {
      const batch = await this.store.first('outbox', batchSize);
      if (!batch.length) return acknowledged;
      let body;
      try {
        body = await api.push(this.device.id, batch);
      } catch (error) {
        if (error.status >= 400 && error.status < 500 && error.status !== 408 && error.status !== 429) {
          throw new SyncRefused(error.status, error.body);
        }
        throw error; // no answer or 5xx: kept, retried with backoff
      }
      const done = await this._settle(batch, body.results);
      acknowledged += done;
      if (body.gap && batch.length && batch[0].seq > body.next_seq) await this._resendFrom(body.next_seq);
      else if (!done) return acknowledged; // a reused key: kept for a person to look at
    }
  }

  async _settle(batch, results) {
    const acked = new Map(results.filter((r) => r.ack).map((r) => [r.seq, r]));
    const now = this.clock();
    const steps = [];
    for (const mutation of batch) {
      const outcome = acked.get(mutation.seq);
      if (!outcome) continue;
      steps.push(['delete', 'outbox', mutation.seq], ['put', 'sent', { ...mutation, outcome, acked_at: now }]);
    }
    const sent = await this.store.count('sent');
    const over = sent + acked.size - RETAIN;
    if (over > 0) for (const old of await this.store.first('sent', over)) steps.push(['delete', 'sent', old.seq]);
    if (steps.length) await this.store.write(steps);
    return acked.size;
  }

  async _resendFrom(seq) {
    const lost = (await this.store.all('sent')).filter((m) => m.seq >= seq);
    await this.store.write(lost.flatMap(({ outcome, acked_at: at, ...mutation }) => [
      ['delete', 'sent', mutation.seq], ['put', 'outbox', mutation]]));
  }

  /** After a pull: the server lacks what we sent from `seq` on (restored from a backup). */
  resendFrom(seq) { return this._serial(() => this._resendFrom(seq)); }

  /** Outcomes the server gave that a person must see (rejected mutations), newest first. */
  async refusals(task = null) {
    const sent = await this.store.all('sent');
    return sent.filter((m) => m.outcome && m.outcome.status === 'rejected' && (!task || m.task === task)).reverse();
  }
}
