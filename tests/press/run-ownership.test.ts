// Who may stop, continue or reset: two SCPI sessions on one simulated press (docs/protocol.md,
// "Who may stop a run"; docs/faults.md, "Resetting a fault").
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { VirtualInstrument } from '../../host-sim/virtual-instrument';
import type { ScpiSession } from '../../src/protocol/session';
import { EventCause, Origin, Refusal } from '../../src/runner/run-events';
import { RUN_STATE_NAMES } from '../../src/runner/run-state';
import { FAULT_CODES, FaultCode, faultRemoteResettable, isSafetyFault } from '../../src/safety/faults';
import { program } from '../support/helpers';
import { send, errors } from '../support/scpi-helpers';
import { latchFault } from '../../src/press/latch-fault';

const LONG = {
  ...program([
    { type: 'ramp', to_MPa: 40, rate_MPa_s: 20 },
    { type: 'hold', duration_s: 3600, band_MPa: 2, mode: 'dynamic' },
    { type: 'release', to_MPa: 0, rate_MPa_s: 20 },
  ]),
  name: 'long',
};
const PROMPTED = {
  ...program([
    { type: 'ramp', to_MPa: 20, rate_MPa_s: 20 },
    { type: 'prompt', message: 'Add the layer, then Continue' },
    { type: 'release', to_MPa: 0, rate_MPa_s: 20 },
  ]),
  name: 'prompted',
};

function define(session: ScpiSession, json: { name: string }): void {
  const body = JSON.stringify(json);
  send(session, `PROG:DEF "${json.name}",#${String(body.length).length}${body.length}${body}`);
  assert.equal(errors(session), []);
}

/** A press with two connections, A and B; A has started `json`. */
function twoClients(json: { name: string } = LONG): { press: VirtualInstrument; a: ScpiSession; b: ScpiSession } {
  const press = new VirtualInstrument({ seed: 11 });
  press.advanceTo(0.3);
  const a = press.createSession();
  const b = press.createSession();
  define(a, json);
  send(a, `PROG:SEL "${json.name}";:INIT`);
  assert.equal(errors(a), []);
  press.advanceTo(press.timeS + 1);
  assert.is(send(a, 'PROG:STAT?'), 'RUNNING');
  return { press, a, b };
}

function events(press: VirtualInstrument) {
  return press.firmware.sequencer.events.list(0, RUN_STATE_NAMES);
}

function holdStop(press: VirtualInstrument, seconds: number): void {
  press.sim.inputs.stopPressed = true;
  press.advanceTo(press.timeS + seconds);
  press.sim.inputs.stopPressed = false;
  press.advanceTo(press.timeS + 0.1);
}

function latch(press: VirtualInstrument, code: number): void {
  const fw = press.firmware;
  // Latched as the tick would (the supervisor and the sequencer), whatever the plant is doing.
  latchFault(fw.safety, fw.sequencer, code, fw.board.clock.nowMs(), fw.loadCell.pressureMPa);
  assert.is(fw.safety.latchedFault, code);
}

test("B's *RST and ABOR do not stop A's run; the refusal names the owner and is logged with B's id", () => {
  const { press, a, b } = twoClients();
  assert.is(send(b, 'PROG:OWN?'), `${a.sessionId},${b.sessionId}`);
  send(b, '*RST');
  assert.equal(errors(b), []);
  send(b, 'ABOR');
  assert.equal(errors(b), [`115,Run owned by another connection;run owned by connection ${a.sessionId}; ABOR:FORC or the Stop button at the press stops it`]);
  press.advanceTo(press.timeS + 1);
  assert.is(send(b, 'PROG:STAT?'), 'RUNNING');
  const refused = events(press).filter((e) => e.cause === 'abort-refused-not-owner');
  assert.is(refused.length, 1);
  assert.is(refused[0].detail, b.sessionId);
  // A's own *RST does not stop it either (scripts open with *RST).
  send(a, '*RST');
  press.advanceTo(press.timeS + 0.5);
  assert.is(send(a, 'PROG:STAT?'), 'RUNNING');
});

test("A's ABOR stops A's run, logged with A's id", () => {
  const { press, a } = twoClients();
  send(a, 'ABOR');
  assert.equal(errors(a), []);
  assert.is(send(a, 'PROG:STAT?'), 'ABORTED');
  const stop = events(press).find((e) => e.to === 'ABORTED');
  assert.is(stop?.cause, 'abort-remote');
  assert.is(stop?.detail, a.sessionId);
  const start = events(press).find((e) => e.cause === 'start-remote');
  assert.is(start?.detail, a.sessionId, 'the start records who too');
});

test("B's ABOR:FORC stops A's run and is logged with B's id", () => {
  const { press, a, b } = twoClients();
  send(b, 'ABOR:FORC');
  assert.equal(errors(b), []);
  assert.is(send(a, 'PROG:STAT?'), 'ABORTED');
  const stop = events(press).find((e) => e.to === 'ABORTED');
  assert.is(stop?.cause, 'abort-forced');
  assert.is(stop?.detail, b.sessionId);
});

test('the Stop button stops any run: a remote one, and one started at the press', () => {
  const { press, a, b } = twoClients();
  press.sim.inputs.stopPressed = true;
  press.advanceTo(press.timeS + 0.1);
  press.sim.inputs.stopPressed = false;
  assert.is(send(a, 'PROG:STAT?'), 'ABORTED');
  assert.ok(events(press).some((e) => e.cause === 'stop-button' && e.to === 'ABORTED' && e.detail === Origin.press));
  press.advanceTo(press.timeS + 5);
  // Started at the press: no session owns it; ABOR is refused, the Stop button stops it.
  assert.is(press.firmware.startRun(EventCause.startButton, Origin.press), 0);
  send(a, 'ABOR');
  assert.match(errors(a)[0], /^115,.*run owned by the press/);
  assert.is(send(b, 'PROG:OWN?'), `0,${b.sessionId}`);
  press.sim.inputs.stopPressed = true;
  press.advanceTo(press.timeS + 0.1);
  press.sim.inputs.stopPressed = false;
  assert.is(send(a, 'PROG:STAT?'), 'ABORTED');
});

