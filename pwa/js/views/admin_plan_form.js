// Administrators: drafting an annual plan (年度抽查计划) — POST /api/v1/plans with backend/planning/schemas.py's
// PlanCreate. The server judges everything; its problem (message and field errors) is shown beside the form,
// each field error next to its field when there is one.

import { h, show, uid } from '../dom.js';
import { t, tl } from '../i18n.js';
import { failure } from './admin.js';

const CLASSES = ['A', 'B', 'C', 'D'];
const KINDS = ['enterprise', 'individual', 'cooperative', 'other', 'product', 'equipment', 'project'];
const SCALES = ['large', 'medium', 'small', 'micro'];
const METHODS = ['onsite', 'documents', 'online'];
const NUMBERS = [['frequency_cap', 2, 1, 12], ['team_size', 2, 2, 10], ['workload_cap', 30, 1, 10000], ['experts_per_team', 0, 0, 5]];

/** Codes typed one per line or separated by commas (Chinese or Latin), trimmed, empty ones dropped. */
export const codes = (text) => String(text || '').split(/[\n,，、\s]+/).map((s) => s.trim()).filter(Boolean);

/** A ratio as the server reads it (a decimal or a fraction): "5%" → "0.05", exactly (no floating point);
 * anything else is sent as typed, for the server to judge. */
export function ratioValue(raw) {
  const text = String(raw || '').trim();
  const percent = /^(\d+)(?:\.(\d+))?\s*[%％]$/.exec(text);
  if (!percent) return text;
  const [, whole, frac = ''] = percent;
  const digits = (whole + frac).replace(/^0+(?=\d)/, '');
  const point = digits.length - frac.length - 2; // dividing by 100 moves the point two places left
  const shifted = point > 0 ? `${digits.slice(0, point)}.${digits.slice(point)}` : `0.${'0'.repeat(-point)}${digits}`;
  return shifted.includes('.') ? shifted.replace(/0+$/, '').replace(/\.$/, '') : shifted;
}

