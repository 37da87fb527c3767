/**
 * Parameter types a command declares. Each turns the lexer's ParamData into the value the
 * handler receives, or throws the SCPI error for the mismatch: -104 wrong data type,
 * -138 unit suffix, -141 unknown character data, -150/-151 string errors, -222 out of range,
 * -223 block too large.
 */
import { codePointLength } from '../bytes/utf8';
import { ScpiError } from './errors';
import type { ParamData } from './message-reader';
import { matchesMnemonic, parseMnemonic } from './header-pattern';

export interface ParamSpec<T> {
  /** How the parameter is written in the command list, e.g. `<numeric>`, `ON|OFF`. */
  readonly syntax: string;
  /** Absent parameters of optional specs give `defaultValue`. */
  readonly optional: boolean;
  readonly defaultValue: T | undefined;
  coerce(data: ParamData): T;
}

const KIND_NAMES: Record<ParamData['kind'], string> = Object.freeze({
  number: 'numeric data',
  string: 'string data',
  block: 'block data',
  chars: 'character data',
});

function dataTypeError(data: ParamData, expected: string): never {
  throw new ScpiError(-104, `expected ${expected}, got ${KIND_NAMES[data.kind]} ${data.text}`);
}

function spec<T>(syntax: string, coerce: (data: ParamData) => T): ParamSpec<T> {
  return { syntax, optional: false, defaultValue: undefined, coerce };
}

export interface NumericOptions {
  min?: number;
  max?: number;
  /** Value of DEFault; also what an absent optional parameter gives when wrapped in optional(). */
  default?: number;
  /** Round to the nearest integer (half away from zero), as 488.2 does for integer settings. */
  integer?: boolean;
}

function roundHalfAway(value: number): number {
  return Math.sign(value) * Math.round(Math.abs(value));
}

/**
 * A decimal number (also #H/#Q/#B). MINimum, MAXimum and DEFault are accepted when the
 * bound or default is declared. Unit suffixes are not accepted (-138).
 */
export function numeric(options: NumericOptions = {}): ParamSpec<number> {
  const { min, max, integer = false } = options;
  const keywords: [string, number][] = [];
  if (min !== undefined) keywords.push(['MINimum', min]);
  if (max !== undefined) keywords.push(['MAXimum', max]);
  if (options.default !== undefined) keywords.push(['DEFault', options.default]);
  const syntax = `<numeric>${keywords.map(([k]) => `|${k}`).join('')}`;
  return spec(syntax, (data) => {
    if (data.kind === 'chars') {
      if (keywords.length === 0) dataTypeError(data, 'a number');
      for (const [pattern, value] of keywords) {
        if (matchesMnemonic(parseMnemonic(pattern), data.value)) return value;
      }
      throw new ScpiError(-141, `${data.text} (expected ${syntax})`);
    }
    if (data.kind !== 'number') dataTypeError(data, 'a number');
    if (data.suffix !== '') throw new ScpiError(-138, data.text);
    const value = integer ? roundHalfAway(data.value) : data.value;
    if (!Number.isFinite(value)) throw new ScpiError(-222, `${data.text} is not finite`);
    if (min !== undefined && value < min) throw new ScpiError(-222, `${data.text} is below the minimum ${min}`);
    if (max !== undefined && value > max) throw new ScpiError(-222, `${data.text} is above the maximum ${max}`);
    return value;
  });
}

export function integer(options: Omit<NumericOptions, 'integer'> = {}): ParamSpec<number> {
  return numeric({ ...options, integer: true });
}

/** ON|OFF or a number (non-zero after rounding is ON). */
export function boolean(): ParamSpec<boolean> {
  return spec('ON|OFF|<numeric>', (data) => {
    if (data.kind === 'number') {
      if (data.suffix !== '') throw new ScpiError(-138, data.text);
      return roundHalfAway(data.value) !== 0;
    }
    if (data.kind === 'chars') {
      if (data.value === 'ON') return true;
      if (data.value === 'OFF') return false;
      throw new ScpiError(-141, `${data.text} (expected ON or OFF)`);
    }
    dataTypeError(data, 'ON, OFF or a number');
  });
}

export interface StringOptions {
  /** In Unicode code points. */
  maxChars?: number;
  /** The value must pass; `describe` says what is allowed, for the error message. */
  accepts?: (text: string) => boolean;
  describe?: string;
}

/** A quoted string ("…" or '…'). */
export function string(options: StringOptions = {}): ParamSpec<string> {
  const { maxChars, accepts, describe } = options;
  return spec('<string>', (data) => {
    if (data.kind !== 'string') dataTypeError(data, 'a quoted string');
    if (maxChars !== undefined && codePointLength(data.value) > maxChars) throw new ScpiError(-150, `${data.text} is longer than ${maxChars} characters`);
    if (accepts !== undefined && !accepts(data.value)) throw new ScpiError(-151, describe === undefined ? data.text : `${data.text}: ${describe}`);
    return data.value;
  });
}

/** A definite-length block #<n><length><bytes>; the handler gets its own copy of the bytes. */
export function block(options: { maxBytes?: number } = {}): ParamSpec<Uint8Array> {
  const { maxBytes } = options;
  return spec('<block>', (data) => {
    if (data.kind !== 'block') dataTypeError(data, 'a block #<n><length><bytes>');
    if (maxBytes !== undefined && data.bytes.length > maxBytes) throw new ScpiError(-223, `block of ${data.bytes.length} bytes, limit ${maxBytes}`);
    return data.bytes;
  });
}

/**
 * Character data from a fixed list, each written as a pattern (`IMMediate`: IMM or
 * IMMEDIATE, any case). The handler gets the pattern as declared.
 */
export function choice<const T extends string>(patterns: readonly T[]): ParamSpec<T> {
  const parsed = patterns.map((pattern) => ({ pattern, mnemonic: parseMnemonic(pattern) }));
  const syntax = patterns.join('|');
  return spec(syntax, (data) => {
    if (data.kind !== 'chars') dataTypeError(data, syntax);
    for (const { pattern, mnemonic } of parsed) {
      if (matchesMnemonic(mnemonic, data.value)) return pattern;
    }
    throw new ScpiError(-141, `${data.text} (expected ${syntax})`);
  });
}

/** Makes a parameter optional; an absent one gives `defaultValue` (undefined when not given). */
export function optional<T>(param: ParamSpec<T>): ParamSpec<T | undefined>;
export function optional<T>(param: ParamSpec<T>, defaultValue: T): ParamSpec<T>;
export function optional<T>(param: ParamSpec<T>, defaultValue?: T): ParamSpec<T | undefined> {
  return { syntax: `[${param.syntax}]`, optional: true, defaultValue, coerce: param.coerce };
}
