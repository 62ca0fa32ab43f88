// Administrators: plans (draft through admin_plan_form.js, publish), draws (announce, execute with the public sources, and the verification
// record checked in the browser against its published SHA-256), and the tasks a draw made.

import { h, show, uid } from '../dom.js';
import { t } from '../i18n.js';
import { failure, table } from './admin.js';
import { planForm } from './admin_plan_form.js';

/** JSON as backend/audit/chain.py's canonical_json writes it: sorted keys, no spaces, UTF-8 kept. */
export function canonicalJson(value) {
  if (value === null || typeof value !== 'object') return JSON.stringify(value);
  if (Array.isArray(value)) return `[${value.map(canonicalJson).join(',')}]`;
  const keys = Object.keys(value).sort();
  return `{${keys.map((k) => `${canonicalJson(k)}:${canonicalJson(value[k])}`).join(',')}}`;
}

async function sha256Text(text) {
  const digest = await crypto.subtle.digest('SHA-256', new TextEncoder().encode(text));
  return [...new Uint8Array(digest)].map((b) => b.toString(16).padStart(2, '0')).join('');
}

const act = (app, path, body) => async () => {
  try { await app.api.post(path, body); app.render(); } catch (error) { app.toast(failure(error)); }
};

/** Plans with their status; drafts can be published; a form drafts a new one. */
export async function plansSection(app, box) {
  const [plans, items, departments] = await Promise.all([app.api.get('/api/v1/plans'),
    app.api.get('/api/v1/items?published=true'), app.api.get('/api/v1/departments').catch(() => [])]);
  const action = (p) => (p.status === 'draft' ? h('button', { type: 'button', onclick: act(app, `/api/v1/plans/${p.id}/publish`) }, t('admin.publish')) : t(`admin.plan_${p.status}`));
  show(box, table(plans, [['id', '#'], ['year', t('admin.year')], ['title', t('admin.title')], ['department', t('admin.department')],
    ['starts_on', t('admin.starts')], ['ends_on', t('admin.ends')], [action, t('task.status')]], t('admin.plans')),
  planForm(app, items, departments));
}

function announceForm(app, plans) {
  const descId = uid('desc');
  const published = plans.filter((p) => p.status === 'published');
  const form = h('form', { class: 'card', onsubmit: async (event) => {
    event.preventDefault();
    const chosen = [...form.querySelectorAll('input[name=plan]:checked')].map((i) => Number(i.value));
    await act(app, '/api/v1/draws', { plans: chosen, sources_description: document.getElementById(descId).value.trim() })();
  } }, h('h3', {}, t('admin.announce')),
  h('fieldset', {}, h('legend', {}, t('admin.plans')), published.length ? published.map((p) => h('label', { class: 'choice' },
    h('input', { type: 'checkbox', name: 'plan', value: p.id }), `${p.id} ${p.title}`)) : h('p', {}, t('admin.no_published'))),
  h('label', { for: descId }, t('admin.sources_description')), h('textarea', { id: descId, rows: 2, required: true, minlength: 4 }),
  h('button', { type: 'submit', class: 'primary' }, t('admin.announce')));
  return form;
}

function executeForm(app, draw) {
  const sourcesId = uid('src');
  const observersId = uid('obs');
  const lines = (id) => document.getElementById(id).value.split('\n').map((s) => s.trim()).filter(Boolean);
  return h('form', { class: 'card', onsubmit: (event) => {
    event.preventDefault();
    act(app, `/api/v1/draws/${draw.id}/execute`, { sources: lines(sourcesId), observers: lines(observersId) })();
  } }, h('h4', {}, t('admin.execute'), ` #${draw.id}`), h('p', { class: 'muted' }, draw.sources_description || ''),
  h('label', { for: sourcesId }, t('admin.sources')), h('textarea', { id: sourcesId, rows: 2, required: true }),
  h('label', { for: observersId }, t('admin.observers')), h('textarea', { id: observersId, rows: 2 }),
  h('button', { type: 'submit', class: 'primary' }, t('admin.execute')));
}

async function recordCard(app, draw) {
  const status = h('p', { role: 'status' }, t('admin.verifying'));
  const card = h('section', { class: 'card' }, h('h4', {}, t('admin.record'), ` #${draw.id}`),
    h('p', { class: 'mono' }, 'SHA-256 ', draw.record_sha256), status);
  app.api.get(`/api/v1/draws/${draw.id}/record`).then(async (record) => {
    const digest = await sha256Text(canonicalJson(record));
    show(status, digest === draw.record_sha256 ? h('span', { class: 'ok' }, t('admin.record_ok'))
      : h('span', { class: 'warn' }, t('admin.record_cli')));
    const strata = (record.strata || []).map((s) => `${s.label}: ${(s.selected || []).length}/${s.pool_size ?? '?'}`);
    card.append(h('ul', {}, strata.map((s) => h('li', {}, s))),
      h('a', { href: URL.createObjectURL(new Blob([JSON.stringify(record, null, 1)], { type: 'application/json' })),
        download: `draw-${draw.id}-record.json` }, t('admin.download_record')));
  }).catch((error) => show(status, failure(error)));
  return card;
}

/** Draws: announce, execute, and their verification records. */
export async function drawsSection(app, box) {
  const [plans, draws] = await Promise.all([app.api.get('/api/v1/plans'), app.api.get('/api/v1/draws')]);
  const details = await Promise.all(draws.slice(0, 10).map((d) => app.api.get(`/api/v1/draws/${d.id}`)));
  show(box, announceForm(app, plans),
    table(draws, [['id', '#'], [(d) => d.plans.join(', '), t('admin.plans')], ['status', t('task.status')],
      ['announced_at', t('admin.announced')], ['executed_at', t('admin.executed')]], t('admin.draws')),
    details.filter((d) => d.status === 'announced').map((d) => executeForm(app, d)),
    await Promise.all(details.filter((d) => d.status === 'executed').slice(0, 3).map((d) => recordCard(app, d))));
}

/** Tasks made by draws (newest due first), with their status and team size. */
export async function tasksSection(app, box) {
  const page = await app.api.get('/api/v1/tasks?page_size=100');
  show(box, h('p', {}, t('admin.found', { n: page.total })), table(page.items, [['uid', 'UID'], ['entity', t('task.entity')],
    ['due_on', t('task.deadline')], ['status', t('task.status')], [(r) => (r.team || []).length, t('task.team')]], t('admin.tasks')));
}
