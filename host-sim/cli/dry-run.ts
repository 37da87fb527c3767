/**
 * press-sim run: a dry run of a step program on the simulated press, advanced in slices when it
 * runs as its own process (Ctrl-C heard, a progress line on a terminal), and the files it
 * writes: trace.csv, plot.svg and report.json.
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { formatValidationError } from '../../src/programs/validate';
import type { CompiledProgram } from '../../src/programs/compile';
import { DryRunDriver, createDryRunSession, expectedDurationS } from '../scenario';
import type { DryRunOptions, DryRunSession } from '../scenario';
import { SIM_PARTITION_BYTES } from '../simulator';
import type { FaultSpec } from '../simulator';
import { PLANT_PRESETS, plantFromJson } from '../plants';
import type { Plant } from '../plants';
import { openFlashFile } from './flash-file';
import { forecastOnPlant, formatForecast } from './forecast-text';
import { formatProgramFileError, readPlantFile, readProgramFile } from './program-file';
import { traceToCsv } from '../output/csv';
import { traceToSvg } from '../output/svg';
import { formatLayerTable, formatStepTable } from '../output/step-table';
import { PANEL_WIDTH_COLUMNS } from '../output/panel-tty';
import { LivePanel, Pacer } from './run-pacing';

/** Rows of trace.csv a run writes at most when --trace-every is not given (≈ 60 MB of CSV). */
export const TRACE_ROW_BUDGET = 500_000;

export const EXIT_OK = 0;
export const EXIT_FAILED = 1;
export const EXIT_USAGE = 2;

export interface RunArgs {
  file: string;
  seed: number;
  outDir: string;
  json: boolean;
  plant: string;
  faults: FaultSpec[];
  /** Trace row every N ticks; 0 picks N so the trace stays under TRACE_ROW_BUDGET rows. */
  traceEvery: number;
  /** Simulated seconds per wall second; 0 runs as fast as possible. */
  speed: number;
  /** The live operator panel: 'auto' shows it when stdout is a terminal. */
  panel: 'auto' | 'on' | 'off';
  /** File that keeps the simulated flash partition ('' for a blank one in RAM). */
  flash: string;
}

/** A preset name or a plant file. */
export function loadPlant(spec: string): { ok: true; plant: Plant } | { ok: false; lines: string[] } {
  const preset = PLANT_PRESETS[spec];
  if (preset !== undefined) return { ok: true, plant: preset };
  if (!spec.endsWith('.json')) return { ok: false, lines: [`--plant: ${JSON.stringify(spec)} is neither a preset (press-sim plants lists them) nor a .json file`] };
  const loaded = readPlantFile(spec);
  if (!loaded.ok) return { ok: false, lines: formatProgramFileError(spec, loaded) };
  const result = plantFromJson(loaded.value);
  if (!result.ok) return { ok: false, lines: result.errors.map((error) => `${spec}: ${error}`) };
  return { ok: true, plant: result.plant };
}

function formatDuration(seconds: number): string {
  return seconds >= 10 ? seconds.toFixed(0) : seconds >= 0.1 ? seconds.toFixed(1) : seconds.toFixed(3);
}

/** Where the command's output goes; each call writes one line. */
export interface Io {
  stdout: (text: string) => void;
  stderr: (text: string) => void;
  /** stdout is a terminal: the run shows the live panel, in colour unless NO_COLOR is set. */
  isTTY?: boolean;
  /** The terminal's width; the panel is made narrower to fit. */
  columns?: number;
  /**
   * The command runs as its own process: a dry run advances in slices so that Ctrl-C (SIGINT)
   * is heard (it writes the partial trace, exit 130), and shows its progress on stderr when
   * stderr is a terminal.
   */
  interactive?: boolean;
  stderrIsTTY?: boolean;
  /** Writes to stderr without a newline (the progress line). */
  stderrRaw?: (text: string) => void;
}

/** Exit status of a run stopped by Ctrl-C (128 + SIGINT), as shells report it. */
export const EXIT_INTERRUPTED = 130;
/** Wall time a dry run takes in one go before the event loop gets a turn (and a Ctrl-C is heard), ms. */
const RUN_SLICE_MS = 20;
/** The progress line appears once a run has taken this long, and is redrawn at most this often, ms. */
const PROGRESS_AFTER_MS = 500;
const PROGRESS_INTERVAL_MS = 200;

