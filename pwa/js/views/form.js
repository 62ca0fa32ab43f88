// One item's form, rendered from its definition with the shared forms engine: the same relevance,
// validation, calculations and suggested result codes as the server. Every settled answer becomes an
// outbox mutation at once, and the form re-renders from the store.

import { calculatedValues, suggestedResultCodes, validate, visibility } from '../../forms/validate.js';
import { h, show, todayInChina } from '../dom.js';
import { t, tl } from '../i18n.js';
import { taskBundle } from '../model.js';
import { currentPosition, stampLines, stampedCopy } from './capture.js';
import { fieldWidget } from './fields.js';

const THROUGH_SETS = new Set(['photo', 'audio', 'signature']);
const showRequired = new Set(); // tasks whose missing answers are pointed out (after a look at the preview)

/** Ask to point out every missing answer of a task's forms from now on. */
export const pointOutMissing = (uid) => showRequired.add(uid);

function rowsWithoutSets(spec, rows) {
  const skip = new Set(spec.fields.filter((f) => THROUGH_SETS.has(f.type)).map((f) => f.name));
  return rows.map((row) => Object.fromEntries(Object.entries(row || {}).filter(([k]) => !skip.has(k))));
}

function findSpec(definition, name) {
  const stack = [...definition.sections];
  while (stack.length) {
    const node = stack.pop();
    if (node.name === name) return node;
    stack.push(...(node.fields || []));
  }
  return null;
}

function settled(app, rerender) {
  return (promise) => {
    app.busy = (app.busy || 0) + 1; // tests and re-renders wait for the form to settle
    document.documentElement.dataset.busy = 'true';
    return promise.then(rerender, app.failed).finally(() => {
      app.busy -= 1;
      if (!app.busy) delete document.documentElement.dataset.busy;
    });
  };
}

/** commit(path, value) and commitRows(name, rows): answers become `answers` mutations. */
function answerActions(ctx, uid, done) {
  const { app, item, definition, answers } = ctx;
  ctx.commitRows = (name, rows) => done(app.outbox.answer(uid, item, { [name]: rowsWithoutSets(findSpec(definition, name), rows) }));
  ctx.commit = (path, value) => {
    const open = path.indexOf('[');
    if (open < 0) return done(app.outbox.answer(uid, item, { [path]: value }));
    const name = path.slice(0, open);
    const child = path.slice(path.indexOf('.') + 1);
    const rows = JSON.parse(JSON.stringify(answers[name] || []));
    const index = Number(path.slice(open + 1, path.indexOf(']')));
    rows[index] = { ...rows[index], [child]: value };
    if (value === null) delete rows[index][child];
    return ctx.commitRows(name, rows);
  };
}

/** addMedia, removeMedia, sign, refuse, locate: evidence is kept on the device and named by its hash. */
function evidenceActions(ctx, bundle, done) {
  const { app, item, answers } = ctx;
  const uid = bundle.task.uid;
  ctx.addMedia = (path, kind, blob) => done((async () => {
    const position = app.lastPosition || null;
    const display = kind === 'photo' ? await stampedCopy(blob, stampLines(bundle.task, position)).catch(() => null) : null;
    const sha256 = await app.uploads.keep(blob, { task: uid, kind, display, stamp: { at: Date.now(), position },
      filename: blob.name || null });
    await app.outbox.add(uid, kind === 'photo' ? 'photos' : 'audio', { sha256, item, field: path });
    if (navigator.onLine) app.sync.run();
  })());
  ctx.removeMedia = (path, kind, sha256) => {
    const set = kind === 'photo' ? 'photos' : 'audio';
    const element = bundle.report[set].find((e) => e.sha256 === sha256 && e.field === path && e.item === item);
    if (element) done(app.outbox.remove(uid, set, element.id));
  };
  ctx.sign = (path, blob) => done((async () => {
    const attachment = await app.uploads.keep(blob, { task: uid, kind: 'signature' });
    const signer = !path.includes('[') && answers.person_in_charge ? { signer: answers.person_in_charge } : {};
    await app.outbox.sign(uid, item, path, { attachment, ...signer });
  })());
  ctx.refuse = (path, reason) => done(app.outbox.sign(uid, item, path, { refused: true, reason }));
  ctx.locate = (path, status) => {
    show(status, t('gps.locating'));
    currentPosition().then((p) => { app.lastPosition = p; ctx.commit(path, p); }, () => show(status, t('gps.failed')));
  };
}

