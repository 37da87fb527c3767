import { test } from 'uvu';
import * as assert from 'uvu/assert';
import fc from 'fast-check';
import {
  controlCharsToSpaces,
  doubleQuotes,
  hasCharOrControl,
  hasControlChar,
  isCommonHeader,
  isHexDigits,
  isNegativeZeroText,
  isPrintableAscii,
  isProgramName,
  isSettingName,
  isWordChar,
  mnemonicShortLength,
} from '../../src/text/chars';

// Each check against the regular expression it replaces (in Node, where RegExp is sound), on
// random text drawn mostly from the characters that matter.
const alphabet = 'aAzZMm09._-*;,"\u0000\u001f\u007f \u00e9\u4e2d';
const text = fc.oneof(fc.string({ maxLength: 40 }), fc.array(fc.constantFrom(...alphabet), { maxLength: 40 }).map((chars) => chars.join('')));
const RUNS = { numRuns: 2000 };

test('each check answers as the regular expression it replaces', () => {
  fc.assert(
    fc.property(text, (t) => {
      assert.is(isHexDigits(t, 4), /^[0-9A-Fa-f]{4}$/.test(t), `hex ${JSON.stringify(t)}`);
      assert.is(isProgramName(t, 32), /^[A-Za-z0-9._-]{1,32}$/.test(t), `name ${JSON.stringify(t)}`);
      assert.is(isSettingName(t, 32), /^[a-z][a-z0-9_.]{0,31}$/.test(t), `setting ${JSON.stringify(t)}`);
      assert.is(isCommonHeader(t, 11), /^\*[A-Z]{1,11}$/.test(t), `common ${JSON.stringify(t)}`);
      assert.is(isPrintableAscii(t), /^[\x21-\x7e]*$/.test(t), `printable ${JSON.stringify(t)}`);
      // eslint-disable-next-line no-control-regex
      assert.is(hasControlChar(t), /[\u0000-\u001f\u007f]/.test(t), `control ${JSON.stringify(t)}`);
      // eslint-disable-next-line no-control-regex
      assert.is(hasCharOrControl(t, ',;'), /[,;\u0000-\u001f\u007f]/.test(t), `idn ${JSON.stringify(t)}`);
      // eslint-disable-next-line no-control-regex
      assert.is(controlCharsToSpaces(t), t.replace(/[\u0000-\u001f\u007f]/g, ' '));
      assert.is(doubleQuotes(t), t.replace(/"/g, '""'));
      const mnemonic = /^([A-Z][A-Z0-9_]*)([a-z][a-z0-9_]*)?$/.exec(t);
      assert.is(mnemonicShortLength(t), mnemonic === null ? 0 : mnemonic[1].length, `mnemonic ${JSON.stringify(t)}`);
      if (t.length > 0) assert.is(isWordChar(t.charCodeAt(0)), /[A-Za-z0-9_]/.test(t[0]));
    }),
    RUNS,
  );
});

test('negative zero as toFixed prints it, and nothing else', () => {
  for (const decimals of [0, 1, 2, 3, 6]) assert.ok(isNegativeZeroText((-0.0000001).toFixed(decimals)), `${decimals} decimals`);
  fc.assert(
    fc.property(fc.double({ noNaN: true, min: -1e6, max: 1e6 }), fc.integer({ min: 0, max: 8 }), (value, decimals) => {
      const printed = value.toFixed(decimals);
      assert.is(isNegativeZeroText(printed), /^-0(\.0*)?$/.test(printed), printed);
    }),
    RUNS,
  );
});

test.run();
