// The only module that talks to the network: JSON calls to the server with the device's bearer token,
// and raw PUTs of media bytes. Every call has a deadline, so a server that never answers is a failure the
// outbox can retry, not a hang. Errors carry the problem's stable code; the app branches on codes only.

const TIMEOUT_MS = 30_000;
const UPLOAD_TIMEOUT_MS = 5 * 60_000;

/** A request that did not succeed: `status` 0 means no answer at all (offline, cut, timed out). */
export class ApiError extends Error {
  constructor(status, body = {}) {
    super(body.detail || body.code || (status ? `HTTP ${status}` : 'network'));
    this.name = 'ApiError';
    this.status = status;
    this.code = body.code || (status ? `http.${status}` : 'network');
    this.body = body;
  }

  /** Worth trying again later: no answer, a timeout, rate limiting or a server error. */
  get retryable() {
    return this.status === 0 || this.status === 408 || this.status === 429 || this.status >= 500;
  }
}

/** A server connection for one device: base URL and a token that can be replaced after a re-login. */
export class Api {
  constructor({ base = '', fetchImpl = (...args) => globalThis.fetch(...args) } = {}) {
    this.base = base;
    this.fetch = fetchImpl;
    this.token = null;
  }

  async request(method, path, { body, raw, headers = {}, timeout = TIMEOUT_MS, auth = true } = {}) {
    const controller = new AbortController();
    const timer = setTimeout(() => controller.abort(), timeout);
    const init = { method, headers: { ...headers }, signal: controller.signal, credentials: 'omit', cache: 'no-store' };
    if (auth && this.token) init.headers.Authorization = `Bearer ${this.token}`;
    if (body !== undefined) {
      init.headers['Content-Type'] = 'application/json';
      init.body = JSON.stringify(body);
    } else if (raw !== undefined) init.body = raw;
    let response;
    try {
      response = await this.fetch(this.base + path, init);
    } catch (error) {
      throw new ApiError(0, { code: controller.signal.aborted ? 'timeout' : 'network', detail: String(error) });
    } finally {
      clearTimeout(timer);
    }
    const text = await response.text().catch(() => '');
    let data = {};
    try { data = text ? JSON.parse(text) : {}; } catch { data = { detail: text }; }
    if (!response.ok) throw new ApiError(response.status, data);
    return data;
  }

  get(path) { return this.request('GET', path); }
  post(path, body = {}) { return this.request('POST', path, { body }); }

  /** Log in for a device token: {token, user, session_id}. */
  login(username, password, deviceName) {
    return this.request('POST', '/api/v1/auth/login', { body: { username, password, device_name: deviceName }, auth: false });
  }

  logout() { return this.post('/api/v1/auth/logout'); }
  push(device, mutations) { return this.post('/api/v1/sync/push', { device, mutations }); }
  pull(device, cursor, limit = 100) { return this.post('/api/v1/sync/pull', { device, cursor, limit }); }
  formVersion(form, version) { return this.get(`/api/v1/forms/${encodeURIComponent(form)}/versions/${version}`); }

  /** Declare a file: answers `stored`, or the plan of where to send its bytes. */
  requestUpload(declaration) { return this.post('/api/v1/media/uploads', declaration); }
  completeUpload(url) { return this.request('POST', url, { timeout: UPLOAD_TIMEOUT_MS }); }

  /** Send bytes where a plan says: the server (with the token) or a presigned store URL (without it). */
  async sendBytes(target, blob) {
    const toServer = target.target === 'server';
    const path = toServer ? target.url : '';
    const url = toServer ? path : target.url;
    const controller = new AbortController();
    const timer = setTimeout(() => controller.abort(), UPLOAD_TIMEOUT_MS);
    const headers = { ...(target.headers || {}) };
    if (toServer && this.token) headers.Authorization = `Bearer ${this.token}`;
    let response;
    try {
      response = await this.fetch((toServer ? this.base : '') + url, { method: target.method || 'PUT', body: blob,
        headers, signal: controller.signal, credentials: 'omit', cache: 'no-store' });
    } catch (error) {
      throw new ApiError(0, { code: 'network', detail: String(error) });
    } finally {
      clearTimeout(timer);
    }
    if (!response.ok) {
      let data = {};
      try { data = await response.json(); } catch { data = {}; }
      throw new ApiError(response.status, data);
    }
    return response.headers.get('ETag');
  }

  /** Media bytes for display (reviewers): a Blob, since an <img> cannot send the bearer token. */
  async mediaBlob(sha256, variant = 'display') {
    const response = await this.fetch(`${this.base}/api/v1/media/${sha256}?variant=${variant}`, {
      headers: this.token ? { Authorization: `Bearer ${this.token}` } : {}, credentials: 'omit' });
    if (!response.ok) throw new ApiError(response.status, {});
    return response.blob();
  }
}
