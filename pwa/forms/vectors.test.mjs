// Every shared vector (forms/vectors/*.json) through the JavaScript evaluator: `node --test pwa/forms/`.

import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { loadVectors, runCase } from './vector_runner.mjs';

function checkExpectations(result, expect) {
  if ('error' in expect) assert.equal(result.error, expect.error);
  if ('valid' in expect) assert.equal(result.errors.length === 0, expect.valid, JSON.stringify(result.errors));
  if ('errors' in expect) assert.deepEqual(result.errors.map(({ path, code }) => ({ path, code })), expect.errors);
  for (const [path, shown] of Object.entries(expect.visible || {})) assert.equal(result.visible[path], shown, path);
  for (const [path, value] of Object.entries(expect.values || {})) assert.deepEqual(result.values[path], value, path);
  if ('findings' in expect) {
    assert.deepEqual(result.findings.map(({ path, result_codes }) => ({ path, result_codes })), expect.findings);
  }
  if ('suggested_result_codes' in expect) assert.deepEqual(result.suggested_result_codes, expect.suggested_result_codes);
}

for (const [name, file] of loadVectors()) {
  describe(name, () => {
    for (const testCase of file.cases) {
      it(testCase.name, () => checkExpectations(runCase(file, testCase), testCase.expect));
    }
  });
}

it('every message is bilingual', () => {
  for (const [, file] of loadVectors()) {
    for (const testCase of file.cases.filter((c) => !('expression' in c))) {
      for (const error of runCase(file, testCase).errors) assert.ok(error.message.zh && error.message.en, error.path);
    }
  }
});
