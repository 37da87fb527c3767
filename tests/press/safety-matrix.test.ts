import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { createDryRunSession } from '../../host-sim/scenario';
import type { DryRunSession } from '../../host-sim/scenario';
import type { FaultKind } from '../../host-sim/simulator';
import { FaultCode, FaultReaction, faultName, faultReaction } from '../../src/safety/faults';
import { RunState } from '../../src/runner/run-state';
import { RunOutcome } from '../../src/store/run-journal';
import { program, runUntil, runFor } from '../support/helpers';

// The fault matrix: every fault the simulator injects, during every step type, must end in
// the expected fault code with the outputs in the safe state on the tick it is detected, and
// the true die pressure must never pass the die rating by more than 2 %.

const DIE_RATING_MPA = 130;
const MATRIX_PROGRAM = program(
  [
    { type: 'ramp', to_MPa: 100, rate_MPa_s: 20 },
    { type: 'hold', duration_s: 12, band_MPa: 1, mode: 'dynamic' },
    { type: 'hold', duration_s: 12, band_MPa: 1, mode: 'static' },
    { type: 'release', to_MPa: 40, rate_MPa_s: 10 },
    { type: 'wait', duration_s: 12 },
    { type: 'maintain', at_MPa: 40, duration_s: 15, band_MPa: 1 },
    { type: 'release', to_MPa: 0, rate_MPa_s: 20 },
    { type: 'prompt', message: 'Add the next layer' },
    { type: 'ramp', to_MPa: 60, rate_MPa_s: 20 },
    { type: 'hold', duration_s: 8, band_MPa: 1, mode: 'dynamic' },
    { type: 'release', to_MPa: 0, rate_MPa_s: 20 },
  ],
  { diameter_mm: 10, max_pressure_MPa: DIE_RATING_MPA },
);

/** The first step of each type (hold split by mode), as indices into MATRIX_PROGRAM. */
const STEP_CASES: [string, number][] = [
  ['ramp', 0],
  ['hold (dynamic)', 1],
  ['hold (static)', 2],
  ['release', 3],
  ['wait', 4],
  ['maintain', 5],
  ['prompt', 7],
];

/**
 * What each fault must end in. Where two codes are listed, which one comes first depends on
 * the pressure the fault meets (docs/faults.md): a burst hose at 100 MPa drains faster than
 * the valve could (PRESSURE_DROP), at 20 MPa the pump just stops gaining (PUMP_NO_RISE), and
 * at a few MPa, where the loop pumps gently into the leak, the ramp stalls (STEP_TIMEOUT) —
 * as it does when the pump dies during a contact approach, whose pump speed is capped; a
 * pump that runs by itself at a hold passes the step's hard limit about when the pump-off
 * rise check fires. A fault of a part the step does not use (the pump during a release) is
 * found when a later step uses it.
 */
const EXPECTED: Record<string, number[]> = {
  'loadcell-disconnect': [FaultCode.sensorAdcError, FaultCode.sensorStale],
  'loadcell-stuck': [FaultCode.sensorStuck],
  'loadcell-noise': [FaultCode.sensorNoisy],
  'pump-fail': [FaultCode.pumpNoRise, FaultCode.stepTimeout],
  'pump-stuck-on': [FaultCode.riseWithPumpOff, FaultCode.overStepLimit],
  'release-stuck-closed': [FaultCode.releaseBlocked],
  leak: [FaultCode.pressureDrop, FaultCode.pumpNoRise, FaultCode.stepTimeout],
  estop: [FaultCode.emergencyStop],
  'loop-stall': [FaultCode.loopStall],
  'serial-garbage': [],
};

interface Phase {
  startS: number;
  endS: number;
}


function startedSession(faults: { kind: FaultKind; atS: number }[] = []): DryRunSession {
  const session = createDryRunSession(MATRIX_PROGRAM, { seed: 3, faults });
  assert.equal(session.errors, []);
  session.firmware.start();
  runUntil(session, () => session.sim.timeS >= 0.5, 1);
  session.sim.pressStart();
  return session;
}

