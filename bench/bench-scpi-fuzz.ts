// npm run bench:scpi — fuzzes the SCPI protocol core (src/protocol/) with generated traffic:
// random bytes, valid messages built from the command table, mutated messages, over-long
// lines and blocks, floods, every input split at random points. Checks after every input that
// no exception escaped, that output, error queue and held buffers stay within their bounds;
// every 1 000 inputs that the session still answers *IDN? (after a device clear, or after
// enough filler to end any message state); every 25th input that the same bytes split
// differently give the same responses and errors. Reports inputs/s, memory held and errors
// by code, and ends with one `scpi-fuzz:` summary line; exits 1 on any failure.
// Options: --inputs N (default 1 000 000), --seed N (default 1), --table <module> (a module
// exporting createScpiTable(): CommandTable, to fuzz a real device table instead of the fake).
// With the default inputs and seed, writes bench/results/scpi-fuzz.json (the fake table) or
// bench/results/scpi-fuzz-<module name>.json (a --table).
import path from 'node:path';
import v8 from 'node:v8';
import vm from 'node:vm';
import { pathToFileURL, fileURLToPath } from 'node:url';
import { parseJson } from '../src/json/parse-json';
import { CommandTable } from '../src/protocol/command-table';
import { fail } from '../src/protocol/errors';
import { parseHeaderPattern } from '../src/protocol/header-pattern';
import { block, boolean, choice, integer, numeric, optional, string } from '../src/protocol/parameters';
import { chars, fixed } from '../src/protocol/response';
import type { SessionLimits } from '../src/protocol/session';
import { ScpiSession } from '../src/protocol/session';
import { registerStandardCommands } from '../src/protocol/standard-commands';
import { writeResults } from './results';

export type TableFactory = () => CommandTable;

// ---------------------------------------------------------------------------------------------
// A small fake press behind the command set of the issue, with bounded state of its own.

export const FAKE_IDN = 'Fake Press Works,FP-1,SN0001,0.0.0';
const MAX_FAKE_PROGRAMS = 8;
const UNLOCK_CODE = 4711;

