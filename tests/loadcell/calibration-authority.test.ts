// Calibration authority and plausibility, attacked through SCPI sessions on the simulated press
// (issue 17): no fixed code, commissioning only at the press, back-off and lockout per press,
// unlock per connection and expiring, the span held to a band, absurd values refused, the
// certified calibration kept by the history.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { VirtualInstrument } from '../../host-sim/virtual-instrument';
import type { ScpiSession } from '../../src/protocol/session';
import {
  AT_PRESS_REQUEST_TTL_MS,
  CODE_HASH_SETTING,
  CalibrationAuthority,
  FREE_WRONG_CODES,
  LOCKOUT_WRONG_CODES,
  UNLOCK_TTL_MS,
} from '../../src/loadcell/calibration-authority';
import type { CalibrationRecord } from '../../src/store/calibration-record';
import { MAX_CALIBRATION_HISTORY, calibrationRecordError, evictionIndex } from '../../src/store/calibration-record';
import { RUN_STATE_NAMES } from '../../src/runner/run-state';
import { ResetReason } from '../../hal/system';
import { send, errors, holdContinue } from '../support/scpi-helpers';

const CODE = 482913;

function instrument(): { press: VirtualInstrument; s: ScpiSession } {
  const press = new VirtualInstrument({ seed: 5 });
  press.advanceTo(0.3);
  return { press, s: press.createSession() };
}

function commission(press: VirtualInstrument, s: ScpiSession, code = CODE): void {
  send(s, `CAL:COMM ${code}`);
  assert.match(errors(s)[0], /^113,Confirm at the press;hold Continue 3 s/);
  holdContinue(press, 3.5);
  assert.is(send(s, 'CAL:PEND?'), 'NONE');
}

function events(press: VirtualInstrument): { cause: string; detail: number }[] {
  return press.firmware.sequencer.events.list(0, RUN_STATE_NAMES).map((e) => ({ cause: e.cause, detail: e.detail }));
}

function calData(s: ScpiSession): string[] {
  return send(s, 'CAL:DATA?').split(',');
}

test('the old fixed code 7500 unlocks nothing: a press without a commissioned code refuses CAL:UNL', () => {
  const { press, s } = instrument();
  send(s, 'CAL:UNL 7500');
  assert.equal(errors(s), ['110,No calibration code;no calibration code commissioned: commission one at the press (CAL:COMM, then hold Continue 3 s)']);
  assert.is(send(s, 'CAL:LOCK?'), '1');
  const [, , tare, span] = calData(s);
  send(s, `CAL:DEF 1700000000,"ref",${tare},${span}`);
  assert.match(errors(s)[0], /^-203,Command protected/);
  assert.ok(events(press).some((e) => e.cause === 'cal-unlock-refused'));
});

test('a code is commissioned only by holding Continue at the press; it is stored as a salted hash, not in clear', () => {
  const { press, s } = instrument();
  send(s, `CAL:COMM ${CODE}`);
  assert.match(errors(s)[0], /^113,/);
  assert.is(send(s, 'CAL:PEND?'), 'CODE');
  press.advanceTo(press.timeS + 0.2);
  assert.is(press.sim.panel.view.prompt, `New calibration code ${CODE} requested: hold Continue 3 s to accept it`);
  // A second connection cannot slip its own code in place of the one the operator expects.
  const other = press.createSession();
  send(other, 'CAL:COMM 111111');
  assert.match(errors(other)[0], /^114,Commissioning refused;another request \(connection \d+\) is waiting for the press/);
  // A short press does not do; the request lapses after its minute.
  holdContinue(press, 1);
  assert.is(send(s, 'CAL:PEND?'), 'CODE');
  press.advanceTo(press.timeS + AT_PRESS_REQUEST_TTL_MS / 1000 + 1);
  assert.is(send(s, 'CAL:PEND?'), 'NONE');
  send(s, `CAL:UNL ${CODE}`);
  assert.match(errors(s)[0], /^110,/);
  commission(press, s);
  const settings = press.firmware.store.settings();
  assert.type(settings.get(CODE_HASH_SETTING), 'number');
  for (const value of settings.values()) assert.is.not(value, CODE);
  send(s, `CAL:UNL ${CODE}`);
  assert.equal(errors(s), []);
  assert.is(send(s, 'CAL:LOCK?'), '0');
  const causes = events(press).map((e) => e.cause);
  for (const cause of ['cal-commission-requested', 'cal-code-commissioned', 'cal-unlocked']) assert.ok(causes.includes(cause), cause);
  // Short codes are refused.
  send(s, 'CAL:COMM 7500');
  assert.match(errors(s)[0], /^114,Commissioning refused;a calibration code has six digits/);
});

