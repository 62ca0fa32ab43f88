// Logging in (online, once), choosing the local PIN, unlocking with it offline, and logging in again when
// the device token expired — the outbox and everything recorded stay as they are throughout.

import { h, show, uid } from '../dom.js';
import { t } from '../i18n.js';
import { PIN_PATTERN, WrongPin, pinDelayMs, seal, sealWith, unseal } from '../identity.js';

function field(label, props) {
  const id = uid('in');
  return h('div', { class: 'field' }, h('label', { for: id }, label), h('input', { id, ...props }));
}

function deviceName() {
  return `${t('app.title')} · ${navigator.platform || 'web'}`.slice(0, 60);
}

/** The first screen on a new device: user name and password (needs the network). */
export function loginView(app, main) {
  const error = h('p', { class: 'error', role: 'alert' });
  const form = h('form', { class: 'card', onsubmit: async (event) => {
    event.preventDefault();
    if (!navigator.onLine) return show(error, t('login.offline'));
    const data = new FormData(form);
    try {
      const answer = await app.api.login(data.get('username'), data.get('password'), deviceName());
      pinView(app, main, { token: answer.token, user: answer.user });
    } catch (e) {
      show(error, e.status === 401 ? t('login.wrong') : e.status === 429 ? t('login.slow') : t('login.failed', { code: e.code }));
    }
  } },
  h('h2', {}, t('login.title')), h('p', {}, t('login.intro')),
  field(t('login.username'), { name: 'username', autocomplete: 'username', required: true }),
  field(t('login.password'), { name: 'password', type: 'password', autocomplete: 'current-password', required: true }),
  error, h('button', { class: 'primary', type: 'submit' }, t('login.submit')));
  show(main, form);
}

/** After the first login: choose the PIN that seals the token on this device. */
function pinView(app, main, session) {
  const error = h('p', { class: 'error', role: 'alert' });
  const pinProps = { type: 'password', inputmode: 'numeric', autocomplete: 'new-password', pattern: '[0-9]{4,8}', required: true };
  const form = h('form', { class: 'card', onsubmit: async (event) => {
    event.preventDefault();
    const data = new FormData(form);
    const pin = String(data.get('pin'));
    if (!PIN_PATTERN.test(pin)) return show(error, t('pin.format'));
    if (pin !== data.get('again')) return show(error, t('pin.mismatch'));
    const [sealed, key] = await seal(pin, session.token);
    await app.store.setMeta('identity', { user: session.user, sealed });
    app.key = key;
    await app.unlocked(session);
  } },
  h('h2', {}, t('pin.title')), h('p', {}, t('pin.intro')),
  field(t('pin.label'), { name: 'pin', ...pinProps }), field(t('pin.again'), { name: 'again', ...pinProps }),
  error, h('button', { class: 'primary', type: 'submit' }, t('pin.save')));
  show(main, form);
}

/** Every later start: the PIN opens the sealed token (works offline). */
export function unlockView(app, main, identity) {
  const error = h('p', { class: 'error', role: 'alert' });
  let failures = 0;
  const form = h('form', { class: 'card', onsubmit: async (event) => {
    event.preventDefault();
    const button = form.querySelector('button');
    button.disabled = true;
    try {
      const [token, key] = await unseal(String(new FormData(form).get('pin')), identity.sealed);
      app.key = key;
      await app.unlocked({ token, user: identity.user });
    } catch (e) {
      if (!(e instanceof WrongPin)) throw e;
      failures += 1;
      const wait = pinDelayMs(failures);
      show(error, wait ? t('pin.wait', { s: Math.round(wait / 1000) }) : t('pin.wrong'));
      await new Promise((resolve) => setTimeout(resolve, wait));
    } finally {
      button.disabled = false;
    }
  } },
  h('h2', {}, t('unlock.title')), h('p', {}, t('unlock.who', { name: identity.user.display_name || identity.user.username })),
  field(t('pin.label'), { name: 'pin', type: 'password', inputmode: 'numeric', autocomplete: 'current-password', required: true, autofocus: true }),
  error, h('button', { class: 'primary', type: 'submit' }, t('unlock.submit')));
  show(main, form);
}

/** The token expired or was revoked: log in again as the same user; the outbox waits meanwhile. */
export function reloginDialog(app) {
  if (document.getElementById('relogin')) return;
  const error = h('p', { class: 'error', role: 'alert' });
  const dialog = h('dialog', { id: 'relogin', 'aria-labelledby': 'relogin-title' });
  const form = h('form', { onsubmit: async (event) => {
    event.preventDefault();
    try {
      const answer = await app.api.login(app.user.username, String(new FormData(form).get('password')), deviceName());
      if (answer.user.id !== app.user.id) return show(error, t('relogin.other'));
      const identity = await app.store.meta('identity');
      await app.store.setMeta('identity', { ...identity, sealed: await sealWith(app.key, identity.sealed.salt, answer.token, identity.sealed.iterations) });
      app.api.token = answer.token;
      dialog.close();
      dialog.remove();
      app.sync.run();
    } catch (e) {
      show(error, e.status === 401 ? t('login.wrong') : t('login.failed', { code: e.code }));
    }
  } },
  h('h2', { id: 'relogin-title' }, t('relogin.title')), h('p', {}, t('relogin.intro')),
  field(t('login.password'), { name: 'password', type: 'password', autocomplete: 'current-password', required: true }),
  error, h('div', { class: 'row' }, h('button', { class: 'primary', type: 'submit' }, t('login.submit')),
    h('button', { type: 'button', onclick: () => { dialog.close(); dialog.remove(); } }, t('common.later'))));
  dialog.append(form);
  document.body.append(dialog);
  dialog.showModal();
}