export function createFakeScpiTable(): CommandTable {
  const table = new CommandTable();
  const [manufacturer, model, serialNumber, firmwareVersion] = FAKE_IDN.split(',');
  const programs = new Map<string, Uint8Array>();
  let selected = '';
  let state: 'IDLE' | 'RUNNING' | 'PAUSED' = 'IDLE';
  let step = 0;
  let fault = 0;
  let calibrationUnlocked = false;
  let spanKN = 100;
  let beeper = true;
  let triggerSource = 'IMMediate';
  const reset = () => {
    state = 'IDLE';
    step = 0;
    calibrationUnlocked = false;
  };
  registerStandardCommands(table, { identity: { manufacturer, model, serialNumber, firmwareVersion }, reset });

  const name = string({ maxChars: 32, accepts: (text) => /^[A-Za-z0-9._-]+$/.test(text), describe: 'letters, digits, ".", "_" and "-"' });
  table.query('MEASure:FORCe?', [], () => fixed(12.345 + step, 3));
  table.query('MEASure:PRESsure?', [], () => fixed(157.2, 2));
  table.query('PROGram:CATalog?', [], () => [...programs.keys()]);
  table.command('PROGram:DEFine', [name, block({ maxBytes: 16384 })], ([programName, json], context) => {
    if (state !== 'IDLE' && programName === selected) fail(-284, programName);
    let text = '';
    for (const byte of json) text += String.fromCharCode(byte);
    const parsed = parseJson(text);
    if (!parsed.ok) fail(-285, `line ${parsed.line}, column ${parsed.column}: ${parsed.message}`);
    if (typeof parsed.value !== 'object' || parsed.value === null || Array.isArray(parsed.value)) {
      context.report(-285, 'a program is a JSON object');
      return;
    }
    if (!programs.has(programName) && programs.size >= MAX_FAKE_PROGRAMS) fail(-281, `${MAX_FAKE_PROGRAMS} programs stored already`);
    programs.set(programName, json);
  });
  table.query('PROGram:DEFine?', [name], ([programName]) => programs.get(programName) ?? fail(-256, programName));
  table.command('PROGram:DELete', [name], ([programName]) => {
    if (!programs.delete(programName)) fail(-256, programName);
  });
  table.command('PROGram:SELect', [name], ([programName]) => {
    if (!programs.has(programName)) fail(-256, programName);
    selected = programName;
  });
  table.command('INITiate[:IMMediate]', [], () => {
    if (selected === '') fail(-221, 'no program selected');
    if (state !== 'IDLE') fail(-284, selected);
    state = 'RUNNING';
    step = 1;
  });
  table.command('ABORt', [], () => {
    state = 'IDLE';
  });
  table.command('PROGram:CONTinue', [], () => {
    if (state !== 'PAUSED') fail(-221, 'no prompt is waiting');
    state = 'RUNNING';
  });
  table.query('PROGram:STATe?', [], () => chars(state));
  table.query('PROGram:STEP?', [], () => step);
  table.query('SYSTem:FAULt?', [], () => [fault, fault === 0 ? 'No fault' : 'Over pressure']);
  table.command('SYSTem:FAULt:CLEar', [], () => {
    fault = 0;
  });
  table.query('LOG:CATalog?', [], () => ['run-0001', 'run-0002']);
  table.query('LOG:DATA?', [integer({ min: 1, max: 1000 })], ([rows]) => {
    let csv = 't_s,p_MPa\n';
    for (let row = 0; row < rows; row++) csv += `${row * 0.01},${(row * 0.37) % 300}\n`;
    const bytes = new Uint8Array(csv.length);
    for (let k = 0; k < csv.length; k++) bytes[k] = csv.charCodeAt(k);
    return bytes;
  });
  const calibrationLocked = { locked: () => !calibrationUnlocked };
  table.command('CALibration:UNLock', [integer()], ([code]) => {
    if (code !== UNLOCK_CODE) fail(-224, 'wrong unlock code');
    calibrationUnlocked = true;
  });
  table.command('CALibration:LOCK', [], () => {
    calibrationUnlocked = false;
  });
  table.command('CALibration:ZERO', [], () => undefined, calibrationLocked);
  table.command('CALibration:SPAN', [numeric({ min: 0.1, max: 500, default: 100 })], ([kN]) => {
    spanKN = kN;
  }, calibrationLocked);
  table.query('CALibration:SPAN?', [], () => spanKN);
  table.command('SYSTem:BEEPer[:STATe]', [boolean()], ([on]) => {
    beeper = on;
  });
  table.query('SYSTem:BEEPer[:STATe]?', [], () => beeper);
  table.command('TRIGger:SOURce', [choice(['IMMediate', 'BUS'])], ([source]) => {
    triggerSource = source;
  });
  table.query('TRIGger:SOURce?', [], () => chars(triggerSource.replace(/[a-z]/g, '')));
  table.query('TEST:ECHO?', [numeric(), optional(string({ maxChars: 64 }), '')], ([value, label]) => [value, label]);
  table.query('TEST:BLOCk?', [block()], ([bytes]) => bytes);
  return table;
}

// ---------------------------------------------------------------------------------------------
// Inputs.

/** Small limits, so the bounds are hit often. */
export const FUZZ_LIMITS: SessionLimits = {
  maxMessageBytes: 256,
  maxBlockBytes: 1024,
  blockSkipLimitBytes: 4096,
  outputCapacityBytes: 2048,
  errorQueueLength: 16,
};

/** mulberry32: fast, seeded, the same sequence in every run. */
export class Rng {
  private state: number;

  constructor(seed: number) {
    this.state = seed >>> 0;
  }

