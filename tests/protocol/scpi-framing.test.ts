// Framing of the SCPI input stream: partial lines, several messages per read, CR LF, blocks
// and quoted strings that contain newlines, the line and block bounds, garbage, device clear.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import fc from 'fast-check';
import { MessageFramer } from '../../src/protocol/framer';
import type { SessionOptions } from '../../src/protocol/session';
import { ScpiSession } from '../../src/protocol/session';
import { createFakeScpiTable, drainErrors, drainOutput, FAKE_IDN } from '../../bench/bench-scpi-fuzz';

const encoder = new TextEncoder();
const bytesOf = (text: string) => encoder.encode(text);
const latin1 = (bytes: Uint8Array) => String.fromCharCode(...bytes);

function session(options: SessionOptions = {}): ScpiSession {
  return new ScpiSession(createFakeScpiTable(), { powerOn: false, ...options });
}

function talk(s: ScpiSession, input: string | Uint8Array): string {
  s.feed(typeof input === 'string' ? bytesOf(input) : input);
  return new TextDecoder().decode(drainOutput(s));
}

/** A block as a client sends it: #<digits of length><length><bytes>. */
function blockOf(body: Uint8Array | string): Uint8Array {
  const bytes = typeof body === 'string' ? bytesOf(body) : body;
  const length = String(bytes.length);
  const header = bytesOf(`#${length.length}${length}`);
  const out = new Uint8Array(header.length + bytes.length);
  out.set(header);
  out.set(bytes, header.length);
  return out;
}

function concat(...parts: (string | Uint8Array)[]): Uint8Array {
  const arrays = parts.map((p) => (typeof p === 'string' ? bytesOf(p) : p));
  const out = new Uint8Array(arrays.reduce((n, a) => n + a.length, 0));
  let at = 0;
  for (const a of arrays) {
    out.set(a, at);
    at += a.length;
  }
  return out;
}

function framesOf(input: Uint8Array, pieces: number[], limits = { maxMessageBytes: 64, maxBlockBytes: 64, blockSkipLimitBytes: 256 }) {
  const events: string[] = [];
  const framer = new MessageFramer(limits, {
    message: (bytes, length) => events.push(`msg ${JSON.stringify(latin1(bytes.subarray(0, length)))}`),
    overflow: (code, info) => events.push(`err ${code} ${info}`),
  });
  let at = 0;
  for (const size of [...pieces, input.length]) {
    const end = Math.min(input.length, at + size);
    framer.feed(input, at, end);
    at = end;
    if (at >= input.length) break;
  }
  return { events, framer };
}

test('a message arriving in pieces is answered once, when its newline arrives', () => {
  const s = session();
  assert.is(talk(s, '*ID'), '');
  assert.ok(s.midMessage);
  assert.is(talk(s, 'N'), '');
  assert.is(talk(s, '?\n'), `${FAKE_IDN}\n`);
  assert.not.ok(s.midMessage);
  for (const byte of bytesOf('MEAS:FORC?\n')) s.feed(Uint8Array.of(byte));
  assert.is(latin1(drainOutput(s)), '12.345\n');
});

test('several messages in one read are answered in order, each on its own line', () => {
  assert.is(talk(session(), '*OPC?\n*IDN?\nMEAS:PRES?\n'), `1\n${FAKE_IDN}\n157.20\n`);
});

test('CR LF ends a message like LF; empty lines are ignored without an error', () => {
  const s = session();
  assert.is(talk(s, '*OPC?\r\n\n   \r\n\t\n*OPC?\n'), '1\n1\n');
  assert.equal(drainErrors(s), []);
});

test('a block may hold newlines, quotes, NUL and any byte; it comes back unchanged', () => {
  const body = new Uint8Array(256).map((_, k) => k);
  body.set(bytesOf('\n*RST\n"\'#9\n'), 10);
  const s = session();
  const input = concat('TEST:BLOC? ', blockOf(body), ';ECHO? 7\n');
  for (let k = 0; k < input.length; k += 5) s.feed(input, k, Math.min(input.length, k + 5));
  assert.is(latin1(drainOutput(s)), latin1(concat(blockOf(body), ';7,""\n')));
  assert.equal(drainErrors(s), []);
  const json = '{\n "name": "a;b",\n "x": "#3ab\\n"\n}';
  s.feed(concat('PROG:DEF "nl",', blockOf(json), ';:PROG:DEF? "nl"\n'));
  assert.is(latin1(drainOutput(s)), latin1(concat(blockOf(json), '\n')));
  assert.equal(drainErrors(s), []);
});

