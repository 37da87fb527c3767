import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { ControlMetrics } from '../../host-sim/control-metrics';
import { createDryRunSession, runSession } from '../../host-sim/scenario';
import type { DryRunOptions } from '../../host-sim/scenario';
import { PLANT_PRESETS } from '../../host-sim/plants';
import { SetpointTrajectory } from '../../src/control/trajectory';
import { Correction, StaticHold } from '../../src/control/static-hold';
import { LoopTiming } from '../../src/control/loop-timing';
import { OnOffController } from '../../src/control/on-off';
import { DEFAULT_TUNING, PressureController } from '../../src/control/controller';
import { ControlDemand } from '../../src/control/control-demand';
import { program, readExample } from '../support/helpers';

/** Dry-runs with the bench's figures (true die pressure, every tick). */
function measured(json: unknown, options: Partial<DryRunOptions> = {}) {
  const session = createDryRunSession(json, options);
  assert.equal(session.errors, []);
  const metrics = new ControlMetrics(session);
  const result = runSession(session, { ...options, traceEveryTicks: 0, onTick: (s) => metrics.sample(s) });
  return { result, figures: metrics.figures(result.report?.result ?? 'invalid', result.simTimeS), session };
}

const allowanceMPa = (targetMPa: number) => Math.max(0.005 * targetMPa, 0.5);

for (const plant of ['press-10t', 'hard-sample', 'fast-pump', 'press-8t']) {
  test(`no overshoot on a stiff plant (${plant}): every ramp of the three-layer cell within 0.5 % (≥ 0.5 MPa), ramps within 1 % of the programmed ramp at 90–110 % of its rate`, () => {
    const { result, figures } = measured(readExample('li6ps5cl-three-layer'), { plant: PLANT_PRESETS[plant] });
    assert.is(result.report?.result, 'completed');
    const ramps = figures.steps.filter((s) => s.type === 'ramp');
    assert.is(ramps.length, 3);
    for (const ramp of ramps) {
      assert.ok(ramp.overshootMPa! <= allowanceMPa(ramp.targetMPa), `ramp to ${ramp.targetMPa}: overshoot ${ramp.overshootMPa} MPa`);
      assert.ok(ramp.rampTrackMaxMPa! <= 0.01 * ramp.targetMPa, `ramp to ${ramp.targetMPa}: tracking ${ramp.rampTrackMaxMPa} MPa`);
      assert.ok(ramp.rampRatePct! >= 90 && ramp.rampRatePct! <= 110, `ramp to ${ramp.targetMPa}: ${ramp.rampRatePct} % of the programmed rate`);
    }
    for (const hold of figures.steps.filter((s) => s.type === 'hold')) {
      assert.ok(hold.settleS! <= 2, `hold at ${hold.targetMPa}: settled after ${hold.settleS} s`);
      assert.ok(hold.holdP99MPa! <= 0.005 * hold.targetMPa, `hold at ${hold.targetMPa}: p99 ${hold.holdP99MPa} MPa`);
    }
  });
}

test('the on/off baseline overshoots where the PI law does not (same plant, same program)', () => {
  const json = readExample('li6ps5cl-three-layer');
  const pi = measured(json, { firmware: { controlLaw: 'pi' } }).figures;
  const onOff = measured(json, { firmware: { controlLaw: 'on-off' } }).figures;
  const worst = (f: typeof pi) => Math.max(...f.steps.filter((s) => s.overshootMPa !== null).map((s) => s.overshootMPa!));
  assert.ok(worst(pi) <= 0.5, `PI overshoot ${worst(pi)} MPa`);
  assert.ok(worst(onOff) > 2, `on/off overshoot ${worst(onOff)} MPa`);
});

test('a hold counts its time from ready: the hold lasts at least its programmed time', () => {
  const { result } = measured(program([
    { type: 'ramp', to_MPa: 200, rate_MPa_s: 20 },
    { type: 'hold', duration_s: 10, band_MPa: 1, mode: 'dynamic' },
    { type: 'release', to_MPa: 0, rate_MPa_s: 20 },
  ]));
  const hold = result.report!.steps[1];
  assert.ok(hold.duration_s! >= 10 && hold.duration_s! < 13, String(hold.duration_s));
});

