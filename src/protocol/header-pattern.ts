/**
 * Command headers as the command table declares them, in the SCPI manual notation:
 * `MEASure:FORCe?`, `[SOURce:]VOLTage`, `SYSTem:ERRor[:NEXT]?`, `*IDN?`. The upper-case part
 * of a mnemonic is its short form; a header matches the short or the long form exactly, in
 * any case. Bracketed nodes may be left out.
 */
import { isCommonHeader, isWordChar, mnemonicShortLength } from '../text/chars';

export interface Mnemonic {
  /** Upper case, e.g. MEAS. */
  readonly short: string;
  /** Upper case, e.g. MEASURE. */
  readonly long: string;
}

export interface HeaderPattern {
  readonly common: boolean;
  readonly query: boolean;
  /** Every way of writing the header: each optional node in or out. */
  readonly variants: readonly (readonly Mnemonic[])[];
}

/** IEEE 488.2 §7.6.1.4 and §7.7.1.4: mnemonics and character data are at most 12 characters. */
export const MAX_MNEMONIC_CHARS = 12;

export function parseMnemonic(text: string): Mnemonic {
  const shortChars = mnemonicShortLength(text);
  if (shortChars === 0 || text.length > MAX_MNEMONIC_CHARS) {
    throw new Error(`"${text}" is not a mnemonic: capitals for the short form, then lower case, at most ${MAX_MNEMONIC_CHARS} characters`);
  }
  return { short: text.slice(0, shortChars), long: text.toUpperCase() };
}

/** `input` must already be upper case. */
export function matchesMnemonic(mnemonic: Mnemonic, input: string): boolean {
  return input === mnemonic.short || input === mnemonic.long;
}

export function parseHeaderPattern(pattern: string): HeaderPattern {
  const query = pattern.endsWith('?');
  const body = query ? pattern.slice(0, -1) : pattern;
  if (body.startsWith('*')) {
    if (!isCommonHeader(body, 11)) throw new Error(`"${pattern}" is not a common command header (*ABC or *ABC?)`);
    return { common: true, query, variants: [[{ short: body.slice(1), long: body.slice(1) }]] };
  }
  const nodes: { mnemonic: Mnemonic; optional: boolean }[] = [];
  let i = body.startsWith(':') ? 1 : 0;
  const bad = (why: string): never => {
    throw new Error(`"${pattern}": ${why} at character ${i + 1}`);
  };
  while (i < body.length) {
    const optional = body[i] === '[';
    if (optional) {
      i++;
      if (body[i] === ':') {
        if (nodes.length === 0) bad('an optional first node is written [NODE:]');
        if (body[i - 2] === ':') bad('two colons in a row');
        i++;
      }
    }
    const start = i;
    while (i < body.length && isWordChar(body.charCodeAt(i))) i++;
    if (i === start) bad('expected a mnemonic');
    nodes.push({ mnemonic: parseMnemonic(body.slice(start, i)), optional });
    if (optional) {
      const colonInside = body[i] === ':';
      if (colonInside) i++;
      if (body[i] !== ']') bad('expected "]"');
      i++;
      if (!colonInside && body[i] === ':') {
        i++;
        if (i === body.length) bad('header ends with ":"');
      }
      continue;
    }
    if (i === body.length) break;
    if (body[i] === ':') {
      i++;
      if (i === body.length) bad('header ends with ":"');
    } else if (body[i] !== '[') {
      bad(`unexpected "${body[i]}"`);
    }
  }
  if (nodes.length === 0) bad('empty header');
  const optionalCount = nodes.filter((node) => node.optional).length;
  if (optionalCount > 4) throw new Error(`"${pattern}": more than 4 optional nodes`);
  const variants: Mnemonic[][] = [];
  for (let mask = 0; mask < 1 << optionalCount; mask++) {
    const variant: Mnemonic[] = [];
    let bit = 0;
    for (const node of nodes) {
      if (!node.optional || (mask & (1 << bit++)) !== 0) variant.push(node.mnemonic);
    }
    if (variant.length > 0) variants.push(variant);
  }
  return { common: false, query, variants };
}
