// What the views show, read from the store (no DOM): a task with its local report and forms, progress
// per task, the day's grouping of tasks. Form definitions are kept in memory once read (a pinned version
// never changes), so the forms engine compiles each only once.

import { compileForm, validate, visibility } from '../forms/validate.js';
import { todayInChina } from './dom.js';
import { localReport, unreflected } from './report_view.js';
import { formKey } from './store.js';

const ANSWERED = new Set(['yes_no_na', 'select_one', 'select_multiple', 'text', 'integer', 'decimal', 'date', 'time',
  'photo', 'audio', 'signature', 'geopoint', 'result_code']);
const definitions = new Map();

async function definition(store, pin) {
  const key = formKey(pin.form, pin.version);
  if (!definitions.has(key)) {
    const row = await store.get('forms', key);
    if (row) definitions.set(key, row.definition);
  }
  return definitions.get(key) || null;
}

/** Item code → form definition (null while the device lacks that version). */
export async function formsOf(store, task) {
  const out = {};
  for (const item of task.items) {
    const pin = (task.forms || {})[item.code];
    out[item.code] = pin && pin.version ? await definition(store, pin) : null;
  }
  return out;
}

/** One task as the views need it: the task, its report with local changes, its forms, what waits. */
export async function taskBundle(store, uid) {
  const task = await store.get('tasks', uid);
  if (!task) return null;
  const [report, outbox, sent] = await Promise.all([store.get('reports', uid), store.all('outbox'), store.all('sent')]);
  const view = localReport(report, unreflected(outbox, sent, report && report.pulled_at), uid);
  const forms = await formsOf(store, task);
  const pendingMedia = await store.count('media', { index: 'task', value: uid });
  return { task, report: view, server: report || null, forms, pending: outbox.filter((m) => m.task === uid).length,
    mediaCount: pendingMedia };
}

const leaf = (path) => path.slice(path.lastIndexOf('.') + 1);

/** The answer at `name` or `rows[1].name`. */
export function valueAt(answers, path) {
  let target = answers;
  for (const step of path.split('.')) {
    if (target === null || typeof target !== 'object') return undefined;
    const open = step.indexOf('[');
    target = open < 0 ? target[step] : (target[step.slice(0, open)] || [])[Number(step.slice(open + 1, -1))];
  }
  return target;
}

/** [answered, total] over the shown questions of one item's form. */
export function itemProgress(definitionJson, answers, today = todayInChina()) {
  const form = compileForm(definitionJson);
  const shown = visibility(definitionJson, answers, { today });
  const wrong = new Set(validate(definitionJson, answers, { today }).map((e) => e.path));
  let total = 0;
  let done = 0;
  for (const [path, visible] of Object.entries(shown)) {
    const field = form.fields.get(leaf(path));
    if (!visible || !field || !ANSWERED.has(field.type)) continue;
    total += 1;
    const value = valueAt(answers, path);
    if (!wrong.has(path) && value !== undefined && value !== null && value !== '') done += 1;
  }
  return [done, total];
}

/** [answered, total] over all items of a bundle. */
export function taskProgress(bundle) {
  let done = 0;
  let total = 0;
  for (const [code, def] of Object.entries(bundle.forms)) {
    if (!def) continue;
    const [d, n] = itemProgress(def, bundle.report.answers[code] || {});
    done += d;
    total += n;
  }
  return [done, total];
}

/** Every item's validation errors (empty when the report may be submitted). */
export function reportErrors(bundle, today = todayInChina()) {
  const errors = [];
  for (const [code, def] of Object.entries(bundle.forms)) {
    if (!def) errors.push({ item: code, path: '', code: 'form_missing' });
    else for (const e of validate(def, bundle.report.answers[code] || {}, { today })) errors.push({ item: code, ...e });
  }
  return errors;
}

/** 'overdue' | 'today' | 'upcoming' | 'done' for a task (due dates are days in China). */
export function dueGroup(task, status, today = todayInChina()) {
  if (status === 'submitted' || status === 'approved') return 'done';
  if (status === 'in_progress' || status === 'returned') return task.due_on < today ? 'overdue' : 'today';
  if (task.due_on < today) return 'overdue';
  return task.due_on === today ? 'today' : 'upcoming';
}
