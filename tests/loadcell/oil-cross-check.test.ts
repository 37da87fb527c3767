import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { createDryRunSession } from '../../host-sim/scenario';
import type { DryRunSession } from '../../host-sim/scenario';
import type { PressSimulator } from '../../host-sim/simulator';
import { PLANT_PRESETS } from '../../host-sim/plants';
import type { Board } from '../../hal/board';
import type { LoadCellAdc } from '../../hal/loadcell-adc';
import { OIL_DISAGREE_MS, OilCrossCheck, OilVerdict } from '../../src/safety/oil-cross-check';
import { SafetySupervisor } from '../../src/safety/supervisor';
import { SafetyInputs } from '../../src/safety/safety-inputs';
import { SensorFault } from '../../src/loadcell/sensor-fault';
import { FaultCode, faultName, faultReaction, FaultReaction } from '../../src/safety/faults';
import { RunOutcome } from '../../src/store/run-journal';
import { runFor } from '../support/helpers';

// The second force signal (docs/faults.md, 106, 208, 209): the simulated press's oil pressure
// × ram area, against the limits and against the load cell through the commissioned
// calibration. It catches what no calibration check can: a load cell that itself reads wrong.

const PROGRAM = {
  format: 'press-program/1',
  name: 'press-700',
  die: { diameter_mm: 10, max_pressure_MPa: 740 },
  steps: [
    { type: 'ramp', to_MPa: 700, rate_MPa_s: 10 },
    { type: 'hold', duration_s: 30, band_MPa: 3.5, mode: 'dynamic' },
    { type: 'release', to_MPa: 0, rate_MPa_s: 10 },
  ],
};

/** A load cell whose bridge lost sensitivity: its counts above the zero are `gain` × what they were, and nothing else about it looks wrong. */
class WeakCell implements LoadCellAdc {
  gain = 1;
  constructor(
    private readonly inner: LoadCellAdc,
    private readonly zeroCounts: number,
  ) {}
  get sampleRateSps() {
    return this.inner.sampleRateSps;
  }
  get fullScaleCounts() {
    return this.inner.fullScaleCounts;
  }
  poll() {
    return this.inner.poll();
  }
  get counts() {
    return Math.round(this.zeroCounts + (this.inner.counts - this.zeroCounts) * this.gain);
  }
  get sampleTimeMs() {
    return this.inner.sampleTimeMs;
  }
  get error() {
    return this.inner.error;
  }
  clearError() {
    this.inner.clearError();
  }
}

function weakCellSession(gain: number): { session: DryRunSession; cell: WeakCell } {
  let cell: WeakCell | null = null;
  const board = (sim: PressSimulator): Board => {
    cell = new WeakCell(sim.adc, sim.options.sensor.offsetCounts);
    cell.gain = gain;
    return { ...sim.board, loadCell: cell };
  };
  const session = createDryRunSession(PROGRAM, { seed: 4, plant: PLANT_PRESETS['press-15t'], board });
  assert.equal(session.errors, []);
  return { session, cell: cell as unknown as WeakCell };
}

test('the cross-check: friction, the spring and the transducer\'s accuracy allowed; a disagreement counts after 1 s; no reading after 250 ms; not fitted, nothing', () => {
  const check = new OilCrossCheck(true, 98, 1401, 100);
  assert.ok(Math.abs(check.allowanceKN - (0.02 * 98 + 0.005 * 100 * 1.401)) < 1e-9);
  assert.is(check.judge(30 + check.allowanceKN * 0.99, 30, 58, 10), OilVerdict.ok);
  assert.is(check.judge(58 + check.allowanceKN * 0.9, 58 + check.allowanceKN * 0.9, 58, 10), OilVerdict.ok, 'over the ceiling by less than the allowance: the load cell judges that');
  assert.is(check.judge(58 + check.allowanceKN + 0.01, 0, 58, 10), OilVerdict.overForce);
  check.reset();
  let verdict: number = OilVerdict.ok;
  let ms = 0;
  while (verdict === OilVerdict.ok && ms < 5000) {
    verdict = check.judge(20, 10, 58, 10);
    ms += 10;
  }
  assert.is(verdict, OilVerdict.disagree);
  assert.ok(ms > OIL_DISAGREE_MS && ms <= OIL_DISAGREE_MS + 20, `${ms} ms`);
  check.reset();
  for (let i = 0; i < 25; i++) assert.is(check.judge(NaN, 10, 58, 10), OilVerdict.ok);
  assert.is(check.judge(NaN, 10, 58, 10), OilVerdict.noReading);
  const none = new OilCrossCheck(false, 98, NaN, NaN);
  assert.is(none.judge(NaN, 10, 58, 10), OilVerdict.ok);
  assert.is(none.judge(500, 0, 58, 10), OilVerdict.ok);
  assert.throws(() => new OilCrossCheck(true, 98, 0, 100), /ram area/);
});

