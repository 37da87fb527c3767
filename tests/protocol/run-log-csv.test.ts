import { test } from 'uvu';
import * as assert from 'uvu/assert';
import type { RunLog, SampleSegment } from '../../src/store/run-journal';
import { RunOutcome } from '../../src/store/run-journal';
import { quotedCsv, runLogCsv, runLogDamage } from '../../src/protocol/run-log-csv';

function log(segments: SampleSegment[], damaged: string[] = []): RunLog {
  return { run: { runId: 3, bootCount: 1, programName: 'p', programHash: 1, startMs: 1000, outcome: RunOutcome.completed, faultCode: 0, endMs: 0, peakMPa: 5 }, startFound: true, steps: [], segments, header: null, damaged };
}

const FIRST_FORM: SampleSegment = { startMs: 1000, intervalMs: 100, step: 0, state: 1, peakMPa: 2, pressuresMPa: new Float64Array([1, 2]), setpointsMPa: null, targetMPa: NaN, kNPerMPa: NaN };

test('samples of the first form come out with force, setpoint and target empty', () => {
  assert.is(runLogCsv(log([FIRST_FORM]), 0, 10, [], 16384), 't_s,step,label,state,pressure_MPa,force_kN,setpoint_MPa,target_MPa\n0.000,1,"",RUNNING,1.000,,,\n0.100,1,"",RUNNING,2.000,,,\n');
});

test('a label is quoted CSV-safe: its quotes doubled, commas kept inside', () => {
  assert.is(quotedCsv('stack "A", 25 MPa'), '"stack ""A"", 25 MPa"');
  const segment: SampleSegment = { ...FIRST_FORM, setpointsMPa: new Float64Array([1.5, 2.5]), targetMPa: 25, kNPerMPa: 0.1 };
  assert.is(runLogCsv(log([segment]), 1, 10, ['say "hi", then'], 16384)
    , '0.100,1,"say ""hi"", then",RUNNING,2.000,0.200,2.500,25.000\n');
});

test('damage: the reader\'s list, and a state no run has, are reported', () => {
  assert.equal(runLogDamage(log([FIRST_FORM])), []);
  assert.equal(runLogDamage(log([{ ...FIRST_FORM, state: 9 }], ['RUN_HEADER record (block 0 at 8): no firmware version'])), ['RUN_HEADER record (block 0 at 8): no firmware version', 'SAMPLES record: state 9 is no run state']);
});

test('a page stops short of the byte budget (long labels), never at no row, and the next page goes on from there', () => {
  const segment: SampleSegment = { ...FIRST_FORM, pressuresMPa: new Float64Array(50).fill(3) };
  const labels = ['é'.repeat(200)];
  const first = runLogCsv(log([segment]), 0, 400, labels, 2000);
  const rows = first.trimEnd().split('\n').length - 1;
  assert.ok(new TextEncoder().encode(first).length <= 2000);
  assert.is(rows, 4);
  assert.is(runLogCsv(log([segment]), rows, 400, labels, 10).split('\n').filter((l) => l !== '').length, 1, 'one row over the budget still goes');
  assert.ok(runLogCsv(log([segment]), rows, 400, labels, 2000).startsWith('0.400,'));
});

test.run();
