import { test } from 'uvu';
import * as assert from 'uvu/assert';
import fc from 'fast-check';
import { decodeProgram, encodeProgram } from '../../src/programs/codec';
import type { Program } from '../../src/programs/program';
import { validateProgram } from '../../src/programs/validate';
import { compileProgram } from '../../src/programs/compile';
import { crc32 } from '../../src/bytes/crc32';
import { readUtf8, utf8Length, writeUtf8 } from '../../src/bytes/utf8';
import { ByteReader, ByteWriter } from '../../src/bytes/byte-stream';
import { program, readExample, TEST_DEVICE } from '../support/helpers';
import { shapedProgram, validProgram } from '../support/arbitraries';

/** JSON with -0 told apart from 0 and key order kept: what "unchanged" means for a round trip. */
function exact(value: unknown): string {
  return JSON.stringify(value, (_key, v) => (Object.is(v, -0) ? '-0' : v));
}

function toHex(bytes: Uint8Array): string {
  return Array.from(bytes, (b) => b.toString(16).padStart(2, '0')).join('');
}

// ---- properties ----

test('round trip: any program of the right shape decodes to exactly what was encoded (10 000 cases)', () => {
  fc.assert(
    fc.property(shapedProgram, (p) => {
      const decoded = decodeProgram(encodeProgram(p));
      if (!decoded.ok) throw new Error(decoded.error);
      return exact(decoded.program) === exact(p);
    }),
    { numRuns: 10_000, seed: 20261121 },
  );
});

test('round trip: valid programs stay valid and compile identically; re-encoding gives the same bytes', () => {
  fc.assert(
    fc.property(validProgram, (input) => {
      const first = validateProgram(input, TEST_DEVICE);
      if (!first.ok) throw new Error(`generator made an invalid program: ${JSON.stringify(first.errors)}`);
      const bytes = encodeProgram(first.program);
      const decoded = decodeProgram(bytes);
      if (!decoded.ok) throw new Error(decoded.error);
      const second = validateProgram(decoded.program, TEST_DEVICE);
      if (!second.ok) throw new Error(JSON.stringify(second.errors));
      assert.is(exact(second.program), exact(first.program));
      assert.is(toHex(encodeProgram(second.program)), toHex(bytes));
      const a = compileProgram(first.program, TEST_DEVICE);
      const b = compileProgram(second.program, TEST_DEVICE);
      assert.is(exact({ ...a, kind: [...a.kind], t: [...a.targetMPa], r: [...a.rateMPaPerS], d: [...a.durationS], w: [...a.bandMPa] }), exact({ ...b, kind: [...b.kind], t: [...b.targetMPa], r: [...b.rateMPaPerS], d: [...b.durationS], w: [...b.bandMPa] }));
    }),
    { numRuns: 2_000, seed: 7 },
  );
});

test('JSON text -> binary -> JSON text: an example comes back as its canonical JSON', () => {
  const example = readExample('li6ps5cl-three-layer');
  const valid = validateProgram(example, TEST_DEVICE);
  assert.ok(valid.ok);
  const decoded = decodeProgram(encodeProgram(valid.program));
  assert.ok(decoded.ok);
  if (decoded.ok) assert.is(JSON.stringify(decoded.program), JSON.stringify(valid.program));
});

test('any single flipped bit is detected, never accepted and never thrown', () => {
  fc.assert(
    fc.property(shapedProgram, fc.nat(), fc.nat(7), (p, at, bit) => {
      const bytes = encodeProgram(p);
      const damaged = bytes.slice();
      damaged[at % damaged.length] ^= 1 << bit;
      return decodeProgram(damaged).ok === false;
    }),
    { numRuns: 3_000, seed: 11 },
  );
});

test('truncated records and random bytes are rejected with a reason, never thrown', () => {
  fc.assert(
    fc.property(shapedProgram, fc.nat(), (p, cut) => {
      const bytes = encodeProgram(p);
      const result = decodeProgram(bytes.subarray(0, cut % bytes.length));
      return result.ok === false && result.error.length > 0;
    }),
    { numRuns: 1_000, seed: 12 },
  );
  fc.assert(
    fc.property(fc.uint8Array({ maxLength: 300 }), (bytes) => decodeProgram(bytes).ok === false),
    { numRuns: 3_000, seed: 13 },
  );
});