  next(): number {
    this.state = (this.state + 0x6d2b79f5) >>> 0;
    let t = this.state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return (t ^ (t >>> 14)) >>> 0;
  }

  int(bound: number): number {
    return this.next() % bound;
  }

  chance(p: number): boolean {
    return this.next() < p * 4294967296;
  }

  pick<T>(items: readonly T[]): T {
    return items[this.int(items.length)];
  }
}

const SCPI_ALPHABET = 'AaBCcDEeFfIiLMNOoPRrSsTtUuVWY0123456789*:;?,."\'#+-_ \t\r\n()';
const SPECIAL_BYTES = [0x22, 0x27, 0x23, 0x0a, 0x0d, 0x3b, 0x2c, 0x3a, 0x3f, 0x2a, 0x00, 0xff, 0xc3, 0x80, 0x28, 0x20];
const VALID_PROGRAM = '{\n  "format": "press-program/1",\n  "name": "fuzz",\n  "steps": [\n    { "type": "ramp", "to_MPa": 100, "rate_MPa_s": 10 }\n  ]\n}';

export type InputKind = 'random' | 'valid' | 'mutated' | 'huge' | 'flood';
export const INPUT_KINDS: readonly InputKind[] = ['random', 'valid', 'mutated', 'huge', 'flood'];

function asciiBytes(text: string): number[] {
  const bytes: number[] = [];
  for (let k = 0; k < text.length; k++) bytes.push(text.charCodeAt(k) & 0xff);
  return bytes;
}

interface UnitTemplate {
  readonly variants: readonly (readonly { short: string; long: string }[])[];
  readonly common: boolean;
  readonly query: boolean;
  readonly params: readonly string[];
}

/** Generates traffic for a command table: what a client sends, what a broken client or a noisy line sends. */
export class FuzzInputs {
  private readonly units: UnitTemplate[];

  constructor(private readonly rng: Rng, table: CommandTable, private readonly limits: SessionLimits) {
    this.units = table.list().map((entry) => {
      const parsed = parseHeaderPattern(entry.pattern);
      return { variants: parsed.variants, common: parsed.common, query: parsed.query, params: entry.params.map((p) => p.syntax) };
    });
  }

  next(): { kind: InputKind; bytes: Uint8Array } {
    const rng = this.rng;
    const roll = rng.int(100);
    let kind: InputKind;
    let bytes: number[];
    if (roll < 25) {
      kind = 'random';
      bytes = this.randomBytes();
    } else if (roll < 55) {
      kind = 'valid';
      bytes = this.validMessage();
    } else if (roll < 90) {
      kind = 'mutated';
      bytes = this.mutate(this.validMessage());
    } else if (roll < 97) {
      kind = 'huge';
      bytes = this.huge();
    } else {
      kind = 'flood';
      bytes = this.flood();
    }
    return { kind, bytes: Uint8Array.from(bytes) };
  }

  private randomBytes(): number[] {
    const rng = this.rng;
    const length = 1 + rng.int(rng.chance(0.1) ? 2000 : 120);
    const bytes: number[] = [];
    const scpiLike = rng.chance(0.5);
    for (let k = 0; k < length; k++) bytes.push(scpiLike ? SCPI_ALPHABET.charCodeAt(rng.int(SCPI_ALPHABET.length)) : rng.int(256));
    return bytes;
  }

  private randomCase(text: string): string {
    if (this.rng.chance(0.4)) return text;
    if (this.rng.chance(0.5)) return text.toLowerCase();
    let out = '';
    for (const c of text) out += this.rng.chance(0.5) ? c.toLowerCase() : c;
    return out;
  }

  private header(unit: UnitTemplate, first: boolean): string {
    const rng = this.rng;
    const variant = rng.pick(unit.variants);
    const names = variant.map((m) => this.randomCase(rng.chance(0.5) ? m.short : m.long));
    if (unit.common) return `*${names[0]}${unit.query ? '?' : ''}`;
    // After the first unit a header must start at the root, or it is relative to the last path.
    const root = first ? (rng.chance(0.2) ? ':' : '') : rng.chance(0.9) ? ':' : '';
    return `${root}${names.join(':')}${unit.query ? '?' : ''}`;
  }

