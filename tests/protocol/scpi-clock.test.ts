// The press's calendar clock over SCPI: SYST:DATE and SYST:TIME set and queried, their range
// errors naming the field, the clock not set until both are given; PROG:DATE? of programs
// stored with and without it, redefined, deleted; a damaged date record reads as not known.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { VirtualInstrument } from '../../host-sim/virtual-instrument';
import { ResetReason } from '../../hal/system';
import { ObjectKind } from '../../src/store/press-store';
import type { ScpiSession } from '../../src/protocol/session';
import { program } from '../support/helpers';
import { send, errors, defineMessage } from '../support/scpi-helpers';

const NOT_SET = '-221,Settings conflict;the clock is not set since power-on (SYST:DATE and SYST:TIME set it)';

function instrument(): { press: VirtualInstrument; s: ScpiSession } {
  const press = new VirtualInstrument({ seed: 5 });
  press.advanceTo(0.3);
  return { press, s: press.createSession() };
}

function named(name: string, toMPa = 60): Record<string, unknown> {
  return { ...program([{ type: 'ramp', to_MPa: toMPa, rate_MPa_s: 20 }, { type: 'release', to_MPa: 0, rate_MPa_s: 20 }]), name };
}

test('SYST:DATE? and SYST:TIME? before the clock is set: -221, never a made-up 1970 date', () => {
  const { s } = instrument();
  assert.is(send(s, 'SYST:DATE?'), '');
  assert.equal(errors(s), [NOT_SET]);
  assert.is(send(s, 'SYST:TIME?'), '');
  assert.equal(errors(s), [NOT_SET]);
});

test('the clock counts as set only once both the date and the time were given', () => {
  const { s } = instrument();
  send(s, 'SYST:DATE 2026,12,7');
  assert.equal(errors(s), []);
  send(s, 'SYST:DATE?');
  assert.equal(errors(s), [NOT_SET]);
  const other = instrument().s;
  send(other, 'SYST:TIME 22,46,34');
  send(other, 'SYST:TIME?');
  assert.equal(errors(other), [NOT_SET]);
});

test('set, then queried: the date and the time, running on the press clock across midnight', () => {
  const { press, s } = instrument();
  send(s, 'SYST:DATE 2026,12,7;:SYST:TIME 23,59,58');
  assert.equal(errors(s), []);
  assert.is(send(s, 'SYST:DATE?'), '2026,12,7');
  assert.is(send(s, 'SYST:TIME?'), '23,59,58');
  press.advanceTo(press.timeS + 1.5);
  assert.is(send(s, 'SYST:TIME?'), '23,59,59');
  press.advanceTo(press.timeS + 1);
  assert.is(send(s, 'SYST:DATE?;TIME?'), '2026,12,8;0,0,0');
  // Each sets its own part and keeps the other.
  send(s, 'SYST:TIME 12,0,0');
  assert.is(send(s, 'SYST:DATE?;TIME?'), '2026,12,8;12,0,0');
  send(s, 'SYST:DATE 2024,2,29');
  assert.is(send(s, 'SYST:DATE?;TIME?'), '2024,2,29;12,0,0');
  assert.equal(errors(s), []);
  // Another connection sees the same clock: it is the press's.
  assert.is(send(press.createSession(), 'SYST:DATE?'), '2024,2,29');
});

test('out of range: -222 naming the field; nothing changes', () => {
  const { s } = instrument();
  send(s, 'SYST:DATE 2026,12,7;:SYST:TIME 10,0,0');
  const cases: [string, string][] = [
    ['SYST:DATE 2026,13,1', 'month 13 is not 1 to 12'],
    ['SYST:DATE 2027,2,29', 'day 29 is not 1 to 28 (2027-02 has 28 days)'],
    ['SYST:DATE 1999,1,1', 'year 1999 is not 2000 to 2099'],
    ['SYST:DATE 2026,6,1.5', 'day 1.5 is not a whole number'],
    ['SYST:TIME 24,0,0', 'hour 24 is not 0 to 23'],
    ['SYST:TIME 10,60,0', 'minute 60 is not 0 to 59'],
    ['SYST:TIME 10,0,60', 'second 60 is not 0 to 59'],
  ];
  for (const [command, detail] of cases) {
    send(s, command);
    assert.equal(errors(s), [`-222,Data out of range;${detail}`], command);
  }
  send(s, 'SYST:DATE 2026,12');
  assert.is(errors(s).length, 1);
  assert.is(send(s, 'SYST:DATE?;TIME?'), '2026,12,7;10,0,0');
});

