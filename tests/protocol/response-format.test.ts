// Fixed-point answers (MEAS:FORC?, MEAS:PRES?, …) follow the grammar docs/protocol.md states
// for every double, and a failed query is not answered (IEEE 488.2), as the protocol page says.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import fc from 'fast-check';
import { CommandTable } from '../../src/protocol/command-table';
import { fixed, formatNumber, MAX_FIXED_DECIMALS } from '../../src/protocol/response';
import { ScpiSession } from '../../src/protocol/session';
import { registerStandardCommands } from '../../src/protocol/standard-commands';
import { VirtualInstrument } from '../../host-sim/virtual-instrument';

/** docs/protocol.md, "Fixed-point answers out of range". */
function grammar(decimals: number): RegExp {
  return new RegExp(`^(-?[0-9]+${decimals > 0 ? `\\.[0-9]{${decimals}}` : ''}|-?9\\.9E\\+37|9\\.91E\\+37)$`);
}

test('the absurd force of the report is an overload, not 24 digits with an exponent', () => {
  assert.is(fixed(-2.3283000000000003e295, 3).text, '-9.9E+37');
  assert.is(fixed(2.3283000000000003e295, 2).text, '9.9E+37');
  assert.is(fixed(Infinity, 3).text, '9.9E+37');
  assert.is(fixed(-Infinity, 3).text, '-9.9E+37');
  assert.is(fixed(NaN, 2).text, '9.91E+37');
  assert.is(fixed(9.9e37, 1).text, '9.9E+37');
  assert.is(fixed(-9.9e37, 1).text, '-9.9E+37');
});

test('finite values below 9.9E37 are written out with the stated decimals, never with an exponent', () => {
  assert.is(fixed(12.3456, 3).text, '12.346');
  assert.is(fixed(-0.02, 3).text, '-0.020');
  assert.is(fixed(-0.0001, 2).text, '0.00');
  assert.is(fixed(-0, 3).text, '0.000');
  assert.is(fixed(5, 0).text, '5');
  assert.is(fixed(1e21, 2).text, '1000000000000000000000.00');
  assert.is(fixed(1e25, 3).text, '10000000000000000000000000.000');
  assert.is(fixed(-1.5e30, 0).text, '-1500000000000000000000000000000');
  assert.is(fixed(9.8e37, 1).text, `98${'0'.repeat(36)}.0`);
  assert.is(fixed(1e-300, 3).text, '0.000');
});

test('fixed() refuses a decimals count it cannot honour', () => {
  assert.throws(() => fixed(1, -1), /decimals/);
  assert.throws(() => fixed(1, 1.5), /decimals/);
  assert.throws(() => fixed(1, MAX_FIXED_DECIMALS + 1), /decimals/);
});

test('property: every double and every decimals count give an answer in the documented grammar, with the value it stands for', () => {
  fc.assert(
    fc.property(fc.double(), fc.integer({ min: 0, max: 6 }), (value, decimals) => {
      const text = fixed(value, decimals).text;
      assert.match(text, grammar(decimals));
      if (Number.isNaN(value)) assert.is(text, '9.91E+37');
      else if (Math.abs(value) >= 9.9e37) assert.is(text, value < 0 ? '-9.9E+37' : '9.9E+37');
      else {
        // Read back, the text is the value to within half its last decimal (and the double's own rounding).
        const back = Number(text);
        assert.ok(Math.abs(back - value) <= 0.5 * 10 ** -decimals + Math.abs(value) * 1e-15, `${value} → ${text}`);
        assert.not.match(text, /^-0(\.0*)?$/);
      }
    }),
    { numRuns: 20_000 },
  );
});

test('formatNumber keeps SCPI infinity and not-a-number, NR3 for the rest', () => {
  assert.is(formatNumber(Infinity), '9.9E+37');
  assert.is(formatNumber(NaN), '9.91E+37');
  assert.is(formatNumber(-2.3283000000000003e295), '-2.3283000000000003E+295');
});

const encoder = new TextEncoder();
const decoder = new TextDecoder();

function send(session: ScpiSession, text: string): string {
  session.feed(encoder.encode(`${text}\n`));
  const out = new Uint8Array(session.pendingOutput);
  session.readOutput(out);
  return decoder.decode(out);
}

test('a force beyond any scale reaches the client as -9.9E+37 through a session', () => {
  let forceKN = -2.3283000000000003e295;
  const table = new CommandTable();
  registerStandardCommands(table, { identity: { manufacturer: 'Test', model: 'T', serialNumber: '1', firmwareVersion: '0' }, reset: () => {}, selfTest: () => 0 });
  table.query('MEASure:FORCe?', [], () => fixed(forceKN, 3));
  const session = new ScpiSession(table);
  assert.is(send(session, 'MEAS:FORC?'), '-9.9E+37\n');
  forceKN = 12.3456;
  assert.is(send(session, 'MEAS:FORC?'), '12.346\n');
});

test('the press: MEAS:FORC? and MEAS:PRES? in their documented format', () => {
  const press = new VirtualInstrument({ seed: 5 });
  press.advanceTo(0.3);
  const s = press.createSession();
  assert.match(send(s, 'MEAS:FORC?'), /^-?\d+\.\d{3}\n$/);
  assert.is(send(s, 'MEAS:PRES?'), '');
  assert.match(send(s, 'SYST:ERR?'), /^-221,/);
});

test('the press: a failed query is not answered; *OPC? first always gives the line, SYST:ERR:ALL? the reason', () => {
  const press = new VirtualInstrument({ seed: 5 });
  press.advanceTo(0.3);
  const s = press.createSession();
  assert.is(send(s, 'PROG:DEF? "nope"'), '');
  assert.is(send(s, 'SYST:ERR:ALL?'), '104,"No such program;nope"\n');
  // An execution error fails its unit only.
  assert.is(send(s, 'PROG:DEF? "nope";:PROG:STAT?'), 'IDLE\n');
  assert.is(send(s, 'SYST:ERR:ALL?'), '104,"No such program;nope"\n');
  // pressctl's pair of messages.
  assert.is(send(s, '*OPC?;PROG:DEF? "nope"\nSYST:ERR:ALL?'), '1\n104,"No such program;nope"\n');
  assert.is(send(s, '*OPC?;PROG:STAT?\nSYST:ERR:ALL?'), '1;IDLE\n0,"No error"\n');
  // A command error ends the message, after the guard has answered.
  assert.match(send(s, '*OPC?;PROG:DEF? "bad name"\nSYST:ERR:ALL?'), /^1\n-151,"Invalid string data;/);
  // A message dropped whole leaves only the error list, which starts with a code and a comma.
  assert.match(send(s, `*OPC?;PROG:DEF? "${'a'.repeat(2000)}"\nSYST:ERR:ALL?`), /^-363,"Input buffer overrun;/);
});

test.run();
