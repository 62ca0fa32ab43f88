// One widget per field type of the form definition. A widget shows the local answer and calls
// `ctx.commit(path, value)` when the person settles on a value (change, not every keystroke).

import { h, uid } from '../dom.js';
import { language, t, tl } from '../i18n.js';
import { RESULT_CODES } from '../../forms/result_codes.js';
import { mediaWidget } from './media_fields.js';
import { signatureWidget } from './signature_field.js';

const YES_NO_NA = [['yes', 'answer.yes'], ['no', 'answer.no'], ['na', 'answer.na']];

/** The id of a question's input: stable across re-renders, so focus survives them. */
export const inputId = (path) => `q-${path.replace(/[^A-Za-z0-9_-]/g, '_')}`;

function describe(spec, path, error) {
  const parts = [];
  if (spec.hint) parts.push(h('p', { class: 'hint', id: `${inputId(path)}-hint` }, tl(spec.hint)));
  if (spec.legal_basis && spec.legal_basis.length) parts.push(h('p', { class: 'basis' }, spec.legal_basis.join('；')));
  if (error) parts.push(h('p', { class: 'error', id: `${inputId(path)}-err`, role: 'alert' }, tl(error.message)));
  return parts;
}

function labelText(spec) {
  const required = spec.required === true ? h('span', { class: 'req', 'aria-hidden': 'true' }, ' *') : null;
  return [tl(spec.label) || spec.name, required];
}

function choiceGroup(ctx, spec, path, value, options, multiple) {
  const name = inputId(path);
  const chosen = new Set(multiple ? value || [] : value === undefined ? [] : [value]);
  const onchange = (event) => {
    const boxes = [...event.target.closest('fieldset').querySelectorAll('input')];
    const picked = boxes.filter((b) => b.checked).map((b) => b.value);
    ctx.commit(path, multiple ? picked : picked[0]);
  };
  return h('fieldset', { class: 'choices', id: name, 'aria-describedby': ctx.errors[path] ? `${name}-err` : null },
    h('legend', {}, ...labelText(spec)),
    options.map(([v, text]) => h('label', { class: 'choice' },
      h('input', { type: multiple ? 'checkbox' : 'radio', name, value: v, checked: chosen.has(v), onchange }), text)),
    describe(spec, path, ctx.errors[path]));
}

function listOptions(ctx, spec) {
  return ((ctx.definition.choices || {})[spec.choices] || []).map((c) => [c.value, tl(c.label)]);
}

function resultCodes(ctx, spec, path, value) {
  const suggested = new Set(ctx.suggested);
  const options = RESULT_CODES.map(([code, zh, en]) => [code,
    h('span', {}, `${code} ${language() === 'zh' ? zh : en}`, suggested.has(code) ? h('em', { class: 'suggested' }, ` ${t('form.suggested')}`) : null)]);
  return choiceGroup(ctx, spec, path, value, options, true);
}

function textInput(ctx, spec, path, value) {
  const id = inputId(path);
  const types = { integer: 'number', decimal: 'number', date: 'date', time: 'time' };
  const props = { id, name: id, value: value === undefined || value === null ? '' : String(value),
    'aria-describedby': ctx.errors[path] ? `${id}-err` : spec.hint ? `${id}-hint` : null,
    oninput: (e) => { e.target.dataset.editing = '1'; },
    onchange: (e) => {
      delete e.target.dataset.editing;
      const raw = e.target.value;
      if (raw === '') return ctx.commit(path, null);
      if (spec.type === 'integer' || spec.type === 'decimal') return ctx.commit(path, Number(raw));
      return ctx.commit(path, raw);
    } };
  if (spec.type === 'integer') Object.assign(props, { step: 1, inputmode: 'numeric' });
  if (spec.type === 'decimal') Object.assign(props, { step: 'any', inputmode: 'decimal' });
  if (spec.type === 'time') props.step = 60;
  const input = spec.type === 'text' ? h('textarea', { ...props, rows: 2 }, props.value)
    : h('input', { type: types[spec.type] || 'text', ...props });
  return h('div', { class: 'question' }, h('label', { for: id }, ...labelText(spec)),
    spec.unit ? h('div', { class: 'with-unit' }, input, h('span', {}, spec.unit)) : input, describe(spec, path, ctx.errors[path]));
}

function geopoint(ctx, spec, path, value) {
  const id = inputId(path);
  const status = h('span', { role: 'status' }, value ? `${value.lat.toFixed(5)}, ${value.lon.toFixed(5)} ±${value.accuracy ?? '?'}m` : t('gps.none'));
  return h('div', { class: 'question' }, h('span', { class: 'label', id: `${id}-l` }, ...labelText(spec)), status,
    h('button', { id, type: 'button', 'aria-describedby': `${id}-l`, onclick: () => ctx.locate(path, status) }, t('gps.get')),
    describe(spec, path, ctx.errors[path]));
}

function repeat(ctx, spec, path, rows) {
  const list = Array.isArray(rows) ? rows : [];
  const heading = uid('rep');
  return h('section', { class: 'repeat', 'aria-labelledby': heading },
    h('h4', { id: heading }, ...labelText(spec)), describe(spec, path, ctx.errors[path]),
    list.map((row, i) => h('fieldset', { class: 'row-set' },
      h('legend', {}, t('form.row', { n: i + 1 })),
      spec.fields.map((child) => ctx.field(child, `${path}[${i}].${child.name}`, row[child.name])),
      h('button', { type: 'button', class: 'link', onclick: () => ctx.commitRows(path, list.filter((_, j) => j !== i)) }, t('form.row_remove')))),
    h('button', { type: 'button', onclick: () => ctx.commitRows(path, [...list, {}]) }, t('form.row_add')));
}

/** The widget of one field at `path` with its current local value (or null for hidden/unsupported). */
export function fieldWidget(ctx, spec, path, value) {
  switch (spec.type) {
    case 'yes_no_na': return choiceGroup(ctx, spec, path, value, YES_NO_NA.map(([v, k]) => [v, t(k)]), false);
    case 'select_one': return choiceGroup(ctx, spec, path, value, listOptions(ctx, spec), false);
    case 'select_multiple': return choiceGroup(ctx, spec, path, value, listOptions(ctx, spec), true);
    case 'result_code': return resultCodes(ctx, spec, path, value);
    case 'text': case 'integer': case 'decimal': case 'date': case 'time': return textInput(ctx, spec, path, value);
    case 'geopoint': return geopoint(ctx, spec, path, value);
    case 'photo': case 'audio': return mediaWidget(ctx, spec, path, value);
    case 'signature': return signatureWidget(ctx, spec, path, value);
    case 'repeat': return repeat(ctx, spec, path, value);
    case 'note': return h('p', { class: 'note' }, tl(spec.label));
    case 'calculate': return ctx.calculated[path] === undefined || ctx.calculated[path] === null ? null
      : h('p', { class: 'calc' }, tl(spec.label) || spec.name, '：', String(ctx.calculated[path]));
    default: return null;
  }
}
