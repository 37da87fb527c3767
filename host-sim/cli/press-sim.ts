/**
 * press-sim: dry-runs a step program on the simulated press and writes the trace, a plot and
 * the run report; validates program files.
 *
 *   press-sim run <program.json> [--seed N] [--out DIR] [--json] [--speed N] [--panel | --no-panel]
 *   press-sim validate <program.json…> [--json]
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { formatValidationError, validateProgram } from '../../src/programs/validate';
import type { ValidationError } from '../../src/programs/validate';
import { compileProgram } from '../../src/programs/compile';
import { encodeProgram } from '../../src/programs/codec';
import { DryRunDriver, createDryRunSession, expectedDurationS, simulatedDeviceCapabilities } from '../scenario';
import type { DryRunOptions, DryRunSession } from '../scenario';
import { FAULT_KINDS, SIM_PARTITION_BYTES } from '../simulator';
import { openFlashFile } from './flash-file';
import type { FaultKind, FaultSpec, PressSimulator } from '../simulator';
import { DEFAULT_PLANT, PLANT_PRESETS, plantFromJson, plantToJson } from '../plants';
import type { Plant } from '../plants';
import { forecastOnPlant, formatForecast } from './forecast-text';
import type { CompiledProgram } from '../../src/programs/compile';
import { defaultFirmwareConfig } from '../../src/press/config';
import { formatProgramFileError, readPlantFile, readProgramFile } from './program-file';
import { exitWhenFlushed, guardStdio, writeStderr, writeStdout } from './stdio';
import { traceToCsv } from '../output/csv';
import { traceToSvg } from '../output/svg';
import { formatLayerTable, formatStepTable } from '../output/step-table';
import { PANEL_WIDTH_COLUMNS, panelRedrawText, renderPanel } from '../output/panel-tty';
import { parseServeArgs, serve } from './serve';
import { eachOption, isEntryPoint } from './options';

/** Rows of trace.csv a run writes at most when --trace-every is not given (≈ 60 MB of CSV). */
const TRACE_ROW_BUDGET = 500_000;

const SYNOPSIS = `Usage:
  press-sim run <program.json> [--plant P] [--fault KIND@TIME_S]... [--seed N] [--out DIR] [--json] [--trace-every N]
                [--speed N] [--panel | --no-panel] [--flash FILE]
  press-sim serve [--tcp [PORT]] [--pty] [--http [PORT]] [--speed N] [--plant P] [--seed N] [--flash FILE] [--host ADDR] [--accept-at-press]
  press-sim validate <program.json>... [--plant P] [--json]
  press-sim plants [NAME] [--json]
  press-sim --help`;

const USAGE = `${SYNOPSIS}

run: dry-runs a step program on the simulated press (firmware core, virtual time, a
simulated operator pressing Start and answering prompts) and reports how each step went.
  --plant P   the simulated press, load cell and sample: a preset name (press-sim plants)
              or a plant file (.json, format press-plant/1); default press-10t
  --fault KIND@TIME_S
              inject a fault at a simulated time (repeatable): ${FAULT_KINDS.join(', ')}
  --seed N    seed of the simulated noise (integer, default 1)
  --out DIR   where trace.csv, plot.svg and report.json go (default: out)
  --json      print the report as JSON on stdout instead of the tables
  --trace-every N
              one trace row every N control ticks (default: every tick, or fewer so a long
              run writes at most ${TRACE_ROW_BUDGET} rows)
  --speed N   simulated seconds per wall second (1: real time; default: as fast as possible)
  --panel, --no-panel
              show the operator panel live while the run goes (default: when stdout is a
              terminal and --json is not given)
  --flash FILE
              the controller's flash partition kept in FILE (created when missing): the
              program is stored there and the run log is added to the logs already in it
  A long run shows its progress on stderr when stderr is a terminal (and the panel is not
  shown). Ctrl-C stops the run and writes trace.csv, plot.svg and report.json with what ran
  so far.
  Exit status: 0 when the run completed, 1 when the program is unreadable or invalid or
  the run did not complete (aborted, fault), 2 for usage errors, 130 when stopped by Ctrl-C.

serve: the firmware on the simulated press as an instrument speaking the SCPI protocol
(docs/protocol.md), until stopped (Ctrl-C). Nobody presses its buttons: a client starts
runs (INIT) and answers prompts (PROG:CONT), e.g. pressctl.
  --tcp [PORT]  raw SCPI on a TCP socket (default port 5025; 0 picks a free one); the
              default when --pty is not given
  --host ADDR   the address to listen on (default 127.0.0.1)
  --pty       the press's serial port on a pseudo-terminal (needs python3); its path is printed
  --http [PORT]  the press console page at http://ADDR:PORT/ and SCPI over a WebSocket at
              /scpi (default port 8025; 0 picks a free one)
  --speed N   simulated seconds per wall second (default 1: real time)
  --plant P, --seed N  as for run
  --flash FILE  the controller's flash partition kept in FILE: programs, calibration and
              run logs persist from one session to the next
  --accept-at-press  someone stands at the press and accepts every calibration request
              (CAL:COMM, CAL:DEF outside the band) by holding Continue 3 s; without it
              requests lapse, as on a press nobody is at

validate: checks program files with the firmware's validator against the simulated press
(--plant P, default press-10t; the same rules the device applies). Prints one line per
error, "file: path: message", or "file: valid (...)".
  --json      one JSON object per file: {"file", "valid", "errors": [{"path", "message"}]}
  Exit status: 0 when every file is valid, 1 when any is not, 2 for usage errors.

plants: lists the plant presets; with a NAME prints that preset as a complete plant file
to start your own from.`;

