import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { createDryRunSession } from '../../host-sim/scenario';
import type { DryRunSession } from '../../host-sim/scenario';
import { FaultCode } from '../../src/safety/faults';
import { Refusal } from '../../src/runner/run-events';
import { RunState } from '../../src/runner/run-state';
import { RunOutcome } from '../../src/store/run-journal';
import { ResetReason } from '../../hal/system';
import { Debounced } from '../../src/operator/debounce';
import { program, runUntil, runFor } from '../support/helpers';

// The runner's operator side: the guard interlock, the e-stop, Stop, fault reset, power loss
// and watchdog restarts, debounced buttons, and the run record.

const HOLD_PROGRAM = program([
  { type: 'ramp', to_MPa: 100, rate_MPa_s: 20 },
  { type: 'hold', duration_s: 30, band_MPa: 1, mode: 'dynamic' },
  { type: 'release', to_MPa: 0, rate_MPa_s: 10 },
]);



/** Presses a button for `holdS` (the simulated operator's finger), then lets it go. */
function press(session: DryRunSession, button: 'startPressed' | 'stopPressed' | 'continuePressed', holdS = 0.1): void {
  session.sim.inputs[button] = true;
  runFor(session, holdS);
  session.sim.inputs[button] = false;
  runFor(session, 0.05);
}

function booted(json: unknown = HOLD_PROGRAM): DryRunSession {
  const session = createDryRunSession(json, { seed: 9 });
  assert.equal(session.errors, []);
  session.firmware.start();
  runFor(session, 0.3);
  return session;
}

function inHold(): DryRunSession {
  const session = booted();
  press(session, 'startPressed');
  runUntil(session, () => session.firmware.sequencer.stepIndex === 1 && session.firmware.sequencer.arrivedMs >= 0, 60);
  assert.is(session.firmware.sequencer.stepIndex, 1);
  return session;
}

test('a run started with the guard open is refused: nothing moves, the panel says why', () => {
  const session = booted();
  const { sim, firmware } = session;
  sim.inputs.guardClosed = false;
  runFor(session, 0.1);
  press(session, 'startPressed');
  runFor(session, 1);
  assert.is(firmware.stateName, 'IDLE');
  assert.is(sim.plant.pumpedVolumeM3, 0);
  assert.is(sim.pumpPower.appliedLevel, 0);
  assert.is(sim.panel.prompt, 'Refused: the guard is open');
  assert.is(firmware.startRun(), Refusal.guardOpen, 'the protocol is refused too');
  const refused = firmware.sequencer.events.list(0, ['IDLE']).filter((e) => e.cause === 'refused');
  assert.is(refused.length, 2);
  assert.is(refused[0].detail, Refusal.guardOpen);
  // Closed again, the same button starts it.
  sim.inputs.guardClosed = true;
  runFor(session, 0.3);
  press(session, 'startPressed');
  assert.is(firmware.stateName, 'RUNNING');
});

test('opening the guard mid-step pauses at once: pump and its power off, the load kept, the hold clock stopped; closing it does not resume', () => {
  const session = inHold();
  const { sim, firmware } = session;
  runFor(session, 10);
  const leftBefore = firmware.sequencer.stepTimeLeftS(sim.clock.nowMs());
  sim.inputs.guardClosed = false;
  runFor(session, 0.011); // one tick
  assert.is(firmware.stateName, 'PAUSED');
  assert.is(sim.pump.appliedLevel, 0);
  assert.is(sim.pumpPower.appliedLevel, 0);
  assert.is(sim.releaseValve.appliedLevel, 0, 'the load is kept: no uncontrolled unloading of the pellet');
  // The motor coasts down from a correction that may have been under way (time constant 50 ms).
  const atOpen = sim.plant.pumpedVolumeM3;
  runFor(session, 1.5);
  const pumped = sim.plant.pumpedVolumeM3;
  assert.ok(pumped - atOpen < 1e-9, `${pumped - atOpen} m³ while the motor coasted`);
  runFor(session, 20);
  assert.is(sim.plant.pumpedVolumeM3, pumped, 'nothing pumped while the guard is open');
  assert.ok(sim.plant.diePressureMPa > 95, `${sim.plant.diePressureMPa} MPa kept`);
  assert.is(sim.panel.prompt, 'Guard open: close it, then Continue to resume or Stop to let the load down');
  assert.is(sim.panel.status, RunState.paused);
  // Continue with the guard still open is refused.
  press(session, 'continuePressed');
  assert.is(firmware.stateName, 'PAUSED');
  sim.inputs.guardClosed = true;
  runFor(session, 10);
  assert.is(firmware.stateName, 'PAUSED', 'closing the guard does not resume by itself');
  press(session, 'continuePressed');
  assert.is(firmware.stateName, 'RUNNING');
  const leftAfter = firmware.sequencer.stepTimeLeftS(sim.clock.nowMs());
  assert.ok(Math.abs(leftAfter - leftBefore) < 0.5, `hold time left ${leftBefore} → ${leftAfter} s: the pause did not count`);
  runUntil(session, () => !firmware.sequencer.active, 120);
  assert.is(firmware.stateName, 'COMPLETE');
  const report = firmware.report();
  const causes = report.events.map((e) => `${e.cause}:${e.from}>${e.to}`);
  assert.ok(causes.includes('guard-opened:RUNNING>PAUSED'), causes.join(' '));
  assert.ok(causes.includes('guard-closed:PAUSED>PAUSED'), causes.join(' '));
  assert.ok(causes.includes('continue-button:PAUSED>RUNNING'), causes.join(' '));
  assert.ok(report.steps[1].duration_s! > 30 + 30, 'the hold step spans its 30 s and the pause');
});

