import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { dryRun } from '../../host-sim/scenario';
import type { DryRunResult } from '../../host-sim/scenario';
import { PLANT_PRESETS } from '../../host-sim/plants';
import { program } from '../support/helpers';

// While the plant is quiescent (pump stopped, valve shut) the simulator takes one physics
// step per control tick instead of ten, and ends a step early where the seal would break
// loose. What that must not change:
// - open loop (nothing reacts), the trace point by point, an event (a seal breaking loose)
//   moving by at most one control tick;
// - closed loop, what the run reports. Point by point a closed loop with threshold
//   decisions (static top-ups) drifts in phase after a few hundred seconds, as two runs do
//   whose noise differs in the last digit; its statistics must not move.

const PLANTS = ['press-10t', 'stack-fixture', 'leaky-seals', 'soft-sample'];

function worstDifference(a: DryRunResult, b: DryRunResult, column: 'pressure_MPa' | 'measured_MPa', fromStep: number): number {
  const x = a.trace!.column(column);
  const y = b.trace!.column(column);
  const step = a.trace!.column('step');
  let worst = 0;
  for (let i = 0; i < x.length && i < y.length; i++) {
    if (step[i] < fromStep) continue;
    let nearest = Math.abs(x[i] - y[i]);
    if (i > 0) nearest = Math.min(nearest, Math.abs(x[i] - y[i - 1]));
    if (i + 1 < y.length) nearest = Math.min(nearest, Math.abs(x[i] - y[i + 1]));
    worst = Math.max(worst, nearest);
  }
  return worst;
}

for (const plantName of PLANTS) {
  test(`open loop (a 10 min wait at 50 MPa): adaptive steps reproduce the 1 ms trace (${plantName})`, () => {
    const plant = PLANT_PRESETS[plantName];
    const waiting = program([
      { type: 'ramp', to_MPa: 50, rate_MPa_s: 10 },
      { type: 'wait', duration_s: 600 },
      { type: 'release', to_MPa: 0, rate_MPa_s: 5 },
    ]);
    const fine = dryRun(waiting, { seed: 3, plant, simulator: { adaptiveStep: false } });
    const fast = dryRun(waiting, { seed: 3, plant });
    assert.is(fast.report!.result, 'completed');
    assert.is(fast.ticks, fine.ticks);
    const wait = fine.report!.steps[1];
    const sag = wait.peak_MPa! - wait.reached_MPa!;
    const worstTrue = worstDifference(fine, fast, 'pressure_MPa', 1);
    const worstMeasured = worstDifference(fine, fast, 'measured_MPa', 1);
    assert.ok(worstTrue < 0.01, `true pressure differs by ${worstTrue} MPa (the wait sags ${sag} MPa)`);
    // The load cell averages over its conversions: one that straddles a slip a fraction of
    // a millisecond earlier or later reads differently, by at most the slip's jump.
    const truePressure = fine.trace!.column('pressure_MPa');
    const steps = fine.trace!.column('step');
    let slipMPa = 0;
    for (let i = 1; i < truePressure.length; i++) if (steps[i] === 1) slipMPa = Math.max(slipMPa, Math.abs(truePressure[i] - truePressure[i - 1]));
    assert.ok(worstMeasured < Math.max(0.05, slipMPa), `measured pressure differs by ${worstMeasured} MPa (largest slip ${slipMPa} MPa)`);
  });

  test(`closed loop (10 min maintain at 50 MPa): adaptive steps leave the report unchanged (${plantName})`, () => {
    const plant = PLANT_PRESETS[plantName];
    const maintain = program([
      { type: 'ramp', to_MPa: 45, rate_MPa_s: 10 },
      { type: 'maintain', at_MPa: 50, duration_s: 600, band_MPa: 0.5 },
      { type: 'release', to_MPa: 0, rate_MPa_s: 5 },
    ]);
    const fine = dryRun(maintain, { seed: 3, plant, simulator: { adaptiveStep: false } });
    const fast = dryRun(maintain, { seed: 3, plant });
    assert.is(fast.report!.result, 'completed');
    const a = fine.report!.steps;
    const b = fast.report!.steps;
    assert.is(b.length, a.length);
    for (let i = 0; i < a.length; i++) {
      // Steps end on the measured pressure crossing a level: a tick or two either way, 1 % of a long step.
      assert.ok(Math.abs(a[i].duration_s! - b[i].duration_s!) <= Math.max(0.1, 0.01 * a[i].duration_s!), `step ${i}: ${a[i].duration_s} vs ${b[i].duration_s} s`);
      assert.ok(Math.abs(a[i].reached_MPa! - b[i].reached_MPa!) <= 0.05, `step ${i}: reached ${a[i].reached_MPa} vs ${b[i].reached_MPa}`);
      // A step that starts from a maintained level starts anywhere in the band (0.5 MPa).
      assert.ok(Math.abs(a[i].peak_MPa! - b[i].peak_MPa!) <= 0.5, `step ${i}: peak ${a[i].peak_MPa} vs ${b[i].peak_MPa}`);
      if (a[i].hold_error_p99_MPa !== null) {
        const p99a = a[i].hold_error_p99_MPa!;
        const p99b = b[i].hold_error_p99_MPa!;
        assert.ok(Math.abs(p99a - p99b) <= Math.max(0.05, 0.15 * p99a), `step ${i}: p99 ${p99a} vs ${p99b}`);
      }
    }
    const duty = (r: DryRunResult) => {
      const pump = r.trace!.column('pump');
      let on = 0;
      for (let i = 0; i < pump.length; i++) if (pump[i] > 0) on++;
      return on / pump.length;
    };
    assert.ok(Math.abs(duty(fine) - duty(fast)) <= 0.1 * duty(fine) + 0.002, `pump duty ${duty(fine)} vs ${duty(fast)}`);
  });
}

test.run();
