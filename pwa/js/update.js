// The service worker's life seen from the page: register it, and when a new version has installed
// behind a running one, offer "新版本可用" and switch only when the person says so (nothing is lost).

import { h, show } from './dom.js';
import { t } from './i18n.js';

function offer(worker) {
  const banner = document.getElementById('banner');
  show(banner, h('div', { class: 'update' }, h('span', {}, t('update.available')),
    h('button', { class: 'primary', onclick: () => worker.postMessage({ type: 'skip-waiting' }) }, t('update.reload'))));
}

/** Register /app/sw.js; offer an update when a waiting worker appears; reload once it takes over. */
export async function watchUpdates() {
  if (!('serviceWorker' in navigator)) return null;
  const registration = await navigator.serviceWorker.register('sw.js', { scope: './' });
  const hadController = Boolean(navigator.serviceWorker.controller);
  const track = (worker) => worker && worker.addEventListener('statechange', () => {
    if (worker.state === 'installed' && navigator.serviceWorker.controller) offer(worker);
  });
  if (registration.waiting && hadController) offer(registration.waiting);
  track(registration.installing); // the browser may have begun the update before this page asked
  registration.addEventListener('updatefound', () => track(registration.installing));
  let reloading = false;
  navigator.serviceWorker.addEventListener('controllerchange', () => {
    if (hadController && !reloading) { reloading = true; location.reload(); }
  });
  navigator.serviceWorker.addEventListener('message', (event) => {
    if (event.data && event.data.type === 'sync' && globalThis.chouchaApp.session) globalThis.chouchaApp.sync.wake();
  });
  if (navigator.onLine) registration.update().catch(() => {});
  if ('sync' in registration) registration.sync.register('choucha-sync').catch(() => {}); // a bonus, never relied on
  return registration;
}