// A healthy run first: no fault at all, and the time span of every step to aim the faults at.
const phases: Phase[] = [];
{
  const session = startedSession();
  const { sim, firmware } = session;
  let index = -1;
  runUntil(
    session,
    () => {
      const seq = firmware.sequencer;
      if (seq.stepIndex !== index && seq.active) {
        if (index >= 0) phases[index].endS = sim.timeS;
        index = seq.stepIndex;
        phases[index] = { startS: sim.timeS, endS: Infinity };
      }
      return !seq.active && seq.state !== RunState.idle;
    },
    600,
  );
  if (index >= 0) phases[index].endS = sim.timeS;
  test('the matrix program runs to the end on a healthy press without a fault', () => {
    assert.is(firmware.stateName, 'COMPLETE');
    assert.is(firmware.safety.latchedFault, FaultCode.none);
    assert.is(phases.length, 11);
  });
}

interface Outcome {
  code: number;
  /** Outputs on the tick the fault latched, and on the tick after. */
  pumpOnTrip: number[];
  powerOnTrip: number[];
  releaseOnTrip: number[];
  peakTrueMPa: number;
  detectedAfterS: number;
  /** True pressure 20 s after the trip. */
  pressureLaterMPa: number;
  state: string;
}

function runFault(kind: FaultKind, atS: number): Outcome {
  const session = startedSession([{ kind, atS }]);
  const { sim, firmware } = session;
  const outcome: Outcome = { code: 0, pumpOnTrip: [], powerOnTrip: [], releaseOnTrip: [], peakTrueMPa: 0, detectedAfterS: NaN, pressureLaterMPa: NaN, state: '' };
  let tripTick = -1;
  const endUs = 700e6;
  while (sim.clock.nowUs < endUs) {
    const ticked = sim.step();
    if (sim.plant.diePressureMPa > outcome.peakTrueMPa) outcome.peakTrueMPa = sim.plant.diePressureMPa;
    if (!ticked) continue;
    const ticks = firmware.timing.ticks;
    if (tripTick < 0 && firmware.safety.latchedFault !== FaultCode.none) {
      tripTick = ticks;
      outcome.code = firmware.safety.latchedFault;
      outcome.detectedAfterS = sim.timeS - atS;
    }
    if (tripTick >= 0 && ticks <= tripTick + 1) {
      outcome.pumpOnTrip.push(sim.pump.appliedLevel);
      outcome.powerOnTrip.push(sim.pumpPower.appliedLevel);
      outcome.releaseOnTrip.push(sim.releaseValve.appliedLevel);
    }
    if (tripTick >= 0 && sim.timeS >= atS + outcome.detectedAfterS + 20) break;
    if (tripTick < 0 && !firmware.sequencer.active && firmware.sequencer.state !== RunState.idle) break;
  }
  outcome.pressureLaterMPa = sim.plant.diePressureMPa;
  outcome.state = firmware.stateName;
  return outcome;
}

for (const [kind, expected] of Object.entries(EXPECTED)) {
  test(`fault matrix: ${kind} during every step type → ${expected.length === 0 ? 'no fault, the run completes' : expected.map(faultName).join(' or ')}`, () => {
    for (const [stepName, index] of STEP_CASES) {
      const phase = phases[index];
      const atS = phase.startS + Math.min(3, (phase.endS - phase.startS) / 2);
      const o = runFault(kind as FaultKind, atS);
      const where = `${kind} in ${stepName} at ${atS.toFixed(2)} s`;
      assert.ok(o.peakTrueMPa <= DIE_RATING_MPA * 1.02, `${where}: true pressure reached ${o.peakTrueMPa.toFixed(2)} MPa`);
      if (expected.length === 0) {
        assert.is(o.code, FaultCode.none, `${where}: ${faultName(o.code)}`);
        assert.is(o.state, 'COMPLETE', where);
        continue;
      }
      assert.ok(expected.includes(o.code), `${where}: got ${faultName(o.code)}`);
      assert.is(o.state, 'FAULT', where);
      // Safe state on the tick of detection (at the latest the next one): pump and its power off, the valve opening.
      assert.is(o.pumpOnTrip.length, 2, where);
      assert.is(o.pumpOnTrip[1], 0, `${where}: pump ${o.pumpOnTrip}`);
      assert.is(o.powerOnTrip[1], 0, `${where}: pump power ${o.powerOnTrip}`);
      if (faultReaction(o.code) === FaultReaction.dump) assert.is(o.releaseOnTrip[1], 1, `${where}: release ${o.releaseOnTrip}`);
      // And the load comes off (a blocked valve is the one fault that cannot do it).
      if (o.code !== FaultCode.releaseBlocked) assert.ok(o.pressureLaterMPa < 8, `${where}: ${o.pressureLaterMPa.toFixed(2)} MPa 20 s after the trip`);
    }
  });
}

