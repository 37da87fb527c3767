// The command table API (registration and its checks, typed parameters, handlers and their
// errors), response encoding, the bounded output queue and the serial link.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import type { SerialPort } from '../../hal/serial';
import { CommandTable } from '../../src/protocol/command-table';
import { fail, ScpiError } from '../../src/protocol/errors';
import { parseHeaderPattern } from '../../src/protocol/header-pattern';
import { OutputQueue } from '../../src/protocol/output-queue';
import { block, boolean, choice, integer, numeric, optional, string } from '../../src/protocol/parameters';
import { chars, encodeResponse, fixed, formatNumber } from '../../src/protocol/response';
import type { ResponseData } from '../../src/protocol/response';
import { SerialLink } from '../../src/protocol/serial-link';
import type { SessionOptions } from '../../src/protocol/session';
import { ScpiSession } from '../../src/protocol/session';
import { registerStandardCommands } from '../../src/protocol/standard-commands';
import { drainErrors, drainOutput } from '../../bench/bench-scpi-fuzz';

const encoder = new TextEncoder();
const latin1 = (bytes: Uint8Array) => String.fromCharCode(...bytes);

function talk(s: ScpiSession, line: string): string {
  s.feed(encoder.encode(`${line}\n`));
  return new TextDecoder().decode(drainOutput(s));
}

function sessionWith(define: (table: CommandTable) => void, options: SessionOptions = {}): ScpiSession {
  const table = new CommandTable();
  registerStandardCommands(table, { identity: { manufacturer: 'T', model: 'T', serialNumber: '0', firmwareVersion: '0' }, reset: () => undefined });
  define(table);
  return new ScpiSession(table, { powerOn: false, ...options });
}

test('header patterns: short form is the capitals, optional nodes give every variant', () => {
  const names = (pattern: string) => parseHeaderPattern(pattern).variants.map((v) => v.map((m) => `${m.short}/${m.long}`).join(':'));
  assert.equal(names('MEASure:FORCe?'), ['MEAS/MEASURE:FORC/FORCE']);
  assert.equal(names('SYSTem:ERRor[:NEXT]?'), ['SYST/SYSTEM:ERR/ERROR', 'SYST/SYSTEM:ERR/ERROR:NEXT/NEXT']);
  assert.equal(names('[SOURce:]VOLTage'), ['VOLT/VOLTAGE', 'SOUR/SOURCE:VOLT/VOLTAGE']);
  assert.equal(names(':LOG:DATA?'), ['LOG/LOG:DATA/DATA']);
  assert.equal(names('SYSTem[:BEEPer]:STATe'), ['SYST/SYSTEM:STAT/STATE', 'SYST/SYSTEM:BEEP/BEEPER:STAT/STATE']);
  assert.is(parseHeaderPattern('*IDN?').common, true);
  for (const bad of ['measure:FORC', 'MEAS::FORC', 'MEAS:', 'MEASUREMENTSXY', 'MEAS:FO-RC', '*idn?', '[MEAS', 'MEAS:[:FORC]', '']) {
    assert.throws(() => parseHeaderPattern(bad), undefined, bad);
  }
});

test('registration refuses clashing short forms, duplicates, wrong query marks and misordered optionals', () => {
  const table = new CommandTable();
  table.command('PROGram:STATe', [], () => undefined);
  assert.throws(() => table.command('PROGram:STATus', [], () => undefined), /clashes/);
  assert.throws(() => table.command('PROG:STAT', [], () => undefined), /clashes/);
  assert.throws(() => table.command('PROGram:STATe', [], () => undefined), /already defined/);
  table.command('SYSTem:BEEPer:STATe', [], () => undefined);
  assert.throws(() => table.command('SYSTem:BEEPer[:STATe]', [], () => undefined), /already defined by "SYSTem:BEEPer:STATe"/, 'one of its variants exists');
  assert.is(table.root.child('SYST')?.child('BEEP')?.command, undefined, 'the refused header did not become a command');
  assert.throws(() => table.command('MEASure:FORCe?', [], () => undefined), /does not end in "\?"/);
  assert.throws(() => table.query('MEASure:FORCe', [], () => 1), /ends in "\?"/);
  assert.throws(() => table.command('X', [optional(integer()), integer()], () => undefined), /required parameter follows an optional/);
  table.query('PROGram:STATe?', [], () => 1);
  assert.equal(
    table.list().map((e) => e.pattern),
    ['PROGram:STATe', 'SYSTem:BEEPer:STATe', 'PROGram:STATe?'],
  );
});

