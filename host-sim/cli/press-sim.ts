/**
 * press-sim: dry-runs a step program on the simulated press and writes the trace, a plot and
 * the run report; validates program files.
 *
 *   press-sim run <program.json> [--seed N] [--out DIR] [--json] [--speed N] [--panel | --no-panel]
 *   press-sim validate <program.json…> [--json]
 */
import { formatValidationError, validateProgram } from '../../src/programs/validate';
import type { ValidationError } from '../../src/programs/validate';
import { compileProgram } from '../../src/programs/compile';
import { encodeProgram } from '../../src/programs/codec';
import { simulatedDeviceCapabilities } from '../scenario';
import { FAULT_KINDS, SIM_PARTITION_BYTES } from '../simulator';
import { openFlashFile } from './flash-file';
import type { FaultKind, FaultSpec } from '../simulator';
import { DEFAULT_PLANT, PLANT_PRESETS, plantToJson } from '../plants';
import type { Plant } from '../plants';
import { forecastOnPlant, formatForecast } from './forecast-text';
import { defaultFirmwareConfig } from '../../src/press/config';
import { formatProgramFileError, readProgramFile } from './program-file';
import { exitWhenFlushed, guardStdio, writeStderr, writeStdout } from './stdio';
import { parseServeArgs, serve } from './serve';
import { EXIT_FAILED, EXIT_OK, EXIT_USAGE, TRACE_ROW_BUDGET, loadPlant, runCommand } from './dry-run';
import type { Io, RunArgs } from './dry-run';
import { eachOption, isEntryPoint } from './options';

export { EXIT_FAILED, EXIT_INTERRUPTED, EXIT_OK, EXIT_USAGE, formatClock, formatProgress } from './dry-run';

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


class UsageError extends Error {}

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