  private param(syntax: string): number[] {
    const rng = this.rng;
    const bare = syntax.startsWith('[') ? syntax.slice(1, -1) : syntax;
    const choice = rng.pick(bare.split('|'));
    if (choice === '<numeric>') {
      const value = rng.chance(0.7) ? rng.int(1200) : (rng.next() / 4294967296) * 10 ** (rng.int(12) - 6);
      const forms = [String(value), value.toExponential(3), value.toFixed(2), `#H${Math.floor(value).toString(16)}`, `-${value}`, `+${value}E0`];
      return asciiBytes(rng.pick(forms));
    }
    if (choice === '<string>') {
      const names = ['fuzz', 'p1', 'layer-3', 'a.b_c', 'x', '', 'has space', 'quote""d', 'Ωmega'];
      const text = rng.pick(names);
      const quote = rng.chance(0.8) ? '"' : "'";
      const body = quote === '"' ? text : text.replace(/""/g, '"');
      return [...new TextEncoder().encode(`${quote}${body}${quote}`)];
    }
    if (choice === '<block>') {
      const body = rng.chance(0.6) ? asciiBytes(VALID_PROGRAM) : this.randomBytes().slice(0, rng.int(200));
      const length = String(body.length);
      return [...asciiBytes(`#${length.length}${length}`), ...body];
    }
    return asciiBytes(this.randomCase(rng.chance(0.5) ? choice.replace(/[a-z]/g, '') : choice.toUpperCase()));
  }

  validMessage(): number[] {
    const rng = this.rng;
    const count = 1 + (rng.chance(0.3) ? rng.int(4) : 0);
    const bytes: number[] = [];
    for (let u = 0; u < count; u++) {
      const unit = rng.pick(this.units);
      if (u > 0) bytes.push(0x3b);
      bytes.push(...asciiBytes(this.header(unit, u === 0)));
      const params = unit.params.filter((syntax) => !syntax.startsWith('[') || rng.chance(0.5));
      params.forEach((syntax, k) => {
        bytes.push(k === 0 ? 0x20 : 0x2c);
        bytes.push(...this.param(syntax));
      });
    }
    if (rng.chance(0.3)) bytes.push(0x0d);
    bytes.push(0x0a);
    return bytes;
  }

  private mutate(bytes: number[]): number[] {
    const rng = this.rng;
    const count = 1 + rng.int(4);
    for (let m = 0; m < count && bytes.length > 0; m++) {
      const at = rng.int(bytes.length);
      switch (rng.int(6)) {
        case 0:
          bytes[at] = rng.int(256);
          break;
        case 1:
          bytes.splice(at, 0, rng.pick(SPECIAL_BYTES));
          break;
        case 2:
          bytes.splice(at, 1 + rng.int(3));
          break;
        case 3:
          bytes.splice(at, 0, ...bytes.slice(at, at + 1 + rng.int(20)));
          break;
        case 4:
          bytes.splice(at, 0, ...asciiBytes(rng.pick(['#9', '#0', '#1', '""', "'", '#H', '1e99999', ';;', ',,', ':', '?', '*'])));
          break;
        default:
          bytes.length = at;
      }
    }
    return bytes;
  }