test('a code sweep is bounded: 8 codes checked in the first minute, 10 in all, then locked out on every connection', () => {
  const { press, s } = instrument();
  commission(press, s);
  const sessions = [s, press.createSession(), press.createSession(), press.createSession()];
  let checked = 0;
  let checkedFirstMinute = 0;
  let attempts = 0;
  const startS = press.timeS;
  let code = 100_000;
  // Ten attempts a second over 4 connections for 200 simulated seconds.
  while (press.timeS < startS + 200) {
    const session = sessions[attempts % sessions.length];
    send(session, `CAL:UNL ${code === CODE ? ++code : code}`);
    code++;
    attempts++;
    const [error] = errors(session);
    assert.ok(error !== undefined && /^(107|111|112),/.test(error), error);
    if (error.startsWith('107,')) {
      checked++;
      if (press.timeS < startS + 60) checkedFirstMinute++;
    }
    press.advanceTo(press.timeS + 0.1);
  }
  assert.is(checkedFirstMinute, 8);
  assert.is(checked, LOCKOUT_WRONG_CODES);
  // Locked out: even the right code is refused, on any connection, until a new commissioning at the press.
  for (const session of sessions) {
    send(session, `CAL:UNL ${CODE}`);
    assert.match(errors(session)[0], /^112,Calibration unlock locked out;10 wrong codes/);
  }
  const log = events(press);
  assert.is(log.filter((e) => e.cause === 'cal-wrong-code').length, LOCKOUT_WRONG_CODES);
  assert.is(log.filter((e) => e.cause === 'cal-locked-out').length, 1);
  // Refused attempts are counted in the log, not one event each.
  const refused = log.filter((e) => e.cause === 'cal-unlock-refused');
  assert.ok(refused.length <= 5, `${refused.length} refusal events`);
  // A restart does not give a fresh count.
  press.sim.reset(ResetReason.powerOn);
  press.advanceTo(press.timeS + 0.5);
  const after = press.createSession();
  send(after, `CAL:UNL ${CODE}`);
  assert.match(errors(after)[0], /^112,/);
  commission(press, after);
  send(after, `CAL:UNL ${CODE}`);
  assert.equal(errors(after), []);
});

test('attempts an attacker gets: per minute and per day, in virtual time (figures for docs/load-cell.md)', () => {
  const auth = new CalibrationAuthority();
  // One attempt every 10 ms for a day, every one wrong; count those that are checked.
  let perDay = 0;
  let perFirstMinute = 0;
  for (let nowMs = 0; nowMs < 86_400_000; nowMs += 10) {
    if (auth.lockedOut || auth.waitMs(nowMs) > 0) continue;
    auth.recordWrongCode(nowMs);
    perDay++;
    if (nowMs < 60_000) perFirstMinute++;
  }
  assert.is(perFirstMinute, 8);
  assert.is(perDay, LOCKOUT_WRONG_CODES);
  assert.is(FREE_WRONG_CODES, 3);
  console.log(`calibration code: ${perFirstMinute} checked attempts in the first minute, ${perDay} per day (then locked out); P(guess a six-digit code) ≤ ${(perDay / 900_000).toExponential(1)} per at-press reset`);
});