test('the clock is lost at a reset: not set again until the host sets it', () => {
  const { press, s } = instrument();
  send(s, 'SYST:DATE 2026,12,7;:SYST:TIME 10,0,0');
  press.sim.reset(ResetReason.powerOn);
  press.advanceTo(press.timeS + 0.3);
  const again = press.createSession();
  send(again, 'SYST:DATE?');
  assert.equal(errors(again).slice(-1), [NOT_SET]);
});

test('PROG:DATE?: the UTC seconds a program was stored with the clock set, 0 without; 104 when none', () => {
  const { press, s } = instrument();
  send(s, defineMessage('undated', named('undated')));
  assert.is(send(s, 'PROG:DATE? "undated"'), '0');
  send(s, 'SYST:DATE 2026,12,7;:SYST:TIME 22,46,34');
  press.advanceTo(press.timeS + 2.2);
  send(s, defineMessage('dated', named('dated')));
  assert.equal(errors(s), []);
  assert.is(send(s, 'PROG:DATE? "dated"'), String(Date.UTC(2026, 11, 7, 22, 46, 36) / 1000));
  assert.is(send(s, 'PROG:DATE? "undated"'), '0');
  assert.is(send(s, 'PROG:DATE? "nope"'), '');
  assert.equal(errors(s), ['104,No such program;nope']);
});

test('redefined without the clock, the old date goes; PROG:DEL deletes the date too', () => {
  const { press, s } = instrument();
  send(s, 'SYST:DATE 2026,12,7;:SYST:TIME 22,46,34');
  send(s, defineMessage('cell', named('cell')));
  assert.is(send(s, 'PROG:DATE? "cell"'), String(Date.UTC(2026, 11, 7, 22, 46, 34) / 1000));
  const store = press.firmware.store;
  assert.ok(store.objects.has(ObjectKind.programDate, 'cell'));
  press.sim.reset(ResetReason.powerOn);
  press.advanceTo(press.timeS + 0.3);
  const after = press.createSession();
  // Still dated after the reset: the date is in flash.
  assert.is(send(after, 'PROG:DATE? "cell"'), String(Date.UTC(2026, 11, 7, 22, 46, 34) / 1000));
  send(after, defineMessage('cell', named('cell', 70)));
  assert.is(send(after, 'PROG:DATE? "cell"'), '0');
  assert.not.ok(press.firmware.store.objects.has(ObjectKind.programDate, 'cell'));
  send(after, 'SYST:DATE 2026,12,8;:SYST:TIME 8,0,0');
  send(after, defineMessage('cell', named('cell', 80)));
  assert.is(send(after, 'PROG:DATE? "cell"'), String(Date.UTC(2026, 11, 8, 8) / 1000));
  send(after, 'PROG:DEL "cell"');
  assert.not.ok(press.firmware.store.objects.has(ObjectKind.programDate, 'cell'));
  assert.is(send(after, 'PROG:DATE? "cell"'), '');
  assert.equal(errors(after).slice(-1), ['104,No such program;cell']);
});

test('a damaged date record, or one of an earlier version of the program, reads as 0; the program still loads', () => {
  const { press, s } = instrument();
  send(s, 'SYST:DATE 2026,12,7;:SYST:TIME 22,46,34');
  send(s, defineMessage('cell', named('cell')));
  const objects = press.firmware.store.objects;
  const record = (objects.get(ObjectKind.programDate, 'cell') as Uint8Array).slice();
  const damaged = record.slice();
  damaged[4] ^= 0x10;
  objects.put(ObjectKind.programDate, 'cell', damaged);
  assert.is(send(s, 'PROG:DATE? "cell"'), '0');
  objects.put(ObjectKind.programDate, 'cell', new Uint8Array([1, 2, 3]));
  assert.is(send(s, 'PROG:DATE? "cell"'), '0');
  send(s, 'PROG:SEL "cell"');
  assert.is(send(s, 'PROG:SEL?'), '"cell"');
  assert.match(send(s, 'PROG:DEF? "cell"'), /"name":"cell"/);
  // The record of the first version beside a second version (a power cut between the two writes).
  send(s, 'SYST:DATE 2026,12,9');
  send(s, defineMessage('cell', named('cell', 70)));
  objects.put(ObjectKind.programDate, 'cell', record);
  assert.is(send(s, 'PROG:DATE? "cell"'), '0');
  assert.equal(errors(s), []);
});

test.run();
