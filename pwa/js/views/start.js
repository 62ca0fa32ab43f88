// Starting an inspection (DOMAIN.md §21): the officers show their credentials, explain the purpose and
// legal basis, and state the party's right to request recusal; then the start is recorded with the place.

import { h, show } from '../dom.js';
import { t } from '../i18n.js';
import { taskBundle } from '../model.js';
import { currentPosition } from './capture.js';

/** The start screen: credentials, purpose and basis, the recusal notice, then "开始检查". */
export async function startView(app, main, { uid }) {
  const bundle = await taskBundle(app.store, uid);
  if (!bundle) return show(main, h('p', {}, t('task.unknown')));
  const { task } = bundle;
  const status = h('p', { role: 'status' });
  const start = async () => {
    await app.outbox.intent(uid, 'start');
    show(status, t('start.locating'));
    const position = await currentPosition().catch(() => null);
    if (position) {
      app.lastPosition = position; // photos taken next are stamped with this place
      await app.outbox.answer(uid, '_report', { location: { ...position, at: Date.now() } });
    }
    show(status, position ? t('start.located') : t('start.no_location'));
    if (navigator.onLine) app.sync.run();
    const first = task.items[0];
    app.go(first ? `#/form/${uid}/${encodeURIComponent(first.code)}` : `#/task/${uid}`);
  };
  show(main,
    h('p', {}, h('a', { href: `#/task/${uid}` }, '← ', task.entity.name)),
    h('h2', {}, t('start.title')),
    h('section', { class: 'card' }, h('h3', {}, t('start.credentials')),
      h('ul', { class: 'credentials' }, task.team.map((m) => h('li', {},
        h('strong', {}, m.name), h('span', { class: 'credential' }, t('start.credential_no'), '：', m.credential_no || '—'))))),
    h('section', { class: 'card' }, h('h3', {}, t('start.purpose')),
      h('p', {}, t('start.purpose_text', { name: task.entity.name })),
      h('ul', {}, task.items.map((i) => h('li', {}, `${i.name}：${i.legal_basis || '—'}`)))),
    h('section', { class: 'card notice', 'aria-labelledby': 'recusal-h' }, h('h3', { id: 'recusal-h' }, t('start.recusal')),
      h('p', {}, t('start.recusal_text')), h('p', { class: 'muted' }, t('start.recording'))),
    status,
    h('button', { class: 'primary', type: 'button', onclick: start }, t('start.begin')));
}
