// The preview of the on-site record (DOMAIN.md §22): the object, the officers, every shown answer of every
// item, findings and result codes, evidence and signatures; what is still missing; and submitting.

import { findings, visibility } from '../../forms/validate.js';
import { h, show, todayInChina } from '../dom.js';
import { language, t, tl } from '../i18n.js';
import { reportErrors, taskBundle, valueAt } from '../model.js';
import { pointOutMissing } from './form.js';
import { RESULT_CODES } from '../../forms/result_codes.js';

const CODE_TEXT = new Map(RESULT_CODES.map(([c, zh, en]) => [c, [zh, en]]));

function valueText(definition, spec, value) {
  if (value === undefined || value === null || value === '') return '—';
  const choices = (definition.choices || {})[spec.choices] || [];
  const label = (v) => tl((choices.find((c) => c.value === v) || {}).label) || v;
  switch (spec.type) {
    case 'yes_no_na': return t(`answer.${value}`);
    case 'select_one': return label(value);
    case 'select_multiple': return value.map(label).join('、');
    case 'result_code': return value.map((c) => `${c} ${(CODE_TEXT.get(c) || [c, c])[language() === 'zh' ? 0 : 1]}`).join('；');
    case 'photo': case 'audio': return t('preview.files', { n: value.length });
    case 'signature': return value.refused ? t('sign.refused_with', { reason: value.reason }) : t('sign.done');
    case 'geopoint': return `${value.lat.toFixed(5)}, ${value.lon.toFixed(5)}`;
    default: return String(value);
  }
}

/** The shown answers of one item as a definition list, with labels and readable values. */
export function recordList(definition, answers, shown) {
  const visit = (spec, path, out) => {
    if (shown[path] === false) return;
    if (spec.type === 'repeat') {
      (valueAt(answers, path) || []).forEach((_, i) => spec.fields.forEach((c) => visit(c, `${path}[${i}].${c.name}`, out)));
    } else if (spec.type === 'group') spec.fields.forEach((c) => visit(c, c.name, out));
    else if (!['note', 'calculate'].includes(spec.type)) {
      out.push(h('div', { class: 'kv' }, h('dt', {}, tl(spec.label) || spec.name), h('dd', {}, valueText(definition, spec, valueAt(answers, path)))));
    }
  };
  return h('div', { class: 'record' }, definition.sections.filter((s) => shown[s.name] !== false).map((section) => {
    const rows = [];
    section.fields.forEach((f) => visit(f, f.name, rows));
    return [h('h4', {}, tl(section.title)), h('dl', {}, rows)];
  }));
}

/** The preview and submit page of a task. */
export async function previewView(app, main, { uid }) {
  const bundle = await taskBundle(app.store, uid);
  if (!bundle) return show(main, h('p', {}, t('task.unknown')));
  const { task, report } = bundle;
  pointOutMissing(uid);
  const today = todayInChina();
  const errors = reportErrors(bundle, today);
  const items = task.items.map((item) => {
    const def = bundle.forms[item.code];
    const answers = report.answers[item.code] || {};
    if (!def) return h('section', {}, h('h3', {}, item.name), h('p', { class: 'error' }, t('task.form_missing')));
    const found = findings(def, answers, { today });
    return h('section', { class: 'card' }, h('h3', {}, `${item.code} ${item.name}`),
      h('p', { class: 'basis' }, item.legal_basis || ''),
      recordList(def, answers, visibility(def, answers, { today })),
      found.length ? h('div', {}, h('h4', {}, t('preview.findings')),
        h('ul', {}, found.map((f) => h('li', {}, tl(f.summary), ` (${f.result_codes.join(', ')})`)))) : null);
  });
  const submit = async () => {
    await app.outbox.intent(uid, 'submit');
    app.toast(navigator.onLine ? t('preview.submitted') : t('preview.submitted_offline'));
    if (navigator.onLine) app.sync.run();
    app.go(`#/task/${uid}`);
  };
  const canSubmit = !errors.length && ['in_progress', 'returned', 'assigned'].includes(report.status);
  show(main,
    h('p', {}, h('a', { href: `#/task/${uid}` }, '← ', task.entity.name)),
    h('h2', {}, t('preview.title')),
    h('dl', { class: 'facts' },
      h('dt', {}, t('task.entity')), h('dd', {}, `${task.entity.name}（${task.entity.uscc}）`),
      h('dt', {}, t('task.address')), h('dd', {}, task.entity.address || '—'),
      h('dt', {}, t('task.team')), h('dd', {}, task.team.map((m) => `${m.name} ${m.credential_no || ''}`).join('；')),
      h('dt', {}, t('preview.evidence')), h('dd', {}, t('preview.evidence_counts', { photos: report.photos.length, audio: report.audio.length }))),
    items,
    errors.length ? h('section', { class: 'refused', 'aria-labelledby': 'missing-h' }, h('h3', { id: 'missing-h' }, t('preview.missing', { n: errors.length })),
      h('ul', {}, errors.map((e) => h('li', {}, h('a', { href: `#/form/${uid}/${encodeURIComponent(e.item)}` },
        e.message ? tl(e.message) : t('task.form_missing')))))) : h('p', { class: 'ok' }, t('preview.complete')),
    h('button', { class: 'primary', type: 'button', id: 'submit-report', disabled: !canSubmit, onclick: submit },
      report.status === 'submitted' ? t('status.submitted') : t('preview.submit')));
}
