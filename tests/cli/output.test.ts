import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { Trace, TRACE_COLUMNS } from '../../host-sim/trace';
import { traceToCsv } from '../../host-sim/output/csv';
import { decimateMinMax, traceToSvg } from '../../host-sim/output/svg';
import { formatStepTable } from '../../host-sim/output/step-table';
import type { RunReport } from '../../src/runner/report';
import { RunState } from '../../src/runner/run-state';

const root = path.resolve(import.meta.dirname, '..', '..');
const EXAMPLE = path.join(root, 'examples', 'li6ps5cl-three-layer.json');

interface Row {
  t: number;
  p: number;
  measured?: number;
  setpoint?: number;
  target?: number;
  step: number;
  state?: number;
}

function traceOf(rows: Row[]): Trace {
  const trace = new Trace(4);
  for (const r of rows) {
    const measured = r.measured ?? r.p;
    // time_s, force_kN, pressure_MPa, measured_MPa, setpoint_MPa, target_MPa, pump, release, step, state
    trace.push([r.t, r.p * 0.0785398, r.p, measured, r.setpoint ?? r.p, r.target ?? 0, 0.5, 0, r.step, r.state ?? RunState.running]);
  }
  return trace;
}

/** A run of `n` samples at 10 ms: ramp to 100 MPa over the first third, hold, then release. */
function longTrace(n: number, spikeAt = -1): Trace {
  const rows: Row[] = [];
  for (let i = 0; i < n; i++) {
    const third = n / 3;
    const step = i < third ? 0 : i < 2 * third ? 1 : 2;
    const p = step === 0 ? (100 * i) / third : step === 1 ? 100 : 100 * (1 - (i - 2 * third) / third);
    rows.push({ t: i * 0.01, p, measured: i === spikeAt ? 950 : p, target: step === 2 ? 0 : 100, step });
  }
  return traceOf(rows);
}

function polylinePoints(svg: string, series: string): [number, number][] {
  const match = new RegExp(`<polyline data-series="${series}"[^>]* points="([^"]*)"`).exec(svg);
  assert.ok(match, `no polyline for ${series}`);
  const text = (match as RegExpExecArray)[1].trim();
  return text === '' ? [] : text.split(' ').map((pair) => pair.split(',').map(Number) as [number, number]);
}

// ---- CSV ----

test('csv: header names the trace columns, one line per row, fixed precision', () => {
  const trace = traceOf([
    { t: 0.01, p: 0, measured: -0.00001, step: -1, state: RunState.idle },
    { t: 0.02, p: 1.234567, setpoint: 2.5, target: 300, step: 0 },
    { t: 1 / 3, p: 299.99994, step: 3, state: RunState.waiting },
  ]);
  const csv = traceToCsv(trace);
  assert.ok(csv.endsWith('\n'));
  const lines = csv.trimEnd().split('\n');
  assert.is(lines.length, 1 + 3);
  assert.is(lines[0], TRACE_COLUMNS.join(','));
  assert.is(lines[1], '0.010,0.0000,0.0000,0.0000,0.0000,0.0000,0.5000,0.0000,-1,0');
  assert.is(lines[2], '0.020,0.0970,1.2346,1.2346,2.5000,300.0000,0.5000,0.0000,0,1');
  const cells = lines[3].split(',');
  assert.is(cells.length, TRACE_COLUMNS.length);
  assert.is(cells[0], '0.333');
  assert.is(cells[2], '299.9999');
  assert.is(cells[8], '3');
  assert.is(cells[9], String(RunState.waiting));
});

test('csv: an empty trace is the header alone', () => {
  assert.is(traceToCsv(new Trace()), TRACE_COLUMNS.join(',') + '\n');
});

// ---- SVG ----

