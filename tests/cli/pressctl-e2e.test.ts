// End to end: press-sim serve (the firmware on the simulated press, fast virtual time) driven
// by the pressctl command over TCP and over a real pseudo-terminal: upload, list, run to
// completion with a prompt answered, download the log as CSV.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { spawn } from 'node:child_process';
import type { ChildProcess } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { repoRoot } from '../support/helpers';

const SPEED = 50;
const dir = mkdtempSync(path.join(tmpdir(), 'pressctl-e2e-'));
const programFile = path.join(dir, 'short-cell.json');
writeFileSync(
  programFile,
  JSON.stringify({
    format: 'press-program/1',
    name: 'short-cell',
    die: { diameter_mm: 10, max_pressure_MPa: 740 },
    log_interval_s: 0.2,
    steps: [
      { type: 'ramp', to_MPa: 60, rate_MPa_s: 20 },
      { type: 'hold', duration_s: 2, band_MPa: 2, mode: 'dynamic' },
      { type: 'release', to_MPa: 0, rate_MPa_s: 20 },
      { type: 'prompt', message: 'Add the cathode, then Continue' },
      { type: 'ramp', to_MPa: 40, rate_MPa_s: 20 },
      { type: 'hold', duration_s: 1, band_MPa: 2, mode: 'dynamic' },
      { type: 'release', to_MPa: 0, rate_MPa_s: 20 },
    ],
  }),
);
const invalidFile = path.join(dir, 'invalid.json');
writeFileSync(invalidFile, JSON.stringify({ format: 'press-program/1', name: 'bad', die: { diameter_mm: 10 }, steps: [{ type: 'ramp', to_MPa: -5 }] }));

const warnedFile = path.join(dir, 'warned.json');
writeFileSync(warnedFile, JSON.stringify({ format: 'press-program/1', name: 'stack-5', die: { diameter_mm: 10, max_pressure_MPa: 500 }, steps: [{ type: 'maintain', at_MPa: 5, duration_s: 60, band_MPa: 0.5 }] }));

// 5 MPa ± 0.01 is more than the simulated press holds (its load cell's noise alone is about that): the run completes outside tolerance.
const tightFile = path.join(dir, 'tight.json');
writeFileSync(tightFile, JSON.stringify({ format: 'press-program/1', name: 'tight', die: { diameter_mm: 10, max_pressure_MPa: 500 }, steps: [{ type: 'maintain', at_MPa: 5, duration_s: 30, band_MPa: 0.01, rate_MPa_s: 0.5, label: 'stack 5 MPa' }, { type: 'release', to_MPa: 0, rate_MPa_s: 1 }] }));

let server: ChildProcess | null = null;
let tcp = '';
let pty = '';

test.before(async () => {
  server = spawn(process.execPath, [path.join(repoRoot, 'bin/press-sim.mjs'), 'serve', '--tcp', '0', '--pty', '--speed', String(SPEED), '--flash', path.join(dir, 'flash.bin'), '--accept-at-press'], { stdio: ['ignore', 'pipe', 'inherit'] });
  let out = '';
  await new Promise<void>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`serve did not start: ${out}`)), 20_000);
    server!.stdout!.on('data', (chunk: Buffer) => {
      out += chunk.toString();
      const t = /listening on (tcp:\/\/\S+)/.exec(out);
      const p = /serial port on (\S+)/.exec(out);
      if (t !== null && p !== null) {
        tcp = t[1];
        pty = p[1];
        clearTimeout(timer);
        resolve();
      }
    });
  });
});

test.after(() => {
  server?.kill('SIGTERM');
  rmSync(dir, { recursive: true, force: true });
});

interface Result {
  code: number;
  stdout: string;
  stderr: string;
}

/** Runs pressctl; `onOutput` may answer on its stdin. */
function pressctl(args: string[], onOutput?: (stdout: string, stdin: NodeJS.WritableStream) => void): Promise<Result> {
  const child = spawn(process.execPath, [path.join(repoRoot, 'bin/pressctl.mjs'), ...args], { stdio: ['pipe', 'pipe', 'pipe'] });
  let stdout = '';
  let stderr = '';
  child.stdout!.on('data', (chunk: Buffer) => {
    stdout += chunk.toString();
    onOutput?.(stdout, child.stdin!);
  });
  child.stderr!.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
  return new Promise((resolve) => child.on('exit', (code) => resolve({ code: code ?? -1, stdout, stderr })));
}

