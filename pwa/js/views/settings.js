// The device: storage used and available (and whether it is persistent), language, sync state, and
// logging out — refused while anything recorded here has not reached the server.

import { bytesText, h, show } from '../dom.js';
import { t } from '../i18n.js';
import { deleteStore } from '../store.js';

async function storageFacts() {
  const estimate = navigator.storage && navigator.storage.estimate ? await navigator.storage.estimate() : {};
  const persisted = navigator.storage && navigator.storage.persisted ? await navigator.storage.persisted() : false;
  return { used: estimate.usage, quota: estimate.quota, persisted };
}

async function logout(app, message) {
  const waiting = (await app.outbox.count()) + (await app.uploads.backlog()).files;
  if (waiting) return show(message, t('logout.blocked', { n: waiting }));
  if (!globalThis.confirm(t('logout.confirm'))) return null;
  if (navigator.onLine) await app.api.logout().catch(() => null); // revoke the token when we can
  app.store.close();
  await deleteStore();
  location.hash = '';
  location.reload();
  return null;
}

/** The settings page. */
export async function settingsView(app, main) {
  const facts = await storageFacts();
  const message = h('p', { class: 'error', role: 'alert' });
  const backlog = await app.uploads.backlog();
  const refusedMedia = await app.store.count('media', { index: 'state', value: 'refused' });
  show(main,
    h('h2', {}, t('settings.title')),
    h('dl', { class: 'facts' },
      h('dt', {}, t('settings.user')), h('dd', {}, `${app.user.display_name || ''}（${app.user.username}）`),
      h('dt', {}, t('settings.device')), h('dd', { class: 'mono' }, app.outbox.device.id),
      h('dt', {}, t('settings.storage')), h('dd', { id: 'storage' }, t('settings.storage_used', { used: bytesText(facts.used), quota: bytesText(facts.quota) })),
      h('dt', {}, t('settings.persisted')), h('dd', {}, facts.persisted ? t('settings.persisted_yes') : t('settings.persisted_no')),
      h('dt', {}, t('settings.outbox')), h('dd', {}, t('settings.outbox_counts', { n: await app.outbox.count(), files: backlog.files, bytes: bytesText(backlog.bytes) })),
      refusedMedia ? [h('dt', {}, t('settings.media_refused')), h('dd', { class: 'error' }, String(refusedMedia))] : null,
      h('dt', {}, t('settings.last_sync')), h('dd', {}, app.sync.state.lastOk ? new Date(app.sync.state.lastOk).toLocaleString('zh-CN', { hour12: false }) : '—')),
    facts.persisted ? null : h('button', { type: 'button', onclick: async () => {
      await navigator.storage.persist().catch(() => false);
      app.render();
    } }, t('settings.persist')),
    h('button', { type: 'button', onclick: () => app.sync.run() }, t('sync.now')),
    h('h3', {}, t('settings.account')), message,
    h('button', { type: 'button', class: 'danger', id: 'logout', onclick: () => logout(app, message) }, t('logout.button')));
}