test('unlocking on session A does not unlock session B; an unlock expires after 10 minutes', () => {
  const { press, s: a } = instrument();
  commission(press, a);
  const b = press.createSession();
  const [, , tare, span] = calData(a);
  send(a, `CAL:UNL ${CODE}`);
  assert.equal(errors(a), []);
  assert.is(send(a, 'CAL:LOCK?'), '0');
  assert.is(send(b, 'CAL:LOCK?'), '1');
  send(b, `CAL:DEF 1700000000,"ref",${tare},${span}`);
  assert.match(errors(b)[0], /^-203,Command protected/);
  // *RST on B does not lock A; on A it does.
  send(b, '*RST');
  assert.is(send(a, 'CAL:LOCK?'), '0');
  press.advanceTo(press.timeS + UNLOCK_TTL_MS / 1000 + 1);
  assert.is(send(a, 'CAL:LOCK?'), '1');
  send(a, `CAL:DEF 1700000000,"ref",${tare},${span}`);
  assert.match(errors(a)[0], /^-203,Command protected/);
});

test('0.75 × and 0.55 × the span are refused unless confirmed at the press; confirmed, the change becomes the commissioned span', () => {
  const { press, s } = instrument();
  commission(press, s);
  const before = calData(s);
  const [, , tare, span] = before;
  for (const factor of [0.75, 0.55, 1.2]) {
    send(s, `CAL:UNL ${CODE}`);
    send(s, `CAL:DEF 1700000000,"attack",${tare},${Number(span) * factor},0.1`);
    const [error] = errors(s);
    assert.match(error, /^113,Confirm at the press;span .* from the commissioned .* \(band ±10 %\): not in force/);
    assert.equal(calData(s), before);
    assert.is(send(s, 'CAL:PEND?'), 'CALIBRATION');
    // Nobody at the press: it lapses.
    press.advanceTo(press.timeS + AT_PRESS_REQUEST_TTL_MS / 1000 + 1);
    assert.is(send(s, 'CAL:PEND?'), 'NONE');
    assert.equal(calData(s), before);
  }
  // Inside the band (a recalibration's drift): in force at once.
  send(s, `CAL:UNL ${CODE}`);
  send(s, `CAL:DEF 1700000000,"recal",${tare},${Number(span) * 1.02},0.2`);
  assert.equal(errors(s), []);
  assert.is(Number(calData(s)[3]), Number(span) * 1.02);
  // A replaced cell, confirmed at the press.
  send(s, `CAL:UNL ${CODE}`);
  send(s, `CAL:DEF 1700000000,"new cell",${tare},${Number(span) * 0.5},0.2`);
  assert.match(errors(s)[0], /^113,/);
  press.advanceTo(press.timeS + 0.2);
  assert.match(press.sim.panel.view.prompt, /^Calibration outside the band requested \(span -50\.0 %\): hold Continue 3 s/);
  holdContinue(press, 3.5);
  assert.is(Number(calData(s)[3]), Number(span) * 0.5);
  assert.is(press.firmware.commissionedCalibration.kNPerCount, Number(span) * 0.5);
  assert.is(press.firmware.store.settings().get('cal_comm_span'), Number(span) * 0.5);
  assert.ok(events(press).some((e) => e.cause === 'cal-confirmed-at-press'));
  // It stays the commissioned calibration after a restart.
  press.sim.reset(ResetReason.powerOn);
  press.advanceTo(press.timeS + 0.5);
  assert.is(press.firmware.commissionedCalibration.kNPerCount, Number(span) * 0.5);
  assert.is(press.firmware.loadCell.calibration.kNPerCount, Number(span) * 0.5);
});

