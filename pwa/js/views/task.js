// One task: the object (with a map link), the items and their legal basis, the team, the deadline, the
// items' forms with progress, notes, conflicts and what the server refused.

import { h, show, uid } from '../dom.js';
import { t, tl } from '../i18n.js';
import { itemProgress, taskBundle } from '../model.js';

function mapLink(entity) {
  const query = encodeURIComponent(entity.address || entity.name || '');
  return h('a', { href: `https://uri.amap.com/search?keyword=${query}`, target: '_blank', rel: 'noopener' }, t('task.map'));
}

function itemRow(app, bundle, item) {
  const def = bundle.forms[item.code];
  const [done, total] = def ? itemProgress(def, bundle.report.answers[item.code] || {}) : [0, 0];
  return h('li', { class: 'item' },
    h('strong', {}, `${item.code} ${item.name}`),
    h('p', { class: 'basis' }, t('task.basis'), '：', item.legal_basis || '—'),
    item.content ? h('p', { class: 'muted' }, item.content) : null,
    def ? h('a', { class: 'button', href: `#/form/${bundle.task.uid}/${encodeURIComponent(item.code)}` },
      t('task.open_form'), ` (${done}/${total})`)
      : h('p', { class: 'error' }, t('task.form_missing')));
}

function notes(app, bundle) {
  const id = uid('note');
  const input = h('textarea', { id, rows: 2 });
  return h('section', { 'aria-labelledby': `${id}-h` },
    h('h3', { id: `${id}-h` }, t('task.notes')),
    h('ul', {}, bundle.report.notes.map((n) => h('li', {}, n.text))),
    h('label', { for: id, class: 'sr-only' }, t('task.note_new')), input,
    h('button', { type: 'button', onclick: async () => {
      if (!input.value.trim()) return;
      await app.outbox.add(bundle.task.uid, 'notes', { text: input.value.trim(), at: new Date().toISOString() });
      app.render();
    } }, t('task.note_add')));
}

async function refusals(app, uidTask) {
  const refused = await app.outbox.refusals(uidTask);
  if (!refused.length) return null;
  return h('section', { class: 'refused', role: 'alert' }, h('h3', {}, t('task.refused')),
    h('ul', {}, refused.slice(0, 5).map((m) => h('li', {}, `${m.op} #${m.seq}: `, tl(m.outcome.message) || m.outcome.code,
      (m.outcome.errors || []).slice(0, 5).map((e) => h('div', { class: 'muted' }, `${e.path}: ${tl(e.message) || e.code}`))))));
}

/** The task page. */
export async function taskView(app, main, { uid: taskUid }) {
  const bundle = await taskBundle(app.store, taskUid);
  if (!bundle) return show(main, h('p', {}, t('task.unknown')));
  const { task, report } = bundle;
  const started = report.status !== 'assigned';
  show(main,
    h('p', {}, h('a', { href: '#/tasks' }, '← ', t('nav.tasks'))),
    h('h2', {}, task.entity.name),
    h('dl', { class: 'facts' },
      h('dt', {}, t('task.uscc')), h('dd', {}, task.entity.uscc),
      h('dt', {}, t('task.address')), h('dd', {}, task.entity.address || '—', ' ', mapLink(task.entity)),
      h('dt', {}, t('task.deadline')), h('dd', {}, task.due_on),
      h('dt', {}, t('task.status')), h('dd', { 'data-status': report.status }, t(`status.${report.status}`)),
      h('dt', {}, t('task.team')), h('dd', {}, task.team.map((m) => `${m.name}（${m.credential_no || '—'}）${m.role === 'lead' ? t('task.lead') : ''}`).join('、'))),
    (report.return_reasons || []).length ? h('section', { class: 'refused' }, h('h3', {}, t('task.returned')),
      h('ul', {}, report.return_reasons.flatMap((r) => r.reasons.map((x) => h('li', {}, x))))) : null,
    await refusals(app, taskUid),
    report.conflicts.length ? h('p', { class: 'warn' }, h('a', { href: `#/conflicts/${taskUid}` },
      t('task.conflicts', { n: report.conflicts.length }))) : null,
    started ? null : h('a', { class: 'button primary', href: `#/start/${taskUid}` }, t('task.start')),
    h('h3', {}, t('task.items')),
    h('ul', { class: 'items' }, task.items.map((item) => itemRow(app, bundle, item))),
    started ? h('a', { class: 'button primary', href: `#/preview/${taskUid}` }, t('task.preview')) : null,
    notes(app, bundle));
}
