// The app's start: open the store, unlock, register the service worker, route between views, and keep
// the header (online state, what waits to sync) current. Views render from the store.

import { Api } from './api.js';
import { h, show } from './dom.js';
import { setLanguage, t } from './i18n.js';
import { Outbox } from './outbox.js';
import { StorageFull, openStore } from './store.js';
import { Sync } from './sync.js';
import { Uploads } from './uploads.js';
import { ROUTES, findRoute } from './routes.js';
import { renderChrome, updateChrome } from './views/chrome.js';
import { loginView, unlockView, reloginDialog } from './views/login.js';
import { watchUpdates } from './update.js';

const app = { session: null, refreshers: new Set() };
globalThis.chouchaApp = app; // tests and the console look at the live state through this

let routing = null;
let again = false;

/** Render the current hash's view; views ask for a re-render through app.render(). Renders run one at a
 * time and a request during one runs once after it, so a slow view never overwrites a newer one. */
function route() {
  if (routing) {
    again = true;
    return routing;
  }
  routing = (async () => {
    do {
      again = false;
      await renderOnce();
    } while (again);
  })().finally(() => { routing = null; });
  return routing;
}

async function renderOnce() {
  if (!app.session) return;
  const { view, params } = findRoute(ROUTES, location.hash || '#/tasks');
  const main = document.getElementById('main');
  try {
    await view(app, main, params);
  } catch (error) {
    show(main, h('p', { class: 'error', role: 'alert' }, t('error.view'), ' ', String(error.message || error)));
    console.error(error);
  }
  await updateChrome(app);
}

function wire() {
  app.render = route;
  app.go = (hash) => { if (location.hash === hash) route(); else location.hash = hash; };
  app.toast = (text) => {
    const box = document.getElementById('toast');
    show(box, text);
    clearTimeout(app.toastTimer);
    app.toastTimer = setTimeout(() => show(box), 4000);
  };
  app.failed = (error) => app.toast(error instanceof StorageFull ? t('error.storage_full') : String(error.message || error));
  globalThis.addEventListener('hashchange', route);
  globalThis.addEventListener('online', () => { updateChrome(app); if (app.session) app.sync.wake(); });
  globalThis.addEventListener('offline', () => updateChrome(app));
  globalThis.addEventListener('unhandledrejection', (event) => app.failed(event.reason));
  app.sync.addEventListener('state', async (event) => {
    await updateChrome(app);
    if (event.detail.phase === 'auth') reloginDialog(app);
    if (event.detail.phase === 'idle' && !document.querySelector('[data-editing]')) route();
  });
}

/** Called by the login and unlock views once the token is in memory. */
app.unlocked = async (session) => {
  app.session = session;
  app.api.token = session.token;
  app.user = session.user;
  await updateChrome(app);
  await route();
  performance.mark('choucha-unlocked');
  if (navigator.onLine) app.sync.run();
  if (navigator.storage && navigator.storage.persist) navigator.storage.persist().catch(() => false);
};

async function boot() {
  app.store = await openStore();
  setLanguage(await app.store.meta('lang', 'zh'));
  app.api = new Api();
  app.outbox = await new Outbox(app.store).init();
  app.uploads = new Uploads(app.store);
  app.sync = new Sync({ store: app.store, outbox: app.outbox, uploads: app.uploads, api: app.api });
  wire();
  renderChrome(app);
  watchUpdates(app);
  const identity = await app.store.meta('identity');
  const main = document.getElementById('main');
  if (identity) unlockView(app, main, identity);
  else loginView(app, main);
  document.documentElement.dataset.ready = 'true';
  performance.mark('choucha-interactive'); // bench/pwa.py reads it: the first screen takes input
}

boot().catch((error) => {
  show(document.getElementById('main'), h('p', { class: 'error', role: 'alert' }, String(error)));
});
