/**
 * Character checks the firmware makes on text, written out instead of as regular expressions.
 *
 * Why not RegExp: in XS as shipped with Moddable SDK 8.2.3, fxAllocateRegExpData (xs/sources/xsre.c)
 * takes a chunk for the match data of a regular expression held in ROM and then overwrites the
 * pointer with c_malloc's, so the data lives in the C heap while the garbage collector marks and
 * moves it as a chunk. A collection during RegExp exec or test (they allocate the result) then
 * corrupts the C heap and crashes (seen as SIGSEGV in fx_RegExp_prototype_exec on Moddable's
 * runtime), and every match leaks its data. Preloaded modules' literals are all in ROM, so the
 * firmware uses none: tests/architecture/no-regexp.test.ts keeps it that way.
 */

function isUpper(code: number): boolean {
  return code >= 0x41 && code <= 0x5a;
}

function isLower(code: number): boolean {
  return code >= 0x61 && code <= 0x7a;
}

function isAsciiLetter(code: number): boolean {
  return isUpper(code) || isLower(code);
}

function isAsciiDigit(code: number): boolean {
  return code >= 0x30 && code <= 0x39;
}

/** A letter, digit or underscore (ASCII). */
export function isWordChar(code: number): boolean {
  return isAsciiLetter(code) || isAsciiDigit(code) || code === 0x5f;
}

/** `count` hexadecimal digits, nothing else. */
export function isHexDigits(text: string, count: number): boolean {
  if (text.length !== count) return false;
  for (let i = 0; i < count; i++) {
    const code = text.charCodeAt(i);
    if (!(isAsciiDigit(code) || (code >= 0x41 && code <= 0x46) || (code >= 0x61 && code <= 0x66))) return false;
  }
  return true;
}

/** 1–`maxLength` ASCII letters, digits, ".", "_" and "-": a program's name. */
export function isProgramName(text: string, maxLength: number): boolean {
  if (text.length < 1 || text.length > maxLength) return false;
  for (let i = 0; i < text.length; i++) {
    const code = text.charCodeAt(i);
    if (!(isAsciiLetter(code) || isAsciiDigit(code) || code === 0x2e || code === 0x5f || code === 0x2d)) return false;
  }
  return true;
}

/** A lower-case letter, then up to `maxLength` − 1 of a-z, 0-9, "_" and ".": a setting's name. */
export function isSettingName(text: string, maxLength: number): boolean {
  if (text.length < 1 || text.length > maxLength) return false;
  for (let i = 0; i < text.length; i++) {
    const code = text.charCodeAt(i);
    const lower = isLower(code);
    if (i === 0 ? !lower : !(lower || isAsciiDigit(code) || code === 0x5f || code === 0x2e)) return false;
  }
  return true;
}

/** "*" and 1–`maxLetters` upper-case letters: a common command header (*IDN). */
export function isCommonHeader(text: string, maxLetters: number): boolean {
  if (text.length < 2 || text.length > maxLetters + 1 || text.charCodeAt(0) !== 0x2a) return false;
  for (let i = 1; i < text.length; i++) {
    if (!isUpper(text.charCodeAt(i))) return false;
  }
  return true;
}

/**
 * The length of the short form of a mnemonic written as the SCPI manual writes it: an upper-case
 * letter, then upper-case letters, digits and "_", then optionally a lower-case letter and
 * lower-case letters, digits and "_". 0 when the text is not such a mnemonic.
 */
export function mnemonicShortLength(text: string): number {
  if (text.length === 0 || !isUpper(text.charCodeAt(0))) return 0;
  let i = 1;
  while (i < text.length) {
    const code = text.charCodeAt(i);
    if (!(isUpper(code) || isAsciiDigit(code) || code === 0x5f)) break;
    i++;
  }
  const shortChars = i;
  if (i < text.length && !isLower(text.charCodeAt(i))) return 0;
  for (; i < text.length; i++) {
    const code = text.charCodeAt(i);
    if (!(isLower(code) || isAsciiDigit(code) || code === 0x5f)) return 0;
  }
  return shortChars;
}

/** Printable ASCII without the space (0x21–0x7E) only; the empty text passes. */
export function isPrintableAscii(text: string): boolean {
  for (let i = 0; i < text.length; i++) {
    const code = text.charCodeAt(i);
    if (code < 0x21 || code > 0x7e) return false;
  }
  return true;
}

function isControl(code: number): boolean {
  return code <= 0x1f || code === 0x7f;
}

/** True when the text holds a C0 control character or DEL. */
export function hasControlChar(text: string): boolean {
  for (let i = 0; i < text.length; i++) if (isControl(text.charCodeAt(i))) return true;
  return false;
}

/** True when the text holds one of `chars` or a control character. */
export function hasCharOrControl(text: string, chars: string): boolean {
  for (let i = 0; i < text.length; i++) {
    const code = text.charCodeAt(i);
    if (isControl(code) || chars.indexOf(text[i]) >= 0) return true;
  }
  return false;
}

/** Every control character replaced by a space. */
export function controlCharsToSpaces(text: string): string {
  let out = '';
  let from = 0;
  for (let i = 0; i < text.length; i++) {
    if (!isControl(text.charCodeAt(i))) continue;
    out += text.slice(from, i) + ' ';
    from = i + 1;
  }
  return from === 0 ? text : out + text.slice(from);
}

/** Every `"` doubled, as inside an SCPI string. */
export function doubleQuotes(text: string): string {
  return text.split('"').join('""');
}

/** "-0", "-0." or "-0.000…": a number that printed as negative zero. */
export function isNegativeZeroText(text: string): boolean {
  if (text.length < 2 || text[0] !== '-' || text[1] !== '0') return false;
  if (text.length === 2) return true;
  if (text[2] !== '.') return false;
  for (let i = 3; i < text.length; i++) if (text[i] !== '0') return false;
  return true;
}
