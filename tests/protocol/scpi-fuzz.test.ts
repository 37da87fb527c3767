// Reduced run of the SCPI fuzz bench (npm run bench:scpi runs 1 000 000 inputs), split
// invariance over arbitrary bytes, and controls showing the harness catches what it checks.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import fc from 'fast-check';
import type { CommandTable } from '../../src/protocol/command-table';
import type { SessionLimits } from '../../src/protocol/session';
import { ScpiSession } from '../../src/protocol/session';
import { createScpiTable } from '../../bench/scpi-device-table';
import { createFakeScpiTable, drainErrors, drainOutput, FUZZ_LIMITS, INPUT_KINDS, runFuzz } from '../../bench/bench-scpi-fuzz';

test('20 000 fuzz inputs: nothing escapes, bounds hold, *IDN? still answers, splits agree', () => {
  const report = runFuzz({ inputs: 20_000, seed: 11 });
  assert.equal(report.failures, []);
  assert.is(report.inputs, 20_000);
  for (const kind of INPUT_KINDS) assert.ok(report.inputsByKind[kind] > 200, kind);
  assert.is(report.recoveryChecks, 20);
  assert.is(report.splitChecks, 800);
  assert.ok(report.maxHeldBytes <= report.heldBound);
  assert.ok(report.maxPendingOutput <= FUZZ_LIMITS.outputCapacityBytes);
  assert.is(report.maxErrorQueue, FUZZ_LIMITS.errorQueueLength, 'floods fill the error queue');
  // The traffic reaches the bounds and every layer: framing, parsing, dispatch, execution.
  for (const code of [-101, -102, -113, -223, -350, -363, -430, -222, -203]) assert.ok((report.errorsByCode.get(code) ?? 0) > 0, `no ${code} seen`);
  assert.ok(report.responseBytes > 100_000);
});

test('3 000 fuzz inputs against the press\'s real command table on a simulated press: nothing escapes, bounds hold', () => {
  const report = runFuzz({ inputs: 3000, seed: 13, createTable: createScpiTable });
  assert.equal(report.failures, []);
  assert.is(report.recoveryChecks, 3);
  assert.is(report.splitChecks, 120);
  assert.ok(report.maxHeldBytes <= report.heldBound);
  // The traffic reaches the device's handlers, not only the parser.
  for (const code of [-113, -221, 103, 106]) assert.ok((report.errorsByCode.get(code) ?? 0) > 0, `no ${code} seen`);
});

function transcript(input: Uint8Array, cuts: number[]): { output: string; errors: string[]; esr: number } {
  const s = new ScpiSession(createFakeScpiTable(), FUZZ_LIMITS);
  let start = 0;
  for (const cut of [...cuts.map((c) => c % (input.length + 1)).sort((a, b) => a - b), input.length]) {
    s.feed(input, start, cut);
    start = cut;
  }
  return { output: String.fromCharCode(...drainOutput(s)), errors: drainErrors(s), esr: s.status.esr };
}

test('any bytes, split anywhere, give the same responses and errors as when fed at once (property)', () => {
  const alphabet = fc.constantFrom(...'*IDN?MEAS:FORC?;PRES?PROG:DEF "x",#15{}{}#9#0\n\r\'",1.5e3 ON'.split('').map((c) => c.charCodeAt(0)), 0x00, 0xff, 0x0a);
  const bytes = fc.oneof(fc.uint8Array({ maxLength: 300 }), fc.array(alphabet, { maxLength: 300 }).map((a) => Uint8Array.from(a)));
  fc.assert(
    fc.property(bytes, fc.array(fc.nat(), { maxLength: 12 }), (input, cuts) => {
      assert.equal(transcript(input, cuts), transcript(input, []));
    }),
    { numRuns: 2000, seed: 12 },
  );
});

test('control: an exception escaping feed is reported', () => {
  class ThrowingSession extends ScpiSession {
    override feed(bytes: Uint8Array, start = 0, end = bytes.length): void {
      if (bytes.subarray(start, end).includes(0xff)) throw new Error('planted');
      super.feed(bytes, start, end);
    }
  }
  const report = runFuzz({ inputs: 500, seed: 3, createSession: (table: CommandTable, limits: SessionLimits) => new ThrowingSession(table, limits) });
  assert.ok(report.failures.some((f) => f.includes('exception escaped feed') && f.includes('planted')), report.failures.join('\n'));
});

test('control: memory held beyond the bound and a wrong *IDN? answer are reported', () => {
  class LeakingSession extends ScpiSession {
    private leaked = 0;
    override heldBytes(): number {
      this.leaked += 100;
      return super.heldBytes() + this.leaked;
    }
  }
  const leaks = runFuzz({ inputs: 500, seed: 4, createSession: (table, limits) => new LeakingSession(table, limits) });
  assert.ok(leaks.failures.some((f) => /session holds \d+ bytes, bound/.test(f)), leaks.failures.join('\n'));

  let sessions = 0;
  const stale = runFuzz({
    inputs: 1000,
    seed: 5,
    recoveryEvery: 500,
    createTable: createFakeScpiTable,
    createSession: (table, limits) => {
      // The first session made is the fuzzed one; it never answers the recovery *IDN?.
      const session = new ScpiSession(table, limits);
      if (sessions++ === 0) session.deviceClear = () => session.feed(new TextEncoder().encode('PROG:SEL "'));
      return session;
    },
  });
  assert.ok(stale.failures.some((f) => f.includes('*IDN? after a device clear answered')), stale.failures.join('\n'));
});

test.run();
