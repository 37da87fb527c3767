/**
 * Response data a query handler returns, and its encoding (IEEE 488.2 §8.7): numbers as
 * NR1/NR2/NR3, strings quoted with doubled quotes, byte arrays as definite-length blocks,
 * character data as is, several values separated by commas.
 */
import { unpairedSurrogateIndex, utf8Length, writeUtf8 } from '../bytes/utf8';
import { controlCharsToSpaces, doubleQuotes, isNegativeZeroText } from '../text/chars';

/** Unquoted response text: character data (`RUNNING`), arbitrary ASCII (*IDN?), preformatted numbers. */
export class CharacterResponse {
  constructor(readonly text: string) {}
}

export type ResponseValue = number | boolean | string | Uint8Array | CharacterResponse;
export type ResponseData = ResponseValue | readonly ResponseValue[];

export function chars(text: string): CharacterResponse {
  return new CharacterResponse(text);
}

/**
 * A number with a fixed count of decimals (NR2), e.g. fixed(12.3456, 3) → 12.346: always
 * `-?<digits>.<decimals digits>` (no point when decimals is 0), never an exponent, never `-0`.
 * Not-a-number is `9.91E+37` and a magnitude of 9.9E37 or more `9.9E+37` / `-9.9E+37`, SCPI's
 * not-a-number and infinity (SCPI-1999 Vol. 1 §7.2.1.5): a reading that large (an absurd
 * calibration) is an overload, not a number to print in 40 digits.
 */
export function fixed(value: number, decimals: number): CharacterResponse {
  if (!(Number.isInteger(decimals) && decimals >= 0 && decimals <= MAX_FIXED_DECIMALS)) throw new RangeError(`fixed(): ${decimals} decimals`);
  if (Number.isNaN(value)) return new CharacterResponse(NAN_TEXT);
  if (!(Math.abs(value) < OVERLOAD_MAGNITUDE)) return new CharacterResponse(value < 0 ? `-${INFINITY_TEXT}` : INFINITY_TEXT);
  return new CharacterResponse(fixedText(value, decimals));
}

/** Decimals fixed() takes at most. */
export const MAX_FIXED_DECIMALS = 20;
/** Magnitudes from here on are answered as SCPI's infinity (9.9E37). */
export const OVERLOAD_MAGNITUDE = 9.9e37;

function fixedText(value: number, decimals: number): string {
  // toFixed switches to an exponent from 1e21 on; such numbers are integers, written out in full.
  const text = Math.abs(value) < 1e21 ? value.toFixed(decimals) : `${integerDigits(value)}${decimals > 0 ? `.${'0'.repeat(decimals)}` : ''}`;
  // -0.000 would read as a negative zero.
  return isNegativeZeroText(text) ? text.slice(1) : text;
}

/** The digits of an integer-valued number of 1e21 or more in magnitude, from its shortest form (`1.5e+21`). */
function integerDigits(value: number): string {
  const text = String(value);
  const e = text.indexOf('e');
  const sign = text[0] === '-' ? '-' : '';
  const mantissa = text.slice(sign.length, e).replace('.', '');
  const exponent = Number(text.slice(e + 1));
  return `${sign}${mantissa}${'0'.repeat(exponent + 1 - mantissa.length)}`;
}

/** SCPI's representations of infinity and not-a-number (SCPI-1999 Vol. 1 §7.2.1.5). */
const NAN_TEXT = '9.91E+37';
const INFINITY_TEXT = '9.9E+37';

/** NR1 for integers, NR2 for other numbers, NR3 (with E) where JavaScript would use an exponent. */
export function formatNumber(value: number): string {
  if (Number.isNaN(value)) return NAN_TEXT;
  if (value === Infinity) return INFINITY_TEXT;
  if (value === -Infinity) return `-${INFINITY_TEXT}`;
  if (value === 0) return '0';
  const text = String(value);
  const e = text.indexOf('e');
  if (e < 0) return text;
  const mantissa = text.slice(0, e);
  return `${mantissa.includes('.') ? mantissa : `${mantissa}.0`}E${text.slice(e + 1)}`;
}

function wellFormed(text: string): string {
  if (unpairedSurrogateIndex(text) < 0) return text;
  let out = '';
  for (let i = 0; i < text.length; i++) {
    const unit = text.charCodeAt(i);
    if (unit >= 0xd800 && unit <= 0xdbff) {
      const next = text.charCodeAt(i + 1);
      if (next >= 0xdc00 && next <= 0xdfff) {
        out += text[i] + text[i + 1];
        i++;
      } else out += '\ufffd';
    } else if (unit >= 0xdc00 && unit <= 0xdfff) out += '\ufffd';
    else out += text[i];
  }
  return out;
}

/** Character responses may not contain control characters (a newline would end the response). */
function characterText(text: string): string {
  return wellFormed(controlCharsToSpaces(text));
}

function quoteCount(text: string): number {
  let count = 0;
  for (let i = 0; i < text.length; i++) if (text.charCodeAt(i) === 0x22) count++;
  return count;
}

function blockHeaderLength(length: number): number {
  return 2 + String(length).length;
}

/** A value turned into text or bytes, with its encoded size, before anything is copied. */
type Prepared = { text: string; quoted: boolean; size: number } | { bytes: Uint8Array; size: number };

function prepare(value: ResponseValue): Prepared {
  if (typeof value === 'number') {
    const text = formatNumber(value);
    return { text, quoted: false, size: text.length };
  }
  if (typeof value === 'boolean') return { text: value ? '1' : '0', quoted: false, size: 1 };
  if (typeof value === 'string') {
    const text = wellFormed(value);
    return { text, quoted: true, size: 2 + utf8Length(text) + quoteCount(text) };
  }
  if (value instanceof Uint8Array) return { bytes: value, size: blockHeaderLength(value.length) + value.length };
  if (!(value instanceof CharacterResponse)) throw new TypeError(`a response may not be ${typeof value}`);
  const text = characterText(value.text);
  return { text, quoted: false, size: utf8Length(text) };
}

/**
 * Encodes one response message unit. Returns the bytes, or the size it would have had when
 * that exceeds `limit` (nothing is copied then).
 */
export function encodeResponse(data: ResponseData, prefix: number, limit: number): Uint8Array | number {
  const values: readonly ResponseValue[] = Array.isArray(data) ? data : [data as ResponseValue];
  const prepared: Prepared[] = [];
  let size = prefix === 0 ? 0 : 1;
  for (let k = 0; k < values.length; k++) {
    const item = prepare(values[k]);
    prepared.push(item);
    size += item.size + (k > 0 ? 1 : 0);
  }
  if (size > limit) return size;
  const out = new Uint8Array(size);
  let o = 0;
  if (prefix !== 0) out[o++] = prefix;
  for (let k = 0; k < prepared.length; k++) {
    if (k > 0) out[o++] = 0x2c;
    const item = prepared[k];
    if ('bytes' in item) {
      const header = `#${String(item.bytes.length).length}${item.bytes.length}`;
      o = writeUtf8(header, out, o);
      out.set(item.bytes, o);
      o += item.bytes.length;
    } else if (item.quoted) {
      out[o++] = 0x22;
      o = writeUtf8(item.text.includes('"') ? doubleQuotes(item.text) : item.text, out, o);
      out[o++] = 0x22;
    } else {
      o = writeUtf8(item.text, out, o);
    }
  }
  return out;
}