test('svg: standalone document with a polyline per series, axes, legend and step labels', () => {
  const trace = traceOf([
    { t: 0, p: 0, step: -1, state: RunState.idle },
    { t: 1, p: 10, target: 50, step: 0 },
    { t: 2, p: 50, target: 50, step: 0 },
    { t: 3, p: 50, target: 50, step: 1 },
    { t: 4, p: 20, step: 2 },
    { t: 5, p: 0, step: 2, state: RunState.complete },
  ]);
  const svg = traceToSvg(trace, { title: 'Cell <A> & "B"', steps: [{ type: 'ramp' }, { type: 'hold <fast>' }, { type: 'release' }] });
  assert.ok(svg.startsWith('<svg '), svg.slice(0, 40));
  assert.ok(svg.includes('xmlns="http://www.w3.org/2000/svg"'));
  assert.ok(svg.trimEnd().endsWith('</svg>'));
  for (const series of ['measured_MPa', 'pressure_MPa', 'setpoint_MPa', 'target_MPa']) {
    assert.is(polylinePoints(svg, series).length, 6, series);
  }
  assert.match(svg, /stroke-dasharray/);
  assert.ok(svg.includes('Cell &lt;A&gt; &amp; &quot;B&quot;'));
  assert.not.ok(svg.includes('<A>'));
  assert.ok(svg.includes('>1 ramp</text>'));
  assert.ok(svg.includes('>2 hold &lt;fast&gt;</text>'));
  assert.ok(svg.includes('>3 release</text>'));
  assert.not.ok(svg.includes('<fast>'));
  assert.ok(svg.includes('>COMPLETE</text>'), 'end of run marked');
  assert.ok(svg.includes('time (s)') && svg.includes('pressure (MPa)'));
  assert.ok(svg.includes('measured (load cell)') && svg.includes('setpoint') && svg.includes('target'));
  // Balanced tags, roughly: every opened element is closed or self-closing.
  const opened = (svg.match(/<[a-zA-Z][^>]*[^/]>/g) ?? []).length;
  const closed = (svg.match(/<\/[a-zA-Z]+>/g) ?? []).length;
  assert.is(opened, closed);
});

test('svg: decimation bounds the points per series and keeps a single-sample peak', () => {
  const n = 60_000;
  const spikeAt = 31_337;
  const svg = traceToSvg(longTrace(n, spikeAt), { title: 'long', steps: [{ type: 'ramp' }, { type: 'hold' }, { type: 'release' }] });
  const measured = polylinePoints(svg, 'measured_MPa');
  assert.ok(measured.length <= 4000, String(measured.length));
  assert.ok(measured.length >= 1000, String(measured.length));
  const plant = polylinePoints(svg, 'pressure_MPa');
  // The spike (950 MPa) is in the measured series only: its highest point (smallest y) lies far above the plant's.
  const top = (points: [number, number][]) => Math.min(...points.map(([, y]) => y));
  assert.ok(top(measured) < top(plant) - 100, `${top(measured)} vs ${top(plant)}`);
  assert.ok(svg.length < 400_000, String(svg.length));
});

test('decimateMinMax: keeps every sample when short, each bucket\'s extremes in order when long', () => {
  assert.equal(decimateMinMax([3, 1, 2], 10), [0, 1, 2]);
  const values = Array.from({ length: 1000 }, (_, i) => Math.sin(i / 10));
  values[777] = 5;
  values[123] = -5;
  const kept = decimateMinMax(values, 100);
  assert.ok(kept.length <= 100);
  assert.ok(kept.includes(777) && kept.includes(123));
  for (let k = 1; k < kept.length; k++) assert.ok(kept[k] > kept[k - 1], 'indices ascending');
});

/** Every step-label and fault-label box in the plot: x, width (as placed), row baseline y, text. */
function labelBoxes(svg: string): { x: number; y: number; width: number; text: string }[] {
  return [...svg.matchAll(/<text class="(?:step|fault)-label" x="([\d.]+)" y="([\d.]+)" data-width="([\d.]+)"[^>]*>([^<]*)<\/text>/g)].map((m) => ({ x: Number(m[1]), y: Number(m[2]), width: Number(m[3]), text: m[4] }));
}

