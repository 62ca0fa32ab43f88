// Bilingual messages of answer errors, word for word the same as forms/messages.py.

import { numberText } from './values.js';

const TEMPLATES = {
  required: ['“{zh}”为必填项', '“{en}” is required'],
  constraint: ['“{zh}”的取值不符合要求', '“{en}” does not satisfy its constraint'],
  type: ['“{zh}”的答案类型不正确', '“{en}” has an answer of the wrong type'],
  choice: ['“{zh}”的答案不在选项中', '“{en}” has an answer that is not one of its options'],
  range: ['“{zh}”须在{low}至{high}之间', '“{en}” must be between {low} and {high}'],
  too_few: ['“{zh}”至少需要{low}项', '“{en}” needs at least {low}'],
  too_many: ['“{zh}”最多{high}项', '“{en}” allows at most {high}'],
  result_code: ['“{zh}”含有结果代码表中没有的代码', '“{en}” holds a code that is not in the result-code table'],
  exclusive_code: ['“{zh}”：代码 1（未发现问题）不能与其他代码同时选择', '“{en}”: code 1 (no problem found) cannot be combined with other codes'],
  refusal_reason: ['“{zh}”：拒绝签字须写明理由', '“{en}”: a refusal to sign must state its reason'],
  unknown_field: ['表单中没有字段“{name}”', 'the form has no field “{name}”'],
  not_an_object: ['答案须为 JSON 对象', 'answers must be a JSON object'],
};

/** The field's label in Chinese and English, each falling back to the other, then to the name. */
export function labelTexts(field) {
  const label = field.spec.label || field.spec.title || {};
  return [label.zh || label.en || field.name, label.en || label.zh || field.name];
}

const limitText = (value) => (value === null || value === undefined ? '' : numberText(value));
const fill = (template, values) => template.replace(/\{(\w+)\}/g, (_, key) => values[key]);

/** [中文, English] for an answer error; a field's own constraint message wins for `constraint`. */
export function answerMessage(code, field = null, { low = null, high = null, name = '' } = {}) {
  if (code === 'constraint' && field && field.spec.constraint_message) {
    const custom = field.spec.constraint_message;
    return [custom.zh || custom.en, custom.en || custom.zh];
  }
  const [zh, en] = field ? labelTexts(field) : ['', ''];
  const values = { zh, en, low: limitText(low), high: limitText(high), name };
  if (code === 'range' && (low === null || low === undefined)) return [`“${zh}”不能大于${values.high}`, `“${en}” must be at most ${values.high}`];
  if (code === 'range' && (high === null || high === undefined)) return [`“${zh}”不能小于${values.low}`, `“${en}” must be at least ${values.low}`];
  const [zhTemplate, enTemplate] = TEMPLATES[code];
  return [fill(zhTemplate, values), fill(enTemplate, values)];
}