/** 75 s as "1:15", 4000 s as "1:06:40". */
export function formatClock(seconds: number): string {
  const total = Math.max(0, Math.floor(seconds));
  const h = Math.floor(total / 3600);
  const m = Math.floor((total % 3600) / 60);
  const sec = String(total % 60).padStart(2, '0');
  return h > 0 ? `${h}:${String(m).padStart(2, '0')}:${sec}` : `${m}:${sec}`;
}

/** The progress line: simulated time of the expected total, and the percentage (held under 100 until the run ends). */
export function formatProgress(simS: number, totalS: number): string {
  const percent = totalS > 0 ? Math.min(99, Math.floor((100 * simS) / totalS)) : 0;
  return `simulated ${formatClock(simS)} of ~${formatClock(totalS)} (${percent} %)`;
}

/** A dry run set up and ready to advance, with what its output needs. */
interface PreparedRun {
  args: RunArgs;
  plant: Plant;
  session: DryRunSession;
  driver: DryRunDriver;
  flashFile: ReturnType<typeof openFlashFile> | null;
  pacer: Pacer | null;
  livePanel: LivePanel | null;
  traceEvery: number;
  expectedS: number;
  wallStart: number;
}

export function runCommand(args: RunArgs, io: Io): number | Promise<number> {
  const prepared = prepareRun(args, io);
  if (typeof prepared === 'number') return prepared;
  if (io.interactive !== true) {
    while (!prepared.driver.advance(Infinity));
    return finishRun(prepared, io, false);
  }
  return runInSlices(prepared, io);
}

/**
 * Advances the run a slice of wall time at a time, giving the event loop a turn in between:
 * there a SIGINT is heard and the progress line redrawn.
 */
async function runInSlices(run: PreparedRun, io: Io): Promise<number> {
  let interrupted = false;
  const onSigint = () => {
    interrupted = true;
  };
  process.on('SIGINT', onSigint);
  const progress = io.stderrIsTTY === true && run.livePanel === null && io.stderrRaw !== undefined ? io.stderrRaw : null;
  let progressShown = false;
  let lastProgressMs = 0;
  try {
    for (;;) {
      const sliceEnd = performance.now() + RUN_SLICE_MS;
      let done = false;
      while (!(done = run.driver.advance(2000)) && performance.now() < sliceEnd);
      if (done) break;
      await new Promise((resolve) => setImmediate(resolve));
      if (interrupted) break;
      const nowMs = performance.now();
      if (progress !== null && nowMs - run.wallStart >= PROGRESS_AFTER_MS && nowMs - lastProgressMs >= PROGRESS_INTERVAL_MS) {
        progress(`\r${formatProgress(run.session.sim.timeS, run.expectedS)}\x1b[K`);
        progressShown = true;
        lastProgressMs = nowMs;
      }
    }
  } finally {
    process.off('SIGINT', onSigint);
    if (progressShown) progress?.('\r\x1b[K');
  }
  if (interrupted) run.driver.stop();
  return finishRun(run, io, interrupted);
}

function prepareRun(args: RunArgs, io: Io): PreparedRun | number {
  const loaded = readProgramFile(args.file);
  if (!loaded.ok) {
    for (const line of formatProgramFileError(args.file, loaded)) io.stderr(line);
    return EXIT_FAILED;
  }
  const program = loaded.value;
  const plant = loadPlant(args.plant);
  if (!plant.ok) {
    for (const line of plant.lines) io.stderr(line);
    return EXIT_FAILED;
  }

  let flashFile: ReturnType<typeof openFlashFile> | null = null;
  if (args.flash !== '') {
    try {
      flashFile = openFlashFile(args.flash, SIM_PARTITION_BYTES);
    } catch (error) {
      io.stderr(`press-sim: --flash: ${(error as Error).message}`);
      return EXIT_FAILED;
    }
  }
  const wallStart = performance.now();
  const session = createDryRunSession(program, { seed: args.seed, plant: plant.plant, faults: args.faults, simulator: flashFile === null ? {} : { flash: flashFile.flash } });
  const ticksExpected = expectedDurationS(session) * session.firmware.config.loopRateHz;
  const traceEvery = args.traceEvery > 0 ? args.traceEvery : Math.max(1, Math.ceil(ticksExpected / TRACE_ROW_BUDGET));
  const showPanel = !args.json && (args.panel === 'on' || (args.panel === 'auto' && io.isTTY === true));
  const livePanel = showPanel
    ? new LivePanel(io.stdout, {
        color: io.isTTY === true && (process.env.NO_COLOR ?? '') === '',
        // A pseudo-terminal without a size reports 0 columns.
        width: io.columns !== undefined && io.columns > 0 ? Math.min(PANEL_WIDTH_COLUMNS, io.columns) : PANEL_WIDTH_COLUMNS,
      })
    : null;
  const pacer = args.speed > 0 ? new Pacer(args.speed) : null;
  const runOptions: Partial<DryRunOptions> = { traceEveryTicks: traceEvery };
  if (livePanel !== null || pacer !== null) {
    runOptions.onTick = (s: DryRunSession) => {
      pacer?.onTick(s.sim.timeS);
      livePanel?.onTick(s.sim);
    };
  }
  const driver = new DryRunDriver(session, runOptions);
  return { args, plant: plant.plant, session, driver, flashFile, pacer, livePanel, traceEvery, expectedS: expectedDurationS(session), wallStart };
}

