import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { dryRun } from '../../host-sim/scenario';
import { TRACE_COLUMNS } from '../../host-sim/trace';
import { program, readExample } from '../support/helpers';
import { PLANT_PRESETS } from '../../host-sim/plants';

/** Trace rows (every tick) of one run step. */
function stepRows(result: ReturnType<typeof dryRun>, stepIndex: number) {
  const trace = result.trace!;
  const step = trace.column('step');
  const rows: Record<string, number>[] = [];
  for (let i = 0; i < trace.length; i++) {
    if (step[i] !== stepIndex) continue;
    const row: Record<string, number> = {};
    for (const name of TRACE_COLUMNS) row[name] = trace.column(name)[i];
    rows.push(row);
  }
  return rows;
}

test('wait: hands off for its duration — pump off, release closed — and the load stays', () => {
  const result = dryRun(program([
    { type: 'ramp', to_MPa: 100, rate_MPa_s: 20 },
    { type: 'wait', duration_s: 20 },
    { type: 'release', to_MPa: 0, rate_MPa_s: 20 },
  ]), { seed: 3 });
  const report = result.report!;
  assert.is(report.result, 'completed');
  const wait = report.steps[1];
  assert.is(wait.type, 'wait');
  assert.ok(Math.abs(wait.duration_s! - 20) < 0.02, String(wait.duration_s));
  const rows = stepRows(result, 1);
  assert.ok(rows.length > 1900, String(rows.length));
  // Outputs settle to rest within a few ticks of entering the step and stay there.
  for (const row of rows.slice(10)) {
    assert.is(row.pump, 0, `pump at ${row.time_s}`);
    assert.is(row.release, 0, `release at ${row.time_s}`);
  }
  // Without pumping the pressure drifts down a little (leak, relaxation) but the load stays.
  assert.ok(wait.reached_MPa! > 90 && wait.reached_MPa! <= 100.5, String(wait.reached_MPa));
});

test('maintain: approaches at its rate, then holds in static mode; the time counts from arrival', () => {
  const result = dryRun(program([
    { type: 'maintain', at_MPa: 50, duration_s: 120, band_MPa: 0.5, rate_MPa_s: 2, log_interval_s: 1 },
    { type: 'release', to_MPa: 0, rate_MPa_s: 10 },
  ]), { seed: 4 });
  const report = result.report!;
  assert.is(report.result, 'completed');
  const maintain = report.steps[0];
  // 50 MPa at 2 MPa/s: about 25 s of approach before the 120 s start counting.
  assert.ok(maintain.duration_s! > 140 && maintain.duration_s! < 160, String(maintain.duration_s));
  assert.ok(Math.abs(maintain.reached_MPa! - 50) < 0.5, String(maintain.reached_MPa));
  assert.ok(maintain.hold_error_p99_MPa !== null && maintain.hold_error_p99_MPa > 0 && maintain.hold_error_p99_MPa <= 0.55, String(maintain.hold_error_p99_MPa));
  const rows = stepRows(result, 0);
  // The approach follows the programmed rate: the setpoint never climbs faster than 2 MPa/s.
  for (let i = 100; i < rows.length; i += 100) {
    const rate = (rows[i].setpoint_MPa - rows[i - 100].setpoint_MPa) / (rows[i].time_s - rows[i - 100].time_s);
    assert.ok(rate <= 2.05, `setpoint rate ${rate} MPa/s at ${rows[i].time_s} s`);
  }
  // Static mode: once arrived, the pump is off most of the time.
  const arrived = rows.filter((row) => row.time_s > rows[0].time_s + 40);
  const pumping = arrived.filter((row) => row.pump > 0).length / arrived.length;
  assert.ok(pumping < 0.2, `pump on ${(pumping * 100).toFixed(1)} % of the held time`);
});

test('repeat: the run executes the unrolled steps, each reported with where it comes from', () => {
  const result = dryRun(program([
    { type: 'repeat', count: 2, label: 'cycle', steps: [
      { type: 'ramp', to_MPa: 80, rate_MPa_s: 20, label: 'up' },
      { type: 'hold', duration_s: 5, band_MPa: 1, mode: 'dynamic' },
      { type: 'release', to_MPa: 0, rate_MPa_s: 20 },
    ] },
  ]), { seed: 5, traceEveryTicks: 0 });
  const report = result.report!;
  assert.is(report.result, 'completed');
  assert.equal(report.steps.map((s) => `${s.type} ${s.source} ${s.label ?? ''}`), [
    'ramp steps[0].steps[0] up',
    'hold steps[0].steps[1] ',
    'release steps[0].steps[2] ',
    'ramp steps[0].steps[0] up',
    'hold steps[0].steps[1] ',
    'release steps[0].steps[2] ',
  ]);
});

test('a program written in kN runs like the same program in MPa on its die', () => {
  // 1 cm² die: 39.4 kN is 394 MPa.
  const inKN = readExample('separator-394-then-98') as { steps: unknown[] };
  const result = dryRun({ ...inKN, steps: inKN.steps.slice(0, 3) }, { seed: 6, traceEveryTicks: 0 });
  const report = result.report!;
  assert.is(report.result, 'completed');
  assert.ok(Math.abs(report.steps[0].target_MPa! - 394) < 1e-9, String(report.steps[0].target_MPa));
  assert.ok(Math.abs(report.steps[1].reached_MPa! - 394) < 0.5, String(report.steps[1].reached_MPa));
});

test('the short examples complete on the simulated press', () => {
  for (const [name, plant] of [['cathode-sheet-lamination', 'press-10t'], ['separator-394-then-98', 'press-10t']]) {
    const result = dryRun(readExample(name), { seed: 1, traceEveryTicks: 0, plant: PLANT_PRESETS[plant] });
    assert.is(result.report?.result, 'completed', name);
    assert.is(result.overruns, 0, name);
  }
});

test('a slow converter is not stale: the three-layer example completes on every converter preset', () => {
  for (const name of ['hx711-10sps', 'hx711-80sps', 'ads1220-20sps', 'ads1220-2000sps']) {
    const result = dryRun(readExample('li6ps5cl-three-layer'), { seed: 1, traceEveryTicks: 0, plant: PLANT_PRESETS[name] });
    assert.is(result.report?.result, 'completed', `${name}: ${JSON.stringify(result.report?.fault)}`);
  }
});

test.run();
