// The firmware on the ESP32 drivers over fake IO, with the simulated press behind the pins
// (bench/bench-board): panel I/O never happens inside the control tick, each panel refresh
// stays within its bus budget, and the coupling to the press loses nothing but the PWM's
// resolution (with 10 bits and adaptive physics steps the results differ a little:
// docs/benchmarks.md).
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { PressFirmware } from '../../src/firmware';
import { ControlTick } from '../../src/press/control-tick';
import type { DryRunResult } from '../../host-sim/scenario';
import { dryRun } from '../../host-sim/scenario';
import { benchBoardConfig } from '../../bench/bench-board/manifest-config';
import type { BenchRun } from '../../bench/bench-board/bench-session';
import { createBenchRun, runBench } from '../../bench/bench-board/bench-session';
import { program, readExample } from '../support/helpers';

const EXAMPLE = readExample('li6ps5cl-three-layer');
const realRun = ControlTick.prototype.run;
const realTick = (firmware: PressFirmware): void => realRun.call(firmware.control);

interface PanelWatch {
  ticks: number;
  /** I2C writes, and calls of the board's panel, made while a tick ran. */
  i2cWritesInTick: number;
  panelCallsInTick: number;
  shows: number;
  /** Largest I2C bytes and writes of one show() call. */
  maxShowBytes: number;
  maxShowWrites: number;
  writesOutsideTick: number;
}

/**
 * Runs the firmware with its tick replaced by `tick` (the real one unless a variant is under
 * test), noting every I2C write and panel call made while a tick runs, and what each show()
 * sends.
 */
function watchPanel(run: BenchRun, tick: (firmware: PressFirmware) => void): { watch: PanelWatch; result: DryRunResult } {
  const watch: PanelWatch = { ticks: 0, i2cWritesInTick: 0, panelCallsInTick: 0, shows: 0, maxShowBytes: 0, maxShowWrites: 0, writesOutsideTick: 0 };
  const { bench, session } = run;
  let inTick = false;
  let showBytes = 0;
  let showWrites = 0;
  bench.i2c.onWrite = (bytes) => {
    if (inTick) watch.i2cWritesInTick++;
    else watch.writesOutsideTick++;
    showBytes += bytes;
    showWrites++;
  };
  const firmware = session.firmware;
  firmware.control.run = function watchedTick() {
    inTick = true;
    try {
      tick(firmware);
    } finally {
      inTick = false;
    }
    watch.ticks++;
  };
  const boardPanel = session.firmware.board.panel;
  const show = boardPanel.show.bind(boardPanel);
  const setStatus = boardPanel.setStatus.bind(boardPanel);
  boardPanel.show = (view) => {
    if (inTick) watch.panelCallsInTick++;
    showBytes = 0;
    showWrites = 0;
    show(view);
    watch.shows++;
    if (showBytes > watch.maxShowBytes) watch.maxShowBytes = showBytes;
    if (showWrites > watch.maxShowWrites) watch.maxShowWrites = showWrites;
  };
  boardPanel.setStatus = (pattern) => {
    if (inTick) watch.panelCallsInTick++;
    setStatus(pattern);
  };
  return { watch, result: runBench(run) };
}

test('the control tick makes no I2C write and no panel call; every show() sends at most one write within its 2.5 ms bus budget', () => {
  const run = createBenchRun(EXAMPLE, benchBoardConfig(), { seed: 1, traceEveryTicks: 0 });
  const { watch, result } = watchPanel(run, (firmware) => realTick(firmware));
  assert.is(result.report?.result, 'completed');
  assert.ok(watch.ticks > 60_000, `${watch.ticks} ticks`);
  assert.is(watch.i2cWritesInTick, 0, 'I2C writes inside the tick');
  assert.is(watch.panelCallsInTick, 0, 'panel calls inside the tick');
  assert.ok(watch.shows >= 6_800 && watch.writesOutsideTick > 1_000, `${watch.shows} refreshes, ${watch.writesOutsideTick} writes from the panel timer`);
  const lcd = run.bench.lcd;
  if (lcd === null) throw new Error('the bench board has a display');
  const bound = lcd.frameBytes(run.bench.panel.cellsPerShow);
  assert.ok(watch.maxShowWrites <= 1, `${watch.maxShowWrites} writes in one show()`);
  assert.ok(watch.maxShowBytes <= bound, `${watch.maxShowBytes} bytes in one show(), bound ${bound}`);
  assert.ok((watch.maxShowBytes + 1) * lcd.byteUs <= 2500, `${(watch.maxShowBytes + 1) * lcd.byteUs} µs on the bus`);
});

test('the check catches a firmware that draws the panel from its tick (every 10th, as it once did)', () => {
  const run = createBenchRun(program(), benchBoardConfig(), { seed: 1, traceEveryTicks: 0, maxSimTimeS: 5 });
  const { watch } = watchPanel(run, (firmware) => {
    realTick(firmware);
    if (firmware.timing.ticks % 10 === 0) firmware.refreshPanel();
  });
  assert.ok(watch.ticks >= 400, `${watch.ticks} ticks`);
  assert.ok(watch.panelCallsInTick >= 40, `${watch.panelCallsInTick} panel calls in ticks`);
  assert.ok(watch.i2cWritesInTick > 0, `${watch.i2cWritesInTick} I2C writes in ticks`);
});

/** The step results that must agree. */
function steps(result: DryRunResult): number[][] {
  return (result.report?.steps ?? []).map((s) => [s.reached_MPa ?? NaN, s.peak_MPa ?? NaN, s.hold_error_p99_MPa ?? NaN, s.duration_s ?? NaN]);
}

test('coupling: with fixed physics steps and a 30-bit PWM the run on the drivers agrees with the simulated HAL run within 0.1 % in every step figure', () => {
  const options = { seed: 1, traceEveryTicks: 0, simulator: { adaptiveStep: false } };
  const onDrivers = runBench(createBenchRun(EXAMPLE, benchBoardConfig(), options, { pwmResolutionBits: 30 }));
  const onSimHal = dryRun(EXAMPLE, options);
  assert.is(onDrivers.report?.result, 'completed');
  assert.is(onDrivers.ticks, onSimHal.ticks);
  const a = steps(onDrivers);
  const b = steps(onSimHal);
  assert.is(a.length, 11);
  for (let i = 0; i < a.length; i++) {
    for (let k = 0; k < a[i].length; k++) {
      const x = a[i][k];
      const y = b[i][k];
      if (Number.isNaN(y)) assert.ok(Number.isNaN(x), `step ${i + 1}`);
      else assert.ok(Math.abs(x - y) <= 1e-3 * Math.max(1, Math.abs(y)), `step ${i + 1} figure ${k}: ${x} on the drivers, ${y} on the simulated HAL`);
    }
  }
});

test.run();
