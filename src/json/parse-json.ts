/**
 * Strict JSON (RFC 8259) parser for text from users: programs uploaded over USB and files
 * given to the host tools. Unlike JSON.parse it reports where the text is wrong as line and
 * column, identically in every engine; rejects duplicate keys (JSON.parse silently keeps
 * the last one, which would let a typo'd second "to_MPa" win); and bounds nesting so that
 * hostile input cannot exhaust the device's stack. A leading byte-order mark is skipped.
 */

export type JsonParseResult =
  | { ok: true; value: unknown }
  | { ok: false; line: number; column: number; message: string };
import { isHexDigits } from '../text/chars';

export const MAX_JSON_DEPTH = 32;

class JsonSyntaxError extends Error {
  constructor(readonly offset: number, message: string) {
    super(message);
  }
}

function describeChar(text: string, i: number): string {
  if (i >= text.length) return 'end of input';
  const unit = text.charCodeAt(i);
  if (unit < 0x20 || unit === 0x7f) return `control character U+${unit.toString(16).toUpperCase().padStart(4, '0')}`;
  return JSON.stringify(text[i]);
}

function isDigit(unit: number): boolean {
  return unit >= 0x30 && unit <= 0x39;
}

class Parser {
  i = 0;

  constructor(private readonly text: string) {
    if (text.charCodeAt(0) === 0xfeff) this.i = 1;
  }

  fail(message: string, offset = this.i): never {
    throw new JsonSyntaxError(offset, message);
  }

  unexpected(expected: string): never {
    this.fail(`unexpected ${describeChar(this.text, this.i)}, expected ${expected}`);
  }

  /** After a comma: a closing bracket right after it is the common slip of a trailing comma, named as such. */
  refuseTrailingComma(commaAt: number, close: number): void {
    this.skipWhitespace();
    if (this.text.charCodeAt(this.i) !== close) return;
    const at = lineColumn(this.text, this.i);
    this.fail(`trailing comma before ${String.fromCharCode(close)} at line ${at.line}, column ${at.column}`, commaAt);
  }

  skipWhitespace(): void {
    const text = this.text;
    while (this.i < text.length) {
      const unit = text.charCodeAt(this.i);
      if (unit === 0x20 || unit === 0x09 || unit === 0x0a || unit === 0x0d) this.i++;
      else break;
    }
  }

  parseDocument(): unknown {
    this.skipWhitespace();
    const value = this.parseValue(0);
    this.skipWhitespace();
    if (this.i < this.text.length) this.unexpected('end of input after the JSON value');
    return value;
  }

  parseValue(depth: number): unknown {
    const text = this.text;
    const unit = text.charCodeAt(this.i);
    if (unit === 0x7b /* { */) return this.parseObject(depth + 1);
    if (unit === 0x5b /* [ */) return this.parseArray(depth + 1);
    if (unit === 0x22 /* " */) return this.parseString();
    if (unit === 0x2d /* - */ || isDigit(unit)) return this.parseNumber();
    if (text.startsWith('true', this.i)) {
      this.i += 4;
      return true;
    }
    if (text.startsWith('false', this.i)) {
      this.i += 5;
      return false;
    }
    if (text.startsWith('null', this.i)) {
      this.i += 4;
      return null;
    }
    this.unexpected('a value (object, array, string, number, true, false or null)');
  }

  parseObject(depth: number): Record<string, unknown> {
    if (depth > MAX_JSON_DEPTH) this.fail(`nested deeper than ${MAX_JSON_DEPTH} levels`);
    this.i++;
    const object: Record<string, unknown> = {};
    this.skipWhitespace();
    if (this.text.charCodeAt(this.i) === 0x7d /* } */) {
      this.i++;
      return object;
    }
    for (;;) {
      this.skipWhitespace();
      if (this.text.charCodeAt(this.i) !== 0x22) this.unexpected('a key in double quotes');
      const keyAt = this.i;
      const key = this.parseString();
      if (Object.prototype.hasOwnProperty.call(object, key)) this.fail(`duplicate key ${JSON.stringify(key)}`, keyAt);
      this.skipWhitespace();
      if (this.text.charCodeAt(this.i) !== 0x3a /* : */) this.unexpected('":" after the key');
      this.i++;
      this.skipWhitespace();
      // defineProperty, not assignment: a "__proto__" key must stay an ordinary key.
      Object.defineProperty(object, key, { value: this.parseValue(depth), enumerable: true, writable: true, configurable: true });
      this.skipWhitespace();
      const unit = this.text.charCodeAt(this.i);
      if (unit === 0x2c /* , */) {
        this.i++;
        this.refuseTrailingComma(this.i - 1, 0x7d);
        continue;
      }
      if (unit === 0x7d /* } */) {
        this.i++;
        return object;
      }
      this.unexpected('"," or "}"');
    }
  }

