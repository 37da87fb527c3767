import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { createDryRunSession, dryRun, runSession } from '../../host-sim/scenario';
import type { DryRunSession } from '../../host-sim/scenario';
import { RunState } from '../../src/runner/run-state';
import { FaultCode } from '../../src/safety/faults';
import { Refusal } from '../../src/runner/run-events';
import { program, runUntil } from '../support/helpers';


function startedSession(steps?: unknown[], die?: { diameter_mm: number; max_pressure_MPa: number }): DryRunSession {
  const session = createDryRunSession(program(steps, die));
  assert.equal(session.errors, []);
  session.firmware.start();
  runUntil(session, () => session.sim.timeS > 0.2);
  assert.is(session.firmware.startRun(), 0);
  return session;
}

test('a stalled loop turns the pump off by itself: the actuator lease runs out', () => {
  const session = startedSession();
  const { sim, firmware } = session;
  runUntil(session, () => sim.plant.diePressureMPa > 20);
  assert.ok(sim.pump.appliedLevel > 0, 'pump runs during the ramp');
  firmware.control.run = () => {}; // the loop stalls: no more ticks reach the firmware
  const stalledAtUs = sim.clock.nowUs;
  runUntil(session, () => sim.pump.appliedLevel === 0, 1);
  const offAfterMs = (sim.clock.nowUs - stalledAtUs) / 1000;
  assert.ok(offAfterMs <= firmware.periodMs * firmware.config.leasePeriods + 1, `pump off after ${offAfterMs} ms`);
  assert.is(sim.pump.leaseExpiries, 1);
  assert.is(sim.releaseValve.appliedLevel, 1, 'release valve falls back to open');
});

test('late ticks are counted as overruns and show in the jitter figures', () => {
  const session = createDryRunSession(program());
  const { sim, firmware } = session;
  const periods = [10, 10, 25, 10, 10, 16, 4];
  for (const period of periods) {
    sim.clock.nowUs += period * 1000;
    firmware.tick();
  }
  assert.is(firmware.timing.ticks, periods.length);
  assert.is(firmware.timing.overruns, 2);
  assert.is(firmware.timing.maxJitterMs, 15);
  assert.is(firmware.timing.maxPeriodMs, 25);
});

test('over-pressure trips within one tick: pump off, release open, fault latched', () => {
  const session = startedSession([
    { type: 'ramp', to_MPa: 90, rate_MPa_s: 20 },
    { type: 'hold', duration_s: 30, band_MPa: 1, mode: 'dynamic' },
    { type: 'release', to_MPa: 0, rate_MPa_s: 20 },
  ], { diameter_mm: 10, max_pressure_MPa: 100 });
  const { sim, firmware } = session;
  runUntil(session, () => firmware.sequencer.stepIndex === 1);
  // A pressure spike the controller did not cause (think: a collapsing spacer).
  sim.plant.imposeForce(105e6 * sim.stack.dieAreaM2);
  const ticksBefore = firmware.timing.ticks;
  runUntil(session, () => firmware.safety.tripped, 1);
  assert.ok(firmware.timing.ticks - ticksBefore <= 1, `tripped after ${firmware.timing.ticks - ticksBefore} ticks`);
  assert.is(firmware.safety.latchedFault, FaultCode.overPressure);
  assert.is(sim.pump.appliedLevel, 0);
  assert.is(sim.releaseValve.appliedLevel, 1);
  assert.is(firmware.sequencer.state, RunState.fault);
  // Latched: it stays in the safe state even when the pressure is gone, until reset.
  runUntil(session, () => false, 5);
  assert.ok(sim.plant.diePressureMPa < 1);
  assert.is(firmware.safety.latchedFault, FaultCode.overPressure);
  assert.is(firmware.startRun(), Refusal.faultLatched, 'no new run while the fault is latched');
  firmware.resetFault();
  assert.is(firmware.startRun(), 0);
});