test('the supervisor: 106 when the oil alone is past the ceiling, latched; the codes dump', () => {
  const s = new SafetySupervisor(147, 100, 30, { tareCounts: 0, kNPerCount: 0.001 }, { ramAreaMm2: 2100, fullScaleMPa: 100 });
  s.commissioned.setProgramLimitKN(58);
  const inputs = Object.assign(new SafetyInputs(), { nowMs: 1000, gapMs: 10, sensorFault: SensorFault.none, stepLimitMPa: Infinity, drivenPumpLevel: 0.3, drivenReleaseLevel: 0.3 });
  const check = (rawCounts: number, oilKN: number) => {
    inputs.pressureMPa = rawCounts / 78.5;
    inputs.forceKN = rawCounts / 1000;
    inputs.rawCounts = rawCounts;
    inputs.oilForceKN = oilKN;
    return s.check(inputs);
  };
  assert.not.ok(check(40_000, 41));
  assert.ok(check(40_000, 58.6 + s.oil.allowanceKN + 0.1));
  assert.is(s.latchedFault, FaultCode.overForceOil);
  assert.ok(check(0, 0), 'latched');
  for (const code of [FaultCode.overForceOil, FaultCode.oilPressureSensor, FaultCode.forceSignalsDisagree]) assert.is(faultReaction(code), FaultReaction.dump);
  assert.equal([faultName(106), faultName(208), faultName(209)], ['OVER_FORCE_OIL', 'OIL_PRESSURE_SENSOR', 'FORCE_SIGNALS_DISAGREE']);
});

test('a load cell that lost half its sensitivity (every calibration check agrees with it) ends in FORCE_SIGNALS_DISAGREE; the true peak stays far under the rating', () => {
  const { session } = weakCellSession(0.5);
  const { sim, firmware } = session;
  firmware.start();
  runFor(session, 0.3);
  assert.is(firmware.startRun(), 0);
  let peakMPa = 0;
  while (firmware.sequencer.active && sim.timeS < 300) {
    sim.step();
    if (sim.plant.diePressureMPa > peakMPa) peakMPa = sim.plant.diePressureMPa;
  }
  console.log(`    half-sensitivity cell: ${faultName(firmware.safety.latchedFault)} at ${(firmware.safety.faultTimeMs / 1000).toFixed(2)} s, true peak ${peakMPa.toFixed(1)} MPa`);
  assert.is(firmware.safety.latchedFault, FaultCode.forceSignalsDisagree);
  assert.is(firmware.journal.runs(1)[0].outcome, RunOutcome.fault);
  assert.is(firmware.journal.runs(1)[0].faultCode, FaultCode.forceSignalsDisagree);
  assert.ok(firmware.report().events.some((e) => e.cause === 'fault' && e.detail === FaultCode.forceSignalsDisagree));
  assert.ok(peakMPa < 200, `true peak ${peakMPa} MPa`);
});

test('a healthy cell runs the 700 MPa program to completion with the transducer fitted; a transducer that fails trips OIL_PRESSURE_SENSOR within 0.25 s', () => {
  const { session } = weakCellSession(1);
  const { sim, firmware } = session;
  firmware.start();
  runFor(session, 0.3);
  assert.is(firmware.startRun(), 0);
  while (firmware.sequencer.active && sim.timeS < 300) sim.step();
  assert.is(firmware.stateName, 'COMPLETE', faultName(firmware.safety.latchedFault));
  sim.oilPressure.fail();
  const failedAtMs = sim.clock.nowMs();
  runFor(session, 0.5);
  assert.is(firmware.safety.latchedFault, FaultCode.oilPressureSensor);
  assert.ok(firmware.safety.faultTimeMs - failedAtMs <= 270, `${firmware.safety.faultTimeMs - failedAtMs} ms`);
});

test.run();