async function session(port: string, runNumber: number): Promise<void> {
  const uploadedMs = Date.now();
  const upload = await pressctl(['--port', port, 'upload', programFile]);
  assert.is(upload.code, 0, upload.stderr);
  // The second session finds the program stored by the first: the upload says it replaces it.
  assert.match(upload.stdout, runNumber === 1 ? /stored as "short-cell"\n$/ : /stored as "short-cell", replacing the program of that name on the press\n$/);

  const list = await pressctl(['--port', port, 'list']);
  assert.is(list.code, 0, list.stderr);
  assert.is(list.stderr, '');
  assert.match(list.stdout, /^  NAME\s+DIE\s+STORED\s+STEPS$/m);
  // Dated by the press's clock, which the upload set from this computer's.
  const stored = /^[ *] short-cell\s+10 mm\s+(\d{4}-\d\d-\d\d \d\d:\d\d) UTC\s+7$/m.exec(list.stdout);
  assert.ok(stored !== null, list.stdout);
  const dateMs = Date.parse(`${stored[1].replace(' ', 'T')}:00Z`);
  assert.ok(Math.abs(dateMs - uploadedMs) < 120_000, `${stored[1]} is not about ${new Date(uploadedMs).toISOString()}`);

  const status = await pressctl(['--port', port, 'status']);
  assert.is(status.code, 0, status.stderr);
  assert.match(status.stdout, /^store     intact$/m);

  let answered = 0;
  const run = await pressctl(['--port', port, 'run', 'short-cell', '--watch'], (stdout, stdin) => {
    if (answered === 0 && stdout.includes('press Enter to continue')) {
      answered++;
      stdin.write('\n');
    }
  });
  assert.is(run.code, 0, run.stdout + run.stderr);
  assert.is(answered, 1);
  assert.match(run.stdout, 'prompt: Add the cathode, then Continue');
  assert.match(run.stdout, /step 5\/7 ramp/);
  assert.match(run.stdout, /\nrun ended: COMPLETE, steps 7\/7, peak 6\d\.\d\d MPa, (\d+\.\d s|\d+ min \d+ s)\n$/);
  // The live lines keep their columns: every one is as long as the first.
  const live = run.stdout.split('\n').filter((line) => /^(RUNNING|WAITING|COMPLETE|PAUSED) /.test(line));
  assert.ok(live.length > 3, run.stdout);
  for (const line of live) assert.is(line.length, live[0].length, line);

  const logs = await pressctl(['--port', port, 'logs']);
  assert.match(logs.stdout, new RegExp(`^\\s+${runNumber}  short-cell\\s+COMPLETED\\s+peak 6\\d\\.\\d\\d MPa$`, 'm'));

  const csvFile = path.join(dir, `run-${runNumber}.csv`);
  const log = await pressctl(['--port', port, 'log', String(runNumber), '--csv', '--out', csvFile]);
  assert.is(log.code, 0, log.stderr);
  const lines = readFileSync(csvFile, 'utf8').trimEnd().split('\n');
  assert.is(lines[0], 't_s,step,label,state,pressure_MPa,force_kN,setpoint_MPa,target_MPa');
  assert.ok(lines.length > 50, `${lines.length} lines`);
  const steps = new Set(lines.slice(1).map((line) => line.split(',')[1]));
  assert.ok(steps.has('1') && steps.has('7'), [...steps].join(' '));
  const peak = Math.max(...lines.slice(1).map((line) => Number(line.split(',')[4])));
  assert.ok(peak > 57 && peak < 63, `peak ${peak}`);

  const summary = await pressctl(['--port', port, 'log', String(runNumber)]);
  assert.is(summary.code, 0, summary.stderr);
  assert.match(summary.stdout, new RegExp(`^run ${runNumber}: short-cell \\([0-9a-f]{8}\\), started \\d{4}-\\d\\d-\\d\\d \\d\\d:\\d\\d UTC, die [\\d.]+ mm, calibration (default|of \\d{4}-\\d\\d-\\d\\d) \\(tare \\S+, \\S+ kN per count\\), firmware 0\\.1\\.0$`, 'm'));
  assert.match(summary.stdout, new RegExp(`^run ${runNumber}: \\d+ samples over [\\d.]+ s, peak 6\\d\\.\\d\\d MPa`, 'm'));
  const table = await pressctl(['--port', port, 'log', String(runNumber), '--steps']);
  assert.is(table.code, 0, table.stderr);
  const tableLines = table.stdout.trimEnd().split('\n');
  assert.match(tableLines[0], /^step\s+label\s+type\s+target MPa\s+reached MPa\s+peak MPa\s+hold error p99 MPa\s+in band %\s+tolerance\s+start s\s+duration s$/);
  assert.is(tableLines.length, 2 + 7, table.stdout);
  assert.match(tableLines[2], /^\s*1\s+ramp\s+ramp\s+60\.000\s/);
  assert.match(tableLines[3], /^\s*2\s+hold\s+hold\s+60\.000\s.*\s(in|outside)\s/);
}

