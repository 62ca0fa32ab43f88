// The functions of the expression language (twin of forms/functions.py): argument counts and meanings.
// `if`, `today`, `regex` and the aggregates need the evaluator's context and live in expressions.js.

import { toDate, toNumber, toText, truthy } from './values.js';

/** Name → [fewest, most arguments]; null means any number. */
export const FUNCTIONS = {
  not: [1, 1], true: [0, 0], false: [0, 0], if: [3, 3], coalesce: [2, null],
  selected: [2, 2], 'count-selected': [1, 1], 'string-length': [1, 1], regex: [2, 2],
  concat: [1, null], contains: [2, 2], 'starts-with': [2, 2], substr: [2, 3],
  number: [1, 1], int: [1, 1], round: [1, 2], string: [1, 1], date: [1, 1], today: [0, 0],
  count: [1, 1], sum: [1, 1], min: [1, null], max: [1, null],
};
export const AGGREGATES = new Set(['count', 'sum', 'min', 'max']);
const POWERS = [1, 1e1, 1e2, 1e3, 1e4, 1e5, 1e6, 1e7, 1e8, 1e9, 1e10, 1e11, 1e12, 1e13, 1e14, 1e15];

/** The chosen values of a multiple choice (a list, or space-separated text). */
export function choicesOf(value) {
  if (value === null) return [];
  if (Array.isArray(value)) return value;
  return toText(value).split(' ').filter((part) => part !== '');
}

function substr(value, start, end) {
  const points = Array.from(toText(value));
  let first = toNumber(start);
  let last = end === undefined ? points.length : toNumber(end);
  if (first === null || last === null) return '';
  first = Math.max(0, Math.min(points.length, Math.trunc(first)));
  last = Math.max(0, Math.min(points.length, Math.trunc(last)));
  return last > first ? points.slice(first, last).join('') : '';
}

function roundHalfAway(value, digits = 0) {
  const number = toNumber(value);
  let places = toNumber(digits);
  if (number === null || places === null || Math.abs(Math.trunc(places)) > 15) return null;
  places = Math.trunc(places);
  const scale = POWERS[Math.abs(places)];
  const size = Math.abs(number);
  const rounded = places >= 0 ? Math.floor(size * scale + 0.5) / scale : Math.floor(size / scale + 0.5) * scale;
  const result = number >= 0 ? rounded : -rounded;
  return Number.isFinite(result) ? result : null;
}

function truncate(value) {
  const number = toNumber(value);
  return number === null ? null : Math.trunc(number);
}

function coalesce(...values) {
  const found = values.find((v) => v !== null && v !== '');
  return found === undefined ? null : found;
}

/** The functions that only need their evaluated arguments. */
export const SCALAR = {
  not: (value) => !truthy(value),
  true: () => true,
  false: () => false,
  coalesce,
  selected: (value, choice) => choicesOf(value).includes(toText(choice)),
  'count-selected': (value) => choicesOf(value).length,
  'string-length': (value) => Array.from(toText(value)).length,
  concat: (...values) => values.map(toText).join(''),
  contains: (text, part) => toText(text).includes(toText(part)),
  'starts-with': (text, part) => toText(text).startsWith(toText(part)),
  substr,
  number: toNumber,
  int: truncate,
  round: roundHalfAway,
  string: toText,
  date: toDate,
};

function numbersOf(values) {
  const numbers = [];
  for (const value of values) {
    if (value === null || value === '') continue;
    const number = toNumber(value);
    if (number === null) return null;
    numbers.push(number);
  }
  return numbers;
}

/** count / sum / min / max over a column's values (or scalar arguments). */
export function aggregate(name, values, rows = null) {
  if (name === 'count') return rows !== null ? rows : values.filter((v) => v !== null && v !== '').length;
  const numbers = numbersOf(values);
  if (numbers === null) return null;
  if (name === 'sum') {
    let total = 0;
    for (const number of numbers) total += number;
    return Number.isFinite(total) ? total : null;
  }
  if (numbers.length === 0) return null;
  return name === 'min' ? Math.min(...numbers) : Math.max(...numbers);
}
