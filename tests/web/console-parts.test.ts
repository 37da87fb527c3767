// The console's pure parts in Node: the fault advice read from docs/faults.md, the run-log
// CSV reader, and the SCPI number reading.
import { readFileSync } from 'node:fs';
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import fc from 'fast-check';
import { FAULT_CODES, faultName } from '../../src/safety/faults';
import { faultAdviceTable } from '../../web/src/fault-advice';
import { column, csvFields, parseRunCsv } from '../../web/src/run-csv';
import { scpiNumber } from '../../web/src/press-session';

test('every fault code the firmware has is in docs/faults.md with its name and operator advice', () => {
  const table = faultAdviceTable(readFileSync(new URL('../../docs/faults.md', import.meta.url), 'utf8'));
  const codes = FAULT_CODES.filter((code) => code > 0);
  assert.ok(codes.length > 20, `codes ${codes.length}`);
  for (const code of codes) {
    const entry = table.get(code);
    assert.ok(entry !== undefined, `fault ${code} has no row in docs/faults.md`);
    assert.is(entry.name, faultName(code), `fault ${code}`);
    assert.ok(entry.advice.length > 25, `fault ${code}: advice ${JSON.stringify(entry.advice)}`);
  }
  assert.match(table.get(103)!.advice, /runaway/);
  // A row that refers to another carries that one's advice too.
  assert.match(table.get(202)!.advice, /^As 201\. \(201: .{20,}\)$/);
});

test('csvFields splits quoted fields with commas and doubled quotes, and joins back (property)', () => {
  const quote = (field: string) => (/[",\n]/.test(field) ? `"${field.replace(/"/g, '""')}"` : field);
  fc.assert(
    fc.property(fc.array(fc.string().filter((f) => !f.includes('\n')), { minLength: 1, maxLength: 8 }), (fields) => {
      assert.equal(csvFields(fields.map(quote).join(',')), fields);
    }),
    { numRuns: 500, seed: 20 },
  );
});

test('columns are found by their header name; a missing one is named', () => {
  const table = parseRunCsv('t_s,step,label,state,pressure_MPa\n0.000,1,"ramp, first",RUNNING,0.125\n0.100,1,"ramp, first",RUNNING,1.500\n');
  assert.equal(column(table, 'pressure_MPa'), [0.125, 1.5]);
  assert.equal(column(table, 't_s'), [0, 0.1]);
  assert.throws(() => column(table, 'force_kN'), /no force_kN column \(it has t_s, step, label, state, pressure_MPa\)/);
});

test('SCPI not-a-number and infinity read as NaN', () => {
  assert.ok(Number.isNaN(scpiNumber('9.91E+37')));
  assert.ok(Number.isNaN(scpiNumber('-9.9E+37')));
  assert.is(scpiNumber('41.20'), 41.2);
});

test.run();
