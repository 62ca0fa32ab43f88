// The expression language (twin of forms/expressions.py and forms/evaluation.py): tokenizer, parser to an
// AST, and compilation to closures `(scope, current) => value`. Parsed, never eval'd. The grammar and the
// meaning of every operator and function are documented in forms/README.md.

import { ExpressionError } from './errors.js';
import { AGGREGATES, FUNCTIONS, SCALAR, aggregate } from './functions.js';
import { compilePattern } from './patterns.js';
import { arithmetic, equals, order, toNumber, toText, truthy } from './values.js';

const MAX_LENGTH = 4000;
const MAX_DEPTH = 60;
export const RESERVED = new Set(['and', 'or', 'div', 'mod']);
const LEVELS = [['or'], ['and'], ['=', '!='], ['<', '<=', '>', '>='], ['+', '-'], ['*', 'div', 'mod']];
const TOKEN = /(?<space>[ \t\r\n]+)|(?<number>[0-9]+(?:\.[0-9]+)?|\.[0-9]+)|(?<string>'[^']*'|"[^"]*")|(?<ref>\$\{(?<refName>[A-Za-z_][A-Za-z0-9_]*)\})|(?<name>[A-Za-z_][A-Za-z0-9_]*(?:-[A-Za-z_][A-Za-z0-9_]*)*)|(?<op><=|>=|!=|[=<>+\-*(),.])/y;

/** The tokens of `text` as [kind, text, offset], ending with ['end', '', length]. */
export function tokenize(text) {
  const tokens = [];
  let position = 0;
  while (position < text.length) {
    TOKEN.lastIndex = position;
    const match = TOKEN.exec(text);
    if (!match) {
      throw new ExpressionError('syntax', `第${position + 1}个字符 ${text[position]} 无法识别`, `unexpected character ${JSON.stringify(text[position])} at ${position + 1}`, position);
    }
    const groups = match.groups;
    const kind = ['space', 'number', 'string', 'ref', 'name', 'op'].find((k) => groups[k] !== undefined);
    let value = kind === 'ref' ? groups.refName : groups[kind];
    if (kind === 'name' && value.includes('-') && !text.slice(position + value.length).replace(/^[ \t\r\n]+/, '').startsWith('(')) {
      value = value.split('-')[0];
    }
    if (kind !== 'space') tokens.push([kind, value, position]);
    position += kind === 'name' ? value.length : match[0].length;
  }
  tokens.push(['end', '', text.length]);
  return tokens;
}

class Parser {
  constructor(text) {
    this.tokens = tokenize(text);
    this.index = 0;
    this.depth = 0;
  }

  peek() { return this.tokens[this.index]; }

  take() { return this.tokens[this.index++]; }

  isOp(token, op) { return token[0] === 'op' && token[1] === op; }

  fail(token, zh, en) {
    const shown = token[0] === 'end' ? 'end of expression' : JSON.stringify(token[1]);
    return new ExpressionError('syntax', `第${token[2] + 1}个字符处（${shown}）${zh}`, `${en} at ${token[2] + 1} (${shown})`, token[2]);
  }

  binary(level) {
    if (level === LEVELS.length) return this.unary();
    let node = this.binary(level + 1);
    while (LEVELS[level].includes(this.peek()[1]) && ['op', 'name'].includes(this.peek()[0])) {
      const op = this.take()[1];
      node = { kind: 'binary', op, left: node, right: this.binary(level + 1) };
    }
    return node;
  }

  unary() {
    if (this.isOp(this.peek(), '-')) {
      this.take();
      return { kind: 'unary', operand: this.nested(() => this.unary()) };
    }
    return this.primary();
  }

  nested(rule) {
    this.depth += 1;
    if (this.depth > MAX_DEPTH) throw this.fail(this.peek(), '嵌套过深', 'nested too deeply');
    const node = rule();
    this.depth -= 1;
    return node;
  }

  primary() {
    const token = this.take();
    const [kind, value, position] = token;
    if (kind === 'number') return { kind: 'literal', value: Number(value) };
    if (kind === 'string') return { kind: 'literal', value: value.slice(1, -1) };
    if (kind === 'ref') return { kind: 'ref', name: value };
    if (this.isOp(token, '.')) return { kind: 'current' };
    if (this.isOp(token, '(')) {
      const node = this.nested(() => this.binary(0));
      this.expect(')');
      return node;
    }
    if (kind === 'name' && !RESERVED.has(value)) {
      if (this.isOp(this.peek(), '(')) return this.call(value, position);
      if (!value.includes('-')) return { kind: 'ref', name: value };
    }
    throw this.fail(token, '应为数值、字符串、字段或函数', 'expected a number, string, field or function');
  }

  call(name, position) {
    this.take();
    const args = [];
    if (!this.isOp(this.peek(), ')')) {
      args.push(this.nested(() => this.binary(0)));
      while (this.isOp(this.peek(), ',')) {
        this.take();
        args.push(this.nested(() => this.binary(0)));
      }
    }
    this.expect(')');
    checkCall(name, args, position);
    return { kind: 'call', name, args };
  }

  expect(op) {
    const token = this.take();
    if (!this.isOp(token, op)) throw this.fail(token, `应为 ${op}`, `expected ${JSON.stringify(op)}`);
  }
}