test('svg: the hold-error panel draws measured − target for hold and maintain steps only, inside each step\'s band', () => {
  const rows: Row[] = [{ t: 0, p: 0, step: -1, state: RunState.idle }];
  for (let k = 1; k <= 10; k++) rows.push({ t: k, p: 5 * k, target: 50, step: 0 });
  // The hold: measured alternates 49.8 / 50.3 around its 50 MPa target.
  for (let k = 11; k <= 30; k++) rows.push({ t: k, p: 50, measured: k % 2 === 0 ? 49.8 : 50.3, target: 50, step: 1 });
  for (let k = 31; k <= 35; k++) rows.push({ t: k, p: 10, target: 0, step: 2 });
  const svg = traceToSvg(traceOf(rows), { title: 't', steps: [{ type: 'ramp', band_MPa: 1 }, { type: 'hold', band_MPa: 0.5 }, { type: 'release', band_MPa: 1 }] });
  const curves = [...svg.matchAll(/<polyline data-series="hold_error" data-step="(\d+)"/g)].map((m) => Number(m[1]));
  assert.equal(curves, [1], 'one error curve, for the hold');
  const points = polylinePoints(svg, 'hold_error');
  assert.is(points.length, 20);
  const band = /<rect class="tolerance-band" data-step="1" x="([\d.]+)" y="([\d.]+)" width="([\d.]+)" height="([\d.]+)"/.exec(svg);
  assert.ok(band, 'band of the hold');
  const [bx, by, bw, bh] = band!.slice(1).map(Number);
  const zeroY = by + bh / 2;
  // The errors scale with the band: +0.3 is 0.6 of the half band above zero, −0.2 is 0.4 below.
  const above = points.filter(([, y]) => y < zeroY).map(([, y]) => (zeroY - y) / (bh / 2));
  const below = points.filter(([, y]) => y > zeroY).map(([, y]) => (y - zeroY) / (bh / 2));
  assert.is(above.length, 10);
  assert.is(below.length, 10);
  for (const r of above) assert.ok(Math.abs(r - 0.6) < 0.02, `+0.3 MPa drawn at ${r} of the band`);
  for (const r of below) assert.ok(Math.abs(r - 0.4) < 0.02, `−0.2 MPa drawn at ${r} of the band`);
  for (const [x] of points) assert.ok(x >= bx - 0.1 && x <= bx + bw + 0.1, `${x} outside the band's span`);
  assert.ok(svg.includes('hold error (MPa)'));
  const none = traceToSvg(traceOf(rows.slice(0, 11)), { title: 't', steps: [{ type: 'ramp' }] });
  assert.ok(none.includes('no hold or maintain step ran'));
  assert.not.ok(none.includes('data-series="hold_error"'));
});

test('svg: the time axis is in s, min or h by the run\'s length', () => {
  const run = (endS: number) => traceToSvg(traceOf([{ t: 0, p: 0, step: 0 }, { t: endS / 2, p: 10, step: 0 }, { t: endS, p: 0, step: 0 }]), { title: 't', steps: [{ type: 'ramp' }] });
  const ticks = (svg: string) => [...svg.matchAll(/<text x="[\d.]+" y="(?:5[89]\d|6\d\d)" text-anchor="middle">([^<]*)<\/text>/g)].map((m) => m[1]);
  assert.match(run(300), 'time (s)');
  assert.match(run(2 * 3600), 'time (min)');
  assert.is(ticks(run(2 * 3600)).at(-1), '120');
  assert.match(run(10 * 3600), 'time (h)');
  assert.is(ticks(run(10 * 3600)).at(-1), '10');
});

test('svg: step labels are the program\'s labels (the type without one) and never overlap, however crowded the boundaries', () => {
  // 40 steps: the first 30 a second apart in a 1000 s run (a few pixels each), then 10 spread out.
  const steps = Array.from({ length: 40 }, (_, i) => (i % 3 === 0 ? { type: 'hold', label: `stack layer ${i} at 25 MPa` } : { type: i % 3 === 1 ? 'ramp' : 'release' }));
  const rows: Row[] = [];
  for (let i = 0; i < 40; i++) {
    const t0 = i < 30 ? i : 30 + (i - 29) * 95;
    rows.push({ t: t0, p: 10, step: i }, { t: t0 + 0.5, p: 10, step: i });
  }
  rows.push({ t: 1000, p: 0, step: 39, state: RunState.complete });
  const svg = traceToSvg(traceOf(rows), { title: 't', steps });
  const boxes = labelBoxes(svg);
  assert.ok(boxes.length >= 10 && boxes.length < 41, `${boxes.length} labels of 41 boundaries`);
  for (let a = 0; a < boxes.length; a++) {
    const A = boxes[a];
    // Drawn width at 10 px Helvetica stays within the width kept for it.
    assert.ok(A.width >= A.text.length * 5.5, `${A.text}: ${A.width} px kept`);
    assert.ok(A.x >= 0 && A.x + A.width <= 1000, `${A.text} off the picture`);
    for (let b = a + 1; b < boxes.length; b++) {
      const B = boxes[b];
      const sameRow = Math.abs(A.y - B.y) < 10;
      const apart = A.x + A.width <= B.x || B.x + B.width <= A.x;
      assert.ok(!sameRow || apart, `"${A.text}" [${A.x}, ${A.x + A.width}] overlaps "${B.text}" [${B.x}, ${B.x + B.width}] at y ${A.y}`);
    }
  }
  const texts = boxes.map((b) => b.text);
  assert.ok(texts.includes('1 stack layer 0 at 25 MPa'), texts.join(' | '));
  assert.ok(texts.includes('36 release'), texts.join(' | '));
  assert.ok(texts.includes('COMPLETE'));
  assert.is(new Set(texts).size, texts.length, 'no label twice');
  // Every boundary keeps its line, labelled or not.
  assert.is((svg.match(/<line class="step-boundary"/g) ?? []).length, 2 * 41);
});

