// Media on the device (no DOM): keep the original bytes with their SHA-256, upload them one at a time
// (single PUT or resumable multipart, as the server's plan says), and let go of the original only once the
// server verified it. A refused file is kept and marked, so the next ones still go.

import { ApiError } from './api.js';

const MAX_ATTEMPTS = 3;
const RESTART = new Set(['media.upload_restarted', 'media.hash_mismatch', 'media.incomplete', 'media.body_incomplete']);
/** Refusals after which asking again for the plan sends what is missing (the server restarted or lacks parts). */

/** Lower-case hex SHA-256 of a Blob, computed with WebCrypto. */
export async function sha256Hex(blob) {
  const digest = await globalThis.crypto.subtle.digest('SHA-256', await blob.arrayBuffer());
  return [...new Uint8Array(digest)].map((b) => b.toString(16).padStart(2, '0')).join('');
}

/** The media kept by one device, over the store. */
export class Uploads {
  constructor(store) {
    this.store = store;
    this.active = null;
  }

  /** Keep a captured file (and its stamped display copy); returns its SHA-256. Idempotent per content. */
  async keep(blob, { task, kind, display = null, stamp = null, filename = null }) {
    const sha256 = await sha256Hex(blob);
    const existing = await this.store.get('media', sha256);
    if (existing) return sha256;
    await this.store.write([['put', 'media', { sha256, task, kind, content_type: blob.type || 'application/octet-stream',
      size: blob.size, blob, display, stamp, filename, state: 'pending', sent: 0, attempts: 0, created: Date.now() }]]);
    return sha256;
  }

  pending() { return this.store.all('media', { index: 'state', value: 'pending' }); }

  /** Bytes still to send, in total and per task. */
  async backlog() {
    const waiting = await this.pending();
    const byTask = {};
    for (const m of waiting) byTask[m.task] = (byTask[m.task] || 0) + 1;
    return { files: waiting.length, bytes: waiting.reduce((n, m) => n + m.size - (m.sent || 0), 0), byTask };
  }

  /** Upload every pending file, one at a time; `progress({sha256, sent, size})` after each part. */
  async uploadAll(api, progress = () => {}) {
    let count = 0;
    for (;;) {
      const [next] = (await this.pending()).filter((m) => m.blob);
      if (!next) return count;
      await this.upload(api, next, progress);
      count += 1;
    }
  }

  /** One file: ask for the plan, send what is missing, complete; 4xx other than 401 marks it refused. */
  async upload(api, media, progress = () => {}) {
    try {
      const plan = await api.requestUpload({ sha256: media.sha256, size: media.size, content_type: media.content_type,
        kind: media.kind, task: media.task, ...(media.filename ? { filename: media.filename } : {}) });
      if (plan.status !== 'stored') await this._send(api, media, plan, progress);
      await this._mark(media, { state: 'stored', blob: null, sent: media.size });
    } catch (error) {
      if (!(error instanceof ApiError) || error.retryable || error.status === 401) throw error;
      const attempts = (media.attempts || 0) + 1;
      const restart = RESTART.has(error.code);
      if (restart && attempts < MAX_ATTEMPTS) await this._mark(media, { attempts, sent: 0 });
      else await this._mark(media, { state: 'refused', attempts, refusal: { code: error.code, body: error.body } });
    }
  }

  async _send(api, media, plan, progress) {
    if (plan.method === 'single') {
      await api.sendBytes(plan.upload, media.blob);
      progress({ sha256: media.sha256, sent: media.size, size: media.size });
    } else {
      const arrived = (plan.received || []).reduce((n, p) => n + p.size, 0);
      let sent = arrived;
      for (const part of plan.parts) {
        const start = (part.number - 1) * plan.part_size;
        const slice = media.blob.slice(start, Math.min(start + plan.part_size, media.size));
        await api.sendBytes(part, slice);
        sent += slice.size;
        await this._mark(media, { sent });
        progress({ sha256: media.sha256, sent, size: media.size });
      }
    }
    const done = await api.completeUpload(plan.complete_url);
    if (done.status !== 'stored') throw new ApiError(503, { code: 'media.not_stored' });
  }

  async _mark(media, changes) {
    const current = (await this.store.get('media', media.sha256)) || media;
    Object.assign(media, changes);
    await this.store.write([['put', 'media', { ...current, ...changes }]]);
  }

  /** A URL to show a kept file: its display copy when there is one, else the original (while kept). */
  async objectUrl(sha256) {
    const media = await this.store.get('media', sha256);
    const blob = media && (media.display || media.blob);
    return blob ? URL.createObjectURL(blob) : null;
  }
}
