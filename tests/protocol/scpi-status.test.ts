// The IEEE 488.2 status model: error queue (order, overflow), Event Status Register bits by
// error class, *ESR?, *ESE, *SRE, *STB? (EAV, MAV, ESB, MSS), *CLS, *OPC, *RST, *IDN?, *TST?.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { CommandTable } from '../../src/protocol/command-table';
import { ErrorQueue, MAX_ERROR_TEXT } from '../../src/protocol/error-queue';
import { ESR, eventBitForCode, fail, standardMessage } from '../../src/protocol/errors';
import type { SessionOptions } from '../../src/protocol/session';
import { ScpiSession } from '../../src/protocol/session';
import { registerStandardCommands } from '../../src/protocol/standard-commands';
import { STB } from '../../src/protocol/status';
import { createFakeScpiTable, drainErrors, drainOutput, FAKE_IDN } from '../../bench/bench-scpi-fuzz';

const encoder = new TextEncoder();

function session(options: SessionOptions = {}): ScpiSession {
  return new ScpiSession(createFakeScpiTable(), { powerOn: false, ...options });
}

function talk(s: ScpiSession, line: string): string {
  s.feed(encoder.encode(`${line}\n`));
  return new TextDecoder().decode(drainOutput(s)).replace(/\n$/, '');
}

test('SYSTem:ERRor? gives the oldest error first, then 0,"No error"', () => {
  const s = session();
  s.feed(encoder.encode('PROG:DEX\nLOG:DATA? 0\n'));
  assert.is(talk(s, 'SYST:ERR:COUN?'), '2');
  assert.is(talk(s, 'SYST:ERR?'), '-113,"Undefined header;PROG:DEX"');
  assert.is(talk(s, 'SYST:ERR?'), '-222,"Data out of range;0 is below the minimum 1"');
  assert.is(talk(s, 'SYST:ERR?'), '0,"No error"');
  assert.is(talk(s, 'SYST:ERR?;ERR?'), '0,"No error";0,"No error"');
});

test('a full queue keeps the oldest errors and replaces the newest by -350 Queue overflow', () => {
  const s = session({ errorQueueLength: 4 });
  for (let k = 1; k <= 6; k++) s.feed(encoder.encode(`LOG:DATA? -${k}\n`));
  assert.is(talk(s, 'SYST:ERR:COUN?'), '4');
  assert.is(talk(s, 'SYST:ERR:ALL?'), '-222,"Data out of range;-1 is below the minimum 1",-222,"Data out of range;-2 is below the minimum 1",-222,"Data out of range;-3 is below the minimum 1",-350,"Queue overflow"');
  assert.is(talk(s, 'SYST:ERR:ALL?'), '0,"No error"');
  // Room again after a read.
  for (let k = 1; k <= 5; k++) s.feed(encoder.encode(`LOG:DATA? -${k}\n`));
  assert.is(talk(s, 'SYST:ERR?'), '-222,"Data out of range;-1 is below the minimum 1"');
  s.feed(encoder.encode('BOGUS\n'));
  assert.equal(drainErrors(s).map((e) => e.slice(0, 4)), ['-222', '-222', '-350', '-113']);
});

test('error texts are cut to 255 characters; quotes in them are doubled in the response', () => {
  const queue = new ErrorQueue(4);
  queue.push(-222, 'Data out of range', 'x'.repeat(400));
  const entry = queue.next();
  assert.is(entry.text.length, MAX_ERROR_TEXT);
  assert.ok(entry.text.endsWith('...'));
  const s = session();
  s.feed(encoder.encode('PROG:SEL "bad name"\n'));
  assert.is(talk(s, 'SYST:ERR?'), '-151,"Invalid string data;""bad name"": letters, digits, ""."", ""_"" and ""-"""');
  assert.throws(() => new ErrorQueue(1));
});

test('each class of error sets its ESR bit; *ESR? reads and clears', () => {
  assert.is(eventBitForCode(-101), ESR.CME);
  assert.is(eventBitForCode(-222), ESR.EXE);
  assert.is(eventBitForCode(-363), ESR.DDE);
  assert.is(eventBitForCode(-430), ESR.QYE);
  assert.is(eventBitForCode(101), ESR.DDE);
  assert.is(eventBitForCode(0), 0);
  assert.is(standardMessage(-113), 'Undefined header');
  assert.is(standardMessage(-299), 'Execution error', 'an unlisted code gets its class message');
  assert.is(standardMessage(-42), 'Device-specific error');
  assert.is(standardMessage(150), 'Device-specific error');
  const s = session({ maxMessageBytes: 32, outputCapacityBytes: 64 });
  assert.is(talk(s, '*ESR?'), '0');
  s.feed(encoder.encode('BOGUS\n'));
  assert.is(talk(s, '*ESR?'), String(ESR.CME));
  assert.is(talk(s, '*ESR?'), '0');
  s.feed(encoder.encode('LOG:DATA? 0\n'));
  assert.is(talk(s, '*ESR?'), String(ESR.EXE));
  s.feed(encoder.encode(`${'x'.repeat(40)}\n`));
  assert.is(talk(s, '*ESR?'), String(ESR.DDE));
  s.feed(encoder.encode('LOG:DATA? 3\nLOG:DATA? 3\n'));
  drainOutput(s);
  assert.is(talk(s, '*ESR?'), String(ESR.QYE), 'the second response did not fit: -430');
});

