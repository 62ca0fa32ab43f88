// What the device shows of a report (pure): the server's merged view, with this device's own mutations
// that the server has not reflected yet laid over it, so an answer appears the moment it is made.

const TRANSITIONS = {
  start: { assigned: 'in_progress', returned: 'in_progress' },
  submit: { assigned: 'submitted', in_progress: 'submitted', returned: 'submitted' },
  withdraw: { submitted: 'in_progress' },
};
const MEDIA_SETS = new Set(['photos', 'audio']);
const SETS = ['photos', 'audio', 'findings', 'notes'];

const copy = (value) => (value === undefined ? undefined : JSON.parse(JSON.stringify(value)));

/** An empty report of a task nobody touched yet. */
export function emptyReport(task) {
  return { task, version: 0, status: 'assigned', answers: {}, heads: {}, conflicts: [], signatures: {},
    photos: [], audio: [], findings: [], notes: [], media: [], return_reasons: [] };
}

/** Put `value` at `field` or `rows[2].field` of an item's answers; a missing row leaves it out. */
export function place(answers, path, value, { append }) {
  const steps = path.split('.');
  const last = steps.pop();
  let target = answers;
  for (const step of steps) {
    const [name, index] = [step.slice(0, step.indexOf('[')), Number(step.slice(step.indexOf('[') + 1, -1))];
    const rows = target[name];
    if (!Array.isArray(rows) || index >= rows.length || typeof rows[index] !== 'object' || rows[index] === null) return;
    target = rows[index];
  }
  if (!append) target[last] = value;
  else if (!Array.isArray(target[last])) target[last] = [value];
  else if (!target[last].includes(value)) target[last].push(value);
}

function unplace(answers, path, value) {
  const steps = path.split('.');
  const last = steps.pop();
  let target = answers;
  for (const step of steps) {
    const rows = target[step.slice(0, step.indexOf('['))];
    target = Array.isArray(rows) ? rows[Number(step.slice(step.indexOf('[') + 1, -1))] : null;
    if (!target) return;
  }
  if (Array.isArray(target[last])) target[last] = target[last].filter((v) => v !== value);
}

function applyOne(view, m) {
  const answersOf = (item) => (view.answers[item] = view.answers[item] || {});
  if (m.op === 'answers') {
    // a repeat's rows are written whole: keep signatures already placed in them (they come by `sign`)
    for (const [name, value] of Object.entries(m.values)) answersOf(m.item)[name] = copy(value);
    for (const [slot, v] of Object.entries(view.signatures)) {
      if (slot.startsWith(`${m.item}/`) && slot.includes('[')) place(answersOf(m.item), slot.slice(m.item.length + 1), v, { append: false });
    }
  } else if (m.op === 'add') {
    if (view[m.set].some((e) => e.id === m.id)) return;
    view[m.set].push({ id: m.id, ...copy(m.value), pending: true });
    if (MEDIA_SETS.has(m.set) && m.value.field) place(answersOf(m.value.item), m.value.field, m.value.sha256, { append: true });
  } else if (m.op === 'remove') {
    const gone = view[m.set].find((e) => e.id === m.id);
    view[m.set] = view[m.set].filter((e) => e.id !== m.id);
    if (gone && MEDIA_SETS.has(m.set) && gone.field) unplace(answersOf(gone.item), gone.field, gone.sha256);
  } else if (m.op === 'sign') {
    const slot = `${m.item}/${m.field}`;
    if (view.signatures[slot]) return; // written once: the server keeps a second one as an attempt
    view.signatures[slot] = copy(m.value);
    place(answersOf(m.item), m.field, copy(m.value), { append: false });
  } else if (m.op === 'intent') {
    view.status = (TRANSITIONS[m.act] || {})[view.status] || view.status;
  }
}

/** The report as this device sees it: `report` (or empty) plus `mutations` of its task not yet reflected. */
export function localReport(report, mutations, task) {
  const view = copy(report || emptyReport(task));
  for (const name of SETS) view[name] = view[name] || [];
  view.signatures = view.signatures || {};
  view.answers = view.answers || {};
  const mine = mutations.filter((m) => m.task === task).sort((a, b) => a.seq - b.seq);
  for (const m of mine) applyOne(view, m);
  view.pending = mine.filter((m) => !m.acked_at).length;
  return view;
}

/** Mutations a report pulled at `pulledAt` may not reflect yet: the whole outbox, and the acknowledged ones
 * acknowledged after that pull. */
export function unreflected(outbox, sent, pulledAt) {
  return [...outbox, ...sent.filter((m) => m.acked_at > (pulledAt || 0) && m.outcome && m.outcome.status === 'applied')];
}