// The faults that restart the controller: the new firmware must come up safe, with the
// interrupted run marked and the fault that says why latched.
const RESTARTS: [FaultKind, number][] = [
  ['power-loss', FaultCode.runInterrupted],
  ['firmware-hang', FaultCode.watchdogReset],
];
for (const [kind, code] of RESTARTS) {
  test(`fault matrix: ${kind} during every step type → restart, ${faultName(code)}, run marked interrupted, nothing moves`, () => {
    for (const [stepName, index] of STEP_CASES) {
      const phase = phases[index];
      const atS = phase.startS + Math.min(3, (phase.endS - phase.startS) / 2);
      const faults: { kind: FaultKind; atS: number }[] = [{ kind, atS }];
      if (kind === 'power-loss') faults.push({ kind: 'power-restore', atS: atS + 3 });
      const session = startedSession(faults);
      const first = session.firmware;
      const { sim } = session;
      let peak = 0;
      runUntil(session, () => {
        if (sim.plant.diePressureMPa > peak) peak = sim.plant.diePressureMPa;
        return session.firmware !== first;
      }, atS + 10);
      const where = `${kind} in ${stepName} at ${atS.toFixed(2)} s`;
      assert.ok(session.firmware !== first, `${where}: no restart`);
      const pumped = sim.plant.pumpedVolumeM3;
      runFor(session, 20);
      const after = session.firmware;
      assert.is(after.safety.latchedFault, code, `${where}: ${faultName(after.safety.latchedFault)}`);
      assert.is(after.stateName, 'FAULT', where);
      assert.is(after.journal.runs(1)[0].outcome, RunOutcome.interrupted, where);
      assert.is(sim.plant.pumpedVolumeM3, pumped, `${where}: the pump moved after the restart`);
      assert.is(sim.pumpPower.appliedLevel, 0, where);
      assert.is(sim.releaseValve.appliedLevel, 1, where);
      assert.ok(sim.plant.diePressureMPa < 1, `${where}: ${sim.plant.diePressureMPa.toFixed(2)} MPa`);
      assert.ok(peak <= DIE_RATING_MPA * 1.02, where);
    }
  });
}

test('fault matrix: guard-open during every step type → PAUSED with the load kept (at a prompt: still WAITING), no pumping', () => {
  for (const [stepName, index] of STEP_CASES) {
    const phase = phases[index];
    const atS = phase.startS + Math.min(3, (phase.endS - phase.startS) / 2);
    const session = startedSession([{ kind: 'guard-open', atS }]);
    const { sim } = session;
    runUntil(session, () => sim.timeS >= atS + 0.011, atS + 1);
    const where = `guard-open in ${stepName}`;
    assert.is(session.firmware.stateName, stepName === 'prompt' ? 'WAITING' : 'PAUSED', where);
    assert.is(sim.pump.appliedLevel, 0, where);
    assert.is(sim.pumpPower.appliedLevel, 0, where);
    const pumped = sim.plant.pumpedVolumeM3;
    runFor(session, 30);
    // What the motor delivers while it spins down (50 ms time constant), against 2.5 mL/s running.
    const deliveredM3 = sim.plant.pumpedVolumeM3 - pumped;
    assert.ok(deliveredM3 < 1e-7, `${where}: ${deliveredM3 * 1e6} mL pumped with the guard open`);
    assert.is(session.firmware.safety.latchedFault, FaultCode.none, where);
  }
});


test.run();