test('over TCP: upload, list, run with the prompt answered, logs, log --csv', async () => {
  await session(tcp, 1);
});

test('over the PTY (the firmware\'s serial port): the same, and the program persisted from the TCP session', async () => {
  await session(pty, 2);
});

test('errors: local validation, device errors, no device', async () => {
  const invalid = await pressctl(['--port', tcp, 'upload', invalidFile]);
  assert.is(invalid.code, 1);
  assert.match(invalid.stderr, /invalid\.json: steps\[0\]/);
  // A warning is shown and the program is stored all the same.
  const warned = await pressctl(['--port', tcp, 'upload', warnedFile]);
  assert.is(warned.code, 0, warned.stderr);
  assert.match(warned.stderr, /warned\.json: warning: steps\[0\]\.at_MPa: 5 MPa is 0\.393 kN on this die, below 1\.8 kN/);
  assert.match(warned.stdout, 'stored as "stack-5"');
  const missing = await pressctl(['--port', pty, 'delete', 'no-such']);
  assert.is(missing.code, 1);
  assert.match(missing.stderr, 'the press reports 104,"No such program;no-such"');
  const nothing = await pressctl(['--port', 'tcp://127.0.0.1:1', 'status']);
  assert.is(nothing.code, 3);
  assert.match(nothing.stderr, 'nothing is listening at tcp://127.0.0.1:1');
  const noDevice = await pressctl(['--port', path.join(dir, 'ttyNONE'), 'status']);
  assert.is(noDevice.code, 3);
  assert.match(noDevice.stderr, 'no device at');
});

test('a run belongs to its connection: abort from another pressctl call is refused, abort --force stops it', async () => {
  const run = await pressctl(['--port', tcp, 'run', 'short-cell']);
  assert.is(run.code, 0, run.stderr);
  const refused = await pressctl(['--port', tcp, 'abort']);
  assert.is(refused.code, 1);
  assert.match(refused.stderr, /115,"Run owned by another connection;run owned by connection \d+; ABOR:FORC or the Stop button at the press stops it"/);
  const forced = await pressctl(['--port', tcp, 'abort', '--force']);
  assert.is(forced.code, 0, forced.stderr);
  const status = await pressctl(['--port', tcp, 'status']);
  assert.match(status.stdout, /ABORTED/);
});

test('a run outside tolerance: run --watch says so with the step and exits 1; status and logs show it', async () => {
  const upload = await pressctl(['--port', tcp, 'upload', tightFile]);
  assert.is(upload.code, 0, upload.stderr);
  const run = await pressctl(['--port', tcp, 'run', 'tight', '--watch']);
  assert.is(run.code, 1, run.stdout + run.stderr);
  assert.match(run.stdout, /^run ended: COMPLETE outside tolerance, steps 2\/2, peak 5\.\d\d MPa, (\d+\.\d s|\d+ min \d+ s)\noutside tolerance: step 1 'stack 5 MPa': in band \d+ % \(needs 90 %\), p99 [\d.]+ MPa against band 0\.01 MPa/m);
  const status = await pressctl(['--port', tcp, 'status']);
  assert.match(status.stdout, /^state     COMPLETE\nresult    completed outside tolerance: step 1 'stack 5 MPa': /m);
  const logs = await pressctl(['--port', tcp, 'logs']);
  assert.match(logs.stdout, /^\s+\d+  tight\s+OUTSIDE_TOL\s+peak \d\.\d\d MPa$/m);
});

