// Parsing of program messages: headers (long and short forms, case, optional nodes, the
// relative-path rule after `;`), parameters (numbers, strings, blocks, character data) and
// the SCPI error each malformed part gives, with the offending text in the message.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import fc from 'fast-check';
import type { ScpiError } from '../../src/protocol/errors';
import { MessageReader } from '../../src/protocol/message-reader';
import { ScpiSession } from '../../src/protocol/session';
import { createFakeScpiTable, drainErrors, drainOutput } from '../../bench/bench-scpi-fuzz';

const encoder = new TextEncoder();

function session(): ScpiSession {
  return new ScpiSession(createFakeScpiTable(), { powerOn: false });
}

/** Sends one line; returns [response, errors]. */
function send(s: ScpiSession, line: string): [string, string[]] {
  s.feed(encoder.encode(`${line}\n`));
  return [new TextDecoder().decode(drainOutput(s)).replace(/\n$/, ''), drainErrors(s)];
}

function answer(line: string): string {
  const [response, errors] = send(session(), line);
  assert.equal(errors, [], line);
  return response;
}

function error(line: string): string {
  const [, errors] = send(session(), line);
  assert.is(errors.length, 1, `${line}: ${errors.join(' | ')}`);
  return errors[0];
}

test('long and short forms in any case; anything in between is an undefined header', () => {
  for (const header of ['MEAS:FORC?', 'MEASURE:FORCE?', 'meas:force?', 'Measure:Forc?', 'mEaS:fOrCe?']) assert.is(answer(header), '12.345', header);
  assert.is(error('MEASU:FORC?'), '-113,Undefined header;MEASU:FORC?');
  assert.is(error('MEA:FORC?'), '-113,Undefined header;MEA:FORC?');
  assert.is(error('MEAS:FORCES?'), '-113,Undefined header;MEAS:FORCES?');
  assert.is(error('PROG:DEX 1'), '-113,Undefined header;PROG:DEX');
});

test('a leading colon starts at the root; a query-only header sent as a command is undefined', () => {
  assert.is(answer(':MEAS:PRES?'), '157.20');
  assert.is(error('MEAS:PRES'), '-113,Undefined header;MEAS:PRES');
  assert.is(error('*IDN'), '-113,Undefined header;*IDN');
  assert.is(error('*XYZ?'), '-113,Undefined header;*XYZ?');
});

test('optional nodes may be left out: SYSTem:ERRor[:NEXT]?, INITiate[:IMMediate], SYSTem:BEEPer[:STATe]', () => {
  const s = session();
  s.feed(encoder.encode('BOGUS\n'));
  assert.equal(send(s, 'SYST:ERR:NEXT?'), ['-113,"Undefined header;BOGUS"', []]);
  assert.equal(send(s, 'SYST:BEEP:STAT OFF;STAT?'), ['0', []]);
  assert.equal(send(s, 'SYSTEM:BEEPER ON;:SYST:BEEP?'), ['1', []]);
  send(s, 'PROG:DEF "p",#12{}');
  assert.equal(send(s, 'PROG:SEL "p";:INIT:IMM;:PROG:STAT?;:ABOR;:INIT;:PROG:STAT?'), ['RUNNING;RUNNING', []]);
});

test('after ";" a header continues from the previous header\'s path; ";:" and common commands behave as SCPI says', () => {
  assert.is(answer('MEAS:FORC?;PRES?'), '12.345;157.20');
  assert.is(answer('MEAS:FORC?;*OPC?;PRES?'), '12.345;1;157.20', 'a common command leaves the path alone');
  assert.is(answer('MEAS:FORC?;:MEAS:PRES?'), '12.345;157.20');
  assert.is(answer('SYST:BEEP OFF;:SYST:ERR:COUN?;ALL?'), '0;0,"No error"');
  const [response, errors] = send(session(), 'MEAS:FORC?;MEAS:PRES?');
  assert.is(response, '12.345', 'units before the error have run and answered');
  assert.equal(errors, ['-113,Undefined header;MEAS:PRES?']);
  const s = session();
  send(s, 'MEAS:FORC?');
  assert.equal(send(s, 'PRES?'), ['', ['-113,Undefined header;PRES?']], 'a new message starts at the root');
});

test('decimal numbers: NR1, NR2, NR3, signs, white space around E, and #H/#Q/#B', () => {
  const cases: [string, string][] = [
    ['5', '5'],
    ['+5', '5'],
    ['-5', '-5'],
    ['5.25', '5.25'],
    ['.5', '0.5'],
    ['5.', '5'],
    ['-.5e1', '-5'],
    ['1.5E3', '1500'],
    ['1.5e-3', '0.0015'],
    ['1.5 E 3', '1500'],
    ['1.5E+03', '1500'],
    ['00012', '12'],
    ['1e21', '1.0E+21'],
    ['#HfF', '255'],
    ['#Q17', '15'],
    ['#b101', '5'],
    [`${'1'.repeat(255)}`, '1.1111111111111111E+254'],
    [`0000${'0'.repeat(300)}7`, '7'],
  ];
  for (const [text, expected] of cases) assert.is(answer(`TEST:ECHO? ${text}`), `${expected},""`, text);
});