test('a tare moved by more than 5 % of the cell\'s capacity waits for the press too; a daily re-zero does not', () => {
  const { press, s } = instrument();
  commission(press, s);
  const before = calData(s);
  const [, , tare, span] = before;
  const countsPerKN = 1 / Number(span);
  const capacityKN = press.firmware.board.limits.loadCellCapacityKN;
  send(s, `CAL:UNL ${CODE}`);
  send(s, `CAL:DEF 1700000000,"shifted zero",${Math.round(Number(tare) + 0.25 * capacityKN * countsPerKN)},${span}`);
  assert.match(errors(s)[0], /^113,Confirm at the press;tare .* kN from the commissioned .* \(band ±.* kN, 5 % of the cell's/);
  assert.equal(calData(s), before);
  send(s, `CAL:UNL ${CODE}`);
  send(s, `CAL:DEF 1700000000,"re-zero",${Math.round(Number(tare) + 0.01 * capacityKN * countsPerKN)},${span}`);
  assert.equal(errors(s), []);
});

test('zero, negative, subnormal, absurd spans and a tare outside the converter are refused with the reason', () => {
  const { press, s } = instrument();
  commission(press, s);
  const [, , tare, span] = calData(s);
  const cases: [string, string, RegExp][] = [
    [tare, '0', /span 0 kN per count is not a finite, non-zero/],
    [tare, String(-Number(span)), /is negative/],
    [tare, '1e-300', /span 1e-300 kN per count is outside/],
    [tare, '5e-324', /is outside/],
    [tare, '1e6', /is outside/],
    ['1e9', span, /tare 1000000000 counts is outside the converter's range/],
    ['-8388609', span, /outside the converter's range/],
  ];
  for (const [t, k, reason] of cases) {
    send(s, `CAL:UNL ${CODE}`);
    send(s, `CAL:DEF 1700000000,"x",${t},${k}`);
    const [error] = errors(s);
    assert.ok(error.startsWith('105,Calibration rejected;'), error);
    assert.match(error, reason);
  }
  assert.is(press.firmware.store.calibrationHistory().length, 0);
});

test('25 redefinitions keep the certified calibration in the 24-entry history', () => {
  const { press, s } = instrument();
  commission(press, s);
  const [, , tare, span] = calData(s);
  send(s, `CAL:UNL ${CODE}`);
  send(s, `CAL:DEF 1600000000,"certified: ref cell 4711",${tare},${span},0.3`);
  assert.equal(errors(s), []);
  for (let i = 0; i < 25; i++) {
    send(s, `CAL:UNL ${CODE}`);
    send(s, `CAL:DEF ${1700000000 + i},"redef ${i}",${tare},${Number(span) * (1 + 0.001 * (i % 5))}`);
    assert.equal(errors(s), []);
  }
  const history = press.firmware.store.calibrationHistory();
  assert.is(history.length, MAX_CALIBRATION_HISTORY);
  assert.ok(history.some((r) => r.reference === 'certified: ref cell 4711'));
  assert.is(history[history.length - 1].reference, 'redef 24');
});

test('eviction: the oldest uncertified record goes; never the newest certified, never the newest', () => {
  const rec = (ref: string, worst: number): CalibrationRecord => ({ dateS: 0, reference: ref, calibration: { tareCounts: 0, kNPerCount: 1e-5 }, worstErrorPercent: worst });
  assert.is(evictionIndex([rec('a', 0.1), rec('b', NaN), rec('c', NaN)]), 1);
  assert.is(evictionIndex([rec('a', 0.1), rec('b', 0.2), rec('c', NaN)]), 0);
  assert.is(evictionIndex([rec('a', NaN), rec('b', NaN)]), 0);
  assert.is(calibrationRecordError(rec('a', NaN)), null);
});

test('press-sim serve --accept-at-press: the simulated operator accepts a request at the press; without it nothing is accepted', () => {
  for (const accept of [true, false]) {
    const press = new VirtualInstrument({ seed: 5, acceptCalibrationRequests: accept });
    press.advanceTo(0.3);
    const s = press.createSession();
    send(s, `CAL:COMM ${CODE}`);
    assert.match(errors(s)[0], /^113,/);
    press.advanceTo(press.timeS + 5);
    send(s, `CAL:UNL ${CODE}`);
    const [error] = errors(s);
    if (accept) assert.is(error, undefined);
    else assert.match(error, /^110,/);
  }
});

test.run();