test('the governor holds the setpoint within its lead of the measured pressure', () => {
  const trajectory = new SetpointTrajectory(1, 0.2);
  trajectory.reset(0);
  // The press does not follow (gap still open): the measurement stays at 0.
  for (let i = 0; i < 100; i++) trajectory.update(100, 10, 0.01, 0, 0.6);
  assert.is(trajectory.setpointMPa, 0.6);
  assert.ok(trajectory.governed);
  assert.is(trajectory.rateMPaPerS, 0);
  // Once the press follows, the setpoint moves at the programmed rate again.
  trajectory.update(100, 10, 0.01, 0.6, 0.6);
  assert.ok(!trajectory.governed);
  assert.ok(Math.abs(trajectory.rateMPaPerS - 10) < 1e-9, String(trajectory.rateMPaPerS));
  // Downward the same, mirrored.
  trajectory.reset(50);
  for (let i = 0; i < 100; i++) trajectory.update(0, 10, 0.01, 50, 0.6);
  assert.ok(Math.abs(trajectory.setpointMPa - 49.4) < 1e-9, String(trajectory.setpointMPa));
});

test('static hold: one-way corrections, and the maintain trigger learns the stick-slip jump', () => {
  const hold = new StaticHold();
  hold.reset();
  const band = 0.5;
  // Inside the trigger nothing happens.
  assert.not.ok(hold.update(0, 49.8, 50, band, 0.25, true));
  // A sag past the trigger starts an upward correction…
  assert.ok(hold.update(10, 49.7, 50, band, 0.25, true));
  assert.is(hold.correction, Correction.up);
  // …which a jump past the target ends (it does not turn into a bleed).
  assert.not.ok(hold.update(20, 50.35, 50, band, 0.25, true));
  assert.is(hold.correction, Correction.none);
  // Read after it settles: the jump was 0.25 + 0.35 = 0.6 MPa; the next up trigger is half of it.
  hold.update(2000, 50.35, 50, band, 0.25, true);
  assert.ok(Math.abs(hold.lastJumpMPa - 0.6) < 1e-9, String(hold.lastJumpMPa));
  assert.ok(Math.abs(hold.upTriggerMPa - 0.3) < 1e-9, String(hold.upTriggerMPa));
  // The landing at +0.35 is past the 0.25 down trigger: a bleed starts, and only pumps never.
  assert.ok(hold.update(2010, 50.35, 50, band, 0.25, true));
  assert.is(hold.correction, Correction.down);
  // Without adaptation (a hold step) the programmed trigger stays, whatever was learnt.
  const plain = new StaticHold();
  plain.reset();
  plain.update(0, 49.7, 50, band, 0.25, false);
  plain.update(10, 50.35, 50, band, 0.25, false);
  assert.ok(plain.update(2000, 50.35, 50, band, 0.25, false), 'the landing past +0.25 starts a bleed');
  assert.not.ok(plain.update(3000, 49.72, 50, band, 0.25, false), 'the bleed ends past the target');
  assert.ok(plain.update(3010, 49.72, 50, band, 0.25, false), 'the fixed trigger (0.25) fires at −0.28');
  assert.is(plain.correction, Correction.up);
});

