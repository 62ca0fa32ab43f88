// Administrators (online): browse and import the registers, the inspection items; plans, draws and tasks
// are in admin_draws.js. These screens read the API directly: they are office work, not field work.

import { h, show, uid } from '../dom.js';
import { t, tl } from '../i18n.js';
import { drawsSection, plansSection, tasksSection } from './admin_draws.js';

const SECTIONS = [['registers', registersSection], ['items', itemsSection], ['plans', plansSection],
  ['draws', drawsSection], ['tasks', tasksSection]];

/** A table of rows by columns [[key, header], …]. */
export function table(rows, columns, caption) {
  return h('div', { class: 'scroll', tabindex: 0, role: 'region', 'aria-label': caption }, h('table', {}, h('caption', {}, caption),
    h('thead', {}, h('tr', {}, columns.map(([, head]) => h('th', { scope: 'col' }, head)))),
    h('tbody', {}, rows.map((row) => h('tr', {}, columns.map(([key]) => h('td', {},
      typeof key === 'function' ? key(row) : row[key] === null || row[key] === undefined ? '—' : String(row[key]))))))));
}

/** The message of a failed API call, in the current language. */
export const failure = (error) => tl(error.body && error.body.message) || (error.body && (error.body.detail || error.body.title)) || error.code;

async function registersSection(app, box) {
  const q = h('input', { id: 'reg-q', type: 'search', name: 'q' });
  const results = h('div', {});
  const search = async (event) => {
    if (event) event.preventDefault();
    try {
      const page = await app.api.get(`/api/v1/entities?page_size=50&q=${encodeURIComponent(q.value.trim())}`);
      show(results, h('p', {}, t('admin.found', { n: page.total_exact ? page.total : `${page.total - 1}+` })),
        table(page.items, [['uscc', t('task.uscc')], ['name', t('admin.name')], ['address', t('task.address')],
          ['risk_class', t('admin.risk')], ['status', t('task.status')]], t('admin.registers')));
    } catch (error) { show(results, h('p', { class: 'error', role: 'alert' }, failure(error))); }
  };
  show(box, h('form', { class: 'row', onsubmit: search }, h('label', { for: 'reg-q' }, t('admin.search')), q,
    h('button', { type: 'submit', class: 'primary' }, t('admin.search'))), results, importForm(app));
  await search();
}

function importForm(app) {
  const fileId = uid('file');
  const kindId = uid('kind');
  const report = h('div', { role: 'status' });
  const send = async (dryRun) => {
    const file = document.getElementById(fileId).files[0];
    if (!file) return show(report, t('admin.choose_file'));
    const kind = document.getElementById(kindId).value;
    try {
      const answer = await app.api.request('POST', `/api/v1/registers/${kind}/import?dry_run=${dryRun}&filename=${encodeURIComponent(file.name)}`,
        { raw: file, headers: { 'Content-Type': file.type || 'text/csv' }, timeout: 10 * 60_000 });
      return show(report, h('p', { class: 'ok' }, t(dryRun ? 'admin.checked' : 'admin.imported',
        { n: answer.rows ?? 0, created: answer.created ?? 0, updated: answer.updated ?? 0 })),
        h('pre', { class: 'mono' }, JSON.stringify(answer, null, 1).slice(0, 2000)));
    } catch (error) {
      const errors = (error.body && error.body.report && error.body.report.errors) || [];
      return show(report, h('p', { class: 'error', role: 'alert' }, failure(error)),
        h('ul', {}, errors.slice(0, 20).map((e) => h('li', {}, `${e.row ?? ''} ${e.column ?? ''} ${tl(e.message) || e.message || e.code}`))));
    }
  };
  return h('section', { class: 'card', 'aria-labelledby': 'import-h' }, h('h3', { id: 'import-h' }, t('admin.import')),
    h('label', { for: kindId }, t('admin.kind')), h('select', { id: kindId },
      h('option', { value: 'entities' }, t('admin.entities')), h('option', { value: 'inspectors' }, t('admin.inspectors'))),
    h('label', { for: fileId }, t('admin.file')), h('input', { id: fileId, type: 'file', accept: '.csv,.xlsx' }),
    h('div', { class: 'row' }, h('button', { type: 'button', onclick: () => send(true) }, t('admin.dry_run')),
      h('button', { type: 'button', class: 'primary', onclick: () => send(false) }, t('admin.import_now'))),
    h('p', {}, h('a', { href: '/api/v1/registers/entities/template?format=xlsx' }, t('admin.template'))), report);
}

async function itemsSection(app, box) {
  const items = await app.api.get('/api/v1/items');
  const publish = (row) => (row.published ? t('admin.published') : h('button', { type: 'button', onclick: async () => {
    try { await app.api.post(`/api/v1/items/${row.id}/publish`); app.render(); } catch (e) { app.toast(failure(e)); }
  } }, t('admin.publish')));
  show(box, table(items, [['code', t('admin.code')], ['name', t('admin.name')], ['version', t('admin.version')],
    ['legal_basis', t('task.basis')], ['form_ref', t('admin.form')], [publish, t('task.status')]], t('admin.items')));
}

/** The admin page: a tab per section. */
export async function adminView(app, main, { section = 'registers' } = {}) {
  const box = h('div', { id: 'admin-body' });
  show(main, h('h2', {}, t('nav.admin')),
    h('nav', { class: 'tabs', 'aria-label': t('nav.admin') }, SECTIONS.map(([name]) => h('a', {
      href: `#/admin/${name}`, class: name === section ? 'button primary' : 'button', 'aria-current': name === section ? 'page' : null,
    }, t(`admin.${name}`)))), box);
  if (!navigator.onLine) return show(box, h('p', { class: 'warn' }, t('admin.offline')));
  const [, render] = SECTIONS.find(([name]) => name === section) || SECTIONS[0];
  try {
    await render(app, box);
  } catch (error) {
    show(box, h('p', { class: 'error', role: 'alert' }, failure(error)));
  }
  return null;
}