test('svg: a fault is marked where it happened, with its code and name', () => {
  const rows: Row[] = [{ t: 0, p: 0, step: -1, state: RunState.idle }];
  for (let k = 1; k <= 100; k++) rows.push({ t: k, p: k, target: 100, step: 0, state: k < 60 ? RunState.running : RunState.fault });
  const svg = traceToSvg(traceOf(rows), { title: 't', steps: [{ type: 'ramp' }], faults: [{ code: 103, name: 'OVER_STEP_LIMIT', t_s: 59 }] });
  const label = labelBoxes(svg).find((b) => b.text === 'fault 103 OVER_STEP_LIMIT');
  assert.ok(label, 'fault named');
  const marker = /<line class="fault-marker" x1="([\d.]+)"/.exec(svg);
  assert.ok(marker);
  // The run starts at t = 1 s (the first sample out of IDLE): the fault is at 60 s, like the FAULT boundary.
  const faultBoundary = [...svg.matchAll(/<line class="step-boundary" x1="([\d.]+)"/g)].map((m) => Number(m[1]));
  assert.ok(faultBoundary.some((x) => Math.abs(x - Number(marker![1])) < 0.2), `${marker![1]} vs ${faultBoundary.join(' ')}`);
  assert.ok(svg.includes('>FAULT</text>'));
});

test('svg: an empty trace still renders', () => {
  const svg = traceToSvg(new Trace(), { title: 't', steps: [] });
  assert.ok(svg.startsWith('<svg ') && svg.includes('no data'));
});

// ---- step table ----

const REPORT: RunReport = {
  program: 'demo',
  program_hash: '0badf00d',
  result: 'completed',
  result_text: 'completed',
  fault: null,
  faults: [],
  peak_MPa: 300.04,
  start_ms: 500,
  end_ms: 213_000,
  run_time_s: 212.5,
  events: [],
  events_lost: 0,
  steps: [
    { index: 0, type: 'ramp', label: null, source: 'steps[0]', target_MPa: 300, reached_MPa: 298.5, peak_MPa: 298.5, overshoot_MPa: 0, band_MPa: 1.5, hold_error_p99_MPa: null, in_band_percent: null, tolerance: null, outside_tolerance: null, duration_s: 30.89 },
    { index: 1, type: 'hold', label: 'separator', source: 'steps[1]', target_MPa: 300, reached_MPa: 299.99, peak_MPa: 300.04, overshoot_MPa: 0.04, band_MPa: 2, hold_error_p99_MPa: 0.432, in_band_percent: 99.8, tolerance: 'within', outside_tolerance: null, duration_s: 120 },
    { index: 2, type: 'prompt', label: null, source: 'steps[2]', target_MPa: null, reached_MPa: null, peak_MPa: 0.5, overshoot_MPa: null, band_MPa: null, hold_error_p99_MPa: null, in_band_percent: null, tolerance: null, outside_tolerance: null, duration_s: 20 },
  ],
};

test('step table: header, one row per step (1-based), "-" for nulls, summary', () => {
  const table = formatStepTable(REPORT);
  const lines = table.split('\n');
  const header = lines.findIndex((line) => line.startsWith('step'));
  assert.ok(header >= 0, table);
  for (const name of ['type', 'target MPa', 'reached MPa', 'peak MPa', 'overshoot MPa', 'band MPa', 'hold error p99 MPa', 'in band %', 'tolerance', 'duration s']) {
    assert.ok(lines[header].includes(name), name);
  }
  const rows = lines.slice(header + 2).filter((line) => /^\s*\d+\s/.test(line));
  assert.is(rows.length, 3);
  assert.equal(rows.map((row) => row.trim().split(/\s+/)[0]), ['1', '2', '3']);
  assert.equal(rows[2].trim().split(/\s+/), ['3', 'prompt', '-', '-', '0.50', '-', '-', '-', '-', '-', '20.00']);
  assert.equal(rows[0].trim().split(/\s+/).slice(6, 10), ['1.500', '-', '-', '-']);
  assert.equal(rows[1].trim().split(/\s+/).slice(6, 10), ['2.000', '0.432', '99.8', 'within']);
  // Fixed width: every row as long as the rule under the header.
  for (const row of rows) assert.is(row.length, lines[header + 1].length, row);
  assert.match(table, /result: completed\s+peak: 300\.04 MPa\s+run time: 212\.50 s/);
});

