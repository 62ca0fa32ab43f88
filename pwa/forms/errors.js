// The error shapes shared with forms/errors.py: answer and definition errors, and expression errors.

/** One problem: a path, a stable code, a message in Chinese and English. */
export function formError(path, code, zh, en) {
  return { path, code, message: { zh, en } };
}

/** An expression that does not parse: code (syntax, unknown_function, arity, regex), messages, offset. */
export class ExpressionError extends Error {
  constructor(code, zh, en, position = 0) {
    super(en);
    this.code = code;
    this.zh = zh;
    this.en = en;
    this.position = position;
  }
}

/** A definition the field app cannot use (it was not checked by the server): code, messages, path. */
export class DefinitionError extends Error {
  constructor(path, code, zh, en) {
    super(`${path}: ${en}`);
    this.path = path;
    this.code = code;
    this.zh = zh;
    this.en = en;
  }
}