test('a record with a valid CRC but impossible contents is rejected by name', () => {
  const bytes = encodeProgram(program() as unknown as Program);
  const patched = (mutate: (b: Uint8Array) => void): string => {
    const copy = bytes.slice();
    mutate(copy);
    const body = copy.length - 4;
    new DataView(copy.buffer).setUint32(body, crc32(copy, 0, body), true);
    const result = decodeProgram(copy);
    return result.ok ? 'accepted' : result.error;
  };
  // Layout of program(): header 6, name 2+12, die 2+3, step count at 25, first step type at 26.
  assert.is(patched((b) => (b[26] = 9)), 'byte 26: 9 is not a step type code');
  assert.is(patched((b) => (b[27] = 0xff)), 'byte 27: field mask 0xff names fields a ramp step does not have');
  assert.is(patched((b) => (b[2] = 2)), 'byte 2: encoding version 2 is not supported (this firmware reads version 1)');
  assert.is(patched((b) => (b[25] = 4)), 'byte 48: record ends in the middle of a field');
});

test('a slot longer than the record decodes from the length in the header', () => {
  const bytes = encodeProgram(program() as unknown as Program);
  const slot = new Uint8Array(4096).fill(0xff);
  slot.set(bytes);
  const result = decodeProgram(slot);
  assert.ok(result.ok);
  if (result.ok) assert.is(result.bytes, bytes.length);
});

test('golden encoding of a small program (the flash format is a contract)', () => {
  const bytes = encodeProgram(program() as unknown as Program);
  assert.is(
    toHex(bytes),
    '5050' + '01' + '00' + '3400' + // magic, version, flags, length 52
      '0c00' + toHex(new TextEncoder().encode('test-program')) +
      '010a' + '02e402' + // die 10 mm, rating 740
      '03' + // three steps
      '01' + '0500' + '0164' + '0114' + // ramp: to_MPa 100, rate_MPa_s 20
      '02' + '0b00' + '0105' + '0101' + '00' + // hold: 5 s, band 1, dynamic
      '03' + '0500' + '0100' + '0114' + // release: to 0 at 20
      toHex(bytes.subarray(48)),
  );
  assert.is(bytes.length, 52);
  assert.is(new DataView(bytes.buffer).getUint32(48, true), crc32(bytes, 0, 48));
});

test('the byte writer keeps every value while it grows (each width across a reallocation)', () => {
  const out = new ByteWriter(1);
  const values: number[] = [];
  for (let i = 0; i < 600; i++) {
    values.push(i);
    out.u8(i & 0xff);
    out.u16(i * 7);
    out.u32(i * 100_003);
    out.f32(i / 4);
    out.f64(i / 3);
  }
  const bytes = out.toBytes();
  assert.is(bytes.length, 600 * 19);
  const input = new ByteReader(bytes, 0, bytes.length);
  for (const i of values) {
    assert.is(input.u8(), i & 0xff);
    assert.is(input.u16(), i * 7);
    assert.is(input.u32(), i * 100_003);
    assert.is(input.f32(), i / 4);
    assert.is(input.f64(), i / 3);
  }
});

test('CRC-32 check value and UTF-8 against the platform encoder', () => {
  assert.is(crc32(new TextEncoder().encode('123456789')), 0xcbf43926);
  fc.assert(
    fc.property(fc.string({ unit: 'binary', maxLength: 64 }), (text) => {
      const expected = new TextEncoder().encode(text);
      const out = new Uint8Array(utf8Length(text));
      writeUtf8(text, out, 0);
      return toHex(out) === toHex(expected) && readUtf8(out, 0, out.length) === text;
    }),
    { numRuns: 2_000, seed: 14 },
  );
  // Overlong, surrogate and out-of-range forms are not UTF-8.
  for (const bad of [[0xc0, 0x80], [0xed, 0xa0, 0x80], [0xf4, 0x90, 0x80, 0x80], [0x80], [0xe2, 0x82]]) {
    assert.is(readUtf8(new Uint8Array(bad), 0, bad.length), null, toHex(new Uint8Array(bad)));
  }
});

test.run();