test('malformed numbers give the numeric errors, quoting the number', () => {
  assert.is(error('TEST:ECHO? 1.2.3'), '-121,Invalid character in number;1.2.');
  assert.is(error('TEST:ECHO? 1e'), '-121,Invalid character in number;1e');
  assert.is(error('TEST:ECHO? 1e+'), '-121,Invalid character in number;1e+');
  assert.is(error('TEST:ECHO? +'), '-121,Invalid character in number;+');
  assert.is(error('TEST:ECHO? 12#'), '-121,Invalid character in number;12#');
  assert.is(error('TEST:ECHO? #Q9'), '-121,Invalid character in number;#Q9');
  assert.is(error('TEST:ECHO? #H'), '-120,Numeric data error;no digits in #H');
  assert.is(error('TEST:ECHO? #HFFFFFFFFFFFFFFFF'), '-120,Numeric data error;#HFFFFFFFFFFFFFFFF exceeds 2^53');
  assert.is(error('TEST:ECHO? 1E32001'), '-123,Exponent too large;1E32001');
  assert.is(error(`TEST:ECHO? ${'9'.repeat(256)}`), '-124,Too many digits;256 digits in the mantissa');
  assert.is(error('TEST:ECHO? 5 KN'), '-138,Suffix not allowed;5 KN');
  assert.is(error('TEST:ECHO? 5MPA/S'), '-138,Suffix not allowed;5MPA/S');
  assert.is(error('TEST:ECHO? 1E400'), '-222,Data out of range;1E400 is not finite');
  assert.is(error(`TEST:ECHO? 1${'A'.repeat(13)}`), `-134,Suffix too long;${'A'.repeat(13)}`);
});

test('strings: both quotes, doubled quotes inside, empty, UTF-8', () => {
  assert.is(answer('TEST:ECHO? 1,"say ""hi"""'), '1,"say ""hi"""');
  assert.is(answer("TEST:ECHO? 1,'it''s'"), '1,"it\'s"');
  assert.is(answer("TEST:ECHO? 1,\"it's\""), '1,"it\'s"');
  assert.is(answer("TEST:ECHO? 1,'a \"b\"'"), '1,"a ""b"""');
  assert.is(answer('TEST:ECHO? 1,""'), '1,""');
  assert.is(answer('TEST:ECHO? 1,"Li₆PS₅Cl"'), '1,"Li₆PS₅Cl"');
});

test('string parameters: length and content rules of the command give -150 and -151', () => {
  assert.is(error(`PROG:SEL "${'a'.repeat(33)}"`), `-150,String data error;"${'a'.repeat(33)}" is longer than 32 characters`);
  assert.is(error('PROG:SEL "bad name"'), '-151,Invalid string data;"bad name": letters, digits, ".", "_" and "-"');
});

test('character data: short or long form in any case, unknown and over-long words', () => {
  const s = session();
  assert.equal(send(s, 'TRIG:SOUR bus;SOUR?'), ['BUS', []]);
  assert.equal(send(s, 'TRIG:SOUR Immediate;SOUR?'), ['IMM', []]);
  assert.equal(send(s, 'TRIG:SOUR IMMED'), ['', ['-141,Invalid character data;IMMED (expected IMMediate|BUS)']]);
  assert.equal(send(s, 'TRIG:SOUR ABCDEFGHIJKLM'), ['', ['-144,Character data too long;ABCDEFGHIJKLM']]);
  assert.equal(send(s, 'SYST:BEEP MAYBE'), ['', ['-141,Invalid character data;MAYBE (expected ON or OFF)']]);
  assert.equal(send(s, 'SYST:BEEP 0.4;BEEP?;BEEP 2;BEEP?;BEEP off;BEEP?'), ['0;1;0', []]);
});

test('blocks: #0 and malformed length digits are -161', () => {
  assert.is(error('TEST:BLOC? #0abc'), '-161,Invalid block data;indefinite-length block (#0) not accepted');
  assert.is(error('TEST:BLOC? #3abcd'), '-161,Invalid block data;block header #3abc has a non-digit length');
  assert.is(error('TEST:BLOC? #3ab'), '-161,Invalid block data;block header #3ab cut short');
  // The framer waits for a block's bytes; a reader given a cut message reports it.
  const cut = encoder.encode('TEST:BLOC? #15abc');
  const reader = new MessageReader(cut, cut.length);
  reader.readHeader();
  assert.throws(() => reader.readParams(), (e: ScpiError) => e.code === -161 && e.message === 'Invalid block data;block of 5 bytes ends after 3');
  assert.is(answer('TEST:BLOC? #10'), '#10');
  assert.is(error('TEST:ECHO? #X'), '-102,Syntax error;#X is neither a block nor a #H/#Q/#B number');
});

