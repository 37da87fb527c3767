import { test } from 'uvu';
import * as assert from 'uvu/assert';
import fc from 'fast-check';
import { describeDie, formatRunDuration, watchLine } from '../../host-sim/cli/pressctl';

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

test.run();
