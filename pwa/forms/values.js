// The value model of expressions (twin of forms/values.py): missing (null), number, text, boolean, Day, list.
// Every rule matches the Python one; the shared vectors in forms/vectors/ hold the two together.

const NUMERIC_TEXT = /^[ \t\n\r]*[+-]?(?:[0-9]+(?:\.[0-9]*)?|\.[0-9]+)[ \t\n\r]*$/;
const DATE_TEXT = /^([0-9]{4})-([0-9]{2})-([0-9]{2})$/;
export const FIRST_DAY = -719162; // 0001-01-01
export const LAST_DAY = 2932896; // 9999-12-31

/** A calendar date as a day count since 1970-01-01 (proleptic Gregorian, no time zone involved). */
export class Day {
  constructor(days) { this.days = days; }

  /** 'YYYY-MM-DD'. */
  iso() {
    const [y, m, d] = civilFromDays(this.days);
    return `${String(y).padStart(4, '0')}-${String(m).padStart(2, '0')}-${String(d).padStart(2, '0')}`;
  }
}

function daysFromCivil(y, m, d) {
  y -= m <= 2 ? 1 : 0;
  const era = Math.floor(y / 400);
  const yoe = y - era * 400;
  const doy = Math.floor((153 * (m + (m > 2 ? -3 : 9)) + 2) / 5) + d - 1;
  const doe = yoe * 365 + Math.floor(yoe / 4) - Math.floor(yoe / 100) + doy;
  return era * 146097 + doe - 719468;
}

function civilFromDays(z) {
  z += 719468;
  const era = Math.floor(z / 146097);
  const doe = z - era * 146097;
  const yoe = Math.floor((doe - Math.floor(doe / 1460) + Math.floor(doe / 36524) - Math.floor(doe / 146096)) / 365);
  const doy = doe - (365 * yoe + Math.floor(yoe / 4) - Math.floor(yoe / 100));
  const mp = Math.floor((5 * doy + 2) / 153);
  const d = doy - Math.floor((153 * mp + 2) / 5) + 1;
  const m = mp + (mp < 10 ? 3 : -9);
  return [yoe + era * 400 + (m <= 2 ? 1 : 0), m, d];
}

/** True for what counts as no answer: null/undefined, '', an empty list. */
export function isMissing(value) {
  return value === null || value === undefined || value === '' || (Array.isArray(value) && value.length === 0);
}

/** A calendar date from exactly 'YYYY-MM-DD' (years 0001-9999), or null. */
export function parseDate(text) {
  const match = DATE_TEXT.exec(text);
  if (!match) return null;
  const [y, m, d] = [Number(match[1]), Number(match[2]), Number(match[3])];
  if (y < 1 || m < 1 || m > 12 || d < 1) return null;
  const days = daysFromCivil(y, m, d);
  const back = civilFromDays(days);
  return back[1] === m && back[2] === d ? new Day(days) : null;
}

/** A number, or null: booleans 1/0, dates their day count, text must be decimal. */
export function toNumber(value) {
  if (typeof value === 'number') return value;
  if (typeof value === 'string') return NUMERIC_TEXT.test(value) ? Number(value) : null;
  if (typeof value === 'boolean') return value ? 1 : 0;
  if (value instanceof Day) return value.days;
  return null;
}

/** A Day, or null: from a Day, 'YYYY-MM-DD' text, or a day count. */
export function toDate(value) {
  if (value instanceof Day) return value;
  if (typeof value === 'string') return parseDate(value);
  if (typeof value === 'number') {
    const days = Math.floor(value);
    return days >= FIRST_DAY && days <= LAST_DAY ? new Day(days) : null;
  }
  return null;
}

/** Text: missing '', numbers as String(), booleans 'true'/'false', dates ISO, lists space-joined. */
export function toText(value) {
  if (typeof value === 'string') return value;
  if (value === null || value === undefined) return '';
  if (typeof value === 'number') return numberText(value);
  if (typeof value === 'boolean') return value ? 'true' : 'false';
  if (value instanceof Day) return value.iso();
  return value.join(' ');
}

/** The shortest text that reads back as the number (JavaScript's own layout; Python imitates it). */
export function numberText(number) {
  return String(number);
}

/** Boolean meaning: missing, false, 0, '' and the empty list are false. */
export function truthy(value) {
  if (value === null || value === undefined) return false;
  if (typeof value === 'boolean') return value;
  if (typeof value === 'number') return value !== 0;
  if (typeof value === 'string') return value !== '';
  if (Array.isArray(value)) return value.length > 0;
  return true;
}

function kindsOf(a, b) {
  const kinds = new Set();
  for (const v of [a, b]) kinds.add(v instanceof Day ? 'date' : Array.isArray(v) ? 'list' : typeof v);
  return kinds;
}

/** `=`: missing equals missing and ''; booleans, numbers, dates, then text decide. */
export function equals(left, right) {
  if (left === null || right === null) {
    const other = left === null ? right : left;
    return other === null || other === '';
  }
  const kinds = kindsOf(left, right);
  if (kinds.has('boolean')) return truthy(left) === truthy(right);
  if (kinds.has('number')) {
    const [a, b] = [toNumber(left), toNumber(right)];
    return a !== null && b !== null && a === b;
  }
  if (kinds.has('date')) {
    const [a, b] = [toDate(left), toDate(right)];
    return a !== null && b !== null && a.days === b.days;
  }
  return toText(left) === toText(right);
}

/** Compare two strings by Unicode code point (as Python does), not by UTF-16 unit. */
export function compareText(a, b) {
  if (!/[\uD800-\uDFFF]/.test(a + b)) return a < b ? -1 : a > b ? 1 : 0;
  const x = Array.from(a, (c) => c.codePointAt(0));
  const y = Array.from(b, (c) => c.codePointAt(0));
  for (let i = 0; i < Math.min(x.length, y.length); i += 1) if (x[i] !== y[i]) return x[i] < y[i] ? -1 : 1;
  return x.length - y.length === 0 ? 0 : x.length < y.length ? -1 : 1;
}

/** Sign of left − right for `< <= > >=`, or null when they cannot be ordered. */
export function order(left, right) {
  if (left === null || right === null || Array.isArray(left) || Array.isArray(right)) return null;
  const kinds = kindsOf(left, right);
  let a;
  let b;
  if (kinds.has('boolean') || kinds.has('number')) {
    [a, b] = [toNumber(left), toNumber(right)];
  } else if (kinds.has('date')) {
    [a, b] = [toDate(left), toDate(right)];
    if (a === null || b === null) return null;
    [a, b] = [a.days, b.days];
  } else {
    [a, b] = [toNumber(left), toNumber(right)];
    if (a === null || b === null) return compareText(left, right);
  }
  if (a === null || b === null) return null;
  return a > b ? 1 : a < b ? -1 : 0;
}

/** `+ - * div mod` on numbers; missing, division by zero and overflow give null. */
export function arithmetic(operator, left, right) {
  const [a, b] = [toNumber(left), toNumber(right)];
  if (a === null || b === null) return null;
  let result;
  if (operator === '+') result = a + b;
  else if (operator === '-') result = a - b;
  else if (operator === '*') result = a * b;
  else if (b === 0) return null;
  else if (operator === 'div') result = a / b;
  else result = a % b;
  return Number.isFinite(result) ? result : null;
}