test('handlers get typed arguments; optional parameters give their defaults', () => {
  const seen: unknown[] = [];
  const s = sessionWith((table) => {
    table.command('SETup', [numeric(), string(), block(), boolean(), choice(['FAST', 'SLOW']), optional(integer(), 7), optional(string())], (args) => {
      const [n, text, bytes, on, speed, count, label] = args;
      const typed: [number, string, Uint8Array, boolean, 'FAST' | 'SLOW', number, string | undefined] = [n, text, bytes, on, speed, count, label];
      seen.push(typed);
    });
  });
  talk(s, 'SET 1.5,"a",#12xy,ON,slow');
  talk(s, 'SETUP -2,\'b\',#10,0,FAST,3,"L"');
  assert.equal(drainErrors(s), []);
  assert.equal(seen, [
    [1.5, 'a', Uint8Array.of(0x78, 0x79), true, 'SLOW', 7, undefined],
    [-2, 'b', new Uint8Array(0), false, 'FAST', 3, 'L'],
  ]);
});

test('a command and a query may share a header; a locked command is -203 until unlocked', () => {
  let level = 0;
  let unlocked = false;
  const s = sessionWith((table) => {
    table.command('CALibration:LEVel', [numeric({ min: 0, max: 10 })], ([value]) => {
      level = value;
    }, { locked: () => !unlocked });
    table.query('CALibration:LEVel?', [], () => level);
  });
  assert.is(talk(s, 'CAL:LEV 5;LEV?'), '0\n');
  assert.equal(drainErrors(s), ['-203,Command protected;CAL:LEV']);
  unlocked = true;
  assert.is(talk(s, 'CAL:LEV 5;LEV?'), '5\n');
  assert.is(talk(s, 'CAL:LEV 11;LEV?'), '5\n', 'parameters are checked before the lock and the handler');
});

test('each session on a table has its own id, which handlers and lock checks see', () => {
  const table = new CommandTable();
  registerStandardCommands(table, { identity: { manufacturer: 'T', model: 'T', serialNumber: '0', firmwareVersion: '0' }, reset: () => undefined });
  const unlockedSessions = new Set<number>();
  table.command('UNLock', [], (_args, context) => {
    unlockedSessions.add(context.sessionId);
  });
  table.query('WHO?', [], (_args, context) => context.sessionId);
  table.query('SECRet?', [], () => 42, { locked: (context) => !unlockedSessions.has(context.sessionId) });
  const a = new ScpiSession(table, { powerOn: false });
  const b = new ScpiSession(table, { powerOn: false });
  assert.is(a.sessionId, 1);
  assert.is(b.sessionId, 2);
  assert.is(talk(a, 'WHO?'), '1\n');
  assert.is(talk(b, 'WHO?'), '2\n');
  talk(a, 'UNL');
  assert.is(talk(a, 'SECR?'), '42\n');
  assert.is(talk(b, 'SECR?'), '', 'an unlock on one session does not unlock another');
  assert.equal(drainErrors(b), ['-203,Command protected;SECR?']);
});

test('handler errors: execution errors go on to the next unit, command errors end the message, exceptions become -310', () => {
  const s = sessionWith((table) => {
    table.command('EXEC', [], () => fail(-221, 'the press is running'));
    table.command('SYNTax', [], () => {
      throw new ScpiError(-102, 'from the handler');
    });
    table.command('BROKen', [], () => {
      throw new TypeError('x is undefined');
    });
    table.query('NOTHing?', [], () => undefined as unknown as ResponseData);
    table.query('WEIRd?', [], () => [1, { text: 'not made by chars()' }] as unknown as ResponseData);
    table.command('ODD', [], () => {
      throw Object.create(null);
    });
  });
  assert.is(talk(s, 'EXEC;*OPC?;BROK;*OPC?;NOTH?;*OPC?;WEIR?;ODD;*OPC?;SYNT;*OPC?'), '1;1;1;1\n');
  assert.equal(drainErrors(s), [
    '-221,Settings conflict;the press is running',
    '-310,System error;internal: TypeError: x is undefined',
    '-310,System error;internal: TypeError: a response may not be object',
    '-310,System error;internal: an exception that cannot be shown',
    '-102,Syntax error;from the handler',
  ]);
});

test('responses: numbers as NR1/NR2/NR3, SCPI infinity and NaN, booleans, quoted strings, blocks, character data, lists', () => {
  assert.is(formatNumber(42), '42');
  assert.is(formatNumber(-0), '0');
  assert.is(formatNumber(0.1), '0.1');
  assert.is(formatNumber(1e21), '1.0E+21');
  assert.is(formatNumber(-1.5e-7), '-1.5E-7');
  assert.is(formatNumber(Infinity), '9.9E+37');
  assert.is(formatNumber(-Infinity), '-9.9E+37');
  assert.is(formatNumber(NaN), '9.91E+37');
  assert.is(fixed(12.3456, 3).text, '12.346');
  assert.is(fixed(-0.0001, 2).text, '0.00');
  assert.is(fixed(NaN, 2).text, '9.91E+37');
  const enc = (data: ResponseData) => new TextDecoder().decode(encodeResponse(data, 0, 1000) as Uint8Array);
  assert.is(enc(true), '1');
  assert.is(enc(false), '0');
  assert.is(enc('say "hi"'), '"say ""hi"""');
  assert.is(enc('Ω'), '"Ω"');
  assert.is(enc('\ud800x'), '"\ufffdx"', 'a lone surrogate becomes U+FFFD');
  assert.is(enc(Uint8Array.of(104, 105)), '#12hi');
  assert.is(enc(new Uint8Array(0)), '#10');
  assert.is(enc(new Uint8Array(12)).slice(0, 4), '#212');
  assert.is(enc(chars('RUNNING')), 'RUNNING');
  assert.is(enc(chars('two\nlines')), 'two lines', 'a newline would end the response');
  assert.is(enc([1, 'a', chars('B'), Uint8Array.of(0x43)]), '1,"a",B,#11C');
  assert.is(encodeResponse('abc', 0x3b, 1000).toString(), ';"abc"'.split('').map((c) => c.charCodeAt(0)).join(','));
  assert.is(encodeResponse(new Uint8Array(5000), 0, 100), 5006, 'too large: the size, nothing copied');
});

