/**
 * Reads one program message (IEEE 488.2 §7): program message units separated by `;`, each a
 * header followed by parameters separated by `,`. Reading stops at the first command error
 * (a ScpiError of the -1xx class); the caller runs each unit before reading the next.
 */
import { readUtf8 } from '../bytes/utf8';
import { ScpiError } from './errors';
import { MAX_MNEMONIC_CHARS } from './header-pattern';

export interface Header {
  /** `*IDN?` style common command. */
  readonly common: boolean;
  /** Starts with `:` (from the root rather than the current path). */
  readonly absolute: boolean;
  /** Mnemonics in upper case, e.g. ['MEAS', 'FORC']. */
  readonly mnemonics: readonly string[];
  readonly query: boolean;
  /** The header as sent, for error messages. */
  readonly text: string;
}

/** A parameter as the lexer found it, before the command's declared types are applied. */
export type ParamData =
  | { readonly kind: 'number'; readonly value: number; readonly suffix: string; readonly text: string }
  | { readonly kind: 'string'; readonly value: string; readonly text: string }
  | { readonly kind: 'block'; readonly bytes: Uint8Array; readonly text: string }
  | { readonly kind: 'chars'; readonly value: string; readonly text: string };

const MAX_MANTISSA_DIGITS = 255;
const MAX_EXPONENT = 32000;
/** How much of an offending parameter or header an error message quotes. */
const QUOTE_CHARS = 40;

const TAB = 0x09;
const LF = 0x0a;
const CR = 0x0d;
const SPACE = 0x20;
const QUOTE = 0x22;
const HASH = 0x23;
const APOSTROPHE = 0x27;
const OPEN_PAREN = 0x28;
const STAR = 0x2a;
const PLUS = 0x2b;
const COMMA = 0x2c;
const MINUS = 0x2d;
const DOT = 0x2e;
const SLASH = 0x2f;
const COLON = 0x3a;
const SEMICOLON = 0x3b;
const QUESTION = 0x3f;
const UNDERSCORE = 0x5f;

function isDigit(b: number): boolean {
  return b >= 0x30 && b <= 0x39;
}

function isLetter(b: number): boolean {
  return (b >= 0x41 && b <= 0x5a) || (b >= 0x61 && b <= 0x7a);
}

function isMnemonicChar(b: number): boolean {
  return isLetter(b) || isDigit(b) || b === UNDERSCORE;
}

function isWhitespace(b: number): boolean {
  return b === SPACE || b === TAB || b === CR;
}

/** Bytes that may appear outside strings and blocks: printable ASCII and whitespace. */
function isValidTextByte(b: number): boolean {
  return (b >= SPACE && b < 0x7f) || b === TAB || b === CR;
}

function hex2(b: number): string {
  return `0x${b.toString(16).toUpperCase().padStart(2, '0')}`;
}

/** Printable rendering of input bytes for an error message, shortened to QUOTE_CHARS. */
function quoteBytes(bytes: Uint8Array, start: number, end: number): string {
  let text = '';
  const stop = Math.min(end, start + QUOTE_CHARS);
  for (let i = start; i < stop; i++) {
    const b = bytes[i];
    text += b >= SPACE && b < 0x7f ? String.fromCharCode(b) : `\\x${b.toString(16).toUpperCase().padStart(2, '0')}`;
  }
  return end > stop ? `${text}...` : text;
}

export class MessageReader {
  private i = 0;

  constructor(private readonly bytes: Uint8Array, private readonly end: number) {}

  private fail(code: number, info: string): never {
    throw new ScpiError(code, info);
  }

  private invalidCharacter(at: number, where: string): never {
    this.fail(-101, `${hex2(this.bytes[at])} at byte ${at + 1}${where}`);
  }

  private skipWhitespace(): void {
    while (this.i < this.end && isWhitespace(this.bytes[this.i])) this.i++;
  }

  private atUnitEnd(): boolean {
    return this.i >= this.end || this.bytes[this.i] === SEMICOLON;
  }

  /** The next header, or null at the end of the message. */
  readHeader(): Header | null {
    this.skipWhitespace();
    if (this.i >= this.end) return null;
    const bytes = this.bytes;
    const start = this.i;
    const common = bytes[start] === STAR;
    const absolute = bytes[start] === COLON;
    const mnemonics: string[] = [];
    if (common || absolute) this.i++;
    for (;;) {
      mnemonics.push(this.readMnemonic(start));
      if (common || this.i >= this.end || bytes[this.i] !== COLON) break;
      this.i++;
    }
    let query = false;
    if (this.i < this.end && bytes[this.i] === QUESTION) {
      query = true;
      this.i++;
    }
    const text = quoteBytes(bytes, start, this.i);
    if (this.i < this.end) {
      const next = bytes[this.i];
      if (!isValidTextByte(next)) this.invalidCharacter(this.i, ` after ${text}`);
      if (!isWhitespace(next) && next !== SEMICOLON) this.fail(-111, quoteBytes(bytes, start, this.i + 1));
    }
    return { common, absolute, mnemonics, query, text };
  }

