import { test } from 'uvu';
import * as assert from 'uvu/assert';
import type { PanelView } from '../../hal/panel';
import { STATUS_SIGNALS, StatusPattern } from '../../hal/panel';
import { PANEL_LINES, PANEL_WIDTH_COLUMNS, formatTimeLeft, ledLit, panelRedrawText, renderPanel } from '../../host-sim/output/panel-tty';

const ESC = '\x1b';
const stripSgr = (text: string) => text.replace(/\x1b\[[0-9;]*m/g, '');
const columns = (line: string) => Array.from(stripSgr(line)).length;

const HOLDING: PanelView = {
  state: 'RUNNING',
  programName: 'li6ps5cl-three-layer',
  stepIndex: 3,
  stepCount: 9,
  stepType: 'hold',
  pressureMPa: 299.84,
  targetMPa: 300,
  stepTimeLeftS: 84.3,
  prompt: '',
  lastFault: '',
};

function assertFramed(lines: string[], width = PANEL_WIDTH_COLUMNS): void {
  assert.is(lines.length, PANEL_LINES);
  for (const line of lines) assert.is(columns(line), width, line);
  assert.ok(lines[0].startsWith('┌ ') && lines[0].endsWith(' ┐'));
  for (const line of lines.slice(1, -1)) assert.ok(line.startsWith('│ ') && line.endsWith(' │'), line);
  assert.ok(lines[PANEL_LINES - 1].startsWith('└ ') && lines[PANEL_LINES - 1].endsWith(' ┘'));
}

test('a running hold step: name and state, step, time left, pressure and target, no fault, steady LED', () => {
  const lines = renderPanel(HOLDING, StatusPattern.running, 123.44);
  assertFramed(lines);
  assert.match(lines[0], /^┌ li6ps5cl-three-layer ─+ RUNNING ┐$/);
  assert.match(lines[1], /^│ step 3\/9 hold +t-left 84 s │$/);
  assert.match(lines[2], /^│ 299\.8 MPa → 300\.0 MPa +│$/);
  assert.match(lines[3], /^│ +│$/);
  assert.match(lines[5], /^│ fault: — +│$/);
  assert.match(lines[6], /^└ LED ● steady {2}buzzer off ─+ t=123\.4 s ┘$/);
  assert.not.ok(lines.join('\n').includes(ESC), 'no colour unless asked');
});

test('a waiting prompt: long text wraps on two lines and ends in …; pattern and buzzer of waiting', () => {
  const prompt = 'Add 15 mg cathode composite, spread it evenly over the separator with the spatula, tamp it lightly, then press Continue';
  const lines = renderPanel({ ...HOLDING, state: 'WAITING', stepType: 'add cathode', prompt, stepTimeLeftS: Number.NaN }, StatusPattern.waiting, 300, { blinkPhaseMs: 0 });
  assertFramed(lines);
  assert.match(lines[0], / WAITING ┐$/);
  assert.match(lines[3], /^│ Add 15 mg cathode composite, spread it evenly over the +│$/);
  assert.match(lines[4], /^│ separator with the spatula, tamp it lightly, then press… │$/);
  assert.match(lines[6], /LED ● 500\/500 ms {2}buzzer 2×, every 30 s/);
});

test('a short prompt fits on the first prompt line', () => {
  const lines = renderPanel({ ...HOLDING, state: 'WAITING', prompt: 'Add 8 mg Li foil, then Continue' }, StatusPattern.waiting, 1);
  assert.match(lines[3], /^│ Add 8 mg Li foil, then Continue +│$/);
  assert.match(lines[4], /^│ +│$/);
});

test('NaN time left shows as —, and so does a negative one', () => {
  assert.match(renderPanel({ ...HOLDING, stepType: 'ramp', stepTimeLeftS: Number.NaN }, 1, 0)[1], /t-left — │$/);
  assert.is(formatTimeLeft(Number.NaN), '—');
  assert.is(formatTimeLeft(-1), '—');
  assert.is(formatTimeLeft(8.44), '8.4 s');
  assert.is(formatTimeLeft(84.4), '84 s');
  assert.is(formatTimeLeft(125), '2:05');
  assert.is(formatTimeLeft(259_200), '72:00:00');
});

test('a fault: the latched fault is shown, red with colour, and the state word is red', () => {
  const view = { ...HOLDING, state: 'FAULT', lastFault: '101 OVER_PRESSURE', prompt: 'Load released. Check the die, then press Stop' };
  const plain = renderPanel(view, StatusPattern.fault, 42, { blinkPhaseMs: 0 });
  assertFramed(plain);
  assert.match(plain[5], /^│ fault: 101 OVER_PRESSURE +│$/);
  assert.match(plain[3], /Check the die, then press Stop/);
  assert.match(plain[6], /LED ● 100\/100 ms {2}buzzer 5×, every 2 s/);

  const colored = renderPanel(view, StatusPattern.fault, 42, { color: true, blinkPhaseMs: 0 });
  assertFramed(colored);
  assert.ok(colored[0].includes(`${ESC}[1;31mFAULT${ESC}[0m`), colored[0]);
  assert.ok(colored[5].includes(`${ESC}[31m101 OVER_PRESSURE${ESC}[0m`), colored[5]);
  assert.equal(colored.map(stripSgr), plain);
});

test('colour of the state word: waiting and paused yellow, complete green; no fault is not red', () => {
  const word = (state: string, pattern: number) => renderPanel({ ...HOLDING, state }, pattern, 0, { color: true })[0];
  assert.ok(word('WAITING', StatusPattern.waiting).includes(`${ESC}[33mWAITING`));
  assert.ok(word('PAUSED', StatusPattern.paused).includes(`${ESC}[33mPAUSED`));
  assert.ok(word('COMPLETE', StatusPattern.complete).includes(`${ESC}[32mCOMPLETE`));
  const quiet = renderPanel({ ...HOLDING, lastFault: 'none' }, StatusPattern.running, 0, { color: true });
  assert.match(quiet[5], /^│ fault: — +│$/);
});

test('blink phase: a blinking pattern is lit in its on time and dark in its off time', () => {
  const led = (phaseMs: number, pattern: number = StatusPattern.paused) => renderPanel({ ...HOLDING, state: 'PAUSED' }, pattern, 10, { blinkPhaseMs: phaseMs })[6];
  // paused: 250 ms on, 750 ms off
  assert.match(led(0), /^└ LED ● /);
  assert.match(led(249), /^└ LED ● /);
  assert.match(led(250), /^└ LED ○ /);
  assert.match(led(999), /^└ LED ○ /);
  assert.match(led(1000), /^└ LED ● /);
  assert.match(led(5100), /^└ LED ● /);
  assert.match(led(5300), /^└ LED ○ /);
  // idle is dark and running steady whatever the phase
  for (const phaseMs of [0, 123, 777]) {
    assert.match(led(phaseMs, StatusPattern.idle), /^└ LED ○ off /);
    assert.match(led(phaseMs, StatusPattern.running), /^└ LED ● steady /);
  }
  // without a phase the simulated time is used
  assert.match(renderPanel(HOLDING, StatusPattern.paused, 10.1)[6], /^└ LED ● /);
  assert.match(renderPanel(HOLDING, StatusPattern.paused, 10.5)[6], /^└ LED ○ /);
  assert.ok(ledLit(STATUS_SIGNALS[StatusPattern.fault], 50) && !ledLit(STATUS_SIGNALS[StatusPattern.fault], 150));
});

test('width: narrower panels keep the frame; names and the status line give way', () => {
  const lines = renderPanel({ ...HOLDING, programName: 'a-program-name-of-32-characters-', state: 'COMPLETE' }, StatusPattern.complete, 259_200.5, { width: 40 });
  assertFramed(lines, 40);
  assert.match(lines[0], /^┌ a-program-name-of-32-\w*… ─+ COMPLETE ┐$/);
  assert.match(lines[6], / t=259200\.5 s ┘$/);
  assertFramed(renderPanel(HOLDING, 1, 0, { width: 10 }), 36);
});

test('before a program: no program, no step', () => {
  const lines = renderPanel({ ...HOLDING, state: 'IDLE', programName: '', stepIndex: 0, stepCount: 0, stepType: '', pressureMPa: -0.01, targetMPa: 0, stepTimeLeftS: Number.NaN }, StatusPattern.idle, 0.1);
  assertFramed(lines);
  assert.match(lines[0], /^┌ no program ─+ IDLE ┐$/);
  assert.match(lines[1], /^│ no program +t-left — │$/);
  assert.match(lines[2], /^│ 0\.0 MPa → 0\.0 MPa +│$/);
});

test('redraw text: cursor up over the previous lines, each line cleared', () => {
  const lines = ['a', 'b'];
  assert.is(panelRedrawText(0, lines), `${ESC}[2Ka\n${ESC}[2Kb`);
  assert.is(panelRedrawText(7, lines), `${ESC}[7A${ESC}[2Ka\n${ESC}[2Kb`);
});

test.run();