test("PROG:CONT from B is refused; A's and the Continue button's are not", () => {
  const { press, a, b } = twoClients(PROMPTED);
  for (let n = 0; n < 100 && send(a, 'PROG:STAT?') !== 'WAITING'; n++) press.advanceTo(press.timeS + 0.1);
  assert.is(send(a, 'PROG:STAT?'), 'WAITING');
  send(b, 'PROG:CONT');
  assert.match(errors(b)[0], new RegExp(`^115,Run owned by another connection;run owned by connection ${a.sessionId}; only it or the Continue button`));
  assert.is(send(a, 'PROG:STAT?'), 'WAITING');
  assert.is(events(press).filter((e) => e.cause === 'continue-refused-not-owner' && e.detail === b.sessionId).length, 1);
  send(a, 'PROG:CONT');
  assert.equal(errors(a), []);
  assert.is(send(a, 'PROG:STAT?'), 'RUNNING');
  assert.ok(events(press).some((e) => e.cause === 'continue-remote' && e.detail === a.sessionId));
  assert.is(press.firmware.continueRun(EventCause.continueButton, Origin.press), Refusal.notWaiting, 'the press is not refused for ownership');
});

test('over-pressure: SYST:FAUL:CLE is refused remotely by default (panel says so, logged), Stop held 2 s resets it', () => {
  const { press, a } = twoClients();
  latch(press, FaultCode.overPressure);
  press.advanceTo(press.timeS + 0.5);
  send(a, 'SYST:FAUL:CLE');
  assert.equal(errors(a), ['116,Reset at the press;101 OVER_PRESSURE must be reset at the press: hold Stop 2 s (setting remote_fault_reset is unset (none))']);
  assert.is(press.firmware.safety.latchedFault, FaultCode.overPressure);
  press.advanceTo(press.timeS + 0.2);
  assert.match(press.firmware.panelView.prompt, /101 OVER_PRESSURE resets at the press: hold Stop 2 s/);
  assert.ok(events(press).some((e) => e.cause === 'fault-reset-refused-remote' && e.detail === a.sessionId));
  holdStop(press, 1.0);
  assert.is(press.firmware.safety.latchedFault, FaultCode.overPressure, 'a short press does not reset');
  holdStop(press, 2.2);
  assert.is(press.firmware.safety.latchedFault, FaultCode.none);
  assert.ok(events(press).some((e) => e.cause === 'fault-reset-button' && e.detail === Origin.press));
});

test("remote_fault_reset 'process': 601 resets remotely (logged with the session), 101 and 301 still do not", () => {
  const press = new VirtualInstrument({ seed: 12 });
  press.advanceTo(0.3);
  const a = press.createSession();
  assert.is(press.firmware.setRemoteFaultReset('everything'), 'remote_fault_reset: "everything" is not one of none, process');
  assert.is(press.firmware.setRemoteFaultReset('process'), null);
  assert.is(press.firmware.remoteFaultResetMode(), 'process');
  latch(press, FaultCode.stepTimeout);
  send(a, 'SYST:FAUL:CLE');
  assert.equal(errors(a), []);
  assert.is(press.firmware.safety.latchedFault, FaultCode.none);
  assert.ok(events(press).some((e) => e.cause === 'fault-reset-remote' && e.detail === a.sessionId));
  for (const code of [FaultCode.overPressure, FaultCode.emergencyStop, FaultCode.sensorStale, FaultCode.pumpNoRise, FaultCode.loopStall]) {
    latch(press, code);
    send(a, 'SYST:FAUL:CLE');
    assert.match(errors(a)[0], new RegExp(`^116,Reset at the press;${code} \\w+ must be reset at the press: hold Stop 2 s \\(setting remote_fault_reset is process\\)`));
    assert.is(press.firmware.safety.latchedFault, code);
    holdStop(press, 2.2);
    assert.is(press.firmware.safety.latchedFault, FaultCode.none);
  }
});

test('a remote_fault_reset value that is neither none nor process counts as none, and the error says so', () => {
  const press = new VirtualInstrument({ seed: 13 });
  press.advanceTo(0.3);
  const a = press.createSession();
  const settings = press.firmware.store.settings();
  settings.set('remote_fault_reset', 'Process');
  press.firmware.store.saveSettings(settings);
  latch(press, FaultCode.stepTimeout);
  send(a, 'SYST:FAUL:CLE');
  assert.equal(errors(a), ['116,Reset at the press;601 STEP_TIMEOUT must be reset at the press: hold Stop 2 s (setting remote_fault_reset is "Process", not none or process: treated as none)']);
});

test('classification: every safety group resets only at the press, new codes in those groups and unknown codes too', () => {
  for (const code of FAULT_CODES) {
    if (isSafetyFault(code)) assert.not.ok(faultRemoteResettable(code), `${code}`);
  }
  assert.equal(FAULT_CODES.filter(faultRemoteResettable), [FaultCode.runInterrupted, FaultCode.stepTimeout]);
  for (const code of [104, 109, 208, 209, 302, 405, 504, 509, 602, 701, 999, 0, -1]) assert.not.ok(faultRemoteResettable(code), `${code}`);
  for (const code of [104, 109, 208, 209]) assert.ok(isSafetyFault(code));
  assert.not.ok(isSafetyFault(504));
});

test.run();