test('step table: a run outside tolerance says so, and which step by how much', () => {
  const note = 'in band 81 % (needs 90 %), p99 0.41 MPa against band 0.25 MPa';
  const steps = [REPORT.steps[0], { ...REPORT.steps[1], type: 'maintain', label: 'stack 25 MPa', in_band_percent: 81.3, tolerance: 'outside' as const, outside_tolerance: note }];
  const table = formatStepTable({ ...REPORT, result: 'completed-outside-tolerance', result_text: `completed outside tolerance: step 2 'stack 25 MPa': ${note}`, steps });
  assert.match(table, /result: completed outside tolerance\s+peak: 300\.04 MPa/);
  assert.ok(table.includes(`\n  step 2 'stack 25 MPa': ${note}`), table);
  assert.match(table, /81\.3\s+outside/);
});

test('step table: a fault and an unfinished run time are shown', () => {
  const table = formatStepTable({ ...REPORT, result: 'fault', run_time_s: null, fault: { code: 3, name: 'OVERPRESSURE', message: 'pressure above the limit', t_s: 12.3 }, steps: [] });
  assert.match(table, /result: fault \(OVERPRESSURE at 12\.30 s: pressure above the limit\)/);
  assert.match(table, /run time: - s/);
});

// ---- command line ----

function pressSim(args: string[]) {
  return spawnSync(process.execPath, [path.join(root, 'bin', 'press-sim.mjs'), ...args], { cwd: root, encoding: 'utf8', timeout: 120_000 });
}

function withTempDir(body: (dir: string) => void): void {
  const dir = mkdtempSync(path.join(tmpdir(), 'press-sim-'));
  try {
    body(dir);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

test('cli: run writes trace.csv, plot.svg and report.json and exits 0 on a completed run', () => {
  withTempDir((dir) => {
    const out = path.join(dir, 'out');
    const result = pressSim(['run', EXAMPLE, '--out', out]);
    assert.is(result.status, 0, result.stderr);
    for (const name of ['trace.csv', 'plot.svg', 'report.json']) assert.ok(existsSync(path.join(out, name)), name);
    const report = JSON.parse(readFileSync(path.join(out, 'report.json'), 'utf8'));
    assert.is(report.result, 'completed');
    assert.is(report.steps.length, 11);
    assert.is(report.layers.length, 3);
    assert.ok(report.sim_time_s > 600 && report.ticks > 0 && report.wall_time_s > 0);
    assert.match(result.stdout, /hold error p99 MPa/);
    assert.match(result.stdout, /li6ps5cl/);
    assert.match(result.stdout, /simulated \d+ s in [\d.]+ s: \d+x real time/);
    assert.ok(readFileSync(path.join(out, 'plot.svg'), 'utf8').startsWith('<svg '));
  });
});

test('cli: an invalid program exits 1 naming the offending path', () => {
  withTempDir((dir) => {
    const program = JSON.parse(readFileSync(EXAMPLE, 'utf8'));
    program.steps[0].to_MPa = 800; // the die is rated 740 MPa
    const file = path.join(dir, 'too-high.json');
    writeFileSync(file, JSON.stringify(program, null, 2));
    const result = pressSim(['run', file, '--out', path.join(dir, 'out')]);
    assert.is(result.status, 1, result.stdout);
    assert.ok(result.stderr.includes(`${file}: steps[0].to_MPa`), result.stderr);
    assert.not.ok(existsSync(path.join(dir, 'out')), 'nothing written');
  });
});

test('cli: a file that is not JSON is reported with line and column', () => {
  withTempDir((dir) => {
    const file = path.join(dir, 'broken.json');
    writeFileSync(file, '{\n  "format": "press-program/1",\n  "name": "broken"\n  "steps": []\n}\n');
    const result = pressSim(['run', file, '--out', path.join(dir, 'out')]);
    assert.is(result.status, 1);
    assert.ok(result.stderr.includes(`${file}:4:3:`), result.stderr);
    assert.match(result.stderr, /not valid JSON/);
  });
});

test('cli: usage errors exit 2', () => {
  assert.is(pressSim([]).status, 2);
  assert.is(pressSim(['run']).status, 2);
  assert.is(pressSim(['run', EXAMPLE, '--seed', 'abc']).status, 2);
  assert.is(pressSim(['frobnicate']).status, 2);
  const help = pressSim(['--help']);
  assert.is(help.status, 0);
  assert.match(help.stdout, /press-sim run <program\.json>/);
});

test.run();
