// Validate answers against a form before submission (twin of forms/validate.py and forms/findings.py):
// the same errors (path, code, bilingual message), visibility, calculated values and findings.
//
//   import { validate } from './forms/validate.js';
//   const errors = validate(definition, answers, { today: '2025-03-01' });   // [] when it may be submitted

import { readAnswer } from './answers.js';
import { formError } from './errors.js';
import { answerMessage } from './messages.js';
import { NO_PROBLEM, orderedCodes } from './result_codes.js';
import { start, walk } from './scope.js';
import { Day, compareText, isMissing, truthy } from './values.js';

export { compileForm } from './definition.js';
const HARD = new Set(['type', 'choice', 'result_code']);
const ANSWERED = new Set(['yes_no_na', 'select_one', 'select_multiple', 'text', 'integer', 'decimal', 'date', 'time',
  'photo', 'audio', 'signature', 'geopoint', 'result_code']);

function error(path, code, field = null, details = {}) {
  const [zh, en] = answerMessage(code, field, details);
  return formError(path, code, zh, en);
}

function checkCount(field, count, low, high, path, errors) {
  if (low !== undefined && low !== null && count < low) errors.push(error(path, 'too_few', field, { low }));
  else if (high !== undefined && high !== null && count > high) errors.push(error(path, 'too_many', field, { high }));
}

function checkAnswer(field, scope, path, errors) {
  const raw = scope.raw[field.name];
  if (isMissing(raw)) {
    const { required } = field;
    if (required === true || (typeof required === 'function' && truthy(required(scope, null)))) errors.push(error(path, 'required', field));
    return;
  }
  const [value, code] = readAnswer(field, raw);
  if (code) {
    errors.push(error(path, code, field));
    if (HARD.has(code)) return;
  }
  const { spec } = field;
  if (field.type === 'integer' || field.type === 'decimal') {
    const low = spec.min ?? null;
    const high = spec.max ?? null;
    if ((low !== null && value < low) || (high !== null && value > high)) errors.push(error(path, 'range', field, { low, high }));
  } else if (field.type === 'photo' || field.type === 'audio') {
    checkCount(field, value.length, spec.min_count, spec.max_count, path, errors);
  }
  if (field.constraint && !truthy(field.constraint(scope, value))) errors.push(error(path, 'constraint', field));
}

function checkRows(field, scope, path, errors) {
  const raw = scope.raw[field.name];
  if (raw !== undefined && raw !== null && !Array.isArray(raw)) {
    errors.push(error(path, 'type', field));
    return;
  }
  const rows = raw || [];
  checkCount(field, rows.length, field.spec.min_rows, field.spec.max_rows, path, errors);
  const names = new Set(field.children.map((child) => child.name));
  rows.forEach((row, index) => {
    if (row === null || typeof row !== 'object' || Array.isArray(row)) {
      errors.push(error(`${path}[${index}]`, 'type', field));
      return;
    }
    for (const key of Object.keys(row).sort(compareText)) {
      if (!names.has(key)) errors.push(error(`${path}[${index}].${key}`, 'unknown_field', null, { name: key }));
    }
  });
}

/** Every error of the answers, in form order, then answers the form does not know (sorted). */
export function validate(definition, answers, { today = null } = {}) {
  const [form, scope] = start(definition, answers, today);
  if (!scope) return [error('', 'not_an_object')];
  const errors = [];
  for (const [field, where, path, shown] of walk(scope)) {
    if (!shown) continue;
    if (ANSWERED.has(field.type)) checkAnswer(field, where, path, errors);
    else if (field.type === 'repeat') checkRows(field, where, path, errors);
  }
  for (const name of Object.keys(answers).sort(compareText)) {
    if (!form.answerNames.has(name)) errors.push(error(name, 'unknown_field', null, { name }));
  }
  return errors;
}

const asObject = (answers) => (answers !== null && typeof answers === 'object' && !Array.isArray(answers) ? answers : {});

/** Answer path → shown, for every section, group, repeat and question (per row). */
export function visibility(definition, answers, { today = null } = {}) {
  const [, scope] = start(definition, asObject(answers), today);
  const shown = {};
  for (const [, , path, visible] of walk(scope, { hidden: true })) shown[path] = visible;
  return shown;
}

/** An expression value as JSON: dates as 'YYYY-MM-DD'. */
export function jsonValue(value) {
  return value instanceof Day ? value.iso() : value;
}

/** Answer path → value of every calculate field, as JSON. */
export function calculatedValues(definition, answers, { today = null } = {}) {
  const [, scope] = start(definition, asObject(answers), today);
  const values = {};
  for (const [field, where, path] of walk(scope, { hidden: true })) {
    if (field.type === 'calculate') values[path] = jsonValue(where.value(field.name));
  }
  return values;
}

function basis(form, field, finding) {
  if (finding.legal_basis && finding.legal_basis.length) return [...finding.legal_basis];
  for (let node = field; node; node = node.parent ? form.fields.get(node.parent) : null) {
    if (node.spec.legal_basis && node.spec.legal_basis.length) return [...node.spec.legal_basis];
  }
  return [...(form.definition.legal_basis || [])];
}

/** The findings implied by the answers: path, field, summary, result_codes, legal_basis. */
export function findings(definition, answers, { today = null } = {}) {
  const [form, scope] = start(definition, answers, today);
  if (!scope) return [];
  const found = [];
  for (const [field, where, path, shown] of walk(scope)) {
    if (!shown || !field.findings.length) continue;
    const value = where.value(field.name);
    if (value === null) continue;
    for (const [when, finding] of field.findings) {
      if (truthy(when(where, value))) {
        found.push({ path, field: field.name, summary: { ...finding.summary }, result_codes: orderedCodes(finding.result_codes), legal_basis: basis(form, field, finding) });
      }
    }
  }
  return found;
}

/** The union of the findings' codes in table order, or ['1'] when nothing was found. */
export function suggestedResultCodes(definition, answers, options = {}) {
  const codes = findings(definition, answers, options).flatMap((finding) => finding.result_codes);
  return codes.length ? orderedCodes(codes) : [NO_PROBLEM];
}
