// The JS-only parts: compiling definitions for the field app, dates without time zones, `today` handling.

import assert from 'node:assert/strict';
import { it } from 'node:test';
import { DefinitionError } from './errors.js';
import { Day, parseDate, toDate } from './values.js';
import { compileForm, validate } from './validate.js';

const form = (fields) => ({
  format: 'choucha-form/1', id: 't.js', version: 1, title: { zh: '测试' },
  sections: [{ name: 'main', title: { zh: '主' }, fields }],
});

it('compiles once per definition object', () => {
  const definition = form([{ name: 'a', type: 'text', label: { zh: '甲' } }]);
  assert.equal(compileForm(definition), compileForm(definition));
  assert.equal(compileForm(compileForm(definition)), compileForm(definition));
});

it('throws a DefinitionError with the JSON path for what evaluation cannot use', () => {
  const cases = [
    [[{ name: 'a', type: 'colour', label: { zh: '甲' } }], 'sections[0].fields[0].type', 'unknown_type'],
    [[{ name: 'a', type: 'text', label: { zh: '甲' }, relevant: 'b = 1' }], 'sections[0].fields[0]', 'unknown_reference'],
    [[{ name: 'a', type: 'text', label: { zh: '甲' }, relevant: '1 +' }], 'sections[0].fields[0].relevant', 'syntax'],
    [[{ name: 'a', type: 'select_one', choices: 'x', label: { zh: '甲' } }], 'sections[0].fields[0].choices', 'unknown_choice_list'],
  ];
  for (const [fields, path, code] of cases) {
    assert.throws(() => compileForm(form(fields)), (exc) => exc instanceof DefinitionError && exc.path === path && exc.code === code);
  }
});

it('reads dates as day counts, across the whole range, without time zones', () => {
  for (const text of ['0001-01-01', '1969-12-31', '1970-01-01', '2000-02-29', '2024-12-31', '9999-12-31']) {
    assert.equal(parseDate(text).iso(), text);
  }
  assert.equal(parseDate('1970-01-02').days, 1);
  assert.equal(parseDate('2100-02-29'), null);
  assert.equal(toDate(-719163), null);
  assert.ok(toDate(0) instanceof Day);
});

it('takes today as text or a Day, and refuses anything else', () => {
  const definition = form([{ name: 'd', type: 'date', label: { zh: '日' }, constraint: '. <= today()' }]);
  assert.deepEqual(validate(definition, { d: '2025-01-01' }, { today: parseDate('2025-01-01') }), []);
  assert.equal(validate(definition, { d: '2025-01-02' }, { today: '2025-01-01' })[0].code, 'constraint');
  assert.throws(() => validate(definition, {}, { today: new Date() }));
  assert.throws(() => validate(definition, {}, { today: '1 Jan 2025' }));
});