// Runs a command with its stdout on a pseudo-terminal; prints what the terminal got and the status, as JSON.
const STDOUT_ON_PTY = `
import json, os, subprocess, sys
master, slave = os.openpty()
child = subprocess.Popen(sys.argv[1:], stdin=subprocess.DEVNULL, stdout=slave, stderr=subprocess.PIPE)
os.close(slave)
got = b""
while True:
    try:
        data = os.read(master, 4096)
    except OSError:
        break
    if not data:
        break
    got += data
print(json.dumps({"code": child.wait(), "stdout": got.decode("utf-8", "replace"), "stderr": child.stderr.read().decode()}))
`;

test('run --watch on a terminal: one line redrawn in place, and the summary on a line of its own', async () => {
  // A hold of 150 s is 3 s of wall time at the server's 50×: a dozen redraws at pressctl's 200 ms, however busy the machine.
  const quick = path.join(dir, 'quick.json');
  writeFileSync(quick, JSON.stringify({ format: 'press-program/1', name: 'quick', die: { diameter_mm: 10, max_pressure_MPa: 740 }, steps: [{ type: 'ramp', to_MPa: 30, rate_MPa_s: 20 }, { type: 'hold', duration_s: 150, band_MPa: 2, mode: 'dynamic' }, { type: 'release', to_MPa: 0, rate_MPa_s: 20 }] }));
  assert.is((await pressctl(['--port', tcp, 'upload', quick])).code, 0);
  const { spawnSync } = await import('node:child_process');
  const ran = spawnSync('python3', ['-c', STDOUT_ON_PTY, process.execPath, path.join(repoRoot, 'bin/pressctl.mjs'), '--port', tcp, 'run', 'quick', '--watch'], { encoding: 'utf8', timeout: 60_000 });
  assert.is(ran.status, 0, ran.stderr);
  const result = JSON.parse(ran.stdout) as { code: number; stdout: string; stderr: string };
  assert.is(result.code, 0, result.stdout + result.stderr);
  // The terminal turns \n into \r\n.
  const text = result.stdout.replace(/\r\n/g, '\n');
  const frames = text.split('\r').filter((f) => /^(RUNNING|COMPLETE) /.test(f)).map((f) => f.replace(/\x1b\[K[\s\S]*$/, ''));
  assert.ok(frames.length > 3, JSON.stringify(text));
  for (const frame of frames) assert.is(frame.length, frames[0].length, frame);
  assert.match(text, /\x1b\[K\nrun ended: COMPLETE, steps 3\/3, peak 3\d\.\d\d MPa, (\d+ min )?[\d.]+ s\n$/);
});

test('calibrate commission: the request waits for the press (the simulated operator holds Continue); calibrate set then unlocks with that code', async () => {
  const commission = await pressctl(['--port', tcp, 'calibrate', 'commission', '482913']);
  assert.is(commission.code, 0, commission.stdout + commission.stderr);
  assert.match(commission.stdout, 'waiting for the press: hold Continue 3 s at the press');
  const show = await pressctl(['--port', tcp, 'calibrate']);
  const tare = /tare\s+(\S+) counts/.exec(show.stdout)![1];
  const span = Number(/span\s+(\S+) kN per count/.exec(show.stdout)![1]);
  const set = await pressctl(['--port', tcp, 'calibrate', 'set', '--code', '482913', '--tare', tare, '--kn-per-count', String(span * 1.01), '--reference', 'recal', '--error', '0.2']);
  assert.is(set.code, 0, set.stdout + set.stderr);
  assert.match(set.stdout, 'calibration stored and in force');
  const wrong = await pressctl(['--port', tcp, 'calibrate', 'set', '--code', '111111', '--tare', tare, '--kn-per-count', String(span), '--reference', 'x']);
  assert.is(wrong.code, 1);
  assert.match(wrong.stderr, /107,"?Wrong unlock code/, wrong.stderr);
  const absurd = await pressctl(['--port', tcp, 'calibrate', 'set', '--code', '482913', '--tare', tare, '--kn-per-count', String(-span), '--reference', 'x']);
  assert.is(absurd.code, 1);
  assert.match(absurd.stderr, /105,"?Calibration rejected/, absurd.stderr);
});

test.run();