  private readMnemonic(headerStart: number): string {
    const bytes = this.bytes;
    const start = this.i;
    if (start >= this.end || !isLetter(bytes[start])) {
      if (start < this.end && !isValidTextByte(bytes[start])) this.invalidCharacter(start, ' in a header');
      this.fail(-102, `expected a mnemonic at byte ${start + 1}: ${quoteBytes(bytes, headerStart, start + 1)}`);
    }
    let upper = '';
    while (this.i < this.end && isMnemonicChar(bytes[this.i])) {
      const b = bytes[this.i++];
      if (this.i - start <= MAX_MNEMONIC_CHARS) upper += String.fromCharCode(b >= 0x61 ? b - 0x20 : b);
    }
    if (this.i - start > MAX_MNEMONIC_CHARS) this.fail(-112, quoteBytes(bytes, start, this.i));
    return upper;
  }

  /** The parameters after the header just read, up to the end of the unit. */
  readParams(): ParamData[] {
    const params: ParamData[] = [];
    this.skipWhitespace();
    if (this.atUnitEnd()) return params;
    for (;;) {
      params.push(this.readParam());
      this.skipWhitespace();
      if (this.atUnitEnd()) return params;
      const b = this.bytes[this.i];
      if (b !== COMMA) {
        if (!isValidTextByte(b)) this.invalidCharacter(this.i, ' after a parameter');
        this.fail(-103, quoteBytes(this.bytes, this.i, this.end));
      }
      const comma = this.i++;
      this.skipWhitespace();
      if (this.atUnitEnd() || this.bytes[this.i] === COMMA) this.fail(-102, `empty parameter after "," at byte ${comma + 1}`);
    }
  }

  /** Moves past the `;` that ends a unit; false at the end of the message. */
  nextUnit(): boolean {
    this.skipWhitespace();
    if (this.i >= this.end) return false;
    this.i++;
    return true;
  }

  private readParam(): ParamData {
    const b = this.bytes[this.i];
    if (b === QUOTE || b === APOSTROPHE) return this.readString(b);
    if (b === HASH) return this.readHashData();
    if (isDigit(b) || b === PLUS || b === MINUS || b === DOT) return this.readDecimal();
    if (isLetter(b)) return this.readCharacterData();
    if (!isValidTextByte(b)) this.invalidCharacter(this.i, ' in a parameter');
    if (b === OPEN_PAREN) this.fail(-178, quoteBytes(this.bytes, this.i, this.end));
    this.fail(-102, `unexpected "${String.fromCharCode(b)}" at byte ${this.i + 1}`);
  }

  private readCharacterData(): ParamData {
    const start = this.i;
    while (this.i < this.end && isMnemonicChar(this.bytes[this.i])) this.i++;
    const text = quoteBytes(this.bytes, start, this.i);
    if (this.i - start > MAX_MNEMONIC_CHARS) this.fail(-144, text);
    return { kind: 'chars', value: text.toUpperCase(), text };
  }

  private readString(quote: number): ParamData {
    const bytes = this.bytes;
    const start = this.i;
    let value = '';
    let segment = start + 1;
    let i = segment;
    for (;;) {
      if (i >= this.end) this.fail(-151, `unterminated string ${quoteBytes(bytes, start, this.end)}`);
      const b = bytes[i];
      if (b === quote) {
        value += this.decodeStringBytes(segment, i);
        if (i + 1 < this.end && bytes[i + 1] === quote) {
          value += String.fromCharCode(quote);
          i += 2;
          segment = i;
          continue;
        }
        this.i = i + 1;
        return { kind: 'string', value, text: quoteBytes(bytes, start, this.i) };
      }
      if ((b < SPACE && b !== TAB && b !== LF && b !== CR) || b === 0x7f) this.invalidCharacter(i, ' in a string');
      i++;
    }
  }

  private decodeStringBytes(start: number, end: number): string {
    const text = readUtf8(this.bytes, start, end);
    if (text === null) this.fail(-101, `invalid UTF-8 in the string at byte ${start + 1}`);
    return text;
  }

  private readHashData(): ParamData {
    const bytes = this.bytes;
    const start = this.i;
    const kind = this.i + 1 < this.end ? bytes[this.i + 1] : 0;
    if (kind >= 0x31 && kind <= 0x39) return this.readBlock();
    if (kind === 0x30) this.fail(-161, 'indefinite-length block (#0) not accepted');
    const upper = kind & 0xdf;
    const radix = upper === 0x48 ? 16 : upper === 0x51 ? 8 : upper === 0x42 ? 2 : 0;
    if (radix === 0) this.fail(-102, `${quoteBytes(bytes, start, Math.min(this.end, start + 2))} is neither a block nor a #H/#Q/#B number`);
    this.i += 2;
    const digitsStart = this.i;
    let value = 0;
    while (this.i < this.end) {
      const digit = digitValue(bytes[this.i]);
      if (digit < 0 || digit >= radix) break;
      value = value * radix + digit;
      this.i++;
    }
    if (this.i < this.end && isMnemonicChar(bytes[this.i])) this.fail(-121, quoteBytes(bytes, start, this.i + 1));
    const text = quoteBytes(bytes, start, this.i);
    if (this.i === digitsStart) this.fail(-120, `no digits in ${text}`);
    if (value > Number.MAX_SAFE_INTEGER) this.fail(-120, `${text} exceeds 2^53`);
    return { kind: 'number', value, suffix: '', text };
  }