test('several queries in one message give one line, joined by ";"', () => {
  const s = sessionWith((table) => {
    table.query('A?', [], () => 1);
    table.query('B?', [], () => [2, 'x']);
    table.command('C', [], () => undefined);
  });
  assert.is(talk(s, 'A?;C;B?;A?'), '1;2,"x";1\n');
  assert.is(talk(s, 'C'), '');
});

test('a response larger than the output buffer is -225 and sends nothing; a full buffer drops whole responses with -430', () => {
  const s = sessionWith((table) => {
    table.query('BIG?', [integer()], ([n]) => new Uint8Array(n).fill(0x41));
  }, { outputCapacityBytes: 64 });
  assert.is(talk(s, 'BIG? 100'), '');
  assert.equal(drainErrors(s), ['-225,Out of memory;response to BIG? is 105 bytes, the output buffer holds 63']);
  assert.is(latin1(drainOutput(s)), '');
  s.feed(encoder.encode('BIG? 20\nBIG? 20\nBIG? 20\n'));
  assert.is(s.pendingOutput, 50);
  assert.equal(drainErrors(s), ['-430,Query DEADLOCKED;output buffer full, response to BIG? discarded']);
  assert.is(latin1(drainOutput(s)), `#220${'A'.repeat(20)}\n`.repeat(2), 'what is queued is whole responses');
  s.feed(encoder.encode('BIG? 59\n'));
  assert.is(s.pendingOutput, 64, 'a response may fill the buffer exactly');
});

test('the output queue hands out bytes in pieces and never holds more than its capacity', () => {
  const queue = new OutputQueue(16);
  queue.push(Uint8Array.of(1, 2, 3));
  queue.push(Uint8Array.of(4, 5));
  assert.is(queue.free, 11);
  assert.equal([...queue.peek()], [1, 2, 3]);
  queue.consume(2);
  assert.equal([...queue.peek()], [3]);
  const into = new Uint8Array(2);
  assert.is(queue.read(into), 2);
  assert.equal([...into], [3, 4]);
  queue.consume(99);
  assert.is(queue.queued, 0);
  assert.is(queue.peek().length, 0);
  assert.throws(() => queue.push(new Uint8Array(17)), /overflow/);
  assert.throws(() => new OutputQueue(8));
});

/** A serial port that takes at most `perWrite` bytes per write and delivers input in small reads. */
class TrickleSerial implements SerialPort {
  sent: number[] = [];
  private input: number[] = [];

  constructor(private readonly perWrite: number, private readonly perRead: number) {}

  type(text: string): void {
    this.input.push(...encoder.encode(text));
  }

  get unread(): number {
    return this.input.length;
  }

  read(into: Uint8Array): number {
    const count = Math.min(into.length, this.perRead, this.input.length);
    into.set(this.input.splice(0, count));
    return count;
  }

  write(bytes: Uint8Array): number {
    const count = Math.min(bytes.length, this.perWrite);
    this.sent.push(...bytes.subarray(0, count));
    return count;
  }
}

test('the serial link copes with short writes and reads, and stops reading while output is backed up', () => {
  const port = new TrickleSerial(3, 5);
  const s = sessionWith((table) => table.query('BIG?', [], () => new Uint8Array(40).fill(0x42)), { outputCapacityBytes: 64 });
  const link = new SerialLink(port, s, 8);
  port.type('*OPC?;*OPC?\nBIG?\n*OPC?\n');
  let reads = 0;
  for (let pass = 0; pass < 100; pass++) {
    if (link.service() > 0) reads++;
    if (s.pendingOutput * 2 > 64) {
      const before = port.unread;
      link.service();
      assert.ok(port.unread === before, 'no read while more than half the output waits');
    }
  }
  assert.is(latin1(Uint8Array.from(port.sent)), `1;1\n#240${'B'.repeat(40)}\n1\n`);
  assert.ok(reads >= 5);
  assert.equal(drainErrors(s), []);
});

test.run();
