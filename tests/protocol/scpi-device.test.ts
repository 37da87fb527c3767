// Every device command on a simulated press, in virtual time: through a session on the
// firmware's table, and through the firmware's own serial link.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { VirtualInstrument } from '../../host-sim/virtual-instrument';
import type { ScpiSession } from '../../src/protocol/session';
import { program, readExample } from '../support/helpers';
import { send, errors, defineMessage, holdContinue } from '../support/scpi-helpers';
import { crc32 } from '../../src/bytes/crc32';
import { ResetReason } from '../../hal/system';

const PROMPTED = {
  ...program([
    { type: 'ramp', to_MPa: 60, rate_MPa_s: 20 },
    { type: 'hold', duration_s: 1, band_MPa: 2, mode: 'dynamic' },
    { type: 'release', to_MPa: 0, rate_MPa_s: 20 },
    { type: 'prompt', message: 'Add the cathode, then Continue' },
    { type: 'ramp', to_MPa: 40, rate_MPa_s: 20 },
    { type: 'hold', duration_s: 1, band_MPa: 2, mode: 'dynamic' },
    { type: 'release', to_MPa: 0, rate_MPa_s: 20 },
  ]),
  name: 'cell-3',
  log_interval_s: 0.1,
};

const encoder = new TextEncoder();
const decoder = new TextDecoder();

function instrument(): { press: VirtualInstrument; s: ScpiSession } {
  const press = new VirtualInstrument({ seed: 5 });
  press.advanceTo(0.3);
  return { press, s: press.createSession() };
}

function runUntilState(press: VirtualInstrument, s: ScpiSession, states: string[], limitS = 120): string {
  const end = press.timeS + limitS;
  for (;;) {
    const state = send(s, 'PROG:STAT?');
    if (states.includes(state) || press.timeS >= end) return state;
    press.advanceTo(press.timeS + 0.1);
  }
}

/** Runs the stored cell-3 (PROMPTED) through its prompt to COMPLETE, then lets the run log be written. */
function runPromptedToCompletion(press: VirtualInstrument, s: ScpiSession): void {
  send(s, 'PROG:SEL "cell-3";:INIT');
  assert.is(runUntilState(press, s, ['WAITING']), 'WAITING');
  send(s, 'PROG:CONT');
  assert.is(runUntilState(press, s, ['COMPLETE', 'ABORTED', 'FAULT']), 'COMPLETE');
  press.advanceTo(press.timeS + 1);
}

test('a run that misses its band: PROG:STAT? COMPLETE, PROG:RES? OUTSIDE_TOL with the step and its figures, LOG:CAT? OUTSIDE_TOL', () => {
  const { press, s } = instrument();
  // 5 MPa ± 0.01 is more than this press holds: its load cell's noise alone is wider.
  const tight = { ...program([{ type: 'maintain', at_MPa: 5, duration_s: 30, band_MPa: 0.01, rate_MPa_s: 0.5, label: 'stack 5 MPa' }, { type: 'release', to_MPa: 0, rate_MPa_s: 1 }]), name: 'tight' };
  send(s, defineMessage('tight', tight));
  send(s, 'PROG:SEL "tight";:INIT');
  assert.equal(errors(s), []);
  assert.is(runUntilState(press, s, ['COMPLETE', 'ABORTED', 'FAULT']), 'COMPLETE', send(s, 'SYST:FAUL?'));
  const answer = send(s, 'PROG:RES?');
  assert.match(answer, /^OUTSIDE_TOL,"step 1 'stack 5 MPa': in band \d+ % \(needs 90 %\), p99 [\d.]+ MPa against band 0\.01 MPa( \(at most 0\.02 MPa\))?"$/);
  press.advanceTo(press.timeS + 1);
  assert.match(send(s, 'LOG:CAT? 1'), /^1,"tight",OUTSIDE_TOL,\d+\.\d\d$/);
  // Selecting the program again leaves no result to report.
  send(s, 'PROG:SEL "tight"');
  assert.is(send(s, 'PROG:RES?'), 'NONE,""');
  assert.equal(errors(s), []);
});

test('*IDN?, *RST, *OPC?, *ESR?, *STB?, *TST? on the press', () => {
  const { s } = instrument();
  assert.is(send(s, '*IDN?'), 'Lab Press Works,LP-20,SN0000,0.1.0');
  assert.is(send(s, '*ESR?'), '128', 'PON at start');
  assert.is(send(s, '*OPC?;*STB?'), '1;16');
  assert.is(send(s, '*TST?'), '0');
  send(s, '*RST');
  assert.equal(errors(s), []);
});