test('parameter counts and types: -109 missing, -108 too many, -104 wrong type', () => {
  assert.is(error('LOG:DATA?'), '-109,Missing parameter;LOG:DATA? needs <numeric>|MINimum|MAXimum as parameter 1');
  assert.is(error('MEAS:FORC? 1'), '-108,Parameter not allowed;MEAS:FORC? takes no parameters, got 1');
  assert.is(error('TEST:ECHO? 1,"a",2'), '-108,Parameter not allowed;TEST:ECHO? takes at most 2 parameters, got 3');
  assert.is(error('LOG:DATA? "5"'), '-104,Data type error;expected a number, got string data "5"');
  assert.is(error('PROG:SEL fuzz'), '-104,Data type error;expected a quoted string, got character data fuzz');
  assert.is(error('PROG:SEL #13abc'), '-104,Data type error;expected a quoted string, got block data #13<3 bytes>');
  assert.is(error('TEST:BLOC? 12'), '-104,Data type error;expected a block #<n><length><bytes>, got numeric data 12');
  assert.is(error('TEST:ECHO? ON'), '-104,Data type error;expected a number, got character data ON');
});

test('numeric ranges and MINimum/MAXimum/DEFault keywords', () => {
  assert.is(answer('LOG:DATA? MIN'), '#214t_s,p_MPa\n0,0\n');
  assert.is(error('LOG:DATA? 0'), '-222,Data out of range;0 is below the minimum 1');
  assert.is(error('LOG:DATA? 1001'), '-222,Data out of range;1001 is above the maximum 1000');
  const s = session();
  assert.equal(send(s, 'CAL:UNL 4711;SPAN MAX;SPAN?;SPAN min;SPAN?;SPAN DEF;SPAN?;SPAN 2.5;SPAN?'), ['500;0.1;100;2.5', []]);
  assert.equal(send(s, 'CAL:SPAN MAXI'), ['', ['-141,Invalid character data;MAXI (expected <numeric>|MINimum|MAXimum|DEFault)']]);
  assert.is(answer('*ESE 3.5;*ESE?'), '4', 'integers round half away from zero');
});

test('separators and headers: -103, -102, -111, -112, -178', () => {
  assert.is(error('TEST:ECHO? 1 2'), '-103,Invalid separator;2');
  assert.is(error('TEST:ECHO? 1,,2'), '-102,Syntax error;empty parameter after "," at byte 13');
  assert.is(error('TEST:ECHO? 1,'), '-102,Syntax error;empty parameter after "," at byte 13');
  assert.is(error('MEAS:FORC?"x"'), '-111,Header separator error;MEAS:FORC?"');
  assert.is(error('MEAS::FORC?'), '-102,Syntax error;expected a mnemonic at byte 6: MEAS::');
  assert.is(error('MEAS: FORC?'), '-102,Syntax error;expected a mnemonic at byte 6: MEAS: ');
  assert.is(error(';*OPC?'), '-102,Syntax error;expected a mnemonic at byte 1: ;');
  assert.is(error('MEASUREMENTSX:FORC?'), '-112,Program mnemonic too long;MEASUREMENTSX');
  assert.is(error('TEST:ECHO? (1+2)'), '-178,Expression data not allowed;(1+2)');
  assert.is(answer('*OPC?;'), '1', 'a trailing ";" is accepted');
  assert.is(answer('  *OPC? ; *OPC?  '), '1;1');
});

test('a command error ends the message; an execution error does not', () => {
  const s = session();
  assert.equal(send(s, '*ESE 4;BOGUS;*ESE 8'), ['', ['-113,Undefined header;BOGUS']]);
  assert.equal(send(s, '*ESE?'), ['4', []]);
  assert.equal(send(s, 'LOG:DATA? 0;*OPC?;:PROG:SEL "none";*ESE?'), ['1;4', ['-222,Data out of range;0 is below the minimum 1', '-256,File name not found;none']]);
});

test('headers and parameters that only differ in case and spacing parse the same (property)', () => {
  const headers = ['MEAS:FORC?', 'MEASURE:PRESSURE?', 'SYST:ERR:COUN?', 'PROG:STAT?', 'TRIG:SOUR?'];
  const reference = new Map(headers.map((h) => [h, answer(h)]));
  fc.assert(
    fc.property(fc.constantFrom(...headers), fc.array(fc.boolean(), { minLength: 20, maxLength: 20 }), fc.constantFrom('', ' ', '\t', ' \r'), (header, flips, pad) => {
      const mixed = [...header].map((c, k) => (flips[k] ? c.toLowerCase() : c)).join('');
      assert.is(answer(`${pad}${mixed}${pad}`), reference.get(header));
    }),
    { numRuns: 300, seed: 5 },
  );
});

test.run();