test('on/off baseline: the setpoint moves at the programmed rate; pump on below it − band, off at it; at the target the band logic', () => {
  const law = new OnOffController();
  law.reset();
  const demand = new ControlDemand();
  Object.assign(demand, { targetMPa: 100, bandMPa: 1, programmedRateMPaPerS: 10, dtS: 0.01 });
  const at = (pressureMPa: number) => {
    demand.pressureMPa = pressureMPa;
    law.track(demand);
  };
  const near = (actual: number, expected: number, what: string) => assert.ok(Math.abs(actual - expected) < 1e-9, `${what}: ${actual}`);
  // The setpoint starts from the pressure and moves 10 MPa/s × 10 ms a tick.
  at(50);
  near(law.setpointMPa, 50.1, 'first tick');
  assert.is(law.pumpLevel, 0, 'within the band of the setpoint: off');
  for (let i = 0; i < 10; i++) at(50);
  near(law.setpointMPa, 51.1, 'after 11 ticks');
  assert.is(law.pumpLevel, 1, 'more than a band below the setpoint: full speed');
  // Holdback: the setpoint waits while it leads by two bands.
  for (let i = 0; i < 200; i++) at(50);
  near(law.setpointMPa, 52, 'held back');
  at(52.5);
  assert.is(law.pumpLevel, 0, 'off at the setpoint');
  assert.is(law.releaseLevel, 0, 'rising past the setpoint does not bleed (only past target + band)');
  // The setpoint stops at the target; there it is the plain band logic.
  for (let i = 0; i < 1000; i++) at(99.5);
  near(law.setpointMPa, 100, 'at the target');
  assert.is(law.pumpLevel, 0, 'stays off inside the band');
  at(98.9);
  assert.is(law.pumpLevel, 1);
  at(99.5);
  assert.is(law.pumpLevel, 1, 'keeps pumping inside the band until the target');
  at(100);
  assert.is(law.pumpLevel, 0);
  at(101.1);
  assert.is(law.releaseLevel, 1);
  at(100);
  assert.is(law.releaseLevel, 0);
  // Falling (a release to 20 MPa): mirrored, the valve follows the setpoint down.
  demand.targetMPa = 20;
  at(100);
  near(law.setpointMPa, 99.9, 'falls at the programmed rate');
  for (let i = 0; i < 10; i++) at(100);
  assert.is(law.releaseLevel, 1, 'more than a band above the setpoint: open');
  at(98.8);
  assert.is(law.releaseLevel, 0, 'shut at the setpoint');
  assert.is(law.pumpLevel, 0, 'falling, the pump starts only below target − band');
  // After idling the setpoint starts again from the pressure.
  law.idle(30, 0.01);
  at(30);
  near(law.setpointMPa, 29.9, 'restarted from the pressure');
});

test('on/off baseline: its ramps follow the programmed rate on the default press (mean rate over 10–90 % within ±10 %)', () => {
  const { result, figures } = measured(readExample('li6ps5cl-three-layer'), { firmware: { controlLaw: 'on-off' } });
  // The baseline completes; whether inside its bands is the benchmark's question.
  assert.ok(result.report?.result.startsWith('completed'), String(result.report?.result));
  const ramps = figures.steps.filter((s) => s.type === 'ramp');
  assert.is(ramps.length, 3);
  for (const ramp of ramps) assert.ok(ramp.rampRatePct! >= 90 && ramp.rampRatePct! <= 110, `ramp to ${ramp.targetMPa}: ${ramp.rampRatePct} % of the programmed rate`);
});

test('on/off baseline: a maintain step on leaky seals tops up (the static-hold one-way rule is not the on/off law\'s)', () => {
  const { result, figures } = measured(program([
    { type: 'maintain', at_MPa: 100, duration_s: 120, band_MPa: 1, rate_MPa_s: 10 },
    { type: 'release', to_MPa: 0, rate_MPa_s: 20 },
  ]), { plant: PLANT_PRESETS['leaky-seals'], firmware: { controlLaw: 'on-off' } });
  // The baseline completes; whether inside its bands is the benchmark's question.
  assert.ok(result.report?.result.startsWith('completed'), String(result.report?.result));
  const maintain = figures.steps[0];
  assert.ok(maintain.maintainPumpStartsPerH! > 0, `pump starts per hour ${maintain.maintainPumpStartsPerH}`);
});