test('MEAS:FORC? in kN; MEAS:PRES? needs a selected program and reads over its die', () => {
  const { s } = instrument();
  assert.match(send(s, 'MEAS:FORC?'), /^-?\d+\.\d{3}$/);
  assert.is(send(s, 'MEAS:PRES?'), '');
  assert.match(errors(s)[0], /^-221,/);
  send(s, defineMessage('cell-3', PROMPTED));
  send(s, 'PROG:SEL "cell-3"');
  assert.match(send(s, 'MEAS:FORC?;PRES?'), /^-?\d+\.\d{3};-?\d+\.\d{2}$/);
  assert.equal(errors(s), []);
});

test('PROG:DEF stores a valid program; PROG:CAT?, PROG:DEF?, PROG:SEL, PROG:SEL?, PROG:DEL', () => {
  const { s } = instrument();
  assert.is(send(s, 'PROG:CAT?'), '""');
  send(s, defineMessage('cell-3', PROMPTED));
  assert.equal(errors(s), []);
  assert.is(send(s, 'PROG:CAT?'), '"cell-3"');
  const answer = send(s, 'PROG:DEF? "cell-3"');
  const match = /^#(\d)/.exec(answer)!;
  const body = answer.slice(2 + Number(match[1]));
  assert.is(JSON.parse(body).name, 'cell-3');
  assert.is(JSON.parse(body).steps.length, 7);
  send(s, 'PROG:SEL "cell-3"');
  assert.is(send(s, 'PROG:SEL?'), '"cell-3"');
  send(s, 'PROG:DEL "cell-3"');
  assert.is(send(s, 'PROG:CAT?'), '""');
  send(s, 'PROG:DEL "cell-3";:PROG:SEL "nope";:PROG:DEF? "nope"');
  assert.equal(errors(s), ['104,No such program;cell-3', '104,No such program;nope', '104,No such program;nope']);
});

test('PROG:WARN? lists what the validator warns about a stored program on this press; PROG:DEF stores it without an error', () => {
  const { s } = instrument();
  const stack = readExample('stack-pressure-5mpa-72h') as { name: string };
  send(s, defineMessage(stack.name, stack));
  assert.equal(errors(s), [], 'warnings are not errors');
  const warnings = send(s, `PROG:WARN? "${stack.name}"`);
  assert.match(warnings, /^"steps\[\d+\]\.[a-z_A-Z]+: .*"(,".*")*$/);
  assert.match(warnings, /resolve|lower limit|class/);
  send(s, defineMessage('cell-3', PROMPTED));
  assert.is(send(s, 'PROG:WARN? "cell-3"'), '""');
  send(s, 'PROG:WARN? "nope"');
  assert.equal(errors(s), ['104,No such program;nope']);
});