function checkCall(name, args, position) {
  if (!Object.hasOwn(FUNCTIONS, name)) throw new ExpressionError('unknown_function', `未知函数 ${name}()`, `unknown function ${name}()`, position);
  const [low, high] = FUNCTIONS[name];
  if (args.length < low || (high !== null && args.length > high)) {
    throw new ExpressionError('arity', `${name}() 的参数个数不对`, `${name}() takes ${low}-${high ?? '…'} arguments, got ${args.length}`, position);
  }
  if (name === 'regex') {
    if (args[1].kind !== 'literal' || typeof args[1].value !== 'string') {
      throw new ExpressionError('regex', 'regex() 的第二个参数须是字符串常量', 'the second argument of regex() must be a string literal', position);
    }
    compilePattern(args[1].value);
  }
}

function children(node) {
  if (node.kind === 'call') return node.args;
  if (node.kind === 'unary') return [node.operand];
  if (node.kind === 'binary') return [node.left, node.right];
  return [];
}

function treeDepth(node) {
  let deepest = 0;
  const stack = [[node, 1]];
  while (stack.length) {
    const [current, depth] = stack.pop();
    deepest = Math.max(deepest, depth);
    for (const child of children(current)) stack.push([child, depth + 1]);
  }
  return deepest;
}

/** The AST of `text`; throws ExpressionError (codes syntax, unknown_function, arity, regex). */
export function parseExpression(text) {
  if (typeof text !== 'string' || text.trim() === '') throw new ExpressionError('syntax', '表达式为空', 'the expression is empty');
  if (text.length > MAX_LENGTH) throw new ExpressionError('syntax', `表达式超过${MAX_LENGTH}个字符`, `longer than ${MAX_LENGTH} characters`);
  const parser = new Parser(text);
  const node = parser.binary(0);
  if (parser.peek()[0] !== 'end') throw parser.fail(parser.peek(), '之后有多余内容', 'unexpected text');
  if (treeDepth(node) > MAX_DEPTH) throw new ExpressionError('syntax', `表达式嵌套超过${MAX_DEPTH}层`, `nested deeper than ${MAX_DEPTH} levels`);
  return node;
}

/** Every field reference as [name, directly inside count/sum/min/max], in reading order. */
export function references(node, inAggregate = false) {
  if (node.kind === 'ref') return [[node.name, inAggregate]];
  if (node.kind === 'call') {
    const inside = AGGREGATES.has(node.name);
    return node.args.flatMap((arg) => (arg.kind === 'ref' ? references(arg, inside) : references(arg)));
  }
  return children(node).flatMap((child) => references(child));
}

/** True when the expression reads `.`. */
export function usesCurrent(node) {
  return node.kind === 'current' || children(node).some(usesCurrent);
}

const COMPARE = { '<': (o) => o < 0, '<=': (o) => o <= 0, '>': (o) => o > 0, '>=': (o) => o >= 0 };

/** A closure computing `node`; `resolve(name, inAggregate)` → ['row'|'top'|'column'|'rows', repeat]. */
export function compileExpression(node, resolve) {
  switch (node.kind) {
    case 'literal': { const constant = node.value; return () => constant; }
    case 'current': return (scope, current) => current;
    case 'ref': {
      const { name } = node;
      return resolve(name, false)[0] === 'row' ? (scope) => scope.value(name) : (scope) => scope.top.value(name);
    }
    case 'unary': {
      const operand = compileExpression(node.operand, resolve);
      return (s, c) => { const n = toNumber(operand(s, c)); return n === null ? null : -n; };
    }
    case 'binary': return compileBinary(node.op, compileExpression(node.left, resolve), compileExpression(node.right, resolve));
    default: return compileCall(node, resolve);
  }
}

function compileBinary(op, left, right) {
  if (op === 'and') return (s, c) => truthy(left(s, c)) && truthy(right(s, c));
  if (op === 'or') return (s, c) => truthy(left(s, c)) || truthy(right(s, c));
  if (op === '=') return (s, c) => equals(left(s, c), right(s, c));
  if (op === '!=') return (s, c) => !equals(left(s, c), right(s, c));
  if (COMPARE[op]) {
    const test = COMPARE[op];
    return (s, c) => { const sign = order(left(s, c), right(s, c)); return sign !== null && test(sign); };
  }
  return (s, c) => arithmetic(op, left(s, c), right(s, c));
}

function compileCall(node, resolve) {
  const { name } = node;
  if (AGGREGATES.has(name)) return compileAggregate(node, resolve);
  if (name === 'today') return (scope) => scope.top.today;
  const args = node.args.map((arg) => compileExpression(arg, resolve));
  if (name === 'if') {
    const [test, then, otherwise] = args;
    return (s, c) => (truthy(test(s, c)) ? then(s, c) : otherwise(s, c));
  }
  if (name === 'regex') {
    const [value] = args;
    const pattern = compilePattern(node.args[1].value);
    return (s, c) => { const text = value(s, c); return text !== null && pattern.test(toText(text)); };
  }
  const fn = SCALAR[name];
  return (s, c) => fn(...args.map((arg) => arg(s, c)));
}

function compileAggregate(node, resolve) {
  const { name } = node;
  if (node.args.length === 1 && node.args[0].kind === 'ref') {
    const field = node.args[0].name;
    const [where, repeat] = resolve(field, true);
    if (where === 'rows') return (s) => aggregate(name, [], s.top.rowCount(repeat));
    if (where === 'column') return (s) => aggregate(name, s.top.column(repeat, field));
  }
  const parts = node.args.map((arg) => {
    if (arg.kind === 'ref') {
      const [where, repeat] = resolve(arg.name, true);
      if (where === 'column') return (s) => s.top.column(repeat, arg.name);
      if (where === 'rows') return (s) => [s.top.rowCount(repeat)];
    }
    const single = compileExpression(arg, resolve);
    return (s, c) => [single(s, c)];
  });
  return (s, c) => aggregate(name, parts.flatMap((part) => part(s, c)));
}
