import { test } from 'uvu';
import * as assert from 'uvu/assert';
import fc from 'fast-check';
import { ControlMetrics } from '../../host-sim/control-metrics';
import { createDryRunSession, runSession, simulatedDeviceCapabilities } from '../../host-sim/scenario';
import type { DryRunOptions } from '../../host-sim/scenario';
import { compileProgram } from '../../src/programs/compile';
import type { DeviceCapabilities } from '../../src/programs/program';
import { formatValidationError, FORMAT_LIMITS, validateProgram } from '../../src/programs/validate';
import { dieAreaMm2 } from '../../src/units';
import { validProgram } from '../support/arbitraries';
import { program, readExample, TEST_DEVICE } from '../support/helpers';

// Issue 17, items 4 and 5 and the run-time limit: the ceiling includes the load cell, a level
// the cell cannot resolve is warned about, slow rates run as programmed, a run has a length limit.

/** The simulated 10 t press: frame 101.5 kN, a 50 kN load cell with 1.5 N of noise. */
const SIM_10T: DeviceCapabilities = simulatedDeviceCapabilities();

const errorsOf = (input: unknown, device: DeviceCapabilities = SIM_10T) => validateProgram(input, device).errors.map(formatValidationError);
const warningsOf = (input: unknown, device: DeviceCapabilities = SIM_10T) => validateProgram(input, device).warnings.map(formatValidationError);
const ramp = (to: number, rate = 10) => ({ type: 'ramp', to_MPa: to, rate_MPa_s: rate });
const hold = (duration = 10, band = 1) => ({ type: 'hold', duration_s: duration, band_MPa: band, mode: 'dynamic' });
const release = (to = 0, rate = 10) => ({ type: 'release', to_MPa: to, rate_MPa_s: rate });

test('the simulated 10 t press reports its 50 kN cell to the validator', () => {
  assert.is(SIM_10T.loadCellCapacityKN, 50);
  assert.ok(SIM_10T.maxForceKN > 100, String(SIM_10T.maxForceKN));
  assert.ok(Math.abs(SIM_10T.loadCellNoiseKN - 0.0015) < 1e-12, String(SIM_10T.loadCellNoiseKN));
});

test('seen: 300 MPa on a 20 mm die (94 kN) on a 50 kN cell was valid; now refused, naming the load cell', () => {
  assert.equal(errorsOf(program([ramp(300), hold(), release()], { diameter_mm: 20, max_pressure_MPa: 740 })), [
    "steps[0].to_MPa: 300 MPa on this die is 94.248 kN, above the load cell's rated capacity of 50 kN (the lowest of die rating 740 MPa, press rating 101.5 kN, load cell 50 kN: 159.155 MPa on this die)",
  ]);
});

test('seen: 450 MPa on 13 mm (59.7 kN > 50 kN) completed without a word; now refused, also given as force and in a maintain step', () => {
  const die = { diameter_mm: 13, max_pressure_MPa: 740 };
  assert.equal(errorsOf(program([ramp(450), hold(), release()], die)), [
    "steps[0].to_MPa: 450 MPa on this die is 59.73 kN, above the load cell's rated capacity of 50 kN (the lowest of die rating 740 MPa, press rating 101.5 kN, load cell 50 kN: 376.698 MPa on this die)",
  ]);
  assert.equal(errorsOf(program([{ type: 'ramp', to_kN: 55, rate_MPa_s: 10 }, release()], die)), [
    "steps[0].to_kN: 55 kN is above the load cell's rated capacity of 50 kN (the lowest of die rating 740 MPa, press rating 101.5 kN, load cell 50 kN: 376.698 MPa on this die)",
  ]);
  assert.equal(errorsOf(program([{ type: 'maintain', at_MPa: 400, duration_s: 60, band_MPa: 1 }], die)), [
    "steps[0].at_MPa: 400 MPa on this die is 53.093 kN, above the load cell's rated capacity of 50 kN (the lowest of die rating 740 MPa, press rating 101.5 kN, load cell 50 kN: 376.698 MPa on this die)",
  ]);
  // Just under the cell's capacity is valid.
  assert.equal(errorsOf(program([ramp(376), hold(), release()], die)), []);
});

