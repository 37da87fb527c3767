import { test } from 'uvu';
import * as assert from 'uvu/assert';
import fc from 'fast-check';
import { formatJsonError, MAX_JSON_DEPTH, parseJson } from '../../src/json/parse-json';

const exact = (value: unknown) => JSON.stringify(value, (_key, v) => (Object.is(v, -0) ? '-0' : v));

function error(text: string): string {
  const result = parseJson(text);
  return result.ok ? 'parsed' : formatJsonError(result);
}

test('agrees with JSON.parse on every JSON document (property, 5 000 cases)', () => {
  fc.assert(
    fc.property(fc.json({ maxDepth: 6 }), (text) => {
      const result = parseJson(text);
      return result.ok && exact(result.value) === exact(JSON.parse(text));
    }),
    { numRuns: 5_000, seed: 3 },
  );
  assert.is(exact((parseJson('-0') as { value: unknown }).value), '"-0"');
  assert.is((parseJson('1e400') as { value: unknown }).value, Infinity);
});

test('rejects what JSON.parse rejects, with a position (property over damaged documents)', () => {
  const damaged = fc.tuple(fc.json({ maxDepth: 4 }), fc.nat(), fc.constantFrom('', ',', '}', ']', '"', ':', 'x', '01', '\u0001', '\\', '[', '{')).map(([text, at, insert]) => {
    const i = at % (text.length + 1);
    return text.slice(0, i) + insert + text.slice(i + (insert === '' ? 1 : 0));
  });
  fc.assert(
    fc.property(damaged, (text) => {
      let reference: unknown;
      try {
        reference = JSON.parse(text);
      } catch {
        const result = parseJson(text);
        return !result.ok && result.line >= 1 && result.column >= 1;
      }
      const result = parseJson(text);
      // The one deliberate difference: duplicate keys.
      if (!result.ok) return result.message.startsWith('duplicate key');
      return exact(result.value) === exact(reference);
    }),
    { numRuns: 5_000, seed: 4 },
  );
});

test('names line and column of the first error', () => {
  assert.is(error('{\n  "a": 1,\n  "b": }'), 'line 3, column 8: unexpected "}", expected a value (object, array, string, number, true, false or null)');
  assert.is(error('{"a": 1 "b": 2}'), 'line 1, column 9: unexpected "\\"", expected "," or "}"');
  assert.is(error('[1, 2'), 'line 1, column 6: unexpected end of input, expected "," or "]"');
  assert.is(error('{"a": 01}'), 'line 1, column 7: a number may not have a leading zero');
  assert.is(error('{"a": "x\ny"}'), 'line 1, column 9: control character U+000A inside a string (write it as an escape such as \\n)');
  assert.is(error('{"a": "\\q"}'), 'line 1, column 8: invalid escape "\\\\q"');
  assert.is(error('{"a": 1} x'), 'line 1, column 10: unexpected "x", expected end of input after the JSON value');
  assert.is(error(''), 'line 1, column 1: unexpected end of input, expected a value (object, array, string, number, true, false or null)');
  assert.is(error('{"a": "open'), 'line 1, column 12: unterminated string');
});

test('a duplicate key is an error at the second occurrence, not a silent overwrite', () => {
  assert.is(error('{\n  "to_MPa": 300,\n  "to_MPa": 800\n}'), 'line 3, column 3: duplicate key "to_MPa"');
  assert.is(error('{"steps": [{"a": 1}, {"a": 2}]}'), 'parsed');
});

test('nesting is bounded; __proto__ stays an ordinary key; a byte-order mark is skipped', () => {
  assert.is(error('['.repeat(MAX_JSON_DEPTH) + ']'.repeat(MAX_JSON_DEPTH)), 'parsed');
  assert.is(error('['.repeat(MAX_JSON_DEPTH + 1) + ']'.repeat(MAX_JSON_DEPTH + 1)), `line 1, column ${MAX_JSON_DEPTH + 1}: nested deeper than ${MAX_JSON_DEPTH} levels`);
  assert.is(error('['.repeat(100_000)), `line 1, column ${MAX_JSON_DEPTH + 1}: nested deeper than ${MAX_JSON_DEPTH} levels`);
  const result = parseJson('{"__proto__": {"polluted": true}}');
  assert.ok(result.ok);
  const value = (result as { value: Record<string, unknown> }).value;
  assert.equal(Object.keys(value), ['__proto__']);
  assert.is(Object.getPrototypeOf(value), Object.prototype);
  assert.is((value as { polluted?: boolean }).polluted, undefined);
  assert.equal((parseJson('\ufeff{"a": 1}') as { value: unknown }).value, { a: 1 });
});

test('a trailing comma is named as such, at the comma, with where the bracket it precedes is', () => {
  assert.is(error('{\n  "a": 1,\n}'), 'line 2, column 9: trailing comma before } at line 3, column 1');
  assert.is(error('[1, 2,]'), 'line 1, column 6: trailing comma before ] at line 1, column 7');
  assert.is(error('{"steps": [\n  {"type": "wait", "duration_s": 5},\n  ]\n}'), 'line 2, column 36: trailing comma before ] at line 3, column 3');
  // A comma with nothing before it is not a trailing one.
  assert.is(error('[,]'), 'line 1, column 2: unexpected ",", expected a value (object, array, string, number, true, false or null)');
});

/** JSON text of a value with a trailing comma added to its `target`-th non-empty array or object (pre-order). */
function withTrailingComma(value: unknown, target: number): { text: string; close: string } | undefined {
  let seen = 0;
  let close: string | undefined;
  const write = (v: unknown): string => {
    if (v === null || typeof v !== 'object') return JSON.stringify(v);
    const isArray = Array.isArray(v);
    const entries = isArray ? (v as unknown[]).map(write) : Object.entries(v as Record<string, unknown>).map(([k, x]) => `${JSON.stringify(k)}: ${write(x)}`);
    let comma = '';
    if (entries.length > 0 && seen++ === target) {
      comma = ', ';
      close = isArray ? ']' : '}';
    }
    return `${isArray ? '[' : '{'}${entries.join(', ')}${comma}${isArray ? ']' : '}'}`;
  };
  const text = write(value);
  return close === undefined ? undefined : { text, close };
}

test('any non-empty array or object with a trailing comma gets the trailing-comma message (property)', () => {
  const damaged = fc.tuple(fc.jsonValue({ maxDepth: 4 }), fc.nat({ max: 20 })).map(([value, target]) => withTrailingComma(value, target)).filter((x) => x !== undefined);
  fc.assert(
    fc.property(damaged, (damage) => {
      const result = parseJson(damage!.text);
      return !result.ok && result.message.startsWith(`trailing comma before ${damage!.close} at line 1, column `) && damage!.text[result.column - 1] === ',';
    }),
    { numRuns: 2_000, seed: 5 },
  );
});

test.run();
