// My tasks: today, overdue, upcoming and finished, each with its progress and what waits to sync.

import { h, show } from '../dom.js';
import { t } from '../i18n.js';
import { dueGroup, taskBundle, taskProgress } from '../model.js';

const GROUPS = ['today', 'overdue', 'upcoming', 'done'];

function taskCard(bundle) {
  const { task, report } = bundle;
  const [done, total] = taskProgress(bundle);
  const waiting = bundle.pending + bundle.mediaWaiting;
  return h('li', { class: 'task-card' },
    h('a', { href: `#/task/${task.uid}`, class: 'task-link', 'data-task': task.uid },
      h('strong', {}, task.entity.name || task.entity.uscc),
      h('span', { class: 'muted' }, task.entity.address || ''),
      h('span', { class: 'meta' }, t(`status.${report.status}`), ' · ', t('task.due', { date: task.due_on })),
      h('progress', { max: total || 1, value: done, 'aria-label': t('task.progress', { done, total }) }),
      h('span', { class: 'meta' }, t('task.progress', { done, total }),
        waiting ? h('span', { class: 'badge' }, t('task.unsynced', { n: waiting })) : null)));
}

/** The task list, grouped; overall progress on top. */
export async function tasksView(app, main) {
  const tasks = await app.store.all('tasks');
  const pendingMedia = (await app.uploads.backlog()).byTask;
  const bundles = [];
  for (const task of tasks) {
    const bundle = await taskBundle(app.store, task.uid);
    bundle.mediaWaiting = pendingMedia[task.uid] || 0;
    bundles.push(bundle);
  }
  bundles.sort((a, b) => a.task.due_on.localeCompare(b.task.due_on) || a.task.uid.localeCompare(b.task.uid));
  let done = 0;
  let total = 0;
  for (const b of bundles) {
    const [d, n] = taskProgress(b);
    done += d;
    total += n;
  }
  const groups = GROUPS.map((group) => {
    const members = bundles.filter((b) => dueGroup(b.task, b.report.status) === group);
    return members.length ? h('section', { class: 'group', 'aria-labelledby': `g-${group}` },
      h('h3', { id: `g-${group}` }, t(`tasks.${group}`), ` (${members.length})`),
      h('ul', { class: 'tasks' }, members.map(taskCard))) : null;
  });
  show(main,
    h('h2', {}, t('tasks.title')),
    h('div', { class: 'overall' }, h('span', {}, t('tasks.overall', { done, total, n: bundles.length })),
      h('progress', { max: total || 1, value: done, 'aria-label': t('tasks.overall', { done, total, n: bundles.length }) })),
    bundles.length ? groups : h('p', { class: 'empty' }, navigator.onLine ? t('tasks.none') : t('tasks.none_offline')));
}