test('PROG:DEF: every validator message goes to the queue; bad JSON and a name mismatch are 101', () => {
  const { s } = instrument();
  const bad = { ...PROMPTED, steps: [{ type: 'ramp', to_MPa: 5000, rate_MPa_s: 1e6 }, { type: 'hold' }] };
  send(s, defineMessage('cell-3', bad));
  const queued = errors(s);
  assert.ok(queued.length >= 3, queued.join('\n'));
  for (const e of queued) assert.match(e, /^101,Program rejected;steps\[/);
  send(s, defineMessage('cell-3', '{"format": '));
  assert.match(errors(s)[0], /^101,Program rejected;not JSON: line 1/);
  send(s, defineMessage('other', PROMPTED));
  assert.match(errors(s)[0], /^101,Program rejected;the program's "name"/);
  send(s, 'PROG:DEF "bad name",#12{}');
  assert.match(errors(s)[0], /^-151,/);
  assert.is(send(s, 'PROG:CAT?'), '""');
  assert.is(send(s, '*ESR?'), String(128 + 8 + 32));
});

test('INIT, PROG:STAT?, PROG:STEP?, PROG:PROM?, PROG:CONT to completion; LOG:CAT?, LOG:ROWS?, LOG:DATA? as CSV', () => {
  const { press, s } = instrument();
  send(s, defineMessage('cell-3', PROMPTED));
  send(s, 'INIT');
  assert.equal(errors(s), ['103,Refused;no program selected']);
  send(s, 'PROG:SEL "cell-3"');
  assert.is(send(s, 'PROG:RES?'), 'NONE,""');
  send(s, 'INIT');
  assert.equal(errors(s), []);
  assert.is(send(s, 'PROG:STAT?'), 'RUNNING');
  assert.is(send(s, 'PROG:RES?'), 'NONE,""');
  assert.match(send(s, 'PROG:STEP?'), /^1,7,-?[\d.]+,"ramp"$/);
  send(s, 'PROG:DEF "cell-3",#12{}');
  send(s, 'LOG:CAT?');
  send(s, 'PROG:CONT');
  assert.equal(errors(s).map((e) => e.replace(/;.*/, '')), ['101,Program rejected', '103,Refused', '103,Refused']);
  assert.is(runUntilState(press, s, ['WAITING', 'COMPLETE', 'ABORTED', 'FAULT']), 'WAITING', send(s, 'SYST:FAUL?'));
  assert.is(send(s, 'PROG:PROM?'), '"Add the cathode, then Continue"');
  assert.match(send(s, 'PROG:STEP?'), /^4,7,/);
  send(s, 'PROG:CONT');
  assert.equal(errors(s), []);
  assert.is(runUntilState(press, s, ['COMPLETE', 'ABORTED', 'FAULT']), 'COMPLETE');
  assert.is(send(s, 'PROG:RES?'), 'COMPLETED,""');
  press.advanceTo(press.timeS + 1);
  assert.match(send(s, 'LOG:CAT?'), /^1,"cell-3",COMPLETED,\d+\.\d\d$/);
  const rows = Number(send(s, 'LOG:ROWS? 1'));
  assert.ok(rows > 50, `rows ${rows}`);
  const answer = send(s, 'LOG:DATA? 1');
  const digits = Number(answer[1]);
  const csv = answer.slice(2 + digits);
  assert.is(csv.length, Number(answer.slice(2, 2 + digits)));
  const lines = csv.trimEnd().split('\n');
  assert.is(lines[0], 't_s,step,label,state,pressure_MPa,force_kN,setpoint_MPa,target_MPa');
  // A page is 400 rows at most, fewer where they would not fit 16 KiB.
  assert.ok(lines.length - 1 > 250 && lines.length - 1 <= Math.min(rows, 400) && csv.length <= 16384, `${lines.length - 1} rows, ${csv.length} B`);
  assert.match(lines[1], /^\d+\.\d{3},1,"ramp",RUNNING,-?\d+\.\d{3},-?\d+\.\d{3},-?\d+\.\d{3},60\.000$/);
  const fields = lines.slice(1).map((l) => l.split(','));
  const peak = Math.max(...fields.map((f) => Number(f[4])));
  assert.ok(peak > 55 && peak < 65, `peak ${peak}`);
  // Force is pressure over the die's area (10 mm: 78.54 mm²); the setpoint leads the pressure up the ramp.
  for (const f of fields) assert.ok(Math.abs(Number(f[5]) - Number(f[4]) * 0.0785398) < 0.002, `force ${f[5]} at ${f[4]} MPa`);
  assert.ok(fields.some((f) => f[1] === '1' && Number(f[6]) > Number(f[4])), 'a setpoint ahead of the pressure on the ramp');
  assert.ok(fields.some((f) => f[1] === '2' && f[2] === '"hold"' && f[7] === '60.000'), 'the hold at 60 MPa');
  const allLines = [csv, ...[400, 800, 1200].map((first) => send(s, `LOG:DATA? 1,${first}`))].join('\n').split('\n');
  assert.ok(allLines.some((l) => l.split(',')[1] === '7'), 'the last step is in the log');
  const tail = send(s, `LOG:DATA? 1,${rows - 2}`);
  assert.is(tail.slice(tail.indexOf('\n') > 0 ? 0 : 0).split('\n').filter((l) => l !== '').length, 2);
  send(s, 'LOG:DATA? 99');
  assert.equal(errors(s), ['106,No such run;99']);
});

test('PROG:SETP? answers the setpoint, the step\'s target and band during a run, 9.91E+37 outside one', () => {
  const { press, s } = instrument();
  send(s, defineMessage('cell-3', PROMPTED));
  send(s, 'PROG:SEL "cell-3"');
  assert.is(send(s, 'PROG:SETP?'), '9.91E+37,9.91E+37,9.91E+37');
  send(s, 'INIT');
  // Past contact, ramping to 60 MPa at 20 MPa/s: the setpoint is on its way, near the pressure.
  while (Number(send(s, 'MEAS:PRES?')) < 20 && press.timeS < 30) press.advanceTo(press.timeS + 0.1);
  const [setpoint, target, band] = send(s, 'PROG:SETP?').split(',').map(Number);
  const pressure = Number(send(s, 'MEAS:PRES?'));
  assert.is(target, 60);
  assert.ok(setpoint > 19 && setpoint < 60, `setpoint ${setpoint}`);
  assert.ok(Math.abs(setpoint - pressure) < 3, `setpoint ${setpoint} against ${pressure}`);
  assert.ok(band > 0 && band < 5, `band ${band}`);
  assert.is(runUntilState(press, s, ['WAITING', 'COMPLETE', 'FAULT']), 'WAITING');
  send(s, 'PROG:CONT');
  assert.is(runUntilState(press, s, ['COMPLETE', 'ABORTED', 'FAULT']), 'COMPLETE');
  assert.is(send(s, 'PROG:SETP?'), '9.91E+37,9.91E+37,9.91E+37');
  assert.equal(errors(s), []);
});

test('ABOR ends a run ABORTED; SYST:FAUL? and SYST:FAUL:CLE', () => {
  const { press, s } = instrument();
  send(s, defineMessage('cell-3', PROMPTED));
  send(s, 'PROG:SEL "cell-3";:INIT');
  press.advanceTo(press.timeS + 0.5);
  send(s, 'ABOR');
  assert.is(runUntilState(press, s, ['ABORTED']), 'ABORTED');
  assert.is(send(s, 'SYST:FAUL?'), '0,"No fault"');
  send(s, 'SYST:FAUL:CLE');
  assert.equal(errors(s), ['103,Refused;no fault is latched']);
  press.sim.inject('estop');
  press.advanceTo(press.timeS + 0.5);
  assert.match(send(s, 'SYST:FAUL?'), /^\d+,".*E.?STOP/i);
  send(s, 'SYST:FAUL:CLE');
  assert.equal(errors(s), ['116,Reset at the press;301 ESTOP must be reset at the press: hold Stop 2 s (setting remote_fault_reset is unset (none))']);
  press.sim.inputs.estop = false;
  press.advanceTo(press.timeS + 0.5);
  send(s, 'SYST:FAUL:CLE');
  assert.match(errors(s)[0], /^116,Reset at the press;301 ESTOP/, 'an e-stop resets only at the press');
  press.sim.inputs.stopPressed = true;
  press.advanceTo(press.timeS + 2.2);
  press.sim.inputs.stopPressed = false;
  press.advanceTo(press.timeS + 0.1);
  assert.is(send(s, 'SYST:FAUL?'), '0,"No fault"', 'Stop held 2 s at the press resets it');
});

test('CAL:RAW? reads through the load-cell pipeline: the mean the last tick averaged, rounded; -230 before the first conversion', () => {
  const press = new VirtualInstrument({ seed: 5 });
  const s = press.createSession();
  // Booted, the loop started, no tick yet: the pipeline has no conversion to answer with.
  assert.is(send(s, 'CAL:RAW?'), '');
  assert.match(errors(s)[0], /^-230,/);
  press.advanceTo(0.3);
  const cell = press.firmware.loadCell;
  assert.ok(cell.samplesThisTick > 0);
  assert.is(Number(send(s, 'CAL:RAW?')), Math.round(cell.rawCounts));
});

test('calibration: readable, changed only after CAL:UNL with the code commissioned at the press; CAL:DEF puts it in force and locks again', () => {
  const { press, s } = instrument();
  const [, , tare, span] = send(s, 'CAL:DATA?').split(',');
  assert.match(send(s, 'CAL:RAW?'), /^-?\d+$/);
  assert.is(send(s, 'CAL:LOCK?'), '1');
  send(s, `CAL:DEF 1700000000,"ref 1",${tare},${span}`);
  assert.match(errors(s)[0], /^-203,Command protected/);
  send(s, 'CAL:COMM 246810');
  assert.match(errors(s)[0], /^113,/);
  press.sim.inputs.continuePressed = true;
  press.advanceTo(press.timeS + 3.5);
  press.sim.inputs.continuePressed = false;
  press.advanceTo(press.timeS + 0.7);
  send(s, 'CAL:UNL 1234');
  assert.equal(errors(s), ['107,Wrong unlock code;wrong code (1 of 10 before lockout)']);
  send(s, 'CAL:UNL 246810');
  assert.is(send(s, 'CAL:LOCK?'), '0');
  send(s, 'CAL:DEF 1700000000,"ref 1",1,0');
  assert.match(errors(s)[0], /^105,Calibration rejected;span 0/);
  send(s, 'CAL:UNL 246810');
  send(s, `CAL:DEF 1700000000,"ref 1",${tare},${Number(span) * 1.05},0.4`);
  assert.equal(errors(s), []);
  assert.is(send(s, 'CAL:LOCK?'), '1');
  assert.equal(send(s, 'CAL:DATA?').split(','), ['1700000000', '"ref 1"', tare, String(Number(span) * 1.05), '0.4']);
  assert.is(press.firmware.store.calibrationHistory().length, 1);
  send(s, 'CAL:UNL 246810;*RST;:CAL:LOCK?');
  assert.is(send(s, 'CAL:LOCK?'), '1');
});

test('the firmware services its serial port from its own timer: bytes in, answers out, bounded per call', () => {
  const press = new VirtualInstrument({ seed: 2 });
  const serial = press.sim.serial;
  serial.hostSend(encoder.encode('*IDN?\nPROG:STAT?;:SYST:ERR?\n'));
  press.advanceTo(0.05);
  assert.is(decoder.decode(serial.hostReceive()), 'Lab Press Works,LP-20,SN0000,0.1.0\nIDLE;0,"No error"\n');
  // 10 KB of garbage then a query: read 256 bytes per 10 ms, so not all at once, and the loop keeps its rate.
  const garbage = new Uint8Array(10_000).fill(0x41);
  serial.hostSend(garbage);
  serial.hostSend(encoder.encode('\n*OPC?\n'));
  press.advanceTo(0.1);
  assert.ok(serial.inboundBytes > 5000, `read too much at once: ${serial.inboundBytes} left`);
  press.advanceTo(1);
  assert.is(serial.inboundBytes, 0);
  assert.is(decoder.decode(serial.hostReceive()), '1\n');
  assert.is(press.firmware.timing.overruns, 0);
});


test('LOG:HEAD? gives the run\'s program, hash, die, calibration and firmware; LOG:STEP? its step summaries as CSV', () => {
  const { press, s } = instrument();
  send(s, defineMessage('cell-3', PROMPTED));
  runPromptedToCompletion(press, s);
  const header = send(s, 'LOG:HEAD? 1');
  assert.match(header, /^1,"cell-3","[0-9a-f]{8}",10\.000,78\.540,0,[-+\d.E]+,[-+\d.E]+,"0\.1\.0","",9\.91E\+37,0$/);
  assert.is(header.split(',')[6], send(s, 'CAL:DATA?').split(',')[2], 'the tare in force');
  const answer = send(s, 'LOG:STEP? 1');
  const lines = answer.slice(2 + Number(answer[1])).trimEnd().split('\n');
  assert.is(lines[0], 'step,label,kind,target_MPa,reached_MPa,peak_MPa,hold_error_p99_MPa,start_s,duration_s,in_band_percent,tolerance');
  assert.is(lines.length, 8);
  assert.match(lines[1], /^1,"ramp",ramp,60\.000,\d+\.\d{3},\d+\.\d{3},,\d+\.\d\d,\d+\.\d\d,,$/);
  assert.match(lines[2], /^2,"hold",hold,60\.000,[\d.]+,[\d.]+,[\d.]+,[\d.]+,[\d.]+,[\d.]*,(in|outside)$/);
  send(s, 'LOG:HEAD? 99;:LOG:STEP? 99');
  assert.equal(errors(s), ['106,No such run;99', '106,No such run;99']);
  // A certified calibration in force: the next run's header names its reference and worst error.
  const [, , tare, span] = send(s, 'CAL:DATA?').split(',');
  send(s, 'CAL:COMM 246810');
  assert.match(errors(s)[0], /^113,/);
  holdContinue(press, 3.5);
  send(s, `CAL:UNL 246810;:CAL:DEF 1790000000,"DAkkS D-K-15107, cert. 4711",${tare},${span},0.12`);
  assert.equal(errors(s), []);
  // With the press's clock set, the header says when the run started (UTC).
  send(s, 'SYST:DATE 2026,12,7;:SYST:TIME 12,0,0');
  const setAtS = Date.UTC(2026, 11, 7, 12, 0, 0) / 1000;
  press.advanceTo(press.timeS + 2);
  runPromptedToCompletion(press, s);
  const second = send(s, 'LOG:HEAD? 2');
  assert.match(second, /^2,"cell-3","[0-9a-f]{8}",10\.000,78\.540,1790000000,[-+\d.E]+,[-+\d.E]+,"0\.1\.0","DAkkS D-K-15107, cert\. 4711",0\.120,\d+$/);
  const startedS = Number(second.slice(second.lastIndexOf(',') + 1));
  assert.ok(startedS >= setAtS + 2 && startedS <= setAtS + 3, `started ${startedS - setAtS} s after the clock was set`);
  assert.equal(errors(s), []);
});

test('LOG:STEP? pages a long run\'s summaries: 256 steps with long labels in answers of at most 16 KiB, every row once', () => {
  const { press, s } = instrument();
  // 24 characters that take 36 bytes once quoted: 12 doubled quotes and 12 two-byte letters.
  const label = '"'.repeat(12) + 'Ü'.repeat(12);
  const many = { ...program([{ type: 'repeat', count: 128, steps: [{ type: 'wait', duration_s: 0.1, label }, { type: 'wait', duration_s: 0.1, label }] }]), name: 'many-steps' };
  send(s, defineMessage('many-steps', many));
  send(s, 'PROG:SEL "many-steps";:INIT');
  assert.is(runUntilState(press, s, ['COMPLETE', 'ABORTED', 'FAULT']), 'COMPLETE');
  press.advanceTo(press.timeS + 1);
  const rows: string[] = [];
  let pages = 0;
  for (let first = 0; pages < 10; pages++) {
    const answer = send(s, `LOG:STEP? 1,${first}`);
    const digits = Number(answer[1]);
    const body = encoder.encode(answer).subarray(2 + digits);
    assert.is(body.length, Number(answer.slice(2, 2 + digits)), 'block length');
    assert.ok(body.length <= 16384, `page of ${body.length} bytes`);
    const lines = decoder.decode(body).split('\n').filter((line) => line !== '');
    const pageRows = first === 0 ? lines.slice(1) : lines;
    if (pageRows.length === 0) break;
    rows.push(...pageRows);
    first += pageRows.length;
  }
  assert.ok(pages >= 2, `${pages} pages`);
  assert.is(rows.length, 256);
  rows.forEach((row, i) => assert.ok(row.startsWith(`${i + 1},"${'""'.repeat(12)}${'Ü'.repeat(12)}",wait,`), row));
  assert.equal(errors(s), []);
});

test('a run record damaged on flash under its CRC (a SAMPLES record with state 9): LOG:DATA? and LOG:STEP? answer 108 naming it, nothing guessed', () => {
  const { press, s } = instrument();
  send(s, defineMessage('cell-3', PROMPTED));
  runPromptedToCompletion(press, s);
  assert.match(send(s, 'LOG:DATA? 1'), /^#\d/);
  assert.equal(errors(s), []);
  // The first SAMPLES record of run 1 ("RJ", type 7, runId at 12): its state byte (41) set to 9, its CRC made good again.
  const flash = press.sim.flash.bytes;
  const view = new DataView(flash.buffer, flash.byteOffset, flash.byteLength);
  let patched = -1;
  for (let at = 0; at + 48 <= flash.length && patched < 0; at += 4) {
    if (flash[at] !== 0x52 || flash[at + 1] !== 0x4a || flash[at + 2] !== 7 || view.getUint32(at + 12, true) !== 1) continue;
    const length = flash[at + 3] * 4;
    if (crc32(flash, at, at + length - 4) !== view.getUint32(at + length - 4, true)) continue;
    flash[at + 41] = 9;
    view.setUint32(at + length - 4, crc32(flash, at, at + length - 4), true);
    patched = at;
  }
  assert.ok(patched >= 0, 'a SAMPLES record of run 1 on flash');
  send(s, 'LOG:DATA? 1');
  send(s, 'LOG:STEP? 1');
  const damaged = errors(s);
  assert.is(damaged.length, 2, damaged.join(' | '));
  for (const error of damaged) assert.match(error, /^108,Run record damaged;run 1: SAMPLES record: state 9 is no run state$/);
  // Still listed, and after a reboot the same: the damage is reported every time, never cleared or guessed at.
  assert.match(send(s, 'LOG:CAT? 1'), /^1,"cell-3",COMPLETED,/);
  press.sim.reset(ResetReason.powerOn);
  press.advanceTo(press.timeS + 0.5);
  const after = press.createSession();
  assert.match(send(after, 'LOG:CAT? 1'), /^1,"cell-3",COMPLETED,/);
  send(after, 'LOG:DATA? 1');
  assert.equal(errors(after), ['108,Run record damaged;run 1: SAMPLES record: state 9 is no run state']);
});

test.run();