export const EXIT_OK = 0;
export const EXIT_FAILED = 1;
export const EXIT_USAGE = 2;

class UsageError extends Error {}

interface RunArgs {
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


interface ValidateArgs {
  files: string[];
  json: boolean;
  plant: string;
}

type Command = { kind: 'help' } | { kind: 'run'; args: RunArgs } | { kind: 'validate'; args: ValidateArgs } | { kind: 'plants'; name: string | null; json: boolean };

function parseArgs(argv: string[]): Command {
  if (argv.length === 0) throw new UsageError('missing command');
  if (argv.includes('--help') || argv.includes('-h')) return { kind: 'help' };
  const [command, ...rest] = argv;
  if (command === 'validate') return { kind: 'validate', args: parseValidateArgs(rest) };
  if (command === 'plants') {
    const names = rest.filter((arg) => !arg.startsWith('-'));
    const unknown = rest.filter((arg) => arg.startsWith('-') && arg !== '--json');
    if (unknown.length > 0) throw new UsageError(`unknown option ${unknown[0]}`);
    if (names.length > 1) throw new UsageError('plants takes at most one preset name');
    return { kind: 'plants', name: names[0] ?? null, json: rest.includes('--json') };
  }
  if (command !== 'run') throw new UsageError(`unknown command ${JSON.stringify(command)}`);

  const args: RunArgs = { file: '', seed: 1, outDir: 'out', json: false, plant: DEFAULT_PLANT.name, faults: [], traceEvery: 0, speed: 0, panel: 'auto', flash: '' };
  const files: string[] = [];
  for (const { arg, name, inline, value } of eachOption(rest, (message) => new UsageError(message))) {
    if (name === '--seed') {
      const text = value();
      if (!/^-?\d+$/.test(text) || !Number.isSafeInteger(Number(text))) throw new UsageError(`--seed must be an integer, got ${JSON.stringify(text)}`);
      args.seed = Number(text);
    } else if (name === '--out') {
      args.outDir = value();
      if (args.outDir === '') throw new UsageError('--out needs a directory');
    } else if (name === '--json' && inline === undefined) {
      args.json = true;
    } else if (name === '--plant') {
      args.plant = value();
    } else if (name === '--fault') {
      args.faults.push(parseFault(value()));
    } else if (name === '--trace-every') {
      const text = value();
      if (!/^\d+$/.test(text) || Number(text) < 1) throw new UsageError(`--trace-every must be a whole number of ticks ≥ 1, got ${JSON.stringify(text)}`);
      args.traceEvery = Number(text);
    } else if (name === '--speed') {
      args.speed = parseSpeed(value());
    } else if (name === '--panel' && inline === undefined) {
      args.panel = 'on';
    } else if (name === '--no-panel' && inline === undefined) {
      args.panel = 'off';
    } else if (name === '--flash') {
      args.flash = value();
      if (args.flash === '') throw new UsageError('--flash needs a file');
    } else if (arg.startsWith('-') && arg !== '-') {
      throw new UsageError(`unknown option ${arg}`);
    } else {
      files.push(arg);
    }
  }
  if (files.length === 0) throw new UsageError('run needs a program file');
  if (files.length > 1) throw new UsageError(`run takes one program file, got ${files.length}`);
  args.file = files[0];
  if (args.json && args.panel === 'on') throw new UsageError('--panel cannot be combined with --json (stdout carries the JSON report only)');
  return { kind: 'run', args };
}

function parseSpeed(text: string): number {
  const speed = Number(text);
  if (!/^(\d+(\.\d*)?|\.\d+)(e[+-]?\d+)?$/i.test(text) || !Number.isFinite(speed) || speed <= 0) {
    throw new UsageError(`--speed must be a positive number of simulated seconds per wall second, got ${JSON.stringify(text)}`);
  }
  return speed;
}

/** KIND@TIME_S, e.g. leak@120. */
function parseFault(text: string): FaultSpec {
  const match = /^([a-z-]+)@(\d+(?:\.\d+)?)$/.exec(text);
  if (match === null) throw new UsageError(`--fault takes KIND@TIME_S (e.g. leak@120), got ${JSON.stringify(text)}`);
  const kind = match[1] as FaultKind;
  if (FAULT_KINDS.indexOf(kind) < 0) throw new UsageError(`--fault: ${JSON.stringify(match[1])} is not a fault (one of ${FAULT_KINDS.join(', ')})`);
  return { kind, atS: Number(match[2]) };
}

/** A preset name or a plant file. */
function loadPlant(spec: string): { ok: true; plant: Plant } | { ok: false; lines: string[] } {
  const preset = PLANT_PRESETS[spec];
  if (preset !== undefined) return { ok: true, plant: preset };
  if (!spec.endsWith('.json')) return { ok: false, lines: [`--plant: ${JSON.stringify(spec)} is neither a preset (press-sim plants lists them) nor a .json file`] };
  const loaded = readPlantFile(spec);
  if (!loaded.ok) return { ok: false, lines: formatProgramFileError(spec, loaded) };
  const result = plantFromJson(loaded.value);
  if (!result.ok) return { ok: false, lines: result.errors.map((error) => `${spec}: ${error}`) };
  return { ok: true, plant: result.plant };
}

function parseValidateArgs(rest: string[]): ValidateArgs {
  const args: ValidateArgs = { files: [], json: false, plant: DEFAULT_PLANT.name };
  for (let i = 0; i < rest.length; i++) {
    const arg = rest[i];
    if (arg === '--json') args.json = true;
    else if (arg === '--plant') {
      const next = rest[++i];
      if (next === undefined) throw new UsageError('--plant needs a value');
      args.plant = next;
    } else if (arg.startsWith('--plant=')) args.plant = arg.slice('--plant='.length);
    else if (arg.startsWith('-') && arg !== '-') throw new UsageError(`unknown option ${arg}`);
    else args.files.push(arg);
  }
  if (args.files.length === 0) throw new UsageError('validate needs at least one program file');
  return args;
}

function formatDuration(seconds: number): string {
  return seconds >= 10 ? seconds.toFixed(0) : seconds >= 0.1 ? seconds.toFixed(1) : seconds.toFixed(3);
}

/** Where the command's output goes; each call writes one line. */
interface Io {
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

/** Redraws at most this often, in wall time. */
const PANEL_REDRAW_INTERVAL_MS = 100;
/** A paced run sleeps only when this far ahead of the wall clock, so a fast --speed does not sleep every tick. */
const PACE_MIN_SLEEP_MS = 2;

/**
 * The operator panel redrawn in place on stdout while the run goes. Follows the simulator's
 * panel at each firmware refresh (for the LED's blink phase), draws at most every
 * PANEL_REDRAW_INTERVAL_MS of wall time.
 */
class LivePanel {
  private linesDrawn = 0;
  private lastDrawMs = 0;
  private seenRefreshes = -1;
  private status = -1;
  private statusSinceS = 0;