test('the guard opened at a prompt (to add a layer) is no pause; Continue waits for it to close', () => {
  const session = booted(program([
    { type: 'ramp', to_MPa: 50, rate_MPa_s: 20 },
    { type: 'release', to_MPa: 0, rate_MPa_s: 20 },
    { type: 'prompt', message: 'Add the next layer' },
    { type: 'ramp', to_MPa: 30, rate_MPa_s: 20 },
    { type: 'release', to_MPa: 0, rate_MPa_s: 20 },
  ]));
  const { sim, firmware } = session;
  sim.options.operatorDelayS = 1e9; // this test answers the prompt itself
  press(session, 'startPressed');
  runUntil(session, () => firmware.stateName === 'WAITING', 60);
  sim.inputs.guardClosed = false;
  runFor(session, 1);
  assert.is(firmware.stateName, 'WAITING');
  assert.is(sim.pumpPower.appliedLevel, 0);
  press(session, 'continuePressed');
  assert.is(firmware.stateName, 'WAITING', 'refused with the guard open');
  assert.is(sim.panel.prompt, 'Refused: the guard is open');
  sim.inputs.guardClosed = true;
  runFor(session, 0.3);
  press(session, 'continuePressed');
  assert.is(firmware.stateName, 'RUNNING');
  runUntil(session, () => !firmware.sequencer.active, 60);
  assert.is(firmware.stateName, 'COMPLETE');
});

test('e-stop: fault 301 on the next tick, pump power cut in hardware, load dumped; no reset while it is pressed; hold Stop 2 s after', () => {
  const session = inHold();
  const { sim, firmware } = session;
  sim.inputs.estop = true;
  sim.step(); // the contact opens the pump's power chain at once, before any software
  assert.is(sim.plant.pumpPowered, false);
  runFor(session, 0.011);
  assert.is(firmware.safety.latchedFault, FaultCode.emergencyStop);
  assert.is(firmware.stateName, 'FAULT');
  assert.is(sim.pump.appliedLevel, 0);
  assert.is(sim.releaseValve.appliedLevel, 1);
  runFor(session, 10);
  assert.ok(sim.plant.diePressureMPa < 2, `${sim.plant.diePressureMPa} MPa`);
  assert.is(firmware.resetFault(), Refusal.estop);
  press(session, 'stopPressed', 2.5);
  assert.is(firmware.stateName, 'FAULT', 'not while the e-stop is pressed');
  sim.inputs.estop = false;
  runFor(session, 0.2);
  press(session, 'stopPressed', 0.5);
  assert.is(firmware.stateName, 'FAULT', 'a short press does not reset');
  press(session, 'stopPressed', 2.2);
  assert.is(firmware.stateName, 'IDLE');
  assert.is(firmware.safety.latchedFault, FaultCode.none);
  runFor(session, 5);
  assert.is(firmware.stateName, 'IDLE', 'nothing starts by itself');
  const report = firmware.report();
  assert.is(report.result, 'fault');
  assert.equal(report.faults.map((f) => f.code), [FaultCode.emergencyStop]);
  assert.ok(report.events.some((e) => e.cause === 'fault-reset-button' && e.from === 'FAULT' && e.to === 'IDLE'));
});