test('the ceiling names whichever is lowest: die rating, press rating, program force limit or load cell', () => {
  const strongCell: DeviceCapabilities = { ...SIM_10T, loadCellCapacityKN: 200 };
  assert.equal(errorsOf(program([ramp(800)]), strongCell), ['steps[0].to_MPa: 800 exceeds the die rating of 740 MPa']);
  assert.match(errorsOf(program([ramp(400)], { diameter_mm: 20, max_pressure_MPa: 740 }), strongCell)[0], /above the press rating of 101.5 kN \(the lowest of die rating 740 MPa, press rating 101.5 kN, load cell 200 kN: 323.085 MPa on this die\)$/);
  const limited = { ...program([ramp(300)]), limits: { max_force_kN: 20 } };
  assert.match(errorsOf(limited)[0], /above the program force limit of 20 kN \(the lowest of die rating 740 MPa, program force limit 20 kN, load cell 50 kN: 254.648 MPa on this die\)$/);
  // A cell below the die rating on this die: the die no longer bounds it.
  assert.match(errorsOf(program([ramp(700)]))[0], /^steps\[0\]\.to_MPa: 700 MPa on this die is 54.978 kN, above the load cell's rated capacity of 50 kN/);
});

test('a device without a usable cell capacity validates nothing (no silent fallback to the frame)', () => {
  for (const loadCellCapacityKN of [NaN, 0, -50]) {
    const result = validateProgram(program(), { ...SIM_10T, loadCellCapacityKN });
    assert.not.ok(result.ok);
    assert.match(formatValidationError(result.errors[0]), /no usable force rating or load-cell capacity/);
  }
  assert.throws(() => compileProgram(validateProgram(program(), SIM_10T).program!, { maxForceKN: 100, loadCellCapacityKN: NaN }), /no usable force ceiling/);
});

test('compiled ceiling and supervisor trip use the same lowest ceiling; every trip level lies far below SENSOR_OUT_OF_RANGE', () => {
  const json = program([ramp(370), hold(5, 1), release()], { diameter_mm: 13, max_pressure_MPa: 740 });
  const session = createDryRunSession(json);
  assert.equal(session.errors, []);
  const firmware = session.firmware;
  const areaMm2 = dieAreaMm2(13);
  const cellCeilingMPa = (50 * 1000) / areaMm2;
  assert.ok(Math.abs(firmware.program!.ceilingMPa - cellCeilingMPa) < 1e-9, String(firmware.program!.ceilingMPa));
  assert.is(firmware.safety.tripPressureMPa, firmware.program!.ceilingMPa);
  // The cell reads out of range only near its safe overload: 1.48 × capacity on the 10 t press.
  assert.ok(firmware.loadCell.plausibility.rangeHighKN > 1.4 * 50, String(firmware.loadCell.plausibility.rangeHighKN));
  // Property: on a 50 kN cell every valid program's step limits stay at or below the cell's capacity.
  const cell50: DeviceCapabilities = { ...TEST_DEVICE, loadCellCapacityKN: 50 };
  fc.assert(
    fc.property(validProgram, (input) => {
      const checked = validateProgram(input, cell50);
      if (!checked.ok) return true;
      const compiled = compileProgram(checked.program, cell50);
      const ceilingKN = (compiled.ceilingMPa * compiled.dieAreaMm2) / 1000;
      if (!(ceilingKN <= 50 + 1e-9)) throw new Error(`ceiling ${ceilingKN} kN`);
      for (let i = 0; i < compiled.stepCount; i++) {
        if (!(compiled.limitMPa[i] <= compiled.ceilingMPa)) throw new Error(`step ${i}: limit ${compiled.limitMPa[i]} above the ceiling ${compiled.ceilingMPa}`);
      }
      return true;
    }),
    { numRuns: 300, seed: 17 },
  );
});

test('a program pressed up to just under the cell capacity completes with no sensor fault', () => {
  const json = program([ramp(370, 10), hold(5, 2), release(0, 10)], { diameter_mm: 13, max_pressure_MPa: 740 });
  const result = runSession(createDryRunSession(json), { traceEveryTicks: 0 });
  assert.is(result.report?.result, 'completed', JSON.stringify(result.report?.fault));
  assert.equal(result.report?.faults ?? [], []);
});

test('levels and bands the cell cannot resolve are warnings, not errors, and say why', () => {
  // 1.5 N of noise: resolution 4.5 N (±3 σ), class 0.5 range from 400 × 4.5 N = 1.8 kN.
  const stack = validateProgram(readExample('stack-pressure-5mpa-72h'), SIM_10T);
  assert.ok(stack.ok);
  assert.equal(stack.warnings.map(formatValidationError), [
    "steps[0].at_MPa: 5 MPa is 0.393 kN on this die, below 1.8 kN, where the load cell's class 0.5 range starts (400 × its 4.5 N resolution; ISO 7500-1): there the reading resolves only 1.146 % of the value",
    "steps[0].band_MPa: 0.05 MPa is 3.927 N on this die, narrower than the load cell's 4.5 N resolution (±3 × its noise): the press cannot tell inside the band from outside it",
  ]);
  assert.equal(warningsOf(readExample('li6ps5cl-three-layer')), []);
  // Forces as written, releases to a level, holds' bands; a release to zero is no level.
  assert.equal(warningsOf(program([{ type: 'ramp', to_kN: 1, rate_MPa_s: 1 }, hold(10, 0.05), release(5, 1), release(0, 1)])), [
    "steps[0].to_kN: 1 kN (12.732 MPa on this die) is below 1.8 kN, where the load cell's class 0.5 range starts (400 × its 4.5 N resolution; ISO 7500-1): there the reading resolves only 0.45 % of the value",
    "steps[1].band_MPa: 0.05 MPa is 3.927 N on this die, narrower than the load cell's 4.5 N resolution (±3 × its noise): the press cannot tell inside the band from outside it",
    "steps[2].to_MPa: 5 MPa is 0.393 kN on this die, below 1.8 kN, where the load cell's class 0.5 range starts (400 × its 4.5 N resolution; ISO 7500-1): there the reading resolves only 1.146 % of the value",
  ]);
  // An invalid program still reports its warnings; a repeat warns once, not per pass.
  const invalid = validateProgram(program([ramp(5), ramp(900)]), SIM_10T);
  assert.not.ok(invalid.ok);
  assert.is(invalid.warnings.length, 1);
  const repeated = validateProgram(program([{ type: 'repeat', count: 3, steps: [ramp(5), release(0)] }]), SIM_10T);
  assert.ok(repeated.ok);
  assert.is(repeated.warnings.length, 1);
});

test('rates: the slowest the press runs is 0.001 MPa/s (kN/s rates at their pressure on the die)', () => {
  assert.is(FORMAT_LIMITS.minRateMPaPerS, 0.001);
  assert.equal(errorsOf(program([ramp(5, 0.001), release(0, 0.001)])), []);
  assert.equal(errorsOf(program([ramp(5, 0.0009), release(0, 1)])), ['steps[0].rate_MPa_s: 0.0009 MPa/s is slower than the slowest rate the press runs (0.001 MPa/s)']);
  // 0.00005 kN/s on a 10 mm die is 0.000637 MPa/s.
  assert.equal(errorsOf(program([{ type: 'ramp', to_MPa: 5, rate_kN_s: 0.00005 }, release(0, 1)])), [
    'steps[0].rate_kN_s: 0.00005 kN/s (0.001 MPa/s on this die) is slower than the slowest rate the press runs (0.001 MPa/s)',
  ]);
  assert.equal(errorsOf(program([{ type: 'maintain', at_MPa: 5, duration_s: 60, band_MPa: 0.5, rate_MPa_s: 0.0001 }])), [
    'steps[0].rate_MPa_s: 0.0001 MPa/s is slower than the slowest rate the press runs (0.001 MPa/s)',
  ]);
});

test('seen: 16 years was accepted; the whole run is limited to 31 days, naming the total and the limit', () => {
  // 200 × a 30-day wait: 6000 days.
  const years = program([{ type: 'repeat', count: 200, steps: [{ type: 'wait', duration_s: 30 * 86400 }] }]);
  assert.equal(errorsOf(years), [
    'steps: the run takes 6000 days (518400000 s) as programmed (ramps and releases at their rates, holds, waits, maintain steps; prompts not counted), more than the 31 days (2678400 s) a run may take',
  ]);
  // One duration of 16 years is caught where it is written.
  assert.equal(errorsOf(program([ramp(100), hold(16 * 365 * 86400), release()])), ['steps[1].duration_s: 504576000 is out of range (allowed: above 0 up to 2592000 s)']);
  // Slow ramps count at their rates: 600 MPa at 0.001 MPa/s is 6.9 days, five of them 34.7 days.
  const slow = program([{ type: 'repeat', count: 5, steps: [ramp(600, 0.001), release(0, 10)] }]);
  assert.equal(errorsOf(slow), ['steps: the run takes 34.726 days (3000300 s) as programmed (ramps and releases at their rates, holds, waits, maintain steps; prompts not counted), more than the 31 days (2678400 s) a run may take']);
  // The 72 h stack-pressure program, and the longest step with a day around it, fit.
  assert.equal(errorsOf(readExample('stack-pressure-5mpa-72h')), []);
  assert.equal(errorsOf(program([{ type: 'maintain', at_MPa: 5, duration_s: FORMAT_LIMITS.maxDurationS, band_MPa: 0.5 }, hold(86000, 0.5), release(0, 1)])), []);
  assert.equal(errorsOf(program([{ type: 'maintain', at_MPa: 5, duration_s: FORMAT_LIMITS.maxDurationS, band_MPa: 0.5 }, hold(86400, 0.5), release(0, 1)])).length, 1);
  // Prompts count zero.
  assert.equal(errorsOf(program([ramp(100), { type: 'prompt', message: 'layer 2' }, release()])), []);
});

/** Dry-runs with the bench's figures (true die pressure, every tick). */
function measured(json: unknown, options: Partial<DryRunOptions> = {}) {
  const session = createDryRunSession(json, options);
  assert.equal(session.errors, []);
  const metrics = new ControlMetrics(session);
  let afterContactMaxMPa = 0;
  const result = runSession(session, {
    ...options,
    traceEveryTicks: 0,
    onTick: (s) => {
      metrics.sample(s);
      const seq = s.firmware.sequencer;
      const p = s.sim.plant.diePressureMPa;
      const target = s.firmware.program!.targetMPa[0];
      // Tracking once the ram is on the sample (past 20 % of the ramp): the contact itself is a jump.
      if (seq.active && seq.stepIndex === 0 && p > 0.2 * target) afterContactMaxMPa = Math.max(afterContactMaxMPa, Math.abs(p - s.firmware.trajectory.setpointMPa));
    },
  });
  return { result, figures: metrics.figures(result.report?.result ?? 'invalid', result.simTimeS), afterContactMaxMPa };
}

const slowRamp = (toMPa: number, rateMPaPerS: number, bandMPa = 0.5) =>
  program([
    { type: 'ramp', to_MPa: toMPa, rate_MPa_s: rateMPaPerS, band_MPa: bandMPa },
    { type: 'hold', duration_s: 5, band_MPa: 0.5, mode: 'dynamic' },
    { type: 'release', to_MPa: 0, rate_MPa_s: 5 },
  ]);

test('seen: a ramp at 0.02 MPa/s to 20 MPa took 100 s; now its programmed ≈1 000 s, tracked within 1 % once in contact', () => {
  const { result, figures, afterContactMaxMPa } = measured(slowRamp(20, 0.02));
  assert.is(result.report?.result, 'completed');
  // The step ends on arrival in its band: (20 − 0.5) MPa / 0.02 MPa/s = 975 s.
  const durationS = result.report!.steps[0].duration_s!;
  assert.ok(Math.abs(durationS - 975) < 0.02 * 975, `ramp took ${durationS} s`);
  const ramp = figures.steps[0];
  assert.ok(Math.abs(ramp.rampRatePct! - 100) < 2, `${ramp.rampRatePct} % of the programmed rate`);
  assert.ok(afterContactMaxMPa <= 0.01 * 20, `tracking after contact ${afterContactMaxMPa} MPa`);
  // The contact jump (the ram meets the sample faster than a slow setpoint moves) stays under 1 MPa.
  assert.ok(ramp.rampTrackMaxMPa! < 1, `tracking over the whole ramp ${ramp.rampTrackMaxMPa} MPa`);
  assert.ok(ramp.overshootMPa! <= 0.5, `overshoot ${ramp.overshootMPa} MPa`);
});

test('0.01 MPa/s works: a ramp to 5 MPa runs at its rate and does not time out', () => {
  const { result, figures, afterContactMaxMPa } = measured(slowRamp(5, 0.01, 0.25));
  assert.is(result.report?.result, 'completed', JSON.stringify(result.report?.fault));
  const durationS = result.report!.steps[0].duration_s!;
  // (5 − 0.25) / 0.01 = 475 s, less what the contact jump gives away.
  assert.ok(durationS > 420 && durationS < 485, `ramp took ${durationS} s`);
  // Mean rate from 10 % to 90 %: the pressure that jumped ahead at contact waits for the setpoint (measured 94 %).
  assert.ok(Math.abs(figures.steps[0].rampRatePct! - 100) < 8, `${figures.steps[0].rampRatePct} %`);
  assert.ok(afterContactMaxMPa <= 0.05 * 5, `tracking after contact ${afterContactMaxMPa} MPa`);
});

test('the slowest rate, 0.001 MPa/s, runs too (no stall timeout while it crawls)', () => {
  const { result } = measured(slowRamp(2, 0.001));
  assert.is(result.report?.result, 'completed', JSON.stringify(result.report?.fault));
  const durationS = result.report!.steps[0].duration_s!;
  // (2 − 0.5) / 0.001 = 1 500 s, less the contact jump.
  assert.ok(durationS > 1000 && durationS < 1520, `ramp took ${durationS} s`);
});

test('a slow release to zero is not cut short by the release stall window', () => {
  const json = program([ramp(10, 5), hold(5, 0.5), { type: 'release', to_MPa: 0, rate_MPa_s: 0.01, band_MPa: 0.5 }]);
  const result = runSession(createDryRunSession(json), { traceEveryTicks: 0 });
  assert.is(result.report?.result, 'completed');
  const durationS = result.report!.steps[2].duration_s!;
  // (10 − 0.5) / 0.01 = 950 s to the band (the zero level ends it near there).
  assert.ok(durationS > 850, `release took ${durationS} s`);
});

test.run();