  constructor(
    private readonly write: (text: string) => void,
    private readonly options: { color: boolean; width: number },
  ) {}

  onTick(sim: PressSimulator): void {
    const panel = sim.panel;
    if (panel.refreshes === this.seenRefreshes) return;
    this.seenRefreshes = panel.refreshes;
    if (panel.status !== this.status) {
      this.status = panel.status;
      this.statusSinceS = sim.timeS;
    }
    const nowMs = performance.now();
    if (this.linesDrawn > 0 && nowMs - this.lastDrawMs < PANEL_REDRAW_INTERVAL_MS) return;
    this.lastDrawMs = nowMs;
    this.draw(sim);
  }

  draw(sim: PressSimulator): void {
    const blinkPhaseMs = (sim.timeS - this.statusSinceS) * 1000;
    const lines = renderPanel(sim.panel.view, sim.panel.status, sim.timeS, { ...this.options, blinkPhaseMs });
    this.write(panelRedrawText(this.linesDrawn, lines));
    this.linesDrawn = lines.length;
  }
}

/**
 * Holds a run back to `simSPerWallS` simulated seconds per wall second. runSession's loop is
 * synchronous, so the pause is a blocking sleep (Atomics.wait) between ticks, not a busy loop.
 */
class Pacer {
  private readonly startMs = performance.now();
  private readonly sleeper = new Int32Array(new SharedArrayBuffer(4));
  private pacedSimS = 0;

