// The hash routes of the app and the view each one renders.

import { adminView } from './views/admin.js';
import { conflictsView } from './views/conflicts.js';
import { formView } from './views/form.js';
import { previewView } from './views/preview.js';
import { reviewListView, reviewView } from './views/review.js';
import { settingsView } from './views/settings.js';
import { startView } from './views/start.js';
import { taskView } from './views/task.js';
import { tasksView } from './views/tasks.js';

/** [pattern, view]; `:name` captures one path segment. */
export const ROUTES = [
  ['#/tasks', tasksView],
  ['#/task/:uid', taskView],
  ['#/start/:uid', startView],
  ['#/form/:uid/:item', formView],
  ['#/preview/:uid', previewView],
  ['#/conflicts/:uid', conflictsView],
  ['#/review', reviewListView],
  ['#/review/:uid', reviewView],
  ['#/admin', adminView],
  ['#/admin/:section', adminView],
  ['#/settings', settingsView],
];

/** The view and parameters of a hash; unknown hashes show the task list. */
export function findRoute(routes, hash) {
  const parts = hash.split('/');
  for (const [pattern, view] of routes) {
    const want = pattern.split('/');
    if (want.length !== parts.length) continue;
    const params = {};
    if (want.every((w, i) => (w.startsWith(':') ? (params[w.slice(1)] = decodeURIComponent(parts[i])) : w === parts[i]))) {
      return { view, params };
    }
  }
  return { view: routes[0][1], params: {} };
}
