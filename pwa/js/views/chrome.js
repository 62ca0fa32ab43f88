// The frame around every view: title, online/offline state, what waits to sync (with a sync button),
// the language switch, and the navigation by role.

import { bytesText, h, show } from '../dom.js';
import { language, setLanguage, t } from '../i18n.js';

const REVIEWERS = new Set(['team_lead', 'dept_admin', 'platform_admin']);
const ADMINS = new Set(['dept_admin', 'platform_admin']);

/** Build the header and navigation once. */
export function renderChrome(app) {
  const bar = document.getElementById('bar');
  show(bar,
    h('h1', { class: 'title' }, t('app.title')),
    h('span', { id: 'net', class: 'net', role: 'status' }),
    h('button', { id: 'sync-now', class: 'sync', type: 'button', onclick: () => app.session && app.sync.run() }, t('sync.now')),
    h('button', { id: 'lang', class: 'lang', type: 'button', lang: language() === 'zh' ? 'en' : 'zh',
      onclick: async () => {
        const next = language() === 'zh' ? 'en' : 'zh';
        await app.store.setMeta('lang', next);
        setLanguage(next);
        renderChrome(app);
        if (app.session) app.render(); else location.reload();
      } }, language() === 'zh' ? 'English' : '中文'));
  document.documentElement.lang = language() === 'zh' ? 'zh-CN' : 'en';
  document.title = t('app.title');
  renderNav(app);
}

function renderNav(app) {
  const role = app.user && app.user.role;
  const links = [['#/tasks', t('nav.tasks')]];
  if (REVIEWERS.has(role)) links.push(['#/review', t('nav.review')]);
  if (ADMINS.has(role)) links.push(['#/admin', t('nav.admin')]);
  links.push(['#/settings', t('nav.settings')]);
  show(document.getElementById('nav'), app.session
    ? h('ul', {}, links.map(([href, text]) => h('li', {}, h('a', { href }, text)))) : null);
}

function syncText(state, pending) {
  if (state.phase === 'pushing' || state.phase === 'pulling') return t('sync.running');
  if (state.phase === 'uploading') {
    const u = state.upload;
    return u ? t('sync.uploading', { sent: bytesText(u.sent), size: bytesText(u.size) }) : t('sync.running');
  }
  if (state.phase === 'waiting') return t('sync.retry', { s: Math.max(1, Math.round((state.retryAt - Date.now()) / 1000)) });
  if (state.phase === 'refused') return t('sync.refused', { code: (state.error && state.error.code) || '' });
  if (state.phase === 'auth') return t('sync.auth');
  return pending ? t('sync.pending', { n: pending }) : t('sync.done');
}

/** Refresh the online indicator, the pending counts and the navigation. */
export async function updateChrome(app) {
  const net = document.getElementById('net');
  if (!net) return;
  const online = navigator.onLine;
  net.className = `net ${online ? 'online' : 'offline'}`;
  let pending = 0;
  let files = 0;
  if (app.session) {
    pending = await app.outbox.count();
    files = (await app.uploads.backlog()).files;
  }
  const state = app.sync ? app.sync.state : { phase: 'idle' };
  show(net, online ? t('net.online') : t('net.offline'), ' · ', syncText(state, pending + files));
  net.dataset.pending = String(pending + files);
  net.dataset.phase = state.phase;
  const button = document.getElementById('sync-now');
  if (button) button.disabled = !app.session || !online;
  renderNav(app);
}
