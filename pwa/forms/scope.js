// What expressions see while a form is checked (twin of forms/scope.py): visible, typed values, computed
// lazily and remembered; a hidden field reads as missing, so relevance chains cascade.

import { readAnswer } from './answers.js';
import { compileForm } from './definition.js';
import { Day, parseDate, truthy } from './values.js';

function readValue(scope, field) {
  scope.values.set(field.name, null); // a cycle (refused by the server) reads as missing, never loops
  let value = null;
  if (scope.visible(field.name)) {
    value = field.calculation ? field.calculation(scope, null) : readAnswer(field, scope.raw[field.name])[0];
  }
  scope.values.set(field.name, value);
  return value;
}

/** The form-level scope over an answers object, for one evaluation (`today` is passed in). */
export class FormScope {
  constructor(form, answers, today) {
    Object.assign(this, { form, raw: answers, today, top: this, values: new Map(), shown: new Map(), rows: new Map() });
  }

  visible(name) {
    let shown = this.shown.get(name);
    if (shown === undefined) {
      const field = this.form.fields.get(name);
      shown = (field.parent === null || this.visible(field.parent)) && (!field.relevant || truthy(field.relevant(this, null)));
      this.shown.set(name, shown);
    }
    return shown;
  }

  value(name) {
    return this.values.has(name) ? this.values.get(name) : readValue(this, this.form.fields.get(name));
  }

  rowScopes(repeat) {
    let scopes = this.rows.get(repeat);
    if (!scopes) {
      const rows = this.visible(repeat) && Array.isArray(this.raw[repeat]) ? this.raw[repeat] : [];
      scopes = [];
      rows.forEach((row, i) => {
        if (row !== null && typeof row === 'object' && !Array.isArray(row)) scopes.push(new RowScope(this, repeat, row, i));
      });
      this.rows.set(repeat, scopes);
    }
    return scopes;
  }

  rowCount(repeat) { return this.rowScopes(repeat).length; }

  column(repeat, name) { return this.rowScopes(repeat).map((row) => row.value(name)); }
}

/** One row of a repeat: siblings are read here, everything else in the form-level scope. */
export class RowScope {
  constructor(top, repeat, raw, index) {
    Object.assign(this, { top, repeat, raw, index, form: top.form, values: new Map(), shown: new Map() });
  }

  visible(name) {
    let shown = this.shown.get(name);
    if (shown === undefined) {
      const { relevant } = this.form.fields.get(name);
      shown = !relevant || truthy(relevant(this, null));
      this.shown.set(name, shown);
    }
    return shown;
  }

  value(name) {
    return this.values.has(name) ? this.values.get(name) : readValue(this, this.form.fields.get(name));
  }
}

/** [compiled form, fresh scope or null when the answers are not a JSON object]. */
export function start(definition, answers, today) {
  const form = compileForm(definition);
  let day = today ?? null;
  if (typeof day === 'string') {
    day = parseDate(day);
    if (!day) throw new Error(`today must be YYYY-MM-DD, not ${today}`);
  } else if (day !== null && !(day instanceof Day)) {
    throw new Error('today must be YYYY-MM-DD or a Day');
  }
  const isObject = answers !== null && typeof answers === 'object' && !Array.isArray(answers);
  return [form, isObject ? new FormScope(form, answers, day) : null];
}

/** Every node as [field, scope, answer path, shown], in form order; hidden subtrees only if `hidden`. */
export function* walk(scope, { hidden = false } = {}) {
  const stack = scope.form.sections.map((section) => [section, scope, section.name]).reverse();
  while (stack.length) {
    const [field, where, path] = stack.pop();
    const shown = where.visible(field.name);
    yield [field, where, path, shown];
    if (!shown && !hidden) continue;
    if (field.type === 'repeat') {
      const rows = where.rowScopes(field.name);
      for (const row of [...rows].reverse()) {
        for (const child of [...field.children].reverse()) stack.push([child, row, `${path}[${row.index}].${child.name}`]);
      }
    } else if (field.children.length) {
      for (const child of [...field.children].reverse()) stack.push([child, where, child.name]);
    }
  }
}
