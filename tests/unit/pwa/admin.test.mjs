// The admin plan form's pure parts: ratios typed as percentages, the request body, where server errors go.

import assert from 'node:assert/strict';
import { test } from 'node:test';
import { codes, errorField, errorText, planBody, ratioValue } from '../../../pwa/js/views/admin_plan_form.js';

test('a percentage becomes the exact decimal the server reads; other text is sent as typed', () => {
  assert.equal(ratioValue('5%'), '0.05');
  assert.equal(ratioValue(' 60 % '), '0.6');
  assert.equal(ratioValue('12.5%'), '0.125');
  assert.equal(ratioValue('0.3%'), '0.003');
  assert.equal(ratioValue('100%'), '1');
  assert.equal(ratioValue('0%'), '0');
  assert.equal(ratioValue('20％'), '0.2');
  assert.equal(ratioValue('1/3'), '1/3');
  assert.equal(ratioValue('abc'), 'abc');
});

test('the body has only the quotas given, codes split, numbers as numbers', () => {
  const body = planBody({ year: '2026', title: ' 计划 ', items: ['3', '4'], starts_on: '2026-03-01', ends_on: '2026-12-31',
    directed: '1', kinds: ['enterprise'], scales: [], industries: 'F52，H62', regions: '', ratio_A: '2%', ratio_B: '',
    count_A: '', count_B: '7', method: 'onsite', joint_partners: [], frequency_cap: '2', team_size: '2',
    workload_cap: '30', experts_per_team: '0', department: '' });
  assert.deepEqual(body.ratios, { A: '0.02' });
  assert.deepEqual(body.counts, { B: 7 });
  assert.deepEqual(body.items, [3, 4]);
  assert.deepEqual(body.scope, { directed: true, kinds: ['enterprise'], scales: [], industries: ['F52', 'H62'], regions: [] });
  assert.equal(body.title, '计划');
  assert.equal(body.team_size, 2);
  assert.equal('department' in body, false);
  assert.deepEqual(codes('a, b、c\nd'), ['a', 'b', 'c', 'd']);
});

test('server errors name their field by `field` or by validation key or message', () => {
  assert.equal(errorField({ field: 'scope.kinds' }), 'scope.kinds');
  assert.equal(errorField({ key: 'year', message: 'Expected `int` >= 2000 - at `$.year`' }), 'year');
  assert.equal(errorField({ message: 'Expected `str` - at `$.scope.regions[0]`' }), 'scope.regions');
  assert.equal(errorText({ zh: '错', en: 'wrong', message: '错 / wrong' }), '错');
  assert.equal(errorText({ message: 'Expected `int`' }), 'Expected `int`');
});