test('the contact cap holds when the pump saturates: the anti-windup re-allocation cannot lift it', () => {
  const law = new PressureController(DEFAULT_TUNING);
  law.stiffestPumpGain = 50; // a stiff plant seen earlier in the run
  law.pumpGain = 0.5; // the loose new layer: a full pump barely moves it
  law.integralMPaS = 5;
  law.track(Object.assign(new ControlDemand(), { targetMPa: 100, bandMPa: 1, programmedRateMPaPerS: 10, setpointMPa: 0.7, pressureMPa: 0, dtS: 0.01, governed: true }));
  assert.ok(law.pumpLevel <= (2 * 10) / 50 + 1e-12, `pump ${law.pumpLevel}`);
  assert.ok(law.pumpLevel > 0);
});

for (const loopRateHz of [50, 1000]) {
  test(`the loop runs at ${loopRateHz} Hz: the program completes, no overruns, jitter statistics read back`, () => {
    const { result, figures, session } = measured(program([
      { type: 'ramp', to_MPa: 100, rate_MPa_s: 20 },
      { type: 'hold', duration_s: 5, band_MPa: 1, mode: 'dynamic' },
      { type: 'release', to_MPa: 0, rate_MPa_s: 20 },
    ]), { firmware: { loopRateHz } });
    assert.is(result.report?.result, 'completed');
    // The ramp keeps its pace at every loop rate (a rate estimate over too few milliseconds once made it crawl).
    const rampS = result.report!.steps[0].duration_s!;
    assert.ok(rampS < 2.5 * (100 / 20), `ramp took ${rampS} s`);
    const timing = session.firmware.timing;
    assert.is(timing.nominalPeriodMs, 1000 / loopRateHz);
    assert.ok(result.ticks > loopRateHz * 10, String(result.ticks));
    assert.is(timing.overruns, 0);
    assert.ok(timing.jitterPercentileMs(0.99) <= 0.05, String(timing.jitterPercentileMs(0.99)));
    assert.ok(figures.steps[0].overshootMPa! <= 0.5, String(figures.steps[0].overshootMPa));
  });
}

test('the rate window keeps running sums: after a million ticks of random commands they equal the window re-summed', () => {
  const law = new PressureController(DEFAULT_TUNING, 100);
  const inner = law as unknown as { pumpModelHistory: Float64Array; releaseModelHistory: Float64Array; pumpModelSum: number; releaseModelSum: number; pumpLevel: number; releaseLevel: number };
  let seed = 12345;
  const random = () => ((seed = (Math.imul(seed, 1103515245) + 12345) >>> 0) / 2 ** 32);
  for (let n = 0; n < 1_000_000; n++) {
    // Runs of one actuator and of none, as a press does, so the sums cross zero many times.
    const phase = Math.floor(n / 997) % 3;
    law.pumpLevel = phase === 0 ? random() : 0;
    law.releaseLevel = phase === 1 ? random() : 0;
    law.idle(100 + random(), 0.01);
    if (n === 500_000) law.reset();
  }
  const resum = (history: Float64Array) => history.reduce((sum, value) => sum + value, 0);
  const pumpError = Math.abs(inner.pumpModelSum - resum(inner.pumpModelHistory));
  const releaseError = Math.abs(inner.releaseModelSum - resum(inner.releaseModelHistory));
  assert.ok(pumpError < 1e-9 && releaseError < 1e-9, `drift ${pumpError}, ${releaseError}`);
  assert.ok(inner.pumpModelSum >= 0 && inner.releaseModelSum >= 0);
});

test('jitter percentiles come from the histogram; resetStatistics starts them afresh', () => {
  const timing = new LoopTiming(10);
  let now = 0;
  timing.tick(now);
  for (let i = 0; i < 99; i++) timing.tick((now += 10));
  timing.tick((now += 13)); // one late tick: 3 ms of jitter
  assert.is(timing.jitterPercentileMs(0.5), 0.05);
  assert.ok(Math.abs(timing.jitterPercentileMs(1) - 3.05) < 1e-9, String(timing.jitterPercentileMs(1)));
  assert.is(timing.maxJitterMs, 3);
  timing.resetStatistics();
  assert.is(timing.jitterPercentileMs(0.99), 0);
  timing.tick((now += 10));
  assert.is(timing.meanJitterMs, 0);
});

test.run();
