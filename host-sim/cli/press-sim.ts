/**
 * press-sim: dry-runs a step program on the simulated press and writes the trace, a plot and
 * the run report.
 *
 *   press-sim run <program.json> [--seed N] [--out DIR] [--json]
 */
import { mkdirSync, readFileSync, realpathSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { formatValidationError } from '../../src/programs/validate';
import { dryRun } from '../scenario';
import type { LayerReport } from '../scenario';
import { traceToCsv } from '../output/csv';
import { traceToSvg } from '../output/svg';
import { fixedOrDash, formatFixedWidthTable, formatStepTable } from '../output/step-table';
import type { TableColumn } from '../output/step-table';

const SYNOPSIS = `Usage:
  press-sim run <program.json> [--seed N] [--out DIR] [--json]
  press-sim --help`;

const USAGE = `${SYNOPSIS}

Dry-runs a step program on the simulated press (firmware core, virtual time, a simulated
operator pressing Start and answering prompts) and reports how each step went.

Options for run:
  --seed N    seed of the simulated noise (integer, default 1)
  --out DIR   where trace.csv, plot.svg and report.json go (default: out)
  --json      print the report as JSON on stdout instead of the tables

Exit status: 0 when the run completed, 1 when the program is unreadable or invalid or the
run did not complete (aborted, fault), 2 for usage errors.`;

export const EXIT_OK = 0;
export const EXIT_FAILED = 1;
export const EXIT_USAGE = 2;

class UsageError extends Error {}

interface RunArgs {
  file: string;
  seed: number;
  outDir: string;
  json: boolean;
}

type Command = { kind: 'help' } | { kind: 'run'; args: RunArgs };

function parseArgs(argv: string[]): Command {
  if (argv.length === 0) throw new UsageError('missing command');
  if (argv.includes('--help') || argv.includes('-h')) return { kind: 'help' };
  const [command, ...rest] = argv;
  if (command !== 'run') throw new UsageError(`unknown command ${JSON.stringify(command)}`);

  const args: RunArgs = { file: '', seed: 1, outDir: 'out', json: false };
  const files: string[] = [];
  for (let i = 0; i < rest.length; i++) {
    const arg = rest[i];
    const eq = arg.startsWith('--') ? arg.indexOf('=') : -1;
    const name = eq > 0 ? arg.slice(0, eq) : arg;
    const inline = eq > 0 ? arg.slice(eq + 1) : undefined;
    const value = (): string => {
      if (inline !== undefined) return inline;
      const next = rest[++i];
      if (next === undefined) throw new UsageError(`${name} needs a value`);
      return next;
    };
    if (name === '--seed') {
      const text = value();
      if (!/^-?\d+$/.test(text) || !Number.isSafeInteger(Number(text))) throw new UsageError(`--seed must be an integer, got ${JSON.stringify(text)}`);
      args.seed = Number(text);
    } else if (name === '--out') {
      args.outDir = value();
      if (args.outDir === '') throw new UsageError('--out needs a directory');
    } else if (name === '--json' && inline === undefined) {
      args.json = true;
    } else if (arg.startsWith('-') && arg !== '-') {
      throw new UsageError(`unknown option ${arg}`);
    } else {
      files.push(arg);
    }
  }
  if (files.length === 0) throw new UsageError('run needs a program file');
  if (files.length > 1) throw new UsageError(`run takes one program file, got ${files.length}`);
  args.file = files[0];
  return { kind: 'run', args };
}

/** Line and column (both from 1) of a UTF-16 offset in text. */
export function lineColumn(text: string, offset: number): { line: number; column: number } {
  let line = 1;
  let lineStart = 0;
  for (let i = 0; i < offset && i < text.length; i++) {
    if (text.charCodeAt(i) === 10) {
      line++;
      lineStart = i + 1;
    }
  }
  return { line, column: offset - lineStart + 1 };
}

/**
 * Finds the first JSON syntax error in text (which JSON.parse rejected): its offset and what
 * was expected there. Node's own messages name a position only for some errors, and the
 * wording changes between versions, so the text is scanned again here.
 */
export function locateJsonError(text: string): { offset: number; message: string } | null {
  let i = 0;
  class Fail {
    constructor(readonly offset: number, readonly message: string) {}
  }
  const here = () => (i >= text.length ? 'end of input' : describeChar(text[i]));
  const found = (expected: string) => `unexpected ${here()}, expected ${expected}`;
  const ws = () => {
    while (i < text.length && (text[i] === ' ' || text[i] === '\t' || text[i] === '\n' || text[i] === '\r')) i++;
  };
  const digits = () => {
    const start = i;
    while (i < text.length && text[i] >= '0' && text[i] <= '9') i++;
    if (i === start) throw new Fail(i, found('a digit'));
  };
  const string = () => {
    i++; // opening quote
    for (;;) {
      if (i >= text.length) throw new Fail(i, 'unterminated string');
      const ch = text.charCodeAt(i);
      if (ch === 34) {
        i++;
        return;
      }
      if (ch < 0x20) throw new Fail(i, 'control character in a string (write it as an escape such as \\n)');
      if (ch === 92) {
        const e = text[i + 1];
        if (e === 'u') {
          if (!/^[0-9a-fA-F]{4}$/.test(text.slice(i + 2, i + 6))) throw new Fail(i, 'bad \\u escape (needs 4 hex digits)');
          i += 6;
        } else if (e !== undefined && '"\\/bfnrt'.includes(e)) {
          i += 2;
        } else {
          throw new Fail(i, 'bad escape in a string');
        }
      } else {
        i++;
      }
    }
  };
  const value = (): void => {
    ws();
    const ch = text[i];
    if (ch === '{') {
      i++;
      ws();
      if (text[i] === '}') {
        i++;
        return;
      }
      for (;;) {
        ws();
        if (text[i] !== '"') throw new Fail(i, found('a double-quoted property name'));
        string();
        ws();
        if (text[i] !== ':') throw new Fail(i, found("':' after a property name"));
        i++;
        value();
        ws();
        if (text[i] === ',') {
          i++;
          continue;
        }
        if (text[i] === '}') {
          i++;
          return;
        }
        throw new Fail(i, found("',' or '}' after a property value"));
      }
    }
    if (ch === '[') {
      i++;
      ws();
      if (text[i] === ']') {
        i++;
        return;
      }
      for (;;) {
        value();
        ws();
        if (text[i] === ',') {
          i++;
          continue;
        }
        if (text[i] === ']') {
          i++;
          return;
        }
        throw new Fail(i, found("',' or ']' after an array element"));
      }
    }
    if (ch === '"') return string();
    if (ch === '-' || (ch >= '0' && ch <= '9')) {
      if (ch === '-') i++;
      if (text[i] === '0') i++;
      else digits();
      if (text[i] === '.') {
        i++;
        digits();
      }
      if (text[i] === 'e' || text[i] === 'E') {
        i++;
        if (text[i] === '+' || text[i] === '-') i++;
        digits();
      }
      return;
    }
    for (const literal of ['true', 'false', 'null']) {
      if (ch === literal[0]) {
        for (let k = 0; k < literal.length; k++, i++) {
          if (text[i] !== literal[k]) throw new Fail(i, found(`the literal ${literal}`));
        }
        return;
      }
    }
    throw new Fail(i, found('a value'));
  };
  try {
    value();
    ws();
    if (i < text.length) throw new Fail(i, `unexpected ${here()} after the end of the JSON value`);
    return null;
  } catch (error) {
    if (error instanceof Fail) return { offset: error.offset, message: error.message };
    throw error;
  }
}

function describeChar(ch: string): string {
  if (ch === "'") return `"'"`;
  return ch.charCodeAt(0) < 0x20 ? JSON.stringify(ch) : `'${ch}'`;
}

function jsonErrorText(file: string, text: string, parseError: unknown): string {
  const located = locateJsonError(text);
  if (located === null) return `${file}: not valid JSON: ${parseError instanceof Error ? parseError.message : String(parseError)}`;
  const { line, column } = lineColumn(text, located.offset);
  const sourceLine = text.split('\n')[line - 1]?.replace(/\r$/, '') ?? '';
  const lines = [`${file}:${line}:${column}: not valid JSON: ${located.message}`];
  if (sourceLine.length <= 200) lines.push(`  ${sourceLine.replace(/\t/g, ' ')}`, `  ${' '.repeat(column - 1)}^`);
  return lines.join('\n');
}

const LAYER_COLUMNS: TableColumn<LayerReport & { n: number }>[] = [
  { header: 'layer', align: 'right', cell: (l) => String(l.n) },
  { header: 'material', align: 'left', cell: (l) => l.material },
  { header: 'mass mg', align: 'right', cell: (l) => fixedOrDash(l.mass_mg, 1) },
  { header: 'thickness mm', align: 'right', cell: (l) => fixedOrDash(l.thickness_mm, 4) },
  { header: 'relative density', align: 'right', cell: (l) => fixedOrDash(l.relative_density, 3) },
];

function formatDuration(seconds: number): string {
  return seconds >= 10 ? seconds.toFixed(0) : seconds >= 0.1 ? seconds.toFixed(1) : seconds.toFixed(3);
}

interface Io {
  stdout: (text: string) => void;
  stderr: (text: string) => void;
}

function runCommand(args: RunArgs, io: Io): number {
  let text: string;
  try {
    text = readFileSync(args.file, 'utf8');
  } catch (error) {
    const reason = (error as NodeJS.ErrnoException).code === 'ENOENT' ? 'no such file' : (error as Error).message;
    io.stderr(`${args.file}: cannot read: ${reason}`);
    return EXIT_FAILED;
  }
  if (text.charCodeAt(0) === 0xfeff) text = text.slice(1);
  let program: unknown;
  try {
    program = JSON.parse(text);
  } catch (error) {
    io.stderr(jsonErrorText(args.file, text, error));
    return EXIT_FAILED;
  }

  const wallStart = performance.now();
  const result = dryRun(program, { seed: args.seed, traceEveryTicks: 1 });
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
    ticks: result.ticks,
    overruns: result.overruns,
    lease_expiries: result.leaseExpiries,
  };

  // With --json, stdout carries the JSON only; everything else goes to stderr.
  const info = args.json ? io.stderr : io.stdout;
  if (args.json) {
    io.stdout(JSON.stringify(reportJson, null, 2));
  } else {
    io.stdout(formatStepTable(report));
    io.stdout('');
    io.stdout(formatFixedWidthTable(LAYER_COLUMNS, result.layers.map((layer, k) => ({ ...layer, n: k + 1 }))));
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
    const stepTypes = Array.isArray((program as { steps?: unknown }).steps)
      ? (program as { steps: { type?: unknown }[] }).steps.map((step) => String(step?.type))
      : [];
    write('trace.csv', traceToCsv(result.trace));
    write('plot.svg', traceToSvg(result.trace, { title: `${report.program} (seed ${args.seed})`, stepTypes }));
  }
  write('report.json', JSON.stringify(reportJson, null, 2) + '\n');

  for (const file of written) info(`wrote ${file}`);
  const speed = wallS > 0 ? `${Math.round(result.simTimeS / wallS)}x real time` : 'faster than the clock can tell';
  info(`simulated ${formatDuration(result.simTimeS)} s in ${formatDuration(wallS)} s: ${speed}`);
  if (report.result !== 'completed') info(`the run did not complete: ${report.result}`);
  return report.result === 'completed' ? EXIT_OK : EXIT_FAILED;
}

/** Runs the command line (without the node and script arguments); returns the exit code. */
export function main(argv: string[], io: Io = { stdout: (t) => console.log(t), stderr: (t) => console.error(t) }): number {
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
  return runCommand(command.args, io);
}

function isEntryPoint(): boolean {
  const script = process.argv[1];
  if (script === undefined) return false;
  try {
    return import.meta.url === pathToFileURL(realpathSync(script)).href;
  } catch {
    return false;
  }
}

if (isEntryPoint()) process.exitCode = main(process.argv.slice(2));