test('the same bytes split at any points give the same messages (property)', () => {
  const input = concat('PROG:DEF "a",', blockOf('{\n"x": "\\"\n"}'), ';*OPC?\r\nTEST:ECHO? 1,"line\nbreak"\n#9\n', 'XX "a\nb\n" \n');
  const whole = framesOf(input, []).events;
  assert.equal(whole.slice(1), ['msg "TEST:ECHO? 1,\\"line\\nbreak\\""', 'msg "#9"', 'msg "XX \\"a\\nb\\n\\" "']);
  fc.assert(
    fc.property(fc.array(fc.integer({ min: 1, max: 8 }), { maxLength: 40 }), (pieces) => {
      assert.equal(framesOf(input, pieces).events, whole);
    }),
    { numRuns: 500, seed: 21 },
  );
});

test('a quoted string may hold newlines; single and double quotes both protect them', () => {
  const s = session();
  assert.is(talk(s, 'TEST:ECHO? 1,"two\nlines"\n'), '1,"two\nlines"\n');
  assert.is(talk(s, "TEST:ECHO? 2,'it''s\n\"quoted\"'\n"), '2,"it\'s\n""quoted"""\n');
  assert.equal(drainErrors(s), []);
});

test('a message of exactly the line bound runs; one byte more is -363 and none of it runs', () => {
  const s = session({ maxMessageBytes: 64 });
  const exact = `SYST:BEEP OFF;:SYST:BEEP?${' '.repeat(64 - 25)}`;
  assert.is(exact.length, 64);
  assert.is(talk(s, `${exact}\n`), '0\n');
  assert.is(talk(s, 'SYST:BEEP ON\n'), '');
  assert.is(talk(s, `SYST:BEEP OFF;:SYST:BEEP?${' '.repeat(40)}\n`), '');
  assert.equal(drainErrors(s), ['-363,Input buffer overrun;message longer than 64 bytes']);
  assert.is(talk(s, 'SYST:BEEP?\n'), '1\n', 'the over-long message did not run');
});

test('after an overrun the rest of the line is discarded, then the next message runs', () => {
  const s = session({ maxMessageBytes: 32 });
  const flood = `${'x'.repeat(5000)};*RST;*OPC?\n*OPC?\n`;
  for (let k = 0; k < flood.length; k += 7) s.feed(bytesOf(flood.slice(k, k + 7)));
  assert.is(latin1(drainOutput(s)), '1\n');
  assert.equal(drainErrors(s), ['-363,Input buffer overrun;message longer than 32 bytes']);
  assert.ok(s.heldBytes() <= 32 + 16384 + 64);
});

test('a block over the bound is -223 and skipped whole: commands inside it do not run', () => {
  const s = session({ maxBlockBytes: 100 });
  const body = `${'{'.repeat(60)}\nSYST:BEEP OFF\n${'}'.repeat(60)}`;
  const pieces = concat('PROG:DEF "big",', blockOf(body), '\n*OPC?\n');
  for (let k = 0; k < pieces.length; k += 13) s.feed(pieces, k, Math.min(pieces.length, k + 13));
  assert.is(latin1(drainOutput(s)), '1\n');
  assert.equal(drainErrors(s), [`-223,Too much data;block of ${body.length} bytes, limit 100 per message`]);
  assert.is(talk(s, 'SYST:BEEP?\n'), '1\n');
});

test('a block of exactly the bound is taken; the bound counts every block of the message', () => {
  const s = session({ maxBlockBytes: 40 });
  const json = `{"a":"${'x'.repeat(32)}"}`;
  assert.is(json.length, 40);
  assert.is(talk(s, concat('PROG:DEF "p",', blockOf(json), ';:PROG:CAT?\n')), '"p"\n');
  assert.is(talk(s, concat('PROG:DEF "q",', blockOf('{}'), ';:PROG:DEF "r",', blockOf(json), ';:PROG:CAT?\n')), '');
  assert.equal(drainErrors(s), ['-223,Too much data;block of 40 bytes, limit 40 per message']);
});