/** The field a server error names: {field} (domain problems) or {key} (request validation, `$.a.b`). */
export function errorField(error) {
  const raw = error.field || error.key || (/at `\$\.([\w.]+)/.exec(error.message || '') || [])[1] || '';
  return String(raw).replace(/^\$\./, '').replace(/\[\d+\]$/, '');
}

/** The text of one field error in the current language. */
export const errorText = (error) => tl(error.zh || error.en ? { zh: error.zh, en: error.en } : null) || error.message || error.code || '';

/** The request body of the form's values (only quotas actually given; the server's defaults otherwise). */
export function planBody(values) {
  const ratios = {};
  const counts = {};
  for (const c of CLASSES) {
    if (values[`ratio_${c}`]) ratios[c] = ratioValue(values[`ratio_${c}`]);
    if (values[`count_${c}`] !== '' && values[`count_${c}`] !== undefined) counts[c] = Number(values[`count_${c}`]);
  }
  const body = {
    year: Number(values.year), title: values.title.trim(), items: values.items.map(Number),
    starts_on: values.starts_on, ends_on: values.ends_on,
    scope: { directed: Boolean(values.directed), kinds: values.kinds, scales: values.scales,
      industries: codes(values.industries), regions: codes(values.regions) },
    ratios, counts, method: values.method, joint_partners: values.joint_partners,
    avoid_previous_inspectors: Boolean(values.avoid_previous_inspectors),
  };
  for (const [name] of NUMBERS) body[name] = Number(values[name]);
  if (values.department) body.department = values.department;
  return body;
}

/** A labelled block with a slot for the server's errors about `field`. */
function block(field, ...children) {
  return h('div', { class: 'field', 'data-field': field }, ...children,
    h('p', { class: 'error field-error', id: `plan-err-${field.replace(/\./g, '-')}` }));
}

function input(field, label, props) {
  const id = uid('plan');
  return block(field, h('label', { for: id }, label),
    h('input', { id, name: field, 'aria-describedby': `plan-err-${field.replace(/\./g, '-')}`, ...props }));
}

function checks(field, legend, options) {
  return h('fieldset', { 'data-field': field }, h('legend', {}, legend),
    options.length ? options.map(([value, text]) => h('label', { class: 'choice' }, h('input', { type: 'checkbox', name: field, value }), text))
      : h('p', { class: 'muted' }, t('admin.plan_none')),
    h('p', { class: 'error field-error', id: `plan-err-${field.replace(/\./g, '-')}` }));
}

/** The form that drafts a plan; `items` are the published items, `departments` may be empty (not readable). */
export function planForm(app, items, departments) {
  const year = new Date().getFullYear();
  const summary = h('div', { class: 'plan-problems', role: 'alert' });
  const quota = (c) => {
    const [ratioId, countId] = [uid('ratio'), uid('count')];
    return h('div', { class: 'quota' },
      h('div', {}, h('label', { for: ratioId }, t('admin.plan_ratio', { c })),
        h('input', { id: ratioId, name: `ratio_${c}`, placeholder: '5%', inputmode: 'decimal', maxlength: 20,
          'aria-describedby': 'plan-err-ratios' })),
      h('div', {}, h('label', { for: countId }, t('admin.plan_count', { c })),
        h('input', { id: countId, name: `count_${c}`, type: 'number', min: 0, step: 1, inputmode: 'numeric',
          'aria-describedby': 'plan-err-counts' })));
  };
  const deptChoice = departments.length
    ? block('department', h('label', { for: 'plan-dept' }, t('admin.department')), h('select', { id: 'plan-dept', name: 'department' },
      h('option', { value: '' }, t('admin.plan_own_department')), departments.map((d) => h('option', { value: d.code }, `${d.code} ${d.name}`))))
    : input('department', t('admin.department'), { maxlength: 40 });
  const form = h('form', { class: 'card plan-form', 'aria-labelledby': 'plan-form-h', onsubmit: async (event) => {
    event.preventDefault();
    const data = new FormData(form);
    const values = Object.fromEntries([...data.keys()].map((k) => [k, data.get(k)]));
    for (const many of ['items', 'scope.kinds', 'scope.scales', 'joint_partners']) values[many] = data.getAll(many);
    values.kinds = values['scope.kinds'];
    values.scales = values['scope.scales'];
    values.industries = values['scope.industries'];
    values.regions = values['scope.regions'];
    values.directed = data.get('scope.directed');
    clearProblems(form, summary);
    if (!values.items.length) return showProblems(form, summary, { errors: [] }, t('admin.plan_items_needed'));
    const button = form.querySelector('button[type=submit]');
    button.disabled = true;
    try {
      const plan = await app.api.post('/api/v1/plans', planBody(values));
      app.toast(t('admin.plan_created', { id: plan.id }));
      app.render();
    } catch (error) {
      showProblems(form, summary, error.body || {}, failure(error));
    } finally {
      button.disabled = false;
    }
    return null;
  } },
  h('h3', { id: 'plan-form-h' }, t('admin.plan_new')),
  input('year', t('admin.year'), { type: 'number', min: 2000, max: 2100, value: year, required: true, inputmode: 'numeric' }),
  input('title', t('admin.title'), { required: true, minlength: 2, maxlength: 200, placeholder: `${year}年度双随机抽查计划` }),
  deptChoice,
  checks('items', t('admin.plan_items'), [...items].sort((a, b) => String(a.department).localeCompare(String(b.department)))
    .map((i) => [i.id, `${i.department || ''} ${i.code} ${i.name}（v${i.version}）`])),
  input('starts_on', t('admin.starts'), { type: 'date', required: true, value: `${year}-01-01` }),
  input('ends_on', t('admin.ends'), { type: 'date', required: true, value: `${year}-12-31` }),
  h('fieldset', { 'data-field': 'scope' }, h('legend', {}, t('admin.plan_scope')),
    h('label', { class: 'choice' }, h('input', { type: 'checkbox', name: 'scope.directed', value: '1' }), t('admin.plan_directed')),
    checks('scope.kinds', t('admin.plan_kinds'), KINDS.map((k) => [k, t(`kind.${k}`)])),
    checks('scope.scales', t('admin.plan_scales'), SCALES.map((s) => [s, t(`scale.${s}`)])),
    input('scope.industries', t('admin.plan_industries'), { placeholder: 'F52, H62' }),
    input('scope.regions', t('admin.plan_regions'), { placeholder: '320612' }),
    h('p', { class: 'error field-error', id: 'plan-err-scope' })),
  h('fieldset', { 'data-field': 'quotas' }, h('legend', {}, t('admin.plan_quotas')), h('p', { class: 'hint' }, t('admin.plan_quota_hint')),
    CLASSES.map(quota), h('p', { class: 'error field-error', id: 'plan-err-ratios' }),
    h('p', { class: 'error field-error', id: 'plan-err-counts' })),
  NUMBERS.map(([name, value, min, max]) => input(name, t(`admin.plan_${name}`),
    { type: 'number', value, min, max, step: 1, inputmode: 'numeric', required: true })),
  block('method', h('label', { for: 'plan-method' }, t('admin.plan_method')),
    h('select', { id: 'plan-method', name: 'method' }, METHODS.map((m) => h('option', { value: m }, t(`method.${m}`))))),
  departments.length ? checks('joint_partners', t('admin.plan_partners'), departments.map((d) => [d.code, `${d.code} ${d.name}`]))
    : input('joint_partners', t('admin.plan_partners'), {}),
  h('label', { class: 'choice' }, h('input', { type: 'checkbox', name: 'avoid_previous_inspectors', value: '1' }), t('admin.plan_avoid')),
  summary,
  h('button', { type: 'submit', class: 'primary' }, t('admin.plan_create')));
  return form;
}

function clearProblems(form, summary) {
  show(summary);
  for (const slot of form.querySelectorAll('.field-error')) show(slot);
  for (const el of form.querySelectorAll('[aria-invalid]')) el.removeAttribute('aria-invalid');
}

/** The server's problem: its message on top, each field error beside its field (or listed on top). */
function showProblems(form, summary, body, fallback = '') {
  const errors = Array.isArray(body.errors) ? body.errors : [];
  const unplaced = [];
  for (const error of errors) {
    const field = errorField(error);
    const slot = field && (form.querySelector(`#plan-err-${field.replace(/\./g, '-')}`)
      || form.querySelector(`#plan-err-${field.split('.')[0]}`));
    if (!slot) { unplaced.push(error); continue; }
    slot.append(h('span', { class: 'field-problem' }, errorText(error)), ' ');
    const holder = slot.closest('[data-field]');
    for (const el of holder ? holder.querySelectorAll('input, select') : []) el.setAttribute('aria-invalid', 'true');
  }
  show(summary, h('p', { class: 'error' }, tl(body.message) || fallback || body.detail || body.title || ''),
    unplaced.length ? h('ul', { class: 'error' }, unplaced.map((e) => h('li', {}, [errorField(e), errorText(e)].filter(Boolean).join('：')))) : null);
  summary.scrollIntoView({ block: 'center' });
}
