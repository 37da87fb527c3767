// press-sim run as its own process: the progress line on a terminal's stderr (and nothing
// when stderr is not a terminal), Ctrl-C writing what ran so far (exit 130), and a reader
// that stops early (| head -1) ending the output quietly.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { spawn, spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { TRACE_COLUMNS } from '../../host-sim/trace';
import { formatClock, formatProgress } from '../../host-sim/cli/press-sim';
import { repoRoot } from '../support/helpers';

const PRESS_SIM = path.join(repoRoot, 'bin/press-sim.mjs');
const dir = mkdtempSync(path.join(tmpdir(), 'press-sim-interrupt-'));

/** About 3600 s simulated: 2 s of ramp, an hour's hold, 2 s of release. */
const longFile = path.join(dir, 'long-hold.json');
writeFileSync(
  longFile,
  JSON.stringify({
    format: 'press-program/1',
    name: 'long-hold',
    die: { diameter_mm: 10, max_pressure_MPa: 740 },
    steps: [
      { type: 'ramp', to_MPa: 20, rate_MPa_s: 10, label: 'up to 20' },
      { type: 'hold', duration_s: 3600, band_MPa: 1, mode: 'dynamic', label: 'long hold' },
      { type: 'release', to_MPa: 0, rate_MPa_s: 10 },
    ],
  }),
);

test.after(() => rmSync(dir, { recursive: true, force: true }));

/** No exception reached the user: no stack frame, no Node error dump. */
function assertNoTrace(stderr: string): void {
  assert.not.match(stderr, /\n\s+at |EPIPE|node:internal|Uncaught|Unhandled|Traceback/, stderr);
}

// Runs a command with its stderr on a pseudo-terminal (stdout to /dev/null); prints what the terminal got, as JSON.
const STDERR_ON_PTY = `
import json, os, subprocess, sys
master, slave = os.openpty()
child = subprocess.Popen(sys.argv[1:], stdout=subprocess.DEVNULL, stderr=slave)
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
print(json.dumps({"code": child.wait(), "stderr": got.decode("utf-8", "replace")}))
`;

test('formatProgress: simulated time of the expected total and the percentage, held under 100 until the end', () => {
  assert.is(formatClock(75), '1:15');
  assert.is(formatClock(4000), '1:06:40');
  assert.is(formatProgress(900, 3600), 'simulated 15:00 of ~1:00:00 (25 %)');
  assert.is(formatProgress(3700, 3600), 'simulated 1:01:40 of ~1:00:00 (99 %)');
});

test('run with stderr on a terminal: a progress line redrawn in place, cleared at the end; none when stderr is a pipe', () => {
  // At 2400x the hour takes about 1.5 s of wall time.
  const args = [PRESS_SIM, 'run', longFile, '--speed', '2400', '--out', path.join(dir, 'progress')];
  const onPty = spawnSync('python3', ['-c', STDERR_ON_PTY, process.execPath, ...args], { encoding: 'utf8', timeout: 60_000 });
  assert.is(onPty.status, 0, onPty.stderr);
  const result = JSON.parse(onPty.stdout) as { code: number; stderr: string };
  assert.is(result.code, 0, result.stderr);
  const frames = [...result.stderr.matchAll(/\r(simulated (\d+:\d\d) of ~(1:00:0\d) \((\d+) %\))\x1b\[K/g)];
  assert.ok(frames.length >= 2, JSON.stringify(result.stderr));
  const percents = frames.map((m) => Number(m[4]));
  for (let k = 1; k < percents.length; k++) assert.ok(percents[k] >= percents[k - 1], percents.join(' '));
  assert.ok(percents.every((p) => p < 100));
  assert.ok(result.stderr.endsWith('\r\x1b[K'), 'the line is cleared');
  assertNoTrace(result.stderr);

  const piped = spawnSync(process.execPath, args, { encoding: 'utf8', timeout: 60_000 });
  assert.is(piped.status, 0, piped.stderr);
  assert.is(piped.stderr, '');
});

test('Ctrl-C during run: the trace, plot and report of what ran so far are written and named, exit 130', async () => {
  const out = path.join(dir, 'interrupted');
  // Its own process group, as a shell's job: the SIGINT goes to the group, as Ctrl-C does.
  const child = spawn(process.execPath, [PRESS_SIM, 'run', longFile, '--panel', '--speed', '400', '--out', out], { stdio: ['ignore', 'pipe', 'pipe'], detached: true });
  let stdout = '';
  let stderr = '';
  child.stderr!.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
  await new Promise<void>((resolve) => {
    child.stdout!.on('data', (chunk: Buffer) => {
      const first = stdout === '';
      stdout += chunk.toString();
      if (first) setTimeout(resolve, 800);
    });
  });
  process.kill(-child.pid!, 'SIGINT');
  const code = await new Promise<number | null>((resolve) => child.on('exit', (c) => resolve(c)));
  assert.is(code, 130, stderr);
  assert.match(stderr, /^press-sim: interrupted \(Ctrl-C\) at \d+ s of about 3605 s simulated: .*trace\.csv, .*plot\.svg, .*report\.json hold the run so far$/m);
  assertNoTrace(stderr);

  const lines = readFileSync(path.join(out, 'trace.csv'), 'utf8').trimEnd().split('\n');
  assert.is(lines[0], TRACE_COLUMNS.join(','));
  const rows = lines.slice(1).map((line) => line.split(',').map(Number));
  assert.ok(rows.length > 100, `${rows.length} rows`);
  for (const row of rows) assert.is(row.length, TRACE_COLUMNS.length);
  const lastS = rows[rows.length - 1][0];
  assert.ok(lastS > 2 && lastS < 3000, `stopped at ${lastS} s`);
  // It stopped inside the hold: step 2 (index 1), running.
  assert.is(rows[rows.length - 1][TRACE_COLUMNS.indexOf('step')], 1);
  const report = JSON.parse(readFileSync(path.join(out, 'report.json'), 'utf8'));
  assert.is(report.result, 'not-finished');
  assert.ok(Math.abs(report.interrupted_at_s - lastS) < 0.1, `${report.interrupted_at_s} vs ${lastS}`);
  const svg = readFileSync(path.join(out, 'plot.svg'), 'utf8');
  assert.ok(svg.startsWith('<svg ') && svg.trimEnd().endsWith('</svg>'));
  assert.match(svg, '>2 long hold</text>');
});

test('press-sim run | head -1: the reader leaving early ends the output quietly, with the run\'s own status', () => {
  for (const extra of [[], ['--json'], ['--panel']]) {
    const command = `set -o pipefail; '${process.execPath}' '${PRESS_SIM}' run '${longFile}' --out '${path.join(dir, 'head')}' ${extra.join(' ')} | head -1`;
    const result = spawnSync('bash', ['-c', command], { encoding: 'utf8', timeout: 60_000 });
    assert.is(result.status, 0, `${extra.join(' ')}: ${result.stderr}`);
    assert.is(result.stdout.split('\n').length, 2, result.stdout);
    assertNoTrace(result.stderr);
  }
});

test.run();