/** Writes what the run produced; `interrupted`: stopped by Ctrl-C, the files hold what ran so far. */
function finishRun(run: PreparedRun, io: Io, interrupted: boolean): number {
  const { args, session, flashFile, pacer, livePanel, traceEvery, wallStart } = run;
  const result = run.driver.result();
  flashFile?.close();
  if (!interrupted) pacer?.finish();
  const wallS = (performance.now() - wallStart) / 1000;
  if (!result.valid || result.report === null) {
    for (const error of result.errors) io.stderr(`${args.file}: ${formatValidationError(error)}`);
    if (result.errors.length === 0) io.stderr(`${args.file}: the program was not accepted`);
    return EXIT_FAILED;
  }
  const report = result.report;
  const reportJson = {
    ...report,
    layers: result.layers,
    seed: args.seed,
    sim_time_s: result.simTimeS,
    wall_time_s: wallS,
    plant: run.plant.name,
    ...(interrupted ? { interrupted_at_s: result.simTimeS } : {}),
    faults_injected: session.sim.injectedFaults.map((f) => ({ kind: f.kind, t_s: f.atS })),
    trace_every_ticks: traceEvery,
    ticks: result.ticks,
    overruns: result.overruns,
    lease_expiries: result.leaseExpiries,
  };

  // With --json, stdout carries the JSON only; everything else goes to stderr.
  const info = args.json ? io.stderr : io.stdout;
  if (args.json) {
    io.stdout(JSON.stringify(reportJson, null, 2));
  } else {
    if (livePanel !== null) {
      livePanel.draw(session.sim);
      io.stdout('');
    }
    for (const line of formatForecast(session.firmware.program as CompiledProgram, forecastOnPlant(session.firmware.program as CompiledProgram, run.plant, session.firmware.config.loopRateHz), run.plant.name)) io.stdout(line);
    io.stdout('');
    io.stdout(formatStepTable(report));
    io.stdout('');
    io.stdout(formatLayerTable(result.layers));
    io.stdout('');
  }

  mkdirSync(args.outDir, { recursive: true });
  const written: string[] = [];
  const write = (name: string, contents: string) => {
    const file = path.join(args.outDir, name);
    writeFileSync(file, contents);
    written.push(file);
  };
  if (result.trace !== null) {
    write('trace.csv', traceToCsv(result.trace));
    write('plot.svg', traceToSvg(result.trace, { title: `${report.program} (seed ${args.seed})`, steps: report.steps, faults: report.faults }));
  }
  write('report.json', JSON.stringify(reportJson, null, 2) + '\n');

  for (const file of written) info(`wrote ${file}`);
  if (interrupted) {
    io.stderr(`press-sim: interrupted (Ctrl-C) at ${formatDuration(result.simTimeS)} s of about ${formatDuration(run.expectedS)} s simulated: ${written.join(', ')} hold the run so far`);
    return EXIT_INTERRUPTED;
  }
  const speed = wallS > 0 ? `${Math.round(result.simTimeS / wallS)}x real time` : 'faster than the clock can tell';
  info(`simulated ${formatDuration(result.simTimeS)} s in ${formatDuration(wallS)} s: ${speed}`);
  if (report.result === 'completed-outside-tolerance') info(`the run ${report.result_text}`);
  else if (report.result !== 'completed') info(`the run did not complete: ${report.result}`);
  return report.result === 'completed' ? EXIT_OK : EXIT_FAILED;
}