test('e-stop faults the run and unloads the press', () => {
  const session = startedSession();
  const { sim, firmware } = session;
  runUntil(session, () => sim.plant.diePressureMPa > 50);
  sim.inputs.estop = true;
  runUntil(session, () => firmware.safety.tripped, 1);
  assert.is(firmware.safety.latchedFault, FaultCode.emergencyStop);
  runUntil(session, () => false, 0.05);
  assert.is(sim.pump.appliedLevel, 0);
  assert.is(sim.releaseValve.appliedLevel, 1);
  assert.is(firmware.report().result, 'fault');
});

test('the loop closes on the load-cell reading: a 2 % span error moves the true pressure, not the measured one', () => {
  const steps = [
    { type: 'ramp', to_MPa: 200, rate_MPa_s: 20 },
    { type: 'hold', duration_s: 10, band_MPa: 1, mode: 'dynamic' },
  ];
  const honest = createDryRunSession(program(steps));
  const biased = createDryRunSession(program(steps));
  biased.firmware.loadCell.calibration = { ...biased.firmware.loadCell.calibration, kNPerCount: biased.firmware.loadCell.calibration.kNPerCount * 1.02 };
  const trueAtEnd = (session: DryRunSession) => {
    const result = runSession(session, { traceEveryTicks: 1, tailS: 0 });
    const pressure = result.trace!.column('pressure_MPa');
    return { measured: result.report!.steps[1].reached_MPa!, truePressure: pressure[pressure.length - 1] };
  };
  const a = trueAtEnd(honest);
  const b = trueAtEnd(biased);
  assert.ok(Math.abs(a.measured - 200) < 0.5 && Math.abs(b.measured - 200) < 0.5, `${a.measured} ${b.measured}`);
  assert.ok(Math.abs(a.truePressure - 200) < 0.5, `honest true ${a.truePressure}`);
  assert.ok(Math.abs(b.truePressure - 200 / 1.02) < 0.5, `biased true ${b.truePressure}`);
});

test('the panel shows the prompt and the run waits for Continue', () => {
  const session = startedSession([
    { type: 'ramp', to_MPa: 50, rate_MPa_s: 20 },
    { type: 'release', to_MPa: 0, rate_MPa_s: 20 },
    { type: 'prompt', message: 'Add the next layer' },
    { type: 'ramp', to_MPa: 60, rate_MPa_s: 20 },
    { type: 'release', to_MPa: 0, rate_MPa_s: 20 },
  ]);
  const { sim, firmware } = session;
  runUntil(session, () => sim.panel.state === 'WAITING');
  assert.is(sim.panel.prompt, 'Add the next layer');
  assert.is(firmware.sequencer.stepIndex, 2);
  assert.is(sim.releaseValve.appliedLevel, 1, 'unloaded while the operator works');
  runUntil(session, () => firmware.sequencer.state === RunState.complete);
  const report = firmware.report();
  assert.is(report.result, 'completed');
  assert.ok(report.steps[2].duration_s! >= sim.options.operatorDelayS);
  assert.is(sim.layers.length, 2, 'the operator added a layer at the prompt');
});

test('an invalid program is not selected and nothing runs', () => {
  const result = dryRun(program([{ type: 'ramp', to_MPa: 800, rate_MPa_s: 10 }]));
  assert.is(result.valid, false);
  assert.is(result.report, null);
  assert.equal(result.errors.map((e) => e.path), ['steps[0].to_MPa']);
});

test('a rejected program leaves the selected one untouched, not partly replaced', () => {
  const session = createDryRunSession(program());
  const { firmware } = session;
  const before = firmware.program!;
  const rejected = firmware.selectProgram({ ...program([{ type: 'ramp', to_MPa: 200, rate_MPa_s: 10 }, { type: 'hold', duration_s: -5, band_MPa: 1, mode: 'static' }]), name: 'other' });
  assert.is(rejected.ok, false);
  assert.is(firmware.program, before);
  assert.is(firmware.program!.name, 'test-program');
  assert.equal(Array.from(firmware.program!.targetMPa), [100, 100, 0]);
  assert.is(firmware.safety.tripPressureMPa, before.ceilingMPa);
});

test.run();