  private huge(): number[] {
    const rng = this.rng;
    const { maxMessageBytes, maxBlockBytes, blockSkipLimitBytes } = this.limits;
    switch (rng.int(4)) {
      case 0: {
        // A line over the bound.
        const bytes = asciiBytes('TEST:ECHO? 1,"');
        for (let k = 0; k < maxMessageBytes + rng.int(maxMessageBytes); k++) bytes.push(0x61 + (k % 26));
        bytes.push(0x22, 0x0a);
        return bytes;
      }
      case 1: {
        // A block over the bound that is skipped whole, newlines and all.
        const length = maxBlockBytes + 1 + rng.int(Math.max(1, blockSkipLimitBytes - maxBlockBytes));
        const digits = String(length);
        const bytes = asciiBytes(`PROG:DEF "big",#${digits.length}${digits}`);
        for (let k = 0; k < length; k++) bytes.push(k % 40 === 39 ? 0x0a : 0x7b);
        bytes.push(0x0a);
        return bytes;
      }
      case 2: {
        // A declared length so long it is taken as garbage.
        const bytes = asciiBytes(`PROG:DEF "big",#9${String(blockSkipLimitBytes + 1 + rng.int(1e6)).padStart(9, '0')}abc\n`);
        return bytes;
      }
      default: {
        // An unterminated string that swallows newlines until the line bound.
        const bytes = asciiBytes('PROG:SEL "');
        for (let k = 0; k < maxMessageBytes + 10; k++) bytes.push(k % 30 === 29 ? 0x0a : 0x7a);
        bytes.push(0x0a);
        return bytes;
      }
    }
  }

  private flood(): number[] {
    const rng = this.rng;
    const unit = asciiBytes(rng.pick(['*IDN?\n', 'MEAS:FORC?;PRES?\n', 'LOG:DATA? 20\n', 'XYZ\n', '*ESR?;*STB?;SYST:ERR?\n']));
    const bytes: number[] = [];
    const count = 20 + rng.int(200);
    for (let k = 0; k < count; k++) bytes.push(...unit);
    return bytes;
  }
}

// ---------------------------------------------------------------------------------------------
// The run.

export interface FuzzOptions {
  inputs: number;
  seed: number;
  createTable?: TableFactory;
  limits?: SessionLimits;
  /** For the harness's own tests: how sessions are made. */
  createSession?: (table: CommandTable, limits: SessionLimits) => ScpiSession;
  recoveryEvery?: number;
  splitCheckEvery?: number;
  /** Called every `sampleEvery` inputs (the bench measures the heap there). */
  onSample?: (inputsDone: number) => void;
  sampleEvery?: number;
}

export interface FuzzReport {
  inputs: number;
  seconds: number;
  inputsByKind: Record<InputKind, number>;
  bytesFed: number;
  errorsByCode: Map<number, number>;
  responseBytes: number;
  maxHeldBytes: number;
  heldBound: number;
  maxPendingOutput: number;
  maxErrorQueue: number;
  recoveryChecks: number;
  splitChecks: number;
  failures: string[];
}

const encoder = new TextEncoder();

function feedSplit(session: ScpiSession, bytes: Uint8Array, rng: Rng): void {
  const cuts: number[] = [];
  const pieces = rng.int(6);
  for (let k = 0; k < pieces; k++) cuts.push(rng.int(bytes.length + 1));
  cuts.sort((a, b) => a - b);
  let start = 0;
  for (const cut of [...cuts, bytes.length]) {
    session.feed(bytes, start, cut);
    start = cut;
  }
}

/** Everything the session has queued for the client. */
export function drainOutput(session: ScpiSession): Uint8Array {
  const out = new Uint8Array(session.pendingOutput);
  session.readOutput(out);
  return out;
}

/** Every queued error as `code,text`, oldest first; empties the queue. */
export function drainErrors(session: ScpiSession): string[] {
  const errors: string[] = [];
  while (session.status.errors.count > 0) {
    const error = session.status.errors.next();
    errors.push(`${error.code},${error.text}`);
  }
  return errors;
}

function sameBytes(a: Uint8Array, b: Uint8Array): boolean {
  if (a.length !== b.length) return false;
  for (let k = 0; k < a.length; k++) if (a[k] !== b[k]) return false;
  return true;
}