test('Stop aborts with a controlled release at the program\'s release rate, not a dump', () => {
  const session = inHold();
  const { sim, firmware } = session;
  press(session, 'stopPressed');
  assert.is(firmware.stateName, 'ABORTED');
  assert.ok(firmware.sequencer.unloading);
  assert.is(sim.panel.prompt, 'Letting the load down');
  const p0 = sim.plant.diePressureMPa;
  runFor(session, 3);
  const fallRate = (p0 - sim.plant.diePressureMPa) / 3;
  assert.ok(fallRate > 5 && fallRate < 15, `fell at ${fallRate} MPa/s (program release rate 10)`);
  assert.is(sim.pump.appliedLevel, 0);
  runUntil(session, () => !firmware.sequencer.unloading, 30);
  assert.ok(sim.plant.diePressureMPa < 1);
  runFor(session, 0.2);
  assert.is(sim.releaseValve.appliedLevel, 1, 'wide open once unloaded');
  const report = firmware.report();
  assert.is(report.result, 'aborted');
  assert.ok(report.events.some((e) => e.cause === 'stop-button' && e.to === 'ABORTED'));
  assert.ok(report.events.some((e) => e.cause === 'unloaded'));
  // The journal has the run's end.
  const last = firmware.journal.runs(1)[0];
  assert.is(last.outcome, RunOutcome.aborted);
  assert.is(last.programName, 'test-program');
});

test('power loss mid-hold: after restart the press is safe, the run is marked interrupted, nothing moves', () => {
  const session = inHold();
  const { sim } = session;
  const before = session.firmware;
  const runId = before.runId;
  assert.ok(runId > 0);
  sim.inject('power-loss');
  runFor(session, 5);
  sim.inject('power-restore');
  assert.not.equal(session.firmware, before, 'a new firmware booted');
  const after = session.firmware;
  runFor(session, 0.2);
  assert.is(after.stateName, 'FAULT');
  assert.is(after.safety.latchedFault, FaultCode.runInterrupted);
  assert.ok(sim.panel.view.lastFault.startsWith('503 RUN_INTERRUPTED'), sim.panel.view.lastFault);
  assert.ok(after.interruptedRun !== null && after.interruptedRun.runId === runId);
  const journalled = after.journal.runs(1)[0];
  assert.is(journalled.runId, runId);
  assert.is(journalled.outcome, RunOutcome.interrupted);
  assert.is(after.program, null, 'nothing selected, nothing to resume');
  const pumped = sim.plant.pumpedVolumeM3;
  runFor(session, 30);
  assert.is(sim.plant.pumpedVolumeM3, pumped, 'no motion');
  assert.is(sim.pump.appliedLevel, 0);
  assert.is(sim.pumpPower.appliedLevel, 0);
  assert.is(sim.releaseValve.appliedLevel, 1);
  assert.ok(sim.plant.diePressureMPa < 0.5);
  assert.is(after.startRun(), Refusal.faultLatched);
  assert.is(after.resetFault(), 0);
  assert.is(after.startRun(), Refusal.noProgram, 'even after the reset, nothing to resume');
});

test('a hung loop: the leases drop the outputs in 3 ticks, the watchdog restarts the controller, the run is marked interrupted', () => {
  const session = inHold();
  const { sim } = session;
  const before = session.firmware;
  sim.inject('firmware-hang');
  const hungAtUs = sim.clock.nowUs;
  runUntil(session, () => sim.pump.appliedLevel === 0 && sim.pumpPower.appliedLevel === 0, 1);
  // The last lease was granted at most one period before the hang, and runs 3 periods.
  assert.ok(sim.clock.nowUs - hungAtUs <= 41_000, `outputs off after ${(sim.clock.nowUs - hungAtUs) / 1000} ms`);
  runUntil(session, () => session.firmware !== before, 2);
  assert.is(sim.system.resetReason, ResetReason.watchdog);
  assert.ok(sim.clock.nowUs - hungAtUs <= 1_100_000, 'within the 1 s watchdog');
  runFor(session, 0.2);
  assert.is(session.firmware.safety.latchedFault, FaultCode.watchdogReset);
  assert.is(session.firmware.journal.runs(1)[0].outcome, RunOutcome.interrupted);
  assert.is(session.firmware.stateName, 'FAULT');
});

