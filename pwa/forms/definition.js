// Compile a form definition for the field app (twin of forms/definition.py + forms/references.py).
// The server refuses invalid definitions (every check, with JSON paths) before a phone downloads them;
// here only what evaluation needs is checked, and the first problem is thrown as a DefinitionError.

import { DefinitionError, ExpressionError } from './errors.js';
import { compileExpression, parseExpression, references } from './expressions.js';

const INPUT_TYPES = ['yes_no_na', 'select_one', 'select_multiple', 'text', 'integer', 'decimal', 'date', 'time',
  'photo', 'audio', 'signature', 'geopoint', 'result_code'];
const FIELD_TYPES = new Set([...INPUT_TYPES, 'note', 'calculate', 'group', 'repeat']);
const EXPRESSION_KEYS = ['relevant', 'constraint', 'calculation'];
const compiledForms = new WeakMap();

function collect(specs, path, parent, repeat, definition, out) {
  return specs.map((spec, i) => {
    const where = `${path}[${i}]`;
    const type = parent === null ? 'section' : spec.type;
    if (type !== 'section' && !FIELD_TYPES.has(type)) {
      throw new DefinitionError(`${where}.type`, 'unknown_type', `未知字段类型 ${type}`, `unknown field type ${JSON.stringify(type)}`);
    }
    const node = { name: spec.name, type, source: where, spec, parent, repeat, children: [], expressions: {}, choices: null,
      relevant: null, required: false, constraint: null, calculation: null, findings: [] };
    if (out.has(node.name)) throw new DefinitionError(`${where}.name`, 'duplicate_name', `名称 ${node.name} 重复`, `duplicate name ${node.name}`);
    out.set(node.name, node);
    node.expressions = parseAll(spec, where);
    if (type === 'select_one' || type === 'select_multiple') {
      const options = (definition.choices || {})[spec.choices];
      if (!Array.isArray(options)) throw new DefinitionError(`${where}.choices`, 'unknown_choice_list', `选项列表 ${spec.choices} 不存在`, `choice list ${spec.choices} does not exist`);
      node.choices = new Set(options.map((o) => o.value));
    }
    if (['section', 'group', 'repeat'].includes(type)) {
      node.children = collect(spec.fields || [], `${where}.fields`, node.name, type === 'repeat' ? node.name : repeat, definition, out);
    }
    return node;
  });
}

function parseAll(spec, where) {
  const texts = {};
  for (const key of EXPRESSION_KEYS) if (key in spec) texts[key] = spec[key];
  if (typeof spec.required === 'string') texts.required = spec.required;
  (spec.findings || []).forEach((finding, i) => { texts[`findings[${i}].when`] = finding.when; });
  const parsed = {};
  for (const [key, text] of Object.entries(texts)) {
    try {
      parsed[key] = parseExpression(text);
    } catch (exc) {
      if (!(exc instanceof ExpressionError)) throw exc;
      throw new DefinitionError(`${where}.${key}`, exc.code, exc.zh, exc.en);
    }
  }
  return parsed;
}

/** Where `name` is read from an expression of `owner`: ['row'|'top'|'column'|'rows', repeat]. */
export function resolve(owner, name, inAggregate, fields) {
  const target = fields.get(name);
  const refuse = (code, en) => new DefinitionError(owner.source, code, en, en);
  if (!target) throw refuse('unknown_reference', `${owner.name} refers to ${name}, which does not exist`);
  if (['section', 'group', 'note'].includes(target.type)) throw refuse('not_a_value', `${owner.name} refers to ${name}, which holds no value`);
  if (target.type === 'repeat') {
    if (!inAggregate) throw refuse('repeat_reference', `${owner.name} may refer to the repeat ${name} only inside count/sum/min/max`);
    return ['rows', name];
  }
  if (target.repeat === null) return ['top', null];
  if (target.repeat === owner.repeat) return ['row', null];
  if (inAggregate) return ['column', target.repeat];
  throw refuse('repeat_reference', `${owner.name} may read ${name} only inside count/sum/min/max`);
}

function compileFields(fields) {
  for (const owner of fields.values()) {
    const place = (name, inAggregate) => resolve(owner, name, inAggregate, fields);
    const compiled = {};
    for (const [key, node] of Object.entries(owner.expressions)) {
      for (const [name, inAggregate] of references(node)) place(name, inAggregate);
      compiled[key] = compileExpression(node, place);
    }
    owner.relevant = compiled.relevant || null;
    owner.constraint = compiled.constraint || null;
    owner.calculation = compiled.calculation || null;
    const required = owner.spec.required ?? false;
    owner.required = typeof required === 'string' ? compiled.required : required;
    owner.findings = (owner.spec.findings || []).map((finding, i) => [compiled[`findings[${i}].when`], finding]);
  }
}

/** The compiled form of a definition (cached per definition object): sections, fields by name, answer names. */
export function compileForm(definition) {
  if (definition && definition.compiled === true) return definition;
  let form = compiledForms.get(definition);
  if (form) return form;
  const fields = new Map();
  const sections = collect(definition.sections, 'sections', null, null, definition, fields);
  compileFields(fields);
  const answerNames = new Set([...fields.values()]
    .filter((f) => f.repeat === null && f.type !== 'section' && f.type !== 'group').map((f) => f.name));
  form = { compiled: true, id: definition.id, version: definition.version, definition, sections, fields, answerNames };
  compiledForms.set(definition, form);
  return form;
}
