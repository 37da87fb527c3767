// The run log's header and step summaries as pressctl and the web console show them.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { formatRunHeader, formatRunStepTable } from '../../host-sim/output/run-log-table';
import { splitResponse } from '../../host-sim/cli/scpi-wire';

test('a header of this firmware: start, calibration reference and worst error named', () => {
  const fields = splitResponse('4,"cell-3","5e0c11a2",10.000,78.540,1790000000,-1234.5,1.25E-05,"0.1.0","DAkkS D-K-15107, cert. 4711",0.120,1796644800');
  assert.is(formatRunHeader(fields), 'run 4: cell-3 (5e0c11a2), started 2026-12-07 12:00 UTC, die 10.000 mm, calibration of 2026-09-21 against DAkkS D-K-15107, cert. 4711, worst error 0.120 % (tare -1234.5, 1.25E-05 kN per count), firmware 0.1.0');
});

test('no clock, no stated worst error, the default calibration, and a header of earlier firmware', () => {
  assert.is(formatRunHeader(splitResponse('5,"p","00000001",10.000,78.540,1790000000,0,1E-05,"0.1.0","ref",9.91E+37,0')), 'run 5: p (00000001), die 10.000 mm, calibration of 2026-09-21 against ref (tare 0, 1E-05 kN per count), firmware 0.1.0');
  assert.is(formatRunHeader(splitResponse('6,"p","00000001",10.000,78.540,0,0,1E-05,"0.1.0","",9.91E+37,0')), 'run 6: p (00000001), die 10.000 mm, calibration default (tare 0, 1E-05 kN per count), firmware 0.1.0');
  assert.is(formatRunHeader(splitResponse('7,"p","00000001",10.000,78.540,0,0,1E-05,"0.0.9"')), 'run 7: p (00000001), die 10.000 mm, calibration default (tare 0, 1E-05 kN per count), firmware 0.0.9');
});

test('step summaries as a table, "-" for empty figures; an unknown header is refused', () => {
  const csv = 'step,label,kind,target_MPa,reached_MPa,peak_MPa,hold_error_p99_MPa,start_s,duration_s,in_band_percent,tolerance\n1,"ramp",ramp,60.000,60.010,60.020,,0.00,3.10,,\n';
  const table = formatRunStepTable(csv).split('\n');
  assert.match(table[0], /^step\s+label\s+type\s+target MPa/);
  assert.match(table[table.length - 1], /^\s*1\s+ramp\s+ramp\s+60\.000\s+60\.010\s+60\.020\s+-\s+-\s+-\s+0\.00\s+3\.10$/);
  assert.throws(() => formatRunStepTable('step,label\n1,"x"\n'), /no column kind/);
});

test.run();
