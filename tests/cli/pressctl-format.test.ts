import { test } from 'uvu';
import * as assert from 'uvu/assert';
import fc from 'fast-check';
import { describeDie, formatRunDuration, watchLine } from '../../host-sim/cli/pressctl';
import { clockMessage, formatProgramDate, setPressClock } from '../../host-sim/cli/press-clock';
import { DeviceErrors } from '../../host-sim/cli/scpi-wire';

test('watchLine: for one program every line has the same width, whatever the state, step, label and pressure', () => {
  fc.assert(
    fc.property(
      fc.integer({ min: 1, max: 256 }),
      fc.array(fc.tuple(fc.constantFrom('IDLE', 'RUNNING', 'WAITING', 'PAUSED', 'COMPLETE', 'ABORTED', 'FAULT'), fc.nat(), fc.string({ maxLength: 40 }), fc.oneof(fc.double({ min: -10, max: 2000, noNaN: true }).map((p) => p.toFixed(3)), fc.constant('9.91E+37'), fc.constant('')), fc.double({ min: 0, max: 1, noNaN: true })), { minLength: 2, maxLength: 8 }),
      (count, lines) => {
        const widths = lines.map(([state, step, label, pressure, fraction]) => watchLine(state, String(step % (count + 1)), String(count), label, pressure, fraction).length);
        assert.ok(widths.every((w) => w === widths[0]), widths.join(' '));
      },
    ),
  );
  assert.is(watchLine('RUNNING', '3', '12', 'a label far longer than the column', '59.987', 0.2), 'RUNNING  step  3/12 a label far lon…    59.99 MPa [####----------------]');
  assert.is(watchLine('COMPLETE', '12', '12', 'release', '9.91E+37', 1), 'COMPLETE step 12/12 release                 - MPa [####################]');
});

test('formatRunDuration and describeDie', () => {
  assert.is(formatRunDuration(42), '42.0 s');
  assert.is(formatRunDuration(725), '12 min 5 s');
  assert.is(formatRunDuration(3720), '1 h 02 min');
  assert.is(describeDie({ die: { diameter_mm: 10 } }), '10 mm');
  assert.is(describeDie({ die: { area_mm2: 78.5 } }), '78.5 mm²');
  assert.is(describeDie(null), '?');
});

test('the press clock from this computer: one SYST:DATE;:SYST:TIME message, UTC; the list\'s date column', () => {
  assert.is(clockMessage(new Date(Date.UTC(2026, 11, 7, 22, 46, 34, 900))), 'SYST:DATE 2026,12,7;:SYST:TIME 22,46,34');
  assert.is(clockMessage(new Date(Date.UTC(2027, 0, 1, 0, 0, 0))), 'SYST:DATE 2027,1,1;:SYST:TIME 0,0,0');
  assert.is(formatProgramDate(Date.UTC(2026, 11, 7, 22, 46, 34) / 1000), '2026-12-07 22:46 UTC');
  assert.is(formatProgramDate(Date.UTC(2027, 0, 1, 9, 5) / 1000), '2027-01-01 09:05 UTC');
  assert.is(formatProgramDate(0), '-');
  assert.is(formatProgramDate(NaN), '-');
});

test('setPressClock: a press that refuses the clock (older firmware) is warned about once, not fatal', async () => {
  const warnings: string[] = [];
  const sent: string[] = [];
  const older = { command: async (message: string) => { sent.push(message); throw new DeviceErrors(['-113,"Undefined header;SYST:DATE 2026,12,7"', '-113,"Undefined header;:SYST:TIME 22,46,34"']); } };
  assert.is(await setPressClock(older, (text) => warnings.push(text), new Date(Date.UTC(2026, 11, 7, 22, 46, 34))), false);
  assert.is(sent.length, 1);
  assert.is(warnings.length, 1);
  assert.match(warnings[0], /^the press did not take this computer's time \(-113,"Undefined header;SYST:DATE 2026,12,7"; -113,.*\): programs stored now get no date$/);
  const current = { command: async (message: string) => void sent.push(message) };
  assert.is(await setPressClock(current, (text) => warnings.push(text)), true);
  assert.is(warnings.length, 1);
  // Anything else (the press unreachable) is not swallowed.
  const gone = { command: async () => { throw new Error('socket closed'); } };
  try {
    await setPressClock(gone, () => {});
    assert.unreachable();
  } catch (error) {
    assert.is((error as Error).message, 'socket closed');
  }
});

test.run();
