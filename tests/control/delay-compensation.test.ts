import { test } from 'uvu';
import * as assert from 'uvu/assert';
import fc from 'fast-check';
import { ControlMetrics } from '../../host-sim/control-metrics';
import { createDryRunSession, runSession } from '../../host-sim/scenario';
import type { DryRunOptions, DryRunSession } from '../../host-sim/scenario';
import { PLANT_PRESETS } from '../../host-sim/plants';
import { simulatedPressCharacter } from '../../host-sim/simulator';
import type { PressCharacter } from '../../hal/press-character';
import { DelayCompensation, needsDelayCompensation } from '../../src/control/delay-compensation';
import { StepKind } from '../../src/programs/compile';
import { readExample } from '../support/helpers';

const HX711 = PLANT_PRESETS['hx711-10sps'];

/**
 * Dry-runs with the bench's figures and, per ramp, the largest |die pressure − setpoint| once
 * the die is past 30 % of the target (after first contact). `compensated: false` gives the
 * board a character whose converter is fast, which leaves the firmware without the module.
 */
function measured(example: string, compensated = true, seed = 1) {
  const json = readExample(example) as { steps: { type: string; duration_s?: number }[] };
  // The bench's length of a maintain step.
  for (const step of json.steps) if (step.type === 'maintain' && step.duration_s! > 3600) step.duration_s = 3600;
  const options: Partial<DryRunOptions> = { seed, plant: HX711 };
  if (!compensated) options.board = (sim) => ({ ...sim.board, character: { ...sim.board.character!, conversionAgeS: 0.001 } });
  const session = createDryRunSession(json, options);
  assert.equal(session.errors, []);
  const metrics = new ControlMetrics(session);
  const lateTrackMPa: number[] = [];
  let rawSafety = true;
  const onTick = (s: DryRunSession) => {
    metrics.sample(s);
    const firmware = s.firmware;
    // The supervisor is given the measurement, whatever the law is given.
    if (firmware.control.safetyInputs.pressureMPa !== firmware.loadCell.pressureMPa) rawSafety = false;
    const seq = firmware.sequencer;
    const program = seq.program;
    if (program === null || !seq.active || program.kind[seq.stepIndex] !== StepKind.ramp) return;
    const die = s.sim.plant.diePressureMPa;
    if (die < 0.3 * seq.targetMPa) return;
    const error = Math.abs(die - firmware.trajectory.setpointMPa);
    if (!(lateTrackMPa[seq.stepIndex] >= error)) lateTrackMPa[seq.stepIndex] = error;
  };
  const result = runSession(session, { ...options, traceEveryTicks: 0, onTick });
  return { result, figures: metrics.figures(result.report?.result ?? 'invalid', result.simTimeS), session, lateTrackMPa, rawSafety };
}

for (const example of ['li6ps5cl-three-layer', 'na-s-600mpa-copress']) {
  test(`an HX711 at 10 SPS (hx711-10sps × ${example}): past contact every ramp tracks within 0.5 MPa, over the whole ramp within 1.25 % of its target; the supervisor sees the measurement`, () => {
    const { result, figures, session, lateTrackMPa, rawSafety } = measured(example);
    assert.is(result.report?.result, 'completed');
    assert.ok(session.firmware.delay !== null);
    assert.ok(rawSafety, 'the safety supervisor was given something else than the measured pressure');
    const ramps = figures.steps.filter((s) => s.type === 'ramp');
    assert.is(ramps.length, 3);
    for (const ramp of ramps) {
      assert.ok(lateTrackMPa[ramp.index] <= 0.5, `ramp to ${ramp.targetMPa}: ${lateTrackMPa[ramp.index]} MPa from the setpoint past contact`);
      assert.ok(ramp.rampTrackMaxMPa! <= 0.0125 * ramp.targetMPa, `ramp to ${ramp.targetMPa}: tracking ${ramp.rampTrackMaxMPa} MPa`);
      assert.ok(ramp.overshootMPa! <= Math.max(0.005 * ramp.targetMPa, 0.5), `ramp to ${ramp.targetMPa}: overshoot ${ramp.overshootMPa} MPa`);
      assert.ok(ramp.rampRatePct! >= 95, `ramp to ${ramp.targetMPa}: ${ramp.rampRatePct} % of the programmed rate`);
    }
  });
}

test('uncompensated, the same converter lets the die run ahead of the setpoint: over 1 MPa past contact, over 1.25 % of a target', () => {
  const { figures, session, lateTrackMPa } = measured('li6ps5cl-three-layer', false);
  assert.is(session.firmware.delay, null);
  const ramps = figures.steps.filter((s) => s.type === 'ramp');
  assert.ok(ramps.some((r) => lateTrackMPa[r.index] > 1), ramps.map((r) => lateTrackMPa[r.index]).join(', '));
  assert.ok(ramps.some((r) => r.rampTrackMaxMPa! > 0.0125 * r.targetMPa), ramps.map((r) => r.rampTrackMaxMPa).join(', '));
});

test('a 5 MPa stack pressure on an HX711: the approach overshoots by under 0.3 MPa (uncompensated: 0.48), and the maintain step holds its band (indicated) ≥ 90 % of the time', () => {
  const compensated = measured('stack-pressure-5mpa-72h').figures.steps[0];
  assert.ok(compensated.overshootMPa! < 0.3, `overshoot ${compensated.overshootMPa} MPa`);
  assert.ok(compensated.maintainIndicatedInBandPct! >= 90, `in band ${compensated.maintainIndicatedInBandPct} %`);
  const uncompensated = measured('stack-pressure-5mpa-72h', false).figures.steps[0];
  assert.ok(uncompensated.overshootMPa! > 0.4, `uncompensated overshoot ${uncompensated.overshootMPa} MPa`);
});