  constructor(private readonly simSPerWallS: number) {}

  onTick(simTimeS: number): void {
    this.pacedSimS = simTimeS;
    this.sleepUntil(simTimeS, PACE_MIN_SLEEP_MS);
  }

  /** Waits out what is left of the last tick's time; a stretch without ticks at the end (no power) is not paced. */
  finish(): void {
    this.sleepUntil(this.pacedSimS, 0);
  }

  private sleepUntil(simTimeS: number, minSleepMs: number): void {
    const dueMs = this.startMs + (simTimeS * 1000) / this.simSPerWallS;
    let aheadMs = dueMs - performance.now();
    if (aheadMs <= minSleepMs) return;
    while (aheadMs > 0) {
      Atomics.wait(this.sleeper, 0, 0, aheadMs);
      aheadMs = dueMs - performance.now();
    }
  }
}

function plantsCommand(name: string | null, json: boolean, io: Io): number {
  if (name === null) {
    if (json) {
      io.stdout(JSON.stringify(Object.values(PLANT_PRESETS).map((plant) => ({ name: plant.name, description: plant.description }))));
      return EXIT_OK;
    }
    const width = Math.max(...Object.keys(PLANT_PRESETS).map((n) => n.length));
    for (const plant of Object.values(PLANT_PRESETS)) io.stdout(`${plant.name.padEnd(width)}  ${plant.description}`);
    return EXIT_OK;
  }
  const plant = PLANT_PRESETS[name];
  if (plant === undefined) {
    io.stderr(`press-sim: ${JSON.stringify(name)} is not a plant preset (press-sim plants lists them)`);
    return EXIT_USAGE;
  }
  io.stdout(JSON.stringify(plantToJson(plant), null, 2));
  return EXIT_OK;
}

/**
 * The validator's verdict and, for a valid program, its summary. Whatever the input, this
 * returns: an exception inside the validator (a bug, which the device would report as -310)
 * is one error naming it, never a crash of the command.
 */
function checkProgram(value: unknown, device: ReturnType<typeof simulatedDeviceCapabilities>, plant: Plant): { errors: ValidationError[]; warnings: ValidationError[]; summary: string; forecast: string[] } {
  try {
    const result = validateProgram(value, device);
    if (!result.ok) return { errors: result.errors, warnings: result.warnings, summary: '', forecast: [] };
    const compiled = compileProgram(result.program, device);
    // What the press would add on upload: the forecast's warnings, with their step paths.
    const forecast = forecastOnPlant(compiled, plant, defaultFirmwareConfig(null as never).loopRateHz);
    for (const step of forecast.warnings) result.warnings.push({ path: compiled.sourcePaths[step.index] ?? '', message: step.warning });
    let peakMPa = 0;
    for (let i = 0; i < compiled.stepCount; i++) peakMPa = Math.max(peakMPa, compiled.targetMPa[i]);
    return { errors: [], warnings: result.warnings, summary: `${result.program.steps.length} steps, ${compiled.stepCount} once repeats are unrolled, highest target ${Math.round(peakMPa * 100) / 100} MPa, ${encodeProgram(result.program).length} bytes in flash`, forecast: formatForecast(compiled, forecast, plant.name) };
  } catch (error) {
    return { errors: [{ path: '', message: `the validator failed on this program (please report it): ${error instanceof Error ? `${error.name}: ${error.message}` : String(error)}` }], warnings: [], summary: '', forecast: [] };
  }
}

function validateCommand(args: ValidateArgs, io: Io): number {
  const plant = loadPlant(args.plant);
  if (!plant.ok) {
    for (const line of plant.lines) io.stderr(line);
    return EXIT_USAGE;
  }
  const device = simulatedDeviceCapabilities(plant.plant);
  let allValid = true;
  for (const file of args.files) {
    const loaded = readProgramFile(file);
    let errors: (ValidationError & { line?: number; column?: number })[];
    let summary = '';
    let warnings: ValidationError[] = [];
    if (!loaded.ok) {
      const position = loaded.line === undefined ? {} : { line: loaded.line, column: loaded.column };
      const where = loaded.line === undefined ? '' : `line ${loaded.line}, column ${loaded.column}: `;
      errors = [{ path: '', message: `${where}${loaded.message}`, ...position }];
      if (!args.json) for (const line of formatProgramFileError(file, loaded)) io.stdout(line);
    } else {
      const checked = checkProgram(loaded.value, device, plant.plant);
      errors = checked.errors;
      summary = checked.summary;
      if (!args.json) {
        for (const error of errors) io.stdout(`${file}: ${formatValidationError(error)}`);
        for (const warning of checked.warnings) io.stdout(`${file}: warning: ${formatValidationError(warning)}`);
        if (errors.length === 0) io.stdout(`${file}: valid (${summary})`);
        for (const line of checked.forecast) io.stdout(line);
      }
      warnings = checked.warnings;
    }
    if (errors.length > 0) allValid = false;
    if (args.json) io.stdout(JSON.stringify({ file, valid: errors.length === 0, errors, warnings }));
  }
  return allValid ? EXIT_OK : EXIT_FAILED;
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

function runCommand(args: RunArgs, io: Io): number | Promise<number> {
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

async function serveCommand(rest: string[], io: Io): Promise<number> {
  let args;
  try {
    args = parseServeArgs(rest, DEFAULT_PLANT.name);
  } catch (error) {
    io.stderr(`press-sim serve: ${(error as Error).message}\n${SYNOPSIS}`);
    return EXIT_USAGE;
  }
  const plant = loadPlant(args.plant);
  if (!plant.ok) {
    for (const line of plant.lines) io.stderr(line);
    return EXIT_USAGE;
  }
  let flashFile: ReturnType<typeof openFlashFile> | null = null;
  try {
    if (args.flash !== '') flashFile = openFlashFile(args.flash, SIM_PARTITION_BYTES);
    const server = await serve({ ...args, plant: plant.plant, flash: flashFile?.flash, log: io.stdout });
    await new Promise<void>((resolve) => {
      process.once('SIGINT', resolve);
      process.once('SIGTERM', resolve);
    });
    await server.close();
    flashFile?.close();
    io.stdout('stopped');
    return EXIT_OK;
  } catch (error) {
    io.stderr(`press-sim serve: ${(error as Error).message}`);
    return EXIT_FAILED;
  }
}

/** Runs the command line (without the node and script arguments); returns the exit code (a promise of it for serve). */
export function main(
  argv: string[],
  io: Io = {
    stdout: (t) => writeStdout(`${t}\n`),
    stderr: (t) => writeStderr(`${t}\n`),
    stderrRaw: writeStderr,
    isTTY: process.stdout.isTTY === true,
    columns: process.stdout.columns,
    stderrIsTTY: process.stderr.isTTY === true,
    interactive: true,
  },
): number | Promise<number> {
  if (argv[0] === 'serve' && !argv.includes('--help') && !argv.includes('-h')) return serveCommand(argv.slice(1), io);
  let command: Command;
  try {
    command = parseArgs(argv);
  } catch (error) {
    if (!(error instanceof UsageError)) throw error;
    io.stderr(`press-sim: ${error.message}\n${SYNOPSIS}`);
    return EXIT_USAGE;
  }
  if (command.kind === 'help') {
    io.stdout(USAGE);
    return EXIT_OK;
  }
  if (command.kind === 'validate') return validateCommand(command.args, io);
  if (command.kind === 'plants') return plantsCommand(command.name, command.json, io);
  return runCommand(command.args, io);
}

if (isEntryPoint(import.meta.url)) {
  // A reader that stops early (press-sim plants | head -2) ends the output, not the command.
  guardStdio();
  // serve leaves sockets open, so the exit is explicit; it waits for stdout to drain.
  void Promise.resolve(main(process.argv.slice(2))).then((code) => exitWhenFlushed(code));
}
