import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { EXIT_OK, EXIT_USAGE, main } from '../../host-sim/cli/press-sim';
import { program, repoRoot } from '../support/helpers';

const ESC = '\x1b';
const CURSOR_UP = `${ESC}[7A`;
const EXAMPLE = path.join(repoRoot, 'examples', 'li6ps5cl-three-layer.json');

const dir = mkdtempSync(path.join(tmpdir(), 'press-panel-'));
const tiny = path.join(dir, 'tiny.json');
writeFileSync(
  tiny,
  JSON.stringify(
    program([
      { type: 'ramp', to_MPa: 10, rate_MPa_s: 10 },
      { type: 'hold', duration_s: 1, band_MPa: 1, mode: 'dynamic' },
      { type: 'release', to_MPa: 0, rate_MPa_s: 10 },
    ]),
  ),
);

function run(args: string[], tty: { isTTY?: boolean; columns?: number } = {}) {
  const stdout: string[] = [];
  const stderr: string[] = [];
  const startMs = performance.now();
  const code = main(args, { stdout: (t) => stdout.push(t), stderr: (t) => stderr.push(t), ...tty });
  return { code, stdout: stdout.join('\n'), stderr: stderr.join('\n'), wallS: (performance.now() - startMs) / 1000 };
}

const readReport = (out: string) => JSON.parse(readFileSync(path.join(out, 'report.json'), 'utf8'));
const withoutTiming = (text: string) => text.replace(/^simulated .* real time$/m, '');

test('--panel on a non-terminal: frames redrawn in place, the final one COMPLETE before the step table; report.json written', () => {
  const out = path.join(dir, 'example');
  const result = run(['run', EXAMPLE, '--panel', '--out', out]);
  assert.is(result.code, EXIT_OK, result.stderr);
  assert.ok(result.stdout.includes(CURSOR_UP), 'cursor up');
  assert.ok(result.stdout.includes(`${ESC}[2K`), 'clear line');
  assert.not.ok(/\x1b\[[0-9;]*m/.test(result.stdout), 'no colour off a terminal');
  const lastFrame = result.stdout.lastIndexOf(CURSOR_UP);
  const table = result.stdout.indexOf('program: li6ps5cl-three-layer');
  assert.ok(lastFrame >= 0 && table > lastFrame, 'the panel comes before the step table');
  assert.match(result.stdout.slice(lastFrame, table), /┌ li6ps5cl-three-layer ─+ COMPLETE ┐/);
  assert.is(readReport(out).result, 'completed');
});

test('a paced run shows the panel several times, ≤ 60 columns, and takes at least sim time / speed', () => {
  const out = path.join(dir, 'paced');
  const speed = 40;
  const result = run(['run', tiny, '--panel', '--speed', String(speed), '--out', out]);
  assert.is(result.code, EXIT_OK, result.stderr);
  const report = readReport(out);
  assert.ok(result.wallS >= report.sim_time_s / speed, `${result.wallS} s wall for ${report.sim_time_s} s simulated`);
  assert.ok(report.wall_time_s >= report.sim_time_s / speed);
  assert.ok(result.stdout.split(CURSOR_UP).length - 1 >= 3, 'redrawn while running');
  for (const line of result.stdout.split('\n').filter((l) => /[┌│└]/.test(l))) {
    assert.ok(Array.from(line.replace(/\x1b\[[0-9;]*[A-Za-z]/g, '')).length <= 60, line);
  }
});

test('--speed 200: at least sim time / 200 of wall time', () => {
  const out = path.join(dir, 'speed200');
  const result = run(['run', tiny, '--speed', '200', '--out', out]);
  assert.is(result.code, EXIT_OK, result.stderr);
  const report = readReport(out);
  assert.ok(result.wallS >= report.sim_time_s / 200, `${result.wallS} s wall for ${report.sim_time_s} s simulated`);
  assert.not.ok(result.stdout.includes(ESC), 'no panel off a terminal');
});

test('on a terminal the panel is on by default, in colour; --no-panel gives the non-terminal output', () => {
  const savedNoColor = process.env.NO_COLOR;
  delete process.env.NO_COLOR;
  try {
    const onTty = run(['run', tiny, '--out', path.join(dir, 'tty')], { isTTY: true, columns: 50 });
    assert.is(onTty.code, EXIT_OK, onTty.stderr);
    assert.ok(onTty.stdout.includes(`${ESC}[32mCOMPLETE${ESC}[0m`), 'COMPLETE in green');
    const frame = onTty.stdout.split('\n').find((l) => l.includes('┌'));
    assert.is(Array.from(frame!.replace(/\x1b\[[0-9;]*[A-Za-z]/g, '')).length, 50, 'fits the terminal');

    const plain = run(['run', tiny, '--out', path.join(dir, 'plain')]);
    const noPanel = run(['run', tiny, '--out', path.join(dir, 'plain'), '--no-panel'], { isTTY: true });
    assert.not.ok(plain.stdout.includes(ESC));
    assert.is(withoutTiming(noPanel.stdout), withoutTiming(plain.stdout));
  } finally {
    if (savedNoColor !== undefined) process.env.NO_COLOR = savedNoColor;
  }
});

test('--json on a terminal: no panel on stdout, only the report', () => {
  const result = run(['run', tiny, '--json', '--out', path.join(dir, 'json')], { isTTY: true });
  assert.is(result.code, EXIT_OK, result.stderr);
  assert.is(JSON.parse(result.stdout).result, 'completed');
});

test('usage errors: bad --speed values, --panel with --json', () => {
  for (const value of ['0', '-2', 'fast', '', 'Infinity', '1e400', '0x10']) {
    const result = run(['run', tiny, '--speed', value, '--out', path.join(dir, 'bad')]);
    assert.is(result.code, EXIT_USAGE, value);
    assert.ok(result.stderr.includes(`--speed must be a positive number of simulated seconds per wall second, got ${JSON.stringify(value)}`), result.stderr);
  }
  assert.is(run(['run', tiny, '--speed']).code, EXIT_USAGE);
  const both = run(['run', tiny, '--json', '--panel']);
  assert.is(both.code, EXIT_USAGE);
  assert.match(both.stderr, /--panel cannot be combined with --json/);
  assert.not.ok(existsSync(path.join(dir, 'bad')), 'nothing written');
});

test.after(() => rmSync(dir, { recursive: true, force: true }));

test.run();
