// regex(): the portable pattern subset (twin of forms/patterns.py), rewritten for RegExp with flags 'su'.
// \d \w \s become explicit ASCII classes; anything Python and JavaScript could read differently is refused.

import { ExpressionError } from './errors.js';

const MAX_PATTERN = 500;
const SHORTHAND = { d: '0-9', w: 'A-Za-z0-9_', s: ' \\t\\n\\r\\f\\v' };
const CONTROL = 'ntrfv';
const PUNCTUATION = '^$\\.*+?()[]{}|/-';
const QUANTIFIER = /\{[0-9]+(?:,[0-9]*)?\}/y;
const cache = new Map();

function refuse(pattern, zh, en) {
  return new ExpressionError('regex', `正则表达式 ${JSON.stringify(pattern)} ${zh}`, `regular expression ${JSON.stringify(pattern)}: ${en}`);
}

/** The pattern rewritten for RegExp(…, 'su'); throws ExpressionError('regex') when not portable. */
export function portablePattern(pattern) {
  if (Array.from(pattern).length > MAX_PATTERN) throw refuse(pattern, '过长', `longer than ${MAX_PATTERN} characters`);
  const out = [];
  let i = 0;
  let canRepeat = false;
  let afterQuantifier = null;
  while (i < pattern.length) {
    const char = pattern[i];
    if (char === '[') {
      const [next, text] = characterClass(pattern, i);
      out.push(text);
      [i, canRepeat, afterQuantifier] = [next, true, null];
      continue;
    }
    if ('*+?{'.includes(char)) {
      const lazy = char === '?' && afterQuantifier === 'quantifier';
      i = quantifier(pattern, i, out, canRepeat || lazy);
      [canRepeat, afterQuantifier] = [false, lazy ? 'lazy' : 'quantifier'];
      continue;
    }
    afterQuantifier = null;
    if (char === '\\') {
      out.push(escape(pattern, i));
      [canRepeat, i] = [!'bB'.includes(pattern[i + 1]), i + 2];
      continue;
    }
    if (char === ']' || char === '}') throw refuse(pattern, `中的 ${char} 须写作 \\${char}`, `write a literal ${char} as \\${char}`);
    if (char === '(' && pattern.startsWith('(?', i)) {
      if (!pattern.startsWith('(?:', i)) throw refuse(pattern, '只支持 (?: ) 分组', 'only (?: ) groups are supported');
      out.push('(?:');
      [i, canRepeat] = [i + 3, false];
      continue;
    }
    out.push(char);
    [canRepeat, i] = [!'(|^$'.includes(char), i + 1];
  }
  return out.join('');
}

function escape(pattern, i) {
  if (i + 1 >= pattern.length) throw refuse(pattern, '以 \\ 结尾', 'ends with a backslash');
  const letter = pattern[i + 1];
  if (letter in SHORTHAND) return `[${SHORTHAND[letter]}]`;
  if (letter.toLowerCase() in SHORTHAND && letter !== letter.toLowerCase()) return `[^${SHORTHAND[letter.toLowerCase()]}]`;
  if (letter === '-') return '-'; // `\-` is refused by RegExp's u mode outside a class
  if ('bB'.includes(letter) || CONTROL.includes(letter) || PUNCTUATION.includes(letter)) return `\\${letter}`;
  throw refuse(pattern, `不支持转义 \\${letter}`, `unsupported escape \\${letter}`);
}

function quantifier(pattern, i, out, canRepeat) {
  const char = pattern[i];
  if (!canRepeat) throw refuse(pattern, `第${i + 1}个字符 ${char} 前没有可重复的内容`, `nothing to repeat before ${char} at ${i + 1}`);
  if (char !== '{') {
    out.push(char);
    return i + 1;
  }
  QUANTIFIER.lastIndex = i;
  const match = QUANTIFIER.exec(pattern);
  if (!match) throw refuse(pattern, '中的 { 须是 {n}、{n,} 或 {n,m}，或写作 \\{', 'a { must be {n}, {n,} or {n,m}, or \\{');
  out.push(match[0]);
  return i + match[0].length;
}

function characterClass(pattern, start) {
  let i = start + 1;
  const out = ['['];
  const items = [];
  if (pattern.startsWith('^', i)) {
    out.push('^');
    i += 1;
  }
  while (i < pattern.length && pattern[i] !== ']') {
    const char = pattern[i];
    if (char === '[' || ('&|~-'.includes(char) && pattern.startsWith(char + char, i))) {
      throw refuse(pattern, `字符类中的 ${char} 须转义`, `escape ${char} inside a character class`);
    }
    if (char === '\\') {
      const letter = i + 1 < pattern.length ? pattern[i + 1] : '';
      if (letter && letter in SHORTHAND) items.push(['set', SHORTHAND[letter]]);
      else if (letter && (CONTROL.includes(letter) || '\\]-[^'.includes(letter))) items.push(['char', `\\${letter}`]);
      else throw refuse(pattern, `字符类中不支持 \\${letter}`, `unsupported escape \\${letter} in a class`);
      i += 2;
      continue;
    }
    const point = String.fromCodePoint(pattern.codePointAt(i));
    items.push(char === '-' ? ['dash', '-'] : ['char', point]);
    i += point.length;
  }
  if (i >= pattern.length || items.length === 0) throw refuse(pattern, '的字符类未闭合或为空', 'has an unclosed or empty character class');
  items.forEach(([kind], index) => {
    const inner = index > 0 && index < items.length - 1;
    if (kind === 'dash' && inner && !(items[index - 1][0] === 'char' && items[index + 1][0] === 'char')) {
      throw refuse(pattern, '字符类中的范围两端须是单个字符', 'a range in a class must join two single characters');
    }
  });
  return [i + 1, out.join('') + items.map(([, text]) => text).join('') + ']'];
}

/** The compiled portable pattern (cached); throws ExpressionError('regex'). */
export function compilePattern(pattern) {
  let compiled = cache.get(pattern);
  if (!compiled) {
    try {
      compiled = new RegExp(portablePattern(pattern), 'su');
    } catch (exc) {
      if (exc instanceof ExpressionError) throw exc;
      throw refuse(pattern, `无效：${exc.message}`, `invalid: ${exc.message}`);
    }
    cache.set(pattern, compiled);
  }
  return compiled;
}
