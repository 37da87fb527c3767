// A program's date record: read back as written, and any damage or a record of another version
// of the program reads as 0 (not known), never as another date.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import fc from 'fast-check';
import { PROGRAM_DATE_BYTES, decodeProgramDate, encodeProgramDate } from '../../src/store/program-date-record';

const dateS = fc.integer({ min: 1, max: 0xffffffff });
const hash = fc.integer({ min: 0, max: 0xffffffff });

test('round trip: the date back, for the hash it was written with', () => {
  fc.assert(fc.property(dateS, hash, (s, h) => {
    const bytes = encodeProgramDate(s, h);
    assert.is(bytes.length, PROGRAM_DATE_BYTES);
    assert.is(decodeProgramDate(bytes, h), s);
  }));
});

test('any one bit flipped, the record cut short or grown, or another hash: 0', () => {
  fc.assert(fc.property(dateS, hash, fc.integer({ min: 0, max: PROGRAM_DATE_BYTES * 8 - 1 }), (s, h, bit) => {
    const bytes = encodeProgramDate(s, h);
    const flipped = bytes.slice();
    flipped[bit >> 3] ^= 1 << (bit & 7);
    assert.is(decodeProgramDate(flipped, h), 0);
    assert.is(decodeProgramDate(bytes.subarray(0, PROGRAM_DATE_BYTES - 1), h), 0);
    const longer = new Uint8Array(PROGRAM_DATE_BYTES + 1);
    longer.set(bytes);
    assert.is(decodeProgramDate(longer, h), 0);
    assert.is(decodeProgramDate(bytes, (h + 1) >>> 0), 0);
  }));
});

test('only whole seconds after 1970 in 32 bits are written', () => {
  for (const bad of [0, -1, 1.5, 2 ** 32, NaN]) assert.throws(() => encodeProgramDate(bad, 0), /is not whole seconds since 1970/);
});

test.run();
