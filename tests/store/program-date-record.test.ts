// A program's date record: read back as written, and any damage or a record of another version
// of the program reads as 0 (not known), never as another date.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import fc from 'fast-check';
import { PROGRAM_DATE_BYTES, decodeProgramDate, encodeProgramDate } from '../../src/store/program-date-record';
import { ObjectKind, describeMount } from '../../src/store/press-store';
import type { StoreMountReport } from '../../src/store/press-store';

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

test('a mount that lost program dates says so, apart from lost programs', () => {
  const lost = (kind: number, key: string) => ({ kind, key, deletion: false, olderInForce: false });
  const report: StoreMountReport = {
    objects: { keys: 3, blocksErased: 0, copiesRepaired: 0, versionsDamaged: 3, blocksDamaged: 0, lost: [lost(ObjectKind.programDate, 'a'), lost(ObjectKind.programDate, 'b'), lost(ObjectKind.program, 'c')] },
    logBlocksDamaged: 0, programsLost: ['c'], calibration: 'none', settingsLost: false, damaged: true, summary: '',
  };
  assert.is(describeMount(report), '1 program lost (c), 2 program dates lost (not known now)');
  report.objects.lost = [lost(ObjectKind.programDate, 'a')];
  assert.is(describeMount(report), '1 program date lost (not known now)');
});

test.run();
