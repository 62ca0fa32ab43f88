// Team leads: reports awaiting approval (pulled to this device like any task of their departments), each
// with its answers beside their media, its conflicts, and approve or return with reasons (online).

import { visibility } from '../../forms/validate.js';
import { h, show, todayInChina, uid as newId } from '../dom.js';
import { t, tl } from '../i18n.js';
import { taskBundle } from '../model.js';
import { conflictList } from './conflicts.js';
import { recordList } from './preview.js';

/** Reports awaiting approval, from the store. */
export async function reviewListView(app, main) {
  const reports = (await app.store.all('reports')).filter((r) => r.status === 'submitted');
  const tasks = new Map((await app.store.all('tasks')).map((task) => [task.uid, task]));
  show(main, h('h2', {}, t('review.title')),
    reports.length ? h('ul', { class: 'tasks' }, reports.map((r) => {
      const task = tasks.get(r.task);
      return h('li', { class: 'task-card' }, h('a', { href: `#/review/${r.task}`, class: 'task-link', 'data-task': r.task },
        h('strong', {}, task ? task.entity.name : r.task), h('span', { class: 'meta' },
          t('review.conflicts', { n: r.conflicts.length }), ' · ', t('review.media', { n: r.media.length }))));
    })) : h('p', { class: 'empty' }, t('review.none')));
}

function mediaItem(app, e, kind, variant = 'original') {
  const holder = kind === 'photo'
    ? h('img', { class: 'thumb', alt: t('media.photo_alt', { n: e.sha256.slice(0, 8) }), 'data-sha256': e.sha256 })
    : h('audio', { controls: true, 'aria-label': t('media.audio_alt', { n: e.sha256.slice(0, 8) }), 'data-sha256': e.sha256 });
  app.uploads.objectUrl(e.sha256).then(async (local) => {
    holder.src = local || URL.createObjectURL(await app.api.mediaBlob(e.sha256, variant));
  }).catch(() => holder.replaceWith(h('span', { class: 'thumb placeholder' }, t('media.missing'))));
  return h('li', {}, holder, h('span', { class: 'muted' }, e.field));
}

function mediaOf(app, report, item) {
  return [...report.photos.filter((e) => e.item === item).map((e) => mediaItem(app, e, 'photo', 'display')),
    ...report.audio.filter((e) => e.item === item).map((e) => mediaItem(app, e, 'audio')), ...signaturesOf(app, report, item)];
}

function answersTable(bundle, item) {
  const answers = bundle.report.answers[item] || {};
  const def = bundle.forms[item];
  if (def) return recordList(def, answers, visibility(def, answers, { today: todayInChina() }));
  return h('dl', { class: 'record' }, Object.entries(answers).map(([name, value]) => h('div', { class: 'kv' },
    h('dt', {}, name), h('dd', {}, typeof value === 'string' ? value : JSON.stringify(value)))));
}

function signaturesOf(app, report, item) {
  return Object.entries(report.signatures || {}).filter(([slot, v]) => slot.startsWith(`${item}/`) && v.attachment)
    .map(([slot, v]) => mediaItem(app, { sha256: v.attachment, field: slot.slice(item.length + 1) }, 'photo'));
}

async function decide(app, uid, act, reasons, message) {
  try {
    await app.api.post(`/api/v1/reports/${uid}/${act}`, act === 'return' ? { reasons } : {});
    app.toast(act === 'approve' ? t('review.approved') : t('review.returned'));
    await app.sync.run();
    app.go('#/review');
  } catch (error) {
    show(message, tl(error.body && error.body.message) || error.body.detail || error.code);
  }
}

/** One report under review. */
export async function reviewView(app, main, { uid }) {
  const bundle = await taskBundle(app.store, uid);
  if (!bundle) return show(main, h('p', {}, t('task.unknown')));
  const message = h('p', { class: 'error', role: 'alert' });
  const reasonsId = newId('reasons');
  const reasons = h('textarea', { id: reasonsId, rows: 3 });
  const online = navigator.onLine;
  show(main, h('p', {}, h('a', { href: '#/review' }, '← ', t('review.title'))),
    h('h2', {}, bundle.task.entity.name), h('p', {}, t(`status.${bundle.report.status}`)),
    bundle.task.items.map((item) => h('section', { class: 'card review-item' }, h('h3', {}, `${item.code} ${item.name}`),
      h('div', { class: 'beside' }, answersTable(bundle, item.code),
        h('ul', { class: 'media-list' }, mediaOf(app, bundle.report, item.code))))),
    h('h3', {}, t('conflict.title')), conflictList(app, bundle),
    online ? null : h('p', { class: 'warn' }, t('review.offline')),
    h('div', { class: 'row' }, h('button', { class: 'primary', type: 'button', id: 'approve', disabled: !online,
      onclick: () => decide(app, uid, 'approve', [], message) }, t('review.approve'))),
    h('label', { for: reasonsId }, t('review.reasons')), reasons,
    h('button', { type: 'button', class: 'danger', disabled: !online, onclick: () => {
      const list = reasons.value.split('\n').map((s) => s.trim()).filter((s) => s.length >= 2);
      if (!list.length) return show(message, t('review.reasons_needed'));
      return decide(app, uid, 'return', list, message);
    } }, t('review.return')), message);
}
