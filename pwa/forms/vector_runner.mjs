// Runs the shared vectors (forms/vectors/*.json) through the JavaScript evaluator.
// Imported by vectors.test.mjs; run directly (`node pwa/forms/vector_runner.mjs`) it prints every case's
// full result as JSON, which tests/unit/forms/test_vectors.py compares with Python's, field for field.

import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { ExpressionError } from './errors.js';
import { parseExpression } from './expressions.js';
import { calculatedValues, findings, suggestedResultCodes, validate, visibility } from './validate.js';

export const VECTOR_DIR = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../forms/vectors');

/** Every vector file as [file name, parsed JSON], sorted by name. */
export function loadVectors(dir = VECTOR_DIR) {
  return fs.readdirSync(dir).filter((name) => name.endsWith('.json')).sort()
    .map((name) => [name, JSON.parse(fs.readFileSync(path.join(dir, name), 'utf8'))]);
}

/** The case's definition: its own or the file's, plus its `calculate` fields appended to the first section. */
export function buildDefinition(file, testCase) {
  const definition = structuredClone(testCase.definition || file.definition);
  for (const [name, calculation] of Object.entries(testCase.calculate || {})) {
    definition.sections[0].fields.push({ name, type: 'calculate', calculation });
  }
  return definition;
}

/** The full result of one case. */
export function runCase(file, testCase) {
  if ('expression' in testCase) {
    try {
      parseExpression(testCase.expression);
      return { error: null };
    } catch (exc) {
      if (!(exc instanceof ExpressionError)) throw exc;
      return { error: exc.code };
    }
  }
  const definition = buildDefinition(file, testCase);
  const options = { today: testCase.today ?? null };
  const { answers } = testCase;
  return {
    errors: validate(definition, answers, options),
    visible: visibility(definition, answers, options),
    values: calculatedValues(definition, answers, options),
    findings: findings(definition, answers, options),
    suggested_result_codes: suggestedResultCodes(definition, answers, options),
  };
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  const results = {};
  for (const [name, file] of loadVectors(process.argv[2] || VECTOR_DIR)) {
    results[name] = {};
    for (const testCase of file.cases) results[name][testCase.name] = runCase(file, testCase);
  }
  process.stdout.write(JSON.stringify(results));
}