function latin1(bytes: Uint8Array, max = 120): string {
  let text = '';
  for (let k = 0; k < Math.min(bytes.length, max); k++) text += String.fromCharCode(bytes[k]);
  return JSON.stringify(text) + (bytes.length > max ? `… (${bytes.length} bytes)` : '');
}

/** Bytes that end any message state: longer than the longest skipped block plus a full block and a full line. */
export function recoveryFiller(limits: SessionLimits): Uint8Array {
  const filler = new Uint8Array(limits.blockSkipLimitBytes + limits.maxBlockBytes + limits.maxMessageBytes + 2).fill(0x78);
  filler[filler.length - 1] = 0x0a;
  return filler;
}

export function runFuzz(options: FuzzOptions): FuzzReport {
  const createTable = options.createTable ?? createFakeScpiTable;
  const limits = options.limits ?? FUZZ_LIMITS;
  const createSession = options.createSession ?? ((table, sessionLimits) => new ScpiSession(table, sessionLimits));
  const recoveryEvery = options.recoveryEvery ?? 1000;
  const splitCheckEvery = options.splitCheckEvery ?? 25;
  const rng = new Rng(options.seed);
  const table = createTable();
  const session = createSession(table, limits);
  const inputs = new FuzzInputs(new Rng(options.seed ^ 0x5bd1e995), table, limits);
  const heldBound = limits.maxMessageBytes + limits.maxBlockBytes + limits.outputCapacityBytes + 2 * limits.errorQueueLength * 255;
  const filler = recoveryFiller(limits);
  const idnQuery = encoder.encode('*IDN?\n');
  const report: FuzzReport = {
    inputs: 0,
    seconds: 0,
    inputsByKind: { random: 0, valid: 0, mutated: 0, huge: 0, flood: 0 },
    bytesFed: 0,
    errorsByCode: new Map(),
    responseBytes: 0,
    maxHeldBytes: 0,
    heldBound,
    maxPendingOutput: 0,
    maxErrorQueue: 0,
    recoveryChecks: 0,
    splitChecks: 0,
    failures: [],
  };
  const failure = (what: string) => {
    if (report.failures.length < 20) report.failures.push(`input ${report.inputs}: ${what}`);
  };
  const countErrors = (errors: string[]) => {
    for (const error of errors) {
      const code = Number(error.slice(0, error.indexOf(',')));
      report.errorsByCode.set(code, (report.errorsByCode.get(code) ?? 0) + 1);
    }
  };

  // What *IDN? answers on a fresh session: the reference for every recovery check.
  const reference = createSession(createTable(), limits);
  reference.feed(idnQuery);
  const idnAnswer = drainOutput(reference);

  const started = performance.now();
  for (let n = 0; n < options.inputs; n++) {
    const input = inputs.next();
    report.inputs++;
    report.inputsByKind[input.kind]++;
    report.bytesFed += input.bytes.length;
    try {
      feedSplit(session, input.bytes, rng);
    } catch (error) {
      failure(`exception escaped feed on ${latin1(input.bytes)}: ${(error as Error).stack ?? error}`);
    }
    const held = session.heldBytes();
    if (held > report.maxHeldBytes) report.maxHeldBytes = held;
    if (held > heldBound) failure(`session holds ${held} bytes, bound ${heldBound}`);
    if (session.pendingOutput > limits.outputCapacityBytes) failure(`output ${session.pendingOutput} bytes over capacity ${limits.outputCapacityBytes}`);
    report.maxPendingOutput = Math.max(report.maxPendingOutput, session.pendingOutput);
    report.maxErrorQueue = Math.max(report.maxErrorQueue, session.status.errors.count);
    if (session.status.errors.count > limits.errorQueueLength) failure(`error queue holds ${session.status.errors.count}`);
    if (rng.chance(0.8)) {
      const out = drainOutput(session);
      report.responseBytes += out.length;
      if (out.length > 0 && out[out.length - 1] !== 0x0a) failure(`output does not end with a newline: ${latin1(out.subarray(Math.max(0, out.length - 60)))}`);
    }
    if (rng.chance(0.5)) countErrors(drainErrors(session));

    if ((n + 1) % recoveryEvery === 0) {
      report.recoveryChecks++;
      const viaClear = report.recoveryChecks % 2 === 0;
      try {
        if (viaClear) session.deviceClear();
        else session.feed(filler);
        drainOutput(session);
        countErrors(drainErrors(session));
        session.feed(idnQuery);
        const answer = drainOutput(session);
        if (!sameBytes(answer, idnAnswer)) failure(`*IDN? after ${viaClear ? 'a device clear' : 'the filler'} answered ${latin1(answer)}`);
        const errors = drainErrors(session);
        if (errors.length > 0) failure(`*IDN? after recovery queued ${errors.join(' | ')}`);
      } catch (error) {
        failure(`exception in the recovery check: ${(error as Error).stack ?? error}`);
      }
    }

    if ((n + 1) % splitCheckEvery === 0) {
      report.splitChecks++;
      try {
        const whole = createSession(createTable(), limits);
        const split = createSession(createTable(), limits);
        whole.feed(input.bytes);
        for (let k = 0; k < input.bytes.length; ) {
          const piece = 1 + rng.int(rng.chance(0.3) ? 2 : 64);
          split.feed(input.bytes, k, Math.min(input.bytes.length, k + piece));
          k += piece;
        }
        const [a, b] = [drainOutput(whole), drainOutput(split)];
        const [errorsA, errorsB] = [drainErrors(whole), drainErrors(split)];
        if (!sameBytes(a, b) || errorsA.join('\n') !== errorsB.join('\n') || whole.status.esr !== split.status.esr) {
          failure(`split feed differs for ${latin1(input.bytes)}: ${latin1(a)} / ${errorsA.join(' | ')} vs ${latin1(b)} / ${errorsB.join(' | ')}`);
        }
      } catch (error) {
        failure(`exception in the split check: ${(error as Error).stack ?? error}`);
      }
    }
    if (options.onSample !== undefined && (n + 1) % (options.sampleEvery ?? 50_000) === 0) options.onSample(n + 1);
  }
  countErrors(drainErrors(session));
  report.seconds = (performance.now() - started) / 1000;
  return report;
}