test('a declared length beyond the skip limit is garbage: input resumes at the next newline', () => {
  const s = session({ maxBlockBytes: 100, blockSkipLimitBytes: 1000 });
  assert.is(talk(s, 'PROG:DEF "x",#9000001001abc\n*OPC?\n'), '1\n');
  assert.equal(drainErrors(s), ['-223,Too much data;block of 1001 bytes, limit 100 per message']);
  // Within the skip limit the declared bytes are counted off, newlines included.
  assert.is(talk(s, 'PROG:DEF "x",#41000abc\n*OPC?\n'), '');
  assert.is(talk(s, `${'z\n'.repeat(498)}\n*OPC?\n`), '1\n');
});

test('an unterminated quote swallows newlines only up to the line bound', () => {
  const s = session({ maxMessageBytes: 64 });
  assert.is(talk(s, `PROG:SEL "oops\n${'*OPC?\n'.repeat(5)}`), '');
  assert.ok(s.midMessage);
  assert.equal(drainErrors(s), []);
  assert.is(talk(s, `${'x'.repeat(20)}\n*OPC?\n`), '1\n');
  assert.equal(drainErrors(s), ['-363,Input buffer overrun;message longer than 64 bytes']);
});

test('device clear forgets a partial message, even inside a block, and unsent output', () => {
  const s = session();
  s.feed(bytesOf('*IDN?\nPROG:DEF "x",#9000010000{"a":'));
  assert.ok(s.pendingOutput > 0);
  s.deviceClear();
  assert.is(s.pendingOutput, 0);
  assert.not.ok(s.midMessage);
  assert.is(talk(s, '*OPC?\n'), '1\n');
  assert.equal(drainErrors(s), []);
});

test('NUL, control bytes and invalid UTF-8 are -101 errors, never a crash', () => {
  const s = session();
  const cases: [Uint8Array, string][] = [
    [Uint8Array.of(0x00, 0x0a), '-101,Invalid character;0x00 at byte 1 in a header'],
    [concat('*OPC?', Uint8Array.of(0x07), '\n'), '-101,Invalid character;0x07 at byte 6 after *OPC?'],
    [concat('TEST:ECHO? 1,', Uint8Array.of(0xff), '\n'), '-101,Invalid character;0xFF at byte 14 in a parameter'],
    [concat('TEST:ECHO? 1,"a', Uint8Array.of(0xc3, 0x28), '"\n'), '-101,Invalid character;invalid UTF-8 in the string at byte 15'],
    [concat('TEST:ECHO? 1,"a', Uint8Array.of(0x1b), '"\n'), '-101,Invalid character;0x1B at byte 16 in a string'],
    [concat('MEAS', Uint8Array.of(0xce, 0xbc), ':FORC?\n'), '-101,Invalid character;0xCE at byte 5 after MEAS'],
  ];
  for (const [input, error] of cases) {
    assert.is(talk(s, input), '', latin1(input));
    assert.equal(drainErrors(s), [error], latin1(input));
  }
  assert.is(talk(s, 'TEST:ECHO? 1,"Ωµ✓"\n'), '1,"Ωµ✓"\n', 'valid UTF-8 in strings is data');
});

test('the message buffer grows for an upload and is given back after it', () => {
  const s = session();
  const idle = s.heldBytes();
  s.feed(concat('PROG:DEF "big",', blockOf(`{"x":"${'y'.repeat(12000)}"}`)));
  assert.ok(s.heldBytes() >= 12000);
  assert.ok(s.heldBytes() <= 1024 + 16384);
  s.feed(bytesOf('\n'));
  assert.equal(drainErrors(s), []);
  assert.is(s.heldBytes(), idle);
});

test('framer limits must be positive integers', () => {
  const sink = { message: () => undefined, overflow: () => undefined };
  assert.throws(() => new MessageFramer({ maxMessageBytes: 0, maxBlockBytes: 1, blockSkipLimitBytes: 1 }, sink));
  assert.throws(() => new MessageFramer({ maxMessageBytes: 10, maxBlockBytes: 1.5, blockSkipLimitBytes: 1 }, sink));
});

test.run();
