import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { ControlMetrics } from '../../host-sim/control-metrics';
import { createDryRunSession } from '../../host-sim/scenario';
import type { DryRunSession } from '../../host-sim/scenario';
import { program } from '../support/helpers';

const DT_S = 0.001;
const RATE = 10;
const TARGET = 100;

/** The ramp figures of a synthetic true pressure (a function of time), fed tick by tick as the bench does. */
function rampFigures(pressureAt: (tS: number) => number, endS: number) {
  const real = createDryRunSession(program([
    { type: 'ramp', to_MPa: TARGET, rate_MPa_s: RATE },
    { type: 'hold', duration_s: 5, band_MPa: 1, mode: 'dynamic' },
    { type: 'release', to_MPa: 0, rate_MPa_s: 20 },
  ]));
  const sim = { timeS: 0, plant: { diePressureMPa: 0 }, pump: { appliedLevel: 0 }, adc: { driftN: 0 }, stack: { dieAreaM2: 7.85e-5 } };
  const session = { firmware: { program: real.firmware.program, sequencer: { active: true, stepIndex: 0, arrivedMs: -1 } }, sim } as unknown as DryRunSession;
  const metrics = new ControlMetrics(session);
  for (let n = 0; n * DT_S <= endS; n++) {
    sim.timeS = n * DT_S;
    sim.plant.diePressureMPa = pressureAt(sim.timeS);
    metrics.sample(session);
  }
  return metrics.figures('completed', endS).steps[0];
}

const ramp = (startS: number, rate: number) => (tS: number) => Math.min(TARGET, Math.max(0, rate * (tS - startS)));

test('ramp tracking: a ramp at the programmed rate that starts late (the gap) scores nothing', () => {
  const step = rampFigures(ramp(3, RATE), 14);
  assert.ok(step.rampTrackMaxMPa! < 1e-6, String(step.rampTrackMaxMPa));
  assert.ok(Math.abs(step.rampRatePct! - 100) < 0.1, String(step.rampRatePct));
});

test('ramp tracking: a steady rate error f over a span S scores 0.4·S·|f|/(1 + f), and the rate shows it', () => {
  for (const f of [-0.05, 0.05, 0.2]) {
    const step = rampFigures(ramp(1, RATE * (1 + f)), 14);
    const expected = (0.4 * TARGET * Math.abs(f)) / (1 + f);
    assert.ok(Math.abs(step.rampTrackMaxMPa! - expected) < 0.02, `f = ${f}: ${step.rampTrackMaxMPa} MPa, expected ${expected}`);
    assert.ok(Math.abs(step.rampRatePct! - 100 * (1 + f)) < 0.2, `f = ${f}: ${step.rampRatePct} %`);
  }
});

test('ramp tracking: a stall inside 10–90 % counts in full (half of it against the best-aligned line); one below 10 % does not', () => {
  // 2 s at 50 MPa, then on at the programmed rate: 20 MPa behind the line it left.
  const stalled = (tS: number) => (tS < 5 ? RATE * tS : tS < 7 ? 50 : Math.min(TARGET, 50 + RATE * (tS - 7)));
  const step = rampFigures(stalled, 14);
  assert.ok(Math.abs(step.rampTrackMaxMPa! - 10) < 0.02, String(step.rampTrackMaxMPa));
  assert.ok(step.rampRatePct! < 90, `a 2 s stall in an 8 s window: ${step.rampRatePct} %`);
  // The same stall at 5 MPa, before the window opens.
  const early = (tS: number) => (tS < 0.5 ? RATE * tS : tS < 2.5 ? 5 : Math.min(TARGET, 5 + RATE * (tS - 2.5)));
  const before = rampFigures(early, 14);
  assert.ok(before.rampTrackMaxMPa! < 1e-6, String(before.rampTrackMaxMPa));
});

test('ramp tracking: no figure for a ramp that never covered 10 % of its way', () => {
  const step = rampFigures(() => 5, 3);
  assert.is(step.rampTrackMaxMPa, null);
  assert.is(step.rampRatePct, null);
});

test.run();
