// Answers as JSON carries them, per field type (twin of forms/answers.py): read into expression values,
// or the code of what is wrong. The table of answer shapes is in forms/README.md.

import { CODES, EXCLUSIVE } from './result_codes.js';
import { isMissing, numberText, parseDate } from './values.js';

const TIME = /^(?:[01][0-9]|2[0-3]):[0-5][0-9](?::[0-5][0-9])?$/;
const MAX_ATTACHMENT_ID = 200;
const SIGNATURE_KEYS = new Set(['attachment', 'refused', 'reason', 'signer', 'witness']);
const GEOPOINT_KEYS = new Set(['lat', 'lon', 'accuracy', 'altitude']);

/** A finite JSON number. */
export function isNumber(raw) {
  return typeof raw === 'number' && Number.isFinite(raw);
}

function isObject(raw) {
  return raw !== null && typeof raw === 'object' && !Array.isArray(raw);
}

const isText = (raw) => typeof raw === 'string';
const distinct = (list) => new Set(list).size === list.length;
const textList = (raw) => Array.isArray(raw) && raw.every(isText);
const isAttachment = (v) => isText(v) && v.length > 0 && Array.from(v).length <= MAX_ATTACHMENT_ID;

function signature(field, raw) {
  if (!isObject(raw) || !Object.keys(raw).every((k) => SIGNATURE_KEYS.has(k))) return [null, 'type'];
  if (raw.refused === true) return ['refused', isText(raw.reason) && raw.reason.trim() ? null : 'refusal_reason'];
  if ('refused' in raw && raw.refused !== false) return [null, 'type'];
  return isAttachment(raw.attachment) ? ['signed', null] : [null, 'type'];
}

function geopoint(field, raw) {
  if (!isObject(raw) || !Object.keys(raw).every((k) => GEOPOINT_KEYS.has(k)) || !Object.values(raw).every(isNumber)) {
    return [null, 'type'];
  }
  const { lat, lon } = raw;
  const accuracy = raw.accuracy ?? 0;
  if (lat === undefined || lon === undefined || !(lat >= -90 && lat <= 90 && lon >= -180 && lon <= 180) || accuracy < 0) {
    return [null, 'type'];
  }
  return [`${numberText(lat)} ${numberText(lon)}`, null];
}

function resultCodes(field, raw) {
  if (!textList(raw) || !distinct(raw)) return [null, 'type'];
  if (!raw.every((code) => CODES.has(code))) return [null, 'result_code'];
  const exclusive = raw.some((code) => EXCLUSIVE.has(code));
  return [raw, exclusive && raw.length > 1 ? 'exclusive_code' : null];
}

/** Field type → reader(field, raw) → [value, error code or null]. */
export const READERS = {
  yes_no_na: (f, raw) => (!isText(raw) ? [null, 'type'] : ['yes', 'no', 'na'].includes(raw) ? [raw, null] : [null, 'choice']),
  select_one: (f, raw) => (!isText(raw) ? [null, 'type'] : f.choices.has(raw) ? [raw, null] : [null, 'choice']),
  select_multiple: (f, raw) => {
    if (!textList(raw)) return [null, 'type'];
    return distinct(raw) && raw.every((v) => f.choices.has(v)) ? [raw, null] : [null, 'choice'];
  },
  text: (f, raw) => (isText(raw) ? [raw, null] : [null, 'type']),
  integer: (f, raw) => (isNumber(raw) && Number.isInteger(raw) ? [raw, null] : [null, 'type']),
  decimal: (f, raw) => (isNumber(raw) ? [raw, null] : [null, 'type']),
  date: (f, raw) => { const day = isText(raw) ? parseDate(raw) : null; return day ? [day, null] : [null, 'type']; },
  time: (f, raw) => (isText(raw) && TIME.test(raw) ? [raw, null] : [null, 'type']),
  photo: (f, raw) => (Array.isArray(raw) && raw.every(isAttachment) && distinct(raw) ? [raw, null] : [null, 'type']),
  audio: (f, raw) => (Array.isArray(raw) && raw.every(isAttachment) && distinct(raw) ? [raw, null] : [null, 'type']),
  signature,
  geopoint,
  result_code: resultCodes,
};

/** [value for expressions, error code or null]; a missing answer reads as [null, null]. */
export function readAnswer(field, raw) {
  if (isMissing(raw)) return [null, null];
  const reader = READERS[field.type];
  return reader ? reader(field, raw) : [null, null];
}