test('a stalled loop (200 ms without ticks) latches LOOP_STALL on the first tick after it', () => {
  const session = inHold();
  const { sim, firmware } = session;
  sim.inject('loop-stall');
  runFor(session, 0.25);
  assert.is(firmware.safety.latchedFault, FaultCode.loopStall);
  assert.is(sim.pumpPower.appliedLevel, 0);
});

test('debounce: contact bounce shorter than 20 ms starts nothing; a bouncing press starts one run; an e-stop acts on its first sample', () => {
  const bounce = new Debounced(20, 20);
  for (const raw of [true, false, true, false, true, false]) assert.is(bounce.update(raw, 5), false);
  for (let i = 0; i < 3; i++) bounce.update(true, 5);
  assert.is(bounce.update(true, 5), true);
  assert.ok(bounce.changed);
  const estop = new Debounced(0, 50);
  assert.is(estop.update(true, 10), true, 'asserts at once');
  assert.is(estop.update(false, 10), true, 'released only after 50 ms');
  for (let i = 0; i < 4; i++) estop.update(false, 10);
  assert.is(estop.state, false);

  const session = booted();
  const { sim, firmware } = session;
  // A 15 ms chatter of the Start contact: no run.
  for (let i = 0; i < 3; i++) {
    sim.inputs.startPressed = i % 2 === 0;
    runFor(session, 0.005);
  }
  sim.inputs.startPressed = false;
  runFor(session, 0.5);
  assert.is(firmware.stateName, 'IDLE');
  // A real press that chatters first: one run, one start event.
  for (let i = 0; i < 4; i++) {
    sim.inputs.startPressed = i % 2 === 0;
    runFor(session, 0.004);
  }
  press(session, 'startPressed', 0.2);
  assert.is(firmware.stateName, 'RUNNING');
  assert.is(firmware.report().events.filter((e) => e.cause === 'start-button').length, 1);
});

test('the run record: program name and hash, start and end, result, steps, peak, every transition with its time and cause', () => {
  const session = booted(program([
    { type: 'ramp', to_MPa: 60, rate_MPa_s: 20 },
    { type: 'hold', duration_s: 3, band_MPa: 1, mode: 'dynamic' },
    { type: 'release', to_MPa: 0, rate_MPa_s: 20 },
    { type: 'prompt', message: 'Add the next layer' },
    { type: 'ramp', to_MPa: 40, rate_MPa_s: 20 },
    { type: 'release', to_MPa: 0, rate_MPa_s: 20 },
  ]));
  const { sim, firmware } = session;
  sim.options.operatorDelayS = 2;
  press(session, 'startPressed');
  runUntil(session, () => !firmware.sequencer.active, 120);
  const report = firmware.report();
  assert.is(report.program, 'test-program');
  assert.match(report.program_hash, /^[0-9a-f]{8}$/);
  assert.is(report.program_hash, firmware.programHash.toString(16).padStart(8, '0'));
  assert.is(report.result, 'completed');
  assert.ok(report.start_ms > 300 && report.end_ms! > report.start_ms);
  assert.is(report.steps.length, 6);
  assert.ok(report.peak_MPa > 59 && report.peak_MPa < 62, String(report.peak_MPa));
  assert.equal(report.faults, []);
  const trail = report.events.map((e) => `${e.cause} ${e.from}>${e.to} @${e.step}`);
  assert.equal(trail, [
    'start-button IDLE>RUNNING @0',
    'step-done RUNNING>RUNNING @1',
    'step-done RUNNING>RUNNING @2',
    'step-done RUNNING>RUNNING @3',
    'prompt RUNNING>WAITING @4',
    'continue-button WAITING>RUNNING @4',
    'step-done RUNNING>RUNNING @4',
    'step-done RUNNING>RUNNING @5',
    'completed RUNNING>COMPLETE @6',
  ]);
  for (let i = 1; i < report.events.length; i++) assert.ok(report.events[i].t_ms >= report.events[i - 1].t_ms);
  assert.is(firmware.journal.runs(1)[0].outcome, RunOutcome.completed);
});

test.run();
