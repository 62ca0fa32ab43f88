// Conflicts of a report: where two devices wrote different values without seeing each other's, both
// values with who and when, and a choice — an `answers` mutation based on every head, which settles it.

import { h, show } from '../dom.js';
import { t, tl } from '../i18n.js';
import { taskBundle } from '../model.js';

function labelOf(bundle, item, field) {
  const def = bundle.forms[item];
  const stack = def ? [...def.sections] : [];
  while (stack.length) {
    const node = stack.pop();
    if (node.name === field) return tl(node.label) || field;
    stack.push(...(node.fields || []));
  }
  return field;
}

const shown = (value) => (typeof value === 'string' ? value : JSON.stringify(value));

function option(app, bundle, conflict, write, current) {
  const { item, field } = conflict;
  const heads = bundle.report.heads[`${item}/${field}`] || [conflict.current.write, ...conflict.others.map((o) => o.write)];
  return h('li', { class: 'option' },
    h('strong', {}, shown(write.value)),
    h('span', { class: 'muted' }, t('conflict.by', { device: (write.device || '').slice(0, 8), at: new Date(write.hlc[0]).toLocaleString('zh-CN', { hour12: false }) }),
      current ? ` · ${t('conflict.current')}` : ''),
    h('button', { type: 'button', class: 'primary', onclick: async () => {
      await app.outbox.resolve(bundle.task.uid, item, field, write.value, heads);
      app.toast(t('conflict.chosen'));
      if (navigator.onLine) await app.sync.run();
      app.render();
    } }, t('conflict.choose')));
}

/** Render the conflicts of one report into `container` (the review page uses it too). */
export function conflictList(app, bundle) {
  const { conflicts } = bundle.report;
  if (!conflicts.length) return h('p', { class: 'ok' }, t('conflict.none'));
  return h('ul', { class: 'conflicts' }, conflicts.map((c) => h('li', { class: 'card' },
    h('h3', {}, labelOf(bundle, c.item, c.field), h('span', { class: 'muted' }, ` ${c.item} / ${c.field}`)),
    h('ul', {}, option(app, bundle, c, c.current, true), c.others.map((o) => option(app, bundle, c, o, false))))));
}

/** The conflicts page of a task. */
export async function conflictsView(app, main, { uid }) {
  const bundle = await taskBundle(app.store, uid);
  if (!bundle) return show(main, h('p', {}, t('task.unknown')));
  show(main, h('p', {}, h('a', { href: `#/task/${uid}` }, '← ', bundle.task.entity.name)),
    h('h2', {}, t('conflict.title')), h('p', {}, t('conflict.intro')), conflictList(app, bundle));
}