// ---------------------------------------------------------------------------------------------
// Command line.

function option(name: string): string | undefined {
  const at = process.argv.indexOf(name);
  return at >= 0 ? process.argv[at + 1] : undefined;
}

function positiveInteger(name: string, fallback: number): number {
  const text = option(name);
  if (text === undefined) return fallback;
  const value = Number(text.replace(/_/g, ''));
  if (!Number.isInteger(value) || value <= 0) throw new Error(`${name} needs a positive integer`);
  return value;
}

const group = (n: number) => Math.round(n).toLocaleString('en-US').replace(/,/g, ' ');

/** The collector, when V8 lets us have it (heap figures after a full collection mean retained memory). */
function collector(): (() => void) | null {
  try {
    v8.setFlagsFromString('--expose-gc');
    return vm.runInNewContext('gc') as () => void;
  } catch {
    return null;
  }
}

async function main(): Promise<void> {
  const inputs = positiveInteger('--inputs', 1_000_000);
  const seed = positiveInteger('--seed', 1);
  const tableModule = option('--table');
  let createTable: TableFactory = createFakeScpiTable;
  if (tableModule !== undefined) {
    const loaded = (await import(pathToFileURL(path.resolve(tableModule)).href)) as { createScpiTable?: TableFactory };
    if (typeof loaded.createScpiTable !== 'function') throw new Error(`${tableModule} does not export createScpiTable()`);
    createTable = loaded.createScpiTable;
  }
  const gc = collector();
  const retainedHeap = () => {
    gc?.();
    return process.memoryUsage().heapUsed;
  };
  const samples: number[] = [retainedHeap()];
  const report = runFuzz({ inputs, seed, createTable, onSample: () => samples.push(retainedHeap()) });
  samples.push(retainedHeap());
  const rate = report.inputs / report.seconds;
  const mb = (bytes: number) => (bytes / 1e6).toFixed(1);
  const afterWarmup = samples.slice(1);

  console.log(`bench:scpi: ${group(inputs)} inputs (seed ${seed}, ${tableModule ?? 'fake device table'}), one session, limits ${JSON.stringify(FUZZ_LIMITS)}`);
  console.log(`  inputs by kind: ${INPUT_KINDS.map((k) => `${k} ${group(report.inputsByKind[k])}`).join(', ')}; ${mb(report.bytesFed)} MB fed, ${mb(report.responseBytes)} MB of responses read`);
  console.log(`  ${report.seconds.toFixed(1)} s, ${group(rate)} inputs/s, ${(report.bytesFed / 1e6 / report.seconds).toFixed(1)} MB/s`);
  console.log(`  memory held by the session: max ${group(report.maxHeldBytes)} bytes (bound ${group(report.heldBound)}); output queue max ${group(report.maxPendingOutput)} bytes; error queue max ${report.maxErrorQueue} entries`);
  console.log(`  Node heap ${gc === null ? '(no collector: includes garbage)' : 'after a full collection'}: ${mb(samples[0])} MB at start, ${mb(afterWarmup[0])} MB after the first ${group(Math.min(inputs, 50_000))} inputs, max ${mb(Math.max(...afterWarmup))} MB, ${mb(samples[samples.length - 1])} MB at the end (${samples.length} samples)`);
  console.log(`  checks: ${group(report.recoveryChecks)} recoveries (*IDN? answered), ${group(report.splitChecks)} split-invariance`);
  const codes = [...report.errorsByCode.entries()].sort((a, b) => b[1] - a[1]);
  console.log(`  errors read, by code: ${codes.map(([code, count]) => `${code} ×${group(count)}`).join(', ')}`);
  for (const f of report.failures) console.log(`  FAIL ${f}`);
  console.log(`scpi-fuzz: ${group(inputs)} inputs, ${group(rate)} inputs/s, max held ${group(report.maxHeldBytes)} bytes, heap growth ${mb(samples[samples.length - 1] - afterWarmup[0])} MB, ${report.failures.length} failures`);
  if (option('--inputs') === undefined && option('--seed') === undefined) {
    const table = tableModule === undefined ? null : path.basename(tableModule).replace(/\.[cm]?[jt]s$/, '');
    writeResults(table === null ? 'scpi-fuzz' : `scpi-fuzz-${table}`, `npm run bench:scpi${tableModule === undefined ? '' : ` -- --table ${path.relative(process.cwd(), path.resolve(tableModule))}`}`, {
      table: tableModule === undefined ? 'fake' : path.relative(process.cwd(), path.resolve(tableModule)),
      inputs,
      seed,
      seconds: Math.round(report.seconds * 10) / 10,
      inputsPerS: Math.round(rate),
      maxHeldBytes: report.maxHeldBytes,
      heldBoundBytes: report.heldBound,
      heapBytes: { start: samples[0], afterWarmup: afterWarmup[0], warmupInputs: Math.min(inputs, 50_000), max: Math.max(...afterWarmup), end: samples[samples.length - 1], collected: gc !== null },
      recoveryChecks: report.recoveryChecks,
      splitChecks: report.splitChecks,
      errorsByCode: Object.fromEntries(codes.map(([code, count]) => [String(code), count])),
      failures: report.failures,
    });
  }
  process.exitCode = report.failures.length === 0 ? 0 : 1;
}

if (process.argv[1] !== undefined && fileURLToPath(import.meta.url) === path.resolve(process.argv[1])) {
  main().catch((error: unknown) => {
    console.error(error);
    process.exitCode = 1;
  });
}