  parseArray(depth: number): unknown[] {
    if (depth > MAX_JSON_DEPTH) this.fail(`nested deeper than ${MAX_JSON_DEPTH} levels`);
    this.i++;
    const array: unknown[] = [];
    this.skipWhitespace();
    if (this.text.charCodeAt(this.i) === 0x5d /* ] */) {
      this.i++;
      return array;
    }
    for (;;) {
      this.skipWhitespace();
      array.push(this.parseValue(depth));
      this.skipWhitespace();
      const unit = this.text.charCodeAt(this.i);
      if (unit === 0x2c) {
        this.i++;
        this.refuseTrailingComma(this.i - 1, 0x5d);
        continue;
      }
      if (unit === 0x5d) {
        this.i++;
        return array;
      }
      this.unexpected('"," or "]"');
    }
  }

  parseString(): string {
    const text = this.text;
    this.i++;
    let out = '';
    let runStart = this.i;
    for (;;) {
      if (this.i >= text.length) this.fail('unterminated string');
      const unit = text.charCodeAt(this.i);
      if (unit === 0x22) {
        out += text.slice(runStart, this.i);
        this.i++;
        return out;
      }
      if (unit < 0x20) this.fail(`${describeChar(text, this.i)} inside a string (write it as an escape such as \\n)`);
      if (unit !== 0x5c /* \ */) {
        this.i++;
        continue;
      }
      out += text.slice(runStart, this.i);
      const escape = text[this.i + 1];
      switch (escape) {
        case '"':
        case '\\':
        case '/':
          out += escape;
          break;
        case 'b':
          out += '\b';
          break;
        case 'f':
          out += '\f';
          break;
        case 'n':
          out += '\n';
          break;
        case 'r':
          out += '\r';
          break;
        case 't':
          out += '\t';
          break;
        case 'u': {
          const hex = text.slice(this.i + 2, this.i + 6);
          if (!isHexDigits(hex, 4)) this.fail('\\u must be followed by four hex digits');
          out += String.fromCharCode(parseInt(hex, 16));
          this.i += 4;
          break;
        }
        default:
          this.fail(`invalid escape ${escape === undefined ? 'at end of input' : JSON.stringify('\\' + escape)}`);
      }
      this.i += 2;
      runStart = this.i;
    }
  }

  parseNumber(): number {
    const text = this.text;
    const start = this.i;
    if (text.charCodeAt(this.i) === 0x2d) this.i++;
    const intStart = this.i;
    if (text.charCodeAt(this.i) === 0x30) {
      this.i++;
      if (isDigit(text.charCodeAt(this.i))) this.fail('a number may not have a leading zero', intStart);
    } else if (isDigit(text.charCodeAt(this.i))) {
      while (isDigit(text.charCodeAt(this.i))) this.i++;
    } else {
      this.unexpected('a digit');
    }
    if (text.charCodeAt(this.i) === 0x2e /* . */) {
      this.i++;
      if (!isDigit(text.charCodeAt(this.i))) this.unexpected('a digit after the decimal point');
      while (isDigit(text.charCodeAt(this.i))) this.i++;
    }
    const e = text.charCodeAt(this.i);
    if (e === 0x65 || e === 0x45) {
      this.i++;
      const sign = text.charCodeAt(this.i);
      if (sign === 0x2b || sign === 0x2d) this.i++;
      if (!isDigit(text.charCodeAt(this.i))) this.unexpected('a digit in the exponent');
      while (isDigit(text.charCodeAt(this.i))) this.i++;
    }
    return Number(text.slice(start, this.i));
  }
}

/** Line and column (both from 1, columns in UTF-16 units) of an offset in text. */
export function lineColumn(text: string, offset: number): { line: number; column: number } {
  let line = 1;
  let lineStart = 0;
  for (let i = 0; i < offset && i < text.length; i++) {
    if (text.charCodeAt(i) === 0x0a) {
      line++;
      lineStart = i + 1;
    }
  }
  return { line, column: offset - lineStart + 1 };
}

export function parseJson(text: string): JsonParseResult {
  const parser = new Parser(text);
  try {
    return { ok: true, value: parser.parseDocument() };
  } catch (error) {
    if (!(error instanceof JsonSyntaxError)) throw error;
    const { line, column } = lineColumn(text, error.offset);
    return { ok: false, line, column, message: error.message };
  }
}

export function formatJsonError(error: { line: number; column: number; message: string }): string {
  return `line ${error.line}, column ${error.column}: ${error.message}`;
}