test('a session that starts with the device reports power-on once', () => {
  const s = new ScpiSession(createFakeScpiTable());
  assert.is(talk(s, '*ESR?'), String(ESR.PON));
  assert.is(talk(s, '*ESR?'), '0');
});

test('*ESE and *SRE hold 0..255 (bit 6 of SRE reads 0); out of range is -222', () => {
  const s = session();
  assert.is(talk(s, '*ESE 255;*ESE?;*SRE 255;*SRE?'), '255;191');
  assert.is(talk(s, '*ESE 256;*ESE?'), '255');
  assert.equal(drainErrors(s), ['-222,Data out of range;256 is above the maximum 255']);
  assert.is(talk(s, '*SRE #H10;*SRE?;*ESE 0;*ESE?'), '16;0');
});

test('*STB?: EAV while errors are queued, MAV while output waits, ESB from ESR&ESE, MSS from STB&SRE', () => {
  const s = session();
  assert.is(talk(s, '*STB?'), '0');
  s.feed(encoder.encode('BOGUS\n'));
  assert.is(Number(talk(s, '*STB?')), STB.EAV);
  assert.is(Number(talk(s, '*STB?')), STB.EAV, '*STB? clears nothing');
  assert.is(talk(s, '*ESE 32;*STB?'), String(STB.EAV | STB.ESB));
  assert.is(talk(s, '*SRE 4;*STB?'), String(STB.EAV | STB.ESB | STB.MSS));
  drainErrors(s);
  assert.is(talk(s, '*ESR?;*STB?'), `${ESR.CME};${STB.MAV}`, 'the answer to *ESR? waits in the output: MAV; ESB gone with the read');
  s.feed(encoder.encode('*OPC?\n'));
  assert.is(talk(s, '*SRE 16;*STB?'), `1\n${STB.MAV | STB.MSS}`);
});

test('the device drives STB bits 3 and 7 (QUES, OPER) and nothing else', () => {
  let summary = 0xff;
  const s = new ScpiSession(createFakeScpiTable(), { powerOn: false, deviceSummary: () => summary });
  assert.is(talk(s, '*STB?'), String(0x8b));
  summary = 0x08;
  assert.is(talk(s, '*SRE 8;*STB?'), String(0x08 | STB.MSS));
});

test('*CLS clears the event register and the error queue, not the enables nor the output', () => {
  const s = session();
  s.feed(encoder.encode('*ESE 60;*SRE 32;BOGUS\nLOG:DATA? 0\n*OPC?\n'));
  s.feed(encoder.encode('*CLS\n'));
  assert.is(s.pendingOutput, 2);
  assert.is(talk(s, '*ESR?;*ESE?;*SRE?;SYST:ERR:COUN?'), '1\n0;60;32;0');
});

test('*OPC sets the OPC bit at once (commands run in order); *OPC? answers 1; *WAI returns', () => {
  const s = session();
  assert.is(talk(s, '*OPC;*ESR?'), String(ESR.OPC));
  assert.is(talk(s, '*WAI;*OPC?'), '1');
});

test('*RST runs the device reset and leaves status and errors; *IDN?, *TST?, SYST:VERS?', () => {
  let resets = 0;
  let testResult = 0;
  const table = new CommandTable();
  registerStandardCommands(table, {
    identity: { manufacturer: 'Lab', model: 'P-20', serialNumber: '7', firmwareVersion: '1.2.3' },
    reset: () => resets++,
    selfTest: () => testResult,
  });
  const s = new ScpiSession(table, { powerOn: false });
  s.feed(encoder.encode('*ESE 4;BOGUS\n'));
  assert.is(talk(s, '*RST;*ESE?;SYST:ERR:COUN?;*ESR?'), `4;1;${ESR.CME}`);
  assert.is(resets, 1);
  assert.is(talk(s, '*IDN?;*TST?;:SYST:VERS?'), 'Lab,P-20,7,1.2.3;0;1999.0');
  testResult = 3;
  assert.is(talk(s, '*TST?'), '3');
  assert.is(talk(session(), '*IDN?'), FAKE_IDN);
});

test('*IDN? fields may not hold commas or control characters', () => {
  assert.throws(() => registerStandardCommands(new CommandTable(), { identity: { manufacturer: 'A,B', model: 'M', serialNumber: '1', firmwareVersion: '1' }, reset: () => undefined }), /comma/);
});

test('device-specific positive codes: their own message, DDE, and the handler can queue several', () => {
  const table = new CommandTable();
  table.command('PROGram:CHECk', [], (_args, context) => {
    context.report(101, 'steps[0].to_MPa: 800 exceeds the die rating of 740 MPa', 'Program invalid');
    context.report(101, 'steps[2].duration_s: missing', 'Program invalid');
    fail(102, 'nothing stored', 'Program not stored');
  });
  const s = new ScpiSession(table, { powerOn: false });
  s.feed(encoder.encode('PROG:CHEC\n'));
  assert.equal(drainErrors(s), [
    '101,Program invalid;steps[0].to_MPa: 800 exceeds the die rating of 740 MPa',
    '101,Program invalid;steps[2].duration_s: missing',
    '102,Program not stored;nothing stored',
  ]);
  assert.is(s.status.esr, ESR.DDE);
});

test.run();