function context(app, bundle, item, definition, rerender) {
  const answers = bundle.report.answers[item] || {};
  const today = todayInChina();
  const errors = {};
  for (const e of validate(definition, answers, { today })) {
    if (e.code !== 'required' || showRequired.has(bundle.task.uid)) errors[e.path] = errors[e.path] || e;
  }
  const ctx = { app, bundle, item, definition, answers, errors, shown: visibility(definition, answers, { today }),
    calculated: calculatedValues(definition, answers, { today }), suggested: suggestedResultCodes(definition, answers, { today }) };
  const done = settled(app, rerender);
  answerActions(ctx, bundle.task.uid, done);
  evidenceActions(ctx, bundle, done);
  ctx.field = (spec, path, value) => {
    if (ctx.shown[path] === false) return null;
    if (spec.type === 'group') return h('div', { class: 'group' }, spec.label ? h('h4', {}, tl(spec.label)) : null,
      spec.fields.map((child) => ctx.field(child, child.name, answers[child.name])));
    return fieldWidget(ctx, spec, path, value);
  };
  return ctx;
}

function itemNav(bundle, item) {
  const codes = bundle.task.items.map((i) => i.code);
  const at = codes.indexOf(item);
  const link = (code, text) => (code ? h('a', { class: 'button', href: `#/form/${bundle.task.uid}/${encodeURIComponent(code)}` }, text) : null);
  return h('nav', { class: 'row', 'aria-label': t('form.items_nav') }, link(codes[at - 1], t('form.prev_item')),
    link(codes[at + 1], t('form.next_item')), h('a', { class: 'button primary', href: `#/preview/${bundle.task.uid}` }, t('task.preview')));
}

/** The form page of one item of a task. */
export async function formView(app, main, { uid, item }) {
  const bundle = await taskBundle(app.store, uid);
  const definition = bundle && bundle.forms[item];
  if (!definition) return show(main, h('p', { class: 'error' }, bundle ? t('task.form_missing') : t('task.unknown')));
  const rerender = async () => {
    const focused = document.activeElement && document.activeElement.id;
    const y = globalThis.scrollY;
    await formView(app, main, { uid, item });
    if (focused && document.getElementById(focused)) document.getElementById(focused).focus({ preventScroll: true });
    globalThis.scrollTo(0, y);
  };
  const ctx = context(app, bundle, item, definition, rerender);
  const spec = bundle.task.items.find((i) => i.code === item) || { name: item };
  const closed = bundle.report.status === 'approved';
  const sections = definition.sections.filter((s) => ctx.shown[s.name] !== false).map((s) => h('section', { class: 'form-section' },
    h('h3', {}, tl(s.title)), s.legal_basis ? h('p', { class: 'basis' }, s.legal_basis.join('；')) : null,
    s.fields.map((f) => ctx.field(f, f.name, ctx.answers[f.name]))));
  show(main,
    h('p', {}, h('a', { href: `#/task/${uid}` }, '← ', bundle.task.entity.name)),
    h('h2', {}, spec.name), h('p', { class: 'muted' }, tl(definition.title), ` · v${definition.version}`),
    bundle.report.status === 'assigned' ? h('p', { class: 'warn' }, h('a', { href: `#/start/${uid}` }, t('form.not_started'))) : null,
    closed ? h('p', { class: 'warn' }, t('form.closed')) : null,
    h('form', { class: 'inspection', 'data-item': item, onsubmit: (e) => e.preventDefault() },
      h('fieldset', { disabled: closed, class: 'plain' }, h('legend', { class: 'sr-only' }, spec.name), sections)),
    itemNav(bundle, item));
}