test('compensation is for slow converters only: not at 330, 1000 or 20 SPS (ADS1220), nor an HX711 at 80 SPS, nor under the on/off law', () => {
  for (const plant of ['press-10t', 'ads1220-1000sps', 'ads1220-20sps', 'hx711-80sps']) {
    const session = createDryRunSession(readExample('cathode-sheet-lamination'), { plant: PLANT_PRESETS[plant] });
    assert.is(session.firmware.delay, null, plant);
  }
  assert.ok(createDryRunSession(readExample('cathode-sheet-lamination'), { plant: HX711 }).firmware.delay !== null);
  assert.is(createDryRunSession(readExample('cathode-sheet-lamination'), { plant: HX711, firmware: { controlLaw: 'on-off' } }).firmware.delay, null);
  assert.ok(needsDelayCompensation(0.2, 0.01));
  assert.not.ok(needsDelayCompensation(0.025, 0.01));
  assert.not.ok(needsDelayCompensation(0.06, 0.05));
});

function hx711Character(changes: Partial<PressCharacter> = {}): PressCharacter {
  const options = { press: HX711.press, sensor: HX711.sensor } as Parameters<typeof simulatedPressCharacter>[0];
  return { ...simulatedPressCharacter(options), ...changes };
}

/**
 * A linear plant read by a slow converter, in the module's own terms: the pump (a first-order
 * lag of its level) raises the pressure at gainMPaPerS × its speed; each conversion reports the
 * pressure of conversionAgeS before it arrives.
 */
function linearRun(gainMPaPerS: number, levels: (tick: number) => number, ticks: number) {
  const character = hx711Character();
  const gains = { pumpGain: gainMPaPerS, releaseGain: 10, stiffestPumpGain: gainMPaPerS };
  const delay = new DelayCompensation(character, 0.01, gains, 0.05);
  const periodMs = 1000 / character.conversionsPerS;
  const history: number[] = [];
  let speed = 0;
  let pressure = 10;
  let driven = 0;
  let nextConversionMs = periodMs;
  let lastReported = pressure;
  const errors: { predicted: number; law: number; observed: number; tick: number }[] = [];
  for (let tick = 0; tick < ticks; tick++) {
    const nowMs = tick * 10;
    history.push(pressure);
    const fresh = nowMs >= nextConversionMs;
    if (fresh) {
      // The pressure conversionAgeS ago (the ticks are 10 ms apart).
      lastReported = history[Math.max(0, history.length - 1 - Math.round((character.conversionAgeS * 1000) / 10))];
      nextConversionMs += periodMs;
    }
    delay.update(nowMs, 0.01, lastReported, fresh, nowMs, driven, -1, 0, 78.54);
    const observedAt = history[Math.max(0, history.length - 1 - Math.round(delay.observationDelayMs / 10))];
    errors.push({ predicted: delay.predictedMPa - pressure, law: delay.lawMPa - pressure, observed: delay.observedMPa - observedAt, tick });
    driven = levels(tick);
    // The plant over the next period, in 1 ms steps.
    for (let i = 0; i < 10; i++) {
      speed += (driven - speed) * (0.001 / (character.pumpTimeConstantS + 0.001));
      pressure += gainMPaPerS * speed * 0.001;
    }
  }
  return errors;
}

test('on a linear plant the prediction is the pressure now, and the observation the pressure a conversion age ago (any steady pump level)', () => {
  fc.assert(
    fc.property(fc.double({ min: 20, max: 500, noNaN: true }), fc.double({ min: 0.01, max: 0.1, noNaN: true }), (gain, level) => {
      const rate = gain * level;
      const errors = linearRun(gain, () => level, 300);
      for (const e of errors.slice(100)) {
        // Within 10 ms of the rate (the ticks' own granularity).
        assert.ok(Math.abs(e.law) < 0.01 * rate + 1e-9, `tick ${e.tick}: law's − true = ${e.law} MPa (rate ${rate} MPa/s)`);
        assert.ok(Math.abs(e.observed) < 0.01 * rate + 1e-9, `tick ${e.tick}: observed − true then = ${e.observed} MPa`);
        // The governor's too, for a rise the conversions show above their noise (0.54 MPa/s here);
        // below, it goes no faster than the noise.
        if (rate > 0.6) assert.ok(Math.abs(e.predicted) < 0.01 * rate + 1e-9, `tick ${e.tick}: predicted − true = ${e.predicted} MPa (rate ${rate} MPa/s)`);
        else assert.ok(e.predicted <= 1e-9 && e.predicted > -0.3 * rate, `tick ${e.tick}: predicted − true = ${e.predicted} MPa (rate ${rate} MPa/s)`);
      }
    }),
    { numRuns: 30 },
  );
});

test('before contact nothing rises: the governor\'s prediction stays with the conversions whatever the gain it was given', () => {
  // The pump runs, the pressure does not follow (the ram closes the gap), the gain says 500 MPa/s.
  const delay = new DelayCompensation(hx711Character(), 0.01, { pumpGain: 500, releaseGain: 10, stiffestPumpGain: 500 }, 0.05);
  for (let tick = 0; tick < 300; tick++) {
    const fresh = tick % 10 === 0;
    delay.update(tick * 10, 0.01, 0, fresh, tick * 10, 0.1, -1, 0, 78.54);
    if (tick > 30) assert.ok(delay.predictedMPa < 0.1, `tick ${tick}: ${delay.predictedMPa} MPa predicted`);
  }
});

test.run();