  private readBlock(): ParamData {
    const bytes = this.bytes;
    const start = this.i;
    const lengthDigits = bytes[start + 1] - 0x30;
    const lengthStart = start + 2;
    if (lengthStart + lengthDigits > this.end) this.fail(-161, `block header ${quoteBytes(bytes, start, this.end)} cut short`);
    let length = 0;
    for (let k = lengthStart; k < lengthStart + lengthDigits; k++) {
      if (!isDigit(bytes[k])) this.fail(-161, `block header ${quoteBytes(bytes, start, lengthStart + lengthDigits)} has a non-digit length`);
      length = length * 10 + (bytes[k] - 0x30);
    }
    const bodyStart = lengthStart + lengthDigits;
    if (bodyStart + length > this.end) this.fail(-161, `block of ${length} bytes ends after ${this.end - bodyStart}`);
    this.i = bodyStart + length;
    const header = quoteBytes(bytes, start, bodyStart);
    return { kind: 'block', bytes: bytes.slice(bodyStart, this.i), text: `${header}<${length} bytes>` };
  }

  /** <DECIMAL NUMERIC PROGRAM DATA> (§7.7.2): NR1, NR2 and NR3 forms, optionally followed by a suffix. */
  private readDecimal(): ParamData {
    const bytes = this.bytes;
    const start = this.i;
    let i = start;
    let literal = '';
    if (bytes[i] === PLUS || bytes[i] === MINUS) literal += String.fromCharCode(bytes[i++]);
    let digits = 0;
    let significant = 0;
    let sawDot = false;
    for (; i < this.end; i++) {
      const b = bytes[i];
      if (isDigit(b)) {
        digits++;
        if (significant > 0 || b !== 0x30) significant++;
        literal += String.fromCharCode(b);
      } else if (b === DOT && !sawDot) {
        sawDot = true;
        literal += '.';
      } else break;
    }
    if (digits === 0) this.fail(-121, quoteBytes(bytes, start, Math.min(this.end, i + 1)));
    if (significant > MAX_MANTISSA_DIGITS) this.fail(-124, `${significant} digits in the mantissa`);
    // 488.2 allows white space around the exponent's E.
    let j = i;
    while (j < this.end && isWhitespace(bytes[j])) j++;
    if (j < this.end && (bytes[j] === 0x45 || bytes[j] === 0x65)) {
      let k = j + 1;
      while (k < this.end && isWhitespace(bytes[k])) k++;
      let exponentSign = '';
      if (k < this.end && (bytes[k] === PLUS || bytes[k] === MINUS)) exponentSign = String.fromCharCode(bytes[k++]);
      if (k < this.end && isDigit(bytes[k])) {
        let exponent = 0;
        while (k < this.end && isDigit(bytes[k])) {
          if (exponent <= MAX_EXPONENT) exponent = exponent * 10 + (bytes[k] - 0x30);
          k++;
        }
        if (exponent > MAX_EXPONENT) this.fail(-123, quoteBytes(bytes, start, k));
        literal += `e${exponentSign}${exponent}`;
        i = k;
      } else if (j === i) {
        this.fail(-121, quoteBytes(bytes, start, Math.min(this.end, k + 1)));
      }
    }
    const numberEnd = i;
    let suffix = '';
    let s = i;
    while (s < this.end && isWhitespace(bytes[s])) s++;
    if (s < this.end && (isLetter(bytes[s]) || bytes[s] === SLASH)) {
      const suffixStart = s;
      while (s < this.end && (isMnemonicChar(bytes[s]) || bytes[s] === SLASH || bytes[s] === DOT || bytes[s] === MINUS)) s++;
      if (s - suffixStart > MAX_MNEMONIC_CHARS) this.fail(-134, quoteBytes(bytes, suffixStart, s));
      suffix = String.fromCharCode(...bytes.subarray(suffixStart, s)).toUpperCase();
      i = s;
    }
    this.i = i;
    if (i < this.end) {
      const b = bytes[i];
      if (!isWhitespace(b) && b !== COMMA && b !== SEMICOLON) {
        if (!isValidTextByte(b)) this.invalidCharacter(i, ' in a number');
        this.fail(-121, quoteBytes(bytes, start, i + 1));
      }
    }
    return { kind: 'number', value: Number(literal), suffix, text: quoteBytes(bytes, start, suffix === '' ? numberEnd : i) };
  }
}

function digitValue(b: number): number {
  if (b >= 0x30 && b <= 0x39) return b - 0x30;
  const lower = b | 0x20;
  if (lower >= 0x61 && lower <= 0x66) return lower - 0x61 + 10;
  return -1;
}
