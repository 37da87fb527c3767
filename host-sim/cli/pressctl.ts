/**
 * pressctl: the press (or press-sim serve) from the command line, over its SCPI protocol.
 *
 *   pressctl --port /dev/ttyACM0|/dev/pts/N|tcp://host:port <command> [args]
 */
import { writeFileSync } from 'node:fs';
import { createInterface } from 'node:readline';
import { formatValidationError, validateProgram } from '../../src/programs/validate';
import { simulatedDeviceCapabilities } from '../scenario';
import { ClientError, DeviceErrors, QueryRefused, ScpiClient, blockBytes, openScpiClient, encodeBlock, pagedCsv, splitResponse } from './scpi-client';
import { isEntryPoint } from './options';
import { csvFields, formatRunHeader, formatRunStepTable } from '../output/run-log-table';
import { formatProgramFileError, readProgramFile } from './program-file';
import { formatProgramDate, setPressClock } from './press-clock';
import { exitWhenFlushed, guardStdio, writeStderr, writeStdout } from './stdio';

const USAGE = `Usage: pressctl --port PORT [--timeout S] <command> [args]

PORT is a serial device (/dev/ttyACM0, /dev/ttyUSB0, /dev/pts/N from press-sim serve --pty)
or tcp://host:port (press-sim serve --tcp; raw SCPI, usually port 5025). $PRESS_PORT is
used when --port is not given.

Commands:
  upload <file.json>...     validate locally, then store each program on the press (says
                            when it replaces a program of the same name)
  list                      stored programs with their die, step count and the date each was
                            stored (UTC; - when not known; * marks the selected one)
  show <name>               a stored program as JSON
  delete <name>             delete a stored program
  select <name>             select a stored program
  run <name> [--watch]      select and start a program; --watch follows it live (pressure,
                            step, progress) and answers each prompt when you press Enter;
                            Ctrl-C while watching aborts the run; it ends with a summary:
                            result, steps, peak and duration
  continue                  answer the prompt the press is waiting at (only a run this
                            connection started: from another pressctl call, press Continue
                            at the press, or use run --watch)
  abort [--force]           stop the run and let the load down; a run another connection or
                            the press started needs --force (ABOR:FORC, logged with who)
  status                    state, program, step, force and pressure, fault, store
  faults [--clear]          the latched fault; --clear resets it where the press allows a
                            remote reset (by default no fault: hold Stop 2 s at the press)
  logs                      the runs in the log, newest first
  log <n> [--csv] [--out FILE]
                            run n's header and a summary of its samples, or the CSV
                            (t_s,step,label,state,pressure_MPa,force_kN,setpoint_MPa,target_MPa;
                            to stdout or FILE)
  log <n> --steps           run n's step summaries as a table (LOG:STEP?)
  calibrate [show]          the calibration in force and the raw reading
  calibrate commission CODE
                            request a six-digit unlock code; someone holds Continue 3 s at the press
  calibrate set --code CODE --tare COUNTS --kn-per-count K --reference TEXT [--date S] [--error PCT]
                            unlock with CODE and put a new calibration in force
Exit status: 0 done, 1 the press refused a command or a query (its own error is printed),
or a watched run ended ABORTED, FAULT or completed outside tolerance, 2 usage, 3 cannot
reach the press (no device, no connection, no answer within the timeout).

On connect pressctl sets the press's clock from this computer's UTC clock (SYST:DATE,
SYST:TIME): the press keeps no time over a power-off, and dates the programs it stores by it.
A press that refuses (older firmware) gets a warning on stderr, and the command goes on.`;

class UsageError extends Error {}

export interface PressctlIo {
  stdout: (text: string) => void;
  stderr: (text: string) => void;
  /** Lines typed by the user (Enter answers a prompt in run --watch). */
  lines?: AsyncIterable<string>;
  /** Writes without a newline (the live status line). */
  status?: (text: string) => void;
}

function takeOption(args: string[], name: string): string | undefined {
  const at = args.indexOf(name);
  if (at < 0) return undefined;
  const value = args[at + 1];
  if (value === undefined) throw new UsageError(`${name} needs a value`);
  args.splice(at, 2);
  return value;
}

function takeFlag(args: string[], name: string): boolean {
  const at = args.indexOf(name);
  if (at < 0) return false;
  args.splice(at, 1);
  return true;
}

function one(args: string[], what: string): string {
  if (args.length !== 1) throw new UsageError(`expected ${what}`);
  return args[0];
}

function quoted(text: string): string {
  return `"${text.replace(/"/g, '""')}"`;
}

function progressBar(fraction: number, width = 20): string {
  const filled = Math.max(0, Math.min(width, Math.round(fraction * width)));
  return `[${'#'.repeat(filled)}${'-'.repeat(width - filled)}]`;
}

async function upload(client: ScpiClient, files: string[], io: PressctlIo): Promise<number> {
  if (files.length === 0) throw new UsageError('upload needs at least one program file');
  const capabilities = simulatedDeviceCapabilities();
  let failed = false;
  for (const file of files) {
    // Bounded: a file over the press's PROG:DEF limit is refused unread.
    const loaded = readProgramFile(file);
    if (!loaded.ok) {
      for (const line of formatProgramFileError(file, loaded)) io.stderr(line);
      failed = true;
      continue;
    }
    const text = loaded.text;
    const result = validateProgram(loaded.value, capabilities);
    if (!result.ok) {
      for (const error of result.errors) io.stderr(`${file}: ${formatValidationError(error)}`);
      failed = true;
      continue;
    }
    const name = result.program.name;
    const replacing = splitResponse(await client.query('PROG:CAT?')).includes(name);
    const head = new TextEncoder().encode(`PROG:DEF ${quoted(name)},`);
    const body = encodeBlock(new TextEncoder().encode(text));
    const message = new Uint8Array(head.length + body.length);
    message.set(head);
    message.set(body, head.length);
    try {
      await client.command(message);
      io.stdout(`${file}: stored as "${name}"${replacing ? ', replacing the program of that name on the press' : ''}`);
      // The press's own warnings, against its own load cell and limits.
      for (const warning of splitResponse(await client.query(`PROG:WARN? ${quoted(name)}`))) if (warning !== '') io.stderr(`${file}: warning: ${warning}`);
    } catch (error) {
      if (!(error instanceof DeviceErrors)) throw error;
      for (const e of error.errors) io.stderr(`${file}: ${e}`);
      failed = true;
    }
  }
  return failed ? 1 : 0;
}

/** The die of a stored program as the list shows it: its bore, or its area. */
export function describeDie(program: unknown): string {
  const die = (program as { die?: { diameter_mm?: unknown; area_mm2?: unknown } } | null)?.die;
  if (typeof die?.diameter_mm === 'number') return `${die.diameter_mm} mm`;
  if (typeof die?.area_mm2 === 'number') return `${die.area_mm2} mm²`;
  return '?';
}

/** When a program was stored (PROG:DATE?): `-` when the press does not know, or has no PROG:DATE? (older firmware). */
async function programDate(client: ScpiClient, name: string): Promise<string> {
  try {
    return formatProgramDate(Number(splitResponse(await client.query(`PROG:DATE? ${quoted(name)}`))[0]));
  } catch (error) {
    if (!(error instanceof QueryRefused)) throw error;
    return '-';
  }
}

/** The stored programs with their die, step count and date, read back from the press (PROG:DEF?, PROG:DATE?). */
async function list(client: ScpiClient, io: PressctlIo): Promise<number> {
  const names = splitResponse(await client.query('PROG:CAT?')).filter((n) => n !== '');
  const selected = splitResponse(await client.query('PROG:SEL?'))[0];
  if (names.length === 0) {
    io.stdout('(no programs stored)');
    return 0;
  }
  const rows: [string, string, string, string][] = [];
  for (const name of names) {
    const date = await programDate(client, name);
    try {
      const program = JSON.parse(new TextDecoder().decode(blockBytes(await client.queryBytes(`PROG:DEF? ${quoted(name)}`)))) as { steps?: unknown };
      rows.push([name, describeDie(program), date, Array.isArray(program.steps) ? String(program.steps.length) : '?']);
    } catch (error) {
      if (!(error instanceof QueryRefused) && !(error instanceof SyntaxError)) throw error;
      rows.push([name, '?', date, error instanceof QueryRefused ? `unreadable: ${error.errors.join('; ')}` : 'unreadable']);
    }
  }
  const nameWidth = Math.max(4, ...names.map((n) => n.length));
  const dieWidth = Math.max(3, ...rows.map((r) => r[1].length));
  const dateWidth = Math.max(6, ...rows.map((r) => r[2].length));
  io.stdout(`  ${'NAME'.padEnd(nameWidth)}  ${'DIE'.padEnd(dieWidth)}  ${'STORED'.padEnd(dateWidth)}  STEPS`);
  for (const [name, die, date, steps] of rows) io.stdout(`${name === selected ? '*' : ' '} ${name.padEnd(nameWidth)}  ${die.padEnd(dieWidth)}  ${date.padEnd(dateWidth)}  ${steps}`);
  return 0;
}

async function status(client: ScpiClient, io: PressctlIo): Promise<number> {
  const [state, selected] = splitResponse(await client.query('PROG:STAT?;SEL?'));
  const [step, count, leftS, label] = splitResponse(await client.query('PROG:STEP?'));
  const force = await client.query('MEAS:FORC?');
  const pressure = selected === '' ? '' : await client.query('MEAS:PRES?');
  const [fault, faultText] = splitResponse(await client.query('SYST:FAUL?'));
  const prompt = splitResponse(await client.query('PROG:PROM?'))[0];
  const [storeCode, storeText] = splitResponse(await client.query('SYST:STOR?'));
  const [result, outside] = splitResponse(await client.query('PROG:RES?'));
  io.stdout(`state     ${state}`);
  if (result === 'OUTSIDE_TOL') io.stdout(`result    completed outside tolerance: ${outside}`);
  io.stdout(`program   ${selected === '' ? '(none selected)' : selected}`);
  if (Number(step) > 0) io.stdout(`step      ${step}/${count} ${label}${Number(leftS) > 0 ? `, ${leftS} s left` : ''}`);
  if (prompt !== '') io.stdout(`prompt    ${prompt}`);
  io.stdout(`force     ${force} kN`);
  if (pressure !== '') io.stdout(`pressure  ${pressure} MPa`);
  io.stdout(`fault     ${fault === '0' ? 'none' : faultText}`);
  // What the press's store found at boot (docs/storage.md): 120 damaged, 121 calibration lost too.
  io.stdout(`store     ${storeCode === '0' ? 'intact' : `DAMAGED (${storeCode}): ${storeText}`}`);
  return 0;
}

const FINAL_STATES = ['COMPLETE', 'ABORTED', 'FAULT'];
/** Width of the step label in the watch line; longer labels are cut. */
const WATCH_LABEL_CHARS = 16;

function fit(text: string, width: number): string {
  return text.length > width ? `${text.slice(0, width - 1)}…` : text.padEnd(width);
}

/**
 * One line of run --watch. Every field has a fixed width (the step numbers that of the
 * program's step count), so the columns stay put as the run goes.
 */
export function watchLine(state: string, step: string, count: string, label: string, pressure: string, fraction: number): string {
  const digits = Math.max(1, count.length);
  const mpa = Number(pressure);
  const pressureText = pressure === '' || !Number.isFinite(mpa) || Math.abs(mpa) >= 1e6 ? '-' : mpa.toFixed(2);
  return `${fit(state, 8)} step ${step.padStart(digits)}/${count.padEnd(digits)} ${fit(label, WATCH_LABEL_CHARS)} ${pressureText.padStart(8)} MPa ${progressBar(fraction)}`;
}

/** Seconds as "42.0 s", "12 min 5 s", "1 h 02 min". */
export function formatRunDuration(seconds: number): string {
  if (seconds < 60) return `${seconds.toFixed(1)} s`;
  const total = Math.round(seconds);
  if (total < 3600) return `${Math.floor(total / 60)} min ${total % 60} s`;
  return `${Math.floor(total / 3600)} h ${String(Math.floor((total % 3600) / 60)).padStart(2, '0')} min`;
}

interface WatchedRun {
  program: string;
  stepsSeen: number;
  count: number;
  peakSeenMPa: number;
  wallStartMs: number;
}

/**
 * The summary line of a watched run: result, steps, peak and duration. The peak and the
 * duration come from the press's run log (its peak, its last sample's time); when the log
 * does not answer, the peak is the highest pressure seen while watching and the duration
 * the wall time watched.
 */
async function runSummary(client: ScpiClient, result: string, run: WatchedRun): Promise<string> {
  let peak = `${run.peakSeenMPa.toFixed(2)} MPa (seen)`;
  let duration = `${formatRunDuration((Date.now() - run.wallStartMs) / 1000)} (wall time)`;
  try {
    const [id, name, , peakText] = splitResponse(await client.query('LOG:CAT? 1'));
    if (name === run.program && id !== undefined && id !== '') {
      if (peakText !== undefined && peakText !== '9.91E+37') peak = `${Number(peakText).toFixed(2)} MPa`;
      const rows = Number(await client.query(`LOG:ROWS? ${id}`));
      if (rows > 0) {
        const page = new TextDecoder().decode(blockBytes(await client.queryBytes(`LOG:DATA? ${id},${rows - 1}`)));
        const last = page.trimEnd().split('\n').filter((line) => line !== '' && !line.startsWith('t_s,')).at(-1);
        const lastS = last === undefined ? NaN : Number(last.split(',')[0]);
        if (Number.isFinite(lastS)) duration = formatRunDuration(lastS);
      }
    }
  } catch (error) {
    if (!(error instanceof DeviceErrors)) throw error;
  }
  const steps = result === 'COMPLETE' ? `${run.count}/${run.count}` : `${run.stepsSeen}/${run.count}`;
  return `run ended: ${result}, steps ${steps}, peak ${peak}, ${duration}`;
}

async function watch(client: ScpiClient, program: string, io: PressctlIo): Promise<number> {
  const show = io.status ?? ((text: string) => io.stdout(text));
  const run: WatchedRun = { program, stepsSeen: 0, count: 0, peakSeenMPa: 0, wallStartMs: Date.now() };
  let promptShown = false;
  let enterPressed = false;
  const lines = io.lines?.[Symbol.asyncIterator]();
  let pendingLine: Promise<IteratorResult<string>> | null = null;
  let aborted = false;
  const onSigint = () => {
    aborted = true;
  };
  process.on('SIGINT', onSigint);
  try {
    for (;;) {
      if (aborted) {
        await client.command('ABOR');
        io.stdout('\naborted');
        aborted = false;
      }
      const [state, step, count, , label, pressure] = splitResponse(await client.query('PROG:STAT?;STEP?;:MEAS:PRES?'));
      run.count = Math.max(run.count, Number(count) || 0);
      run.stepsSeen = Math.max(run.stepsSeen, Number(step) || 0);
      if (Number(pressure) > run.peakSeenMPa && Number(pressure) < 1e6) run.peakSeenMPa = Number(pressure);
      const fraction = Number(count) > 0 ? Math.max(0, Number(step) - 1) / Number(count) : 0;
      show(watchLine(state, step, count, label, pressure, state === 'COMPLETE' ? 1 : fraction));
      if (FINAL_STATES.includes(state)) {
        // The summary goes on a line of its own, after the live line.
        if (io.status !== undefined) io.stdout('');
        if (state === 'FAULT') io.stdout(`fault: ${splitResponse(await client.query('SYST:FAUL?'))[1]}`);
        // COMPLETE says every step ran; the result says whether the holds kept their bands.
        const [result, outside] = state === 'COMPLETE' ? splitResponse(await client.query('PROG:RES?')) : ['', ''];
        const outsideTolerance = result === 'OUTSIDE_TOL';
        io.stdout(await runSummary(client, outsideTolerance ? 'COMPLETE outside tolerance' : state, run));
        if (outsideTolerance) {
          io.stdout(`outside tolerance: ${outside}`);
          return 1;
        }
        return state === 'COMPLETE' ? 0 : 1;
      }
      if (state === 'WAITING') {
        if (!promptShown) {
          const prompt = splitResponse(await client.query('PROG:PROM?'))[0];
          io.stdout(`\nprompt: ${prompt}`);
          io.stdout('press Enter to continue');
          promptShown = true;
          enterPressed = false;
          if (lines !== undefined && pendingLine === null) pendingLine = lines.next();
        }
        if (pendingLine !== null && !enterPressed) {
          const result = await Promise.race([pendingLine, new Promise<null>((resolve) => setTimeout(() => resolve(null), 200))]);
          if (result !== null) {
            pendingLine = null;
            if (result.done === true) throw new ClientError('input ended while a prompt was waiting (the run is still waiting: pressctl continue)');
            enterPressed = true;
            await client.command('PROG:CONT');
          }
          continue;
        }
      } else promptShown = false;
      await new Promise((resolve) => setTimeout(resolve, 200));
    }
  } finally {
    process.off('SIGINT', onSigint);
  }
}

async function logCommand(client: ScpiClient, args: string[], io: PressctlIo): Promise<number> {
  const csvWanted = takeFlag(args, '--csv');
  const stepsWanted = takeFlag(args, '--steps');
  const out = takeOption(args, '--out');
  const id = one(args, 'a run number (pressctl logs lists them)');
  if (!/^\d+$/.test(id)) throw new UsageError(`run number expected, got ${JSON.stringify(id)}`);
  if (stepsWanted) {
    io.stdout(formatRunStepTable(await pagedCsv(client, `LOG:STEP? ${id}`)));
    return 0;
  }
  const csv = await pagedCsv(client, `LOG:DATA? ${id}`);
  if (csvWanted || out !== undefined) {
    if (out !== undefined) {
      writeFileSync(out, csv);
      io.stdout(`wrote ${out}`);
    } else io.stdout(csv.trimEnd());
    return 0;
  }
  const lines = csv.trimEnd().split('\n');
  const pressureAt = csvFields(lines[0]).indexOf('pressure_MPa');
  const rows = lines.slice(1).map(csvFields);
  const peak = rows.reduce((max, row) => Math.max(max, Number(row[pressureAt])), 0);
  try {
    io.stdout(formatRunHeader(splitResponse(await client.query(`LOG:HEAD? ${id}`))));
  } catch (error) {
    if (!(error instanceof QueryRefused)) throw error;
    io.stdout(`run ${id}: no header (${error.message})`);
  }
  io.stdout(`run ${id}: ${rows.length} samples over ${rows.length > 0 ? rows[rows.length - 1][0] : 0} s, peak ${peak.toFixed(2)} MPa (--csv for the data, --steps for the step summaries)`);
  return 0;
}

async function calibrate(client: ScpiClient, args: string[], io: PressctlIo): Promise<number> {
  const sub = args.shift() ?? 'show';
  if (sub === 'show') {
    const [date, reference, tare, span, worst] = splitResponse(await client.query('CAL:DATA?'));
    io.stdout(`calibration  ${reference}${date !== '0' ? `, ${new Date(Number(date) * 1000).toISOString()}` : ''}`);
    io.stdout(`tare         ${tare} counts`);
    io.stdout(`span         ${span} kN per count`);
    if (worst !== '9.91E+37') io.stdout(`worst error  ${worst} %`);
    io.stdout(`raw reading  ${await client.query('CAL:RAW?')} counts`);
    return 0;
  }
  if (sub === 'commission') {
    const code = one(args, 'a six-digit code');
    if (!/^[0-9]{6}$/.test(code)) throw new UsageError(`calibrate commission needs a six-digit code, got ${JSON.stringify(code)}`);
    if (!(await untilConfirmedAtPress(client, `CAL:COMM ${code}`, io))) return 1;
    io.stdout('the request is no longer pending: the panel showed "Calibration code commissioned" if it was accepted at the press');
    return 0;
  }
  if (sub !== 'set') throw new UsageError(`calibrate: unknown subcommand ${JSON.stringify(sub)}`);
  const code = takeOption(args, '--code');
  const tare = takeOption(args, '--tare');
  const span = takeOption(args, '--kn-per-count');
  const reference = takeOption(args, '--reference');
  const date = takeOption(args, '--date') ?? String(Math.floor(Date.now() / 1000));
  const worst = takeOption(args, '--error');
  if (code === undefined || tare === undefined || span === undefined || reference === undefined) throw new UsageError('calibrate set needs --code, --tare, --kn-per-count and --reference');
  if (args.length > 0) throw new UsageError(`unexpected ${args[0]}`);
  for (const [name, value] of [['--code', code], ['--tare', tare], ['--kn-per-count', span], ['--date', date], ['--error', worst ?? '0']]) {
    if (!Number.isFinite(Number(value))) throw new UsageError(`${name} needs a number, got ${JSON.stringify(value)}`);
  }
  await client.command(`CAL:UNL ${code}`);
  if (!(await untilConfirmedAtPress(client, `CAL:DEF ${date},${quoted(reference)},${tare},${span}${worst === undefined ? '' : `,${worst}`}`, io))) return 1;
  const [, , tareInForce, spanInForce] = splitResponse(await client.query('CAL:DATA?'));
  if (Number(tareInForce) !== Number(tare) || Number(spanInForce) !== Number(span)) {
    io.stderr('pressctl: the calibration was not put in force (nobody accepted it at the press within 60 s)');
    return 1;
  }
  io.stdout('calibration stored and in force');
  return 0;
}

/** How long a request waits at the press (CAL:COMM, CAL:DEF outside the band), s, and a little more. */
const AT_PRESS_WAIT_S = 62;

/**
 * Sends a calibration command; when the press answers 113 (confirm at the press), says so and
 * waits until nothing is pending any more. False when the press refused it outright.
 */
async function untilConfirmedAtPress(client: ScpiClient, command: string, io: PressctlIo): Promise<boolean> {
  try {
    await client.command(command);
    return true;
  } catch (error) {
    if (!(error instanceof DeviceErrors)) throw error;
    if (!error.errors.some((e) => e.startsWith('113,'))) {
      for (const e of error.errors) io.stderr(`pressctl: ${e}`);
      return false;
    }
  }
  io.stdout('waiting for the press: hold Continue 3 s at the press (the panel shows the request), within 60 s');
  const endMs = Date.now() + AT_PRESS_WAIT_S * 1000;
  while (Date.now() < endMs) {
    if (splitResponse(await client.query('CAL:PEND?'))[0] === 'NONE') return true;
    await new Promise((resolve) => setTimeout(resolve, 250));
  }
  return true;
}

async function runCommand(client: ScpiClient, command: string, args: string[], io: PressctlIo): Promise<number> {
  switch (command) {
    case 'upload':
      return upload(client, args, io);
    case 'list':
      return list(client, io);
    case 'show': {
      const name = one(args, 'a program name');
      const bytes = await client.queryBytes(`PROG:DEF? ${quoted(name)}`);
      io.stdout(JSON.stringify(JSON.parse(new TextDecoder().decode(blockBytes(bytes))), null, 2));
      return 0;
    }
    case 'delete':
      await client.command(`PROG:DEL ${quoted(one(args, 'a program name'))}`);
      return 0;
    case 'select':
      await client.command(`PROG:SEL ${quoted(one(args, 'a program name'))}`);
      return 0;
    case 'run': {
      const watchIt = takeFlag(args, '--watch');
      const name = one(args, 'a program name');
      await client.command(`PROG:SEL ${quoted(name)}`);
      await client.command('INIT');
      io.stdout('started');
      return watchIt ? watch(client, name, io) : 0;
    }
    case 'continue':
      await client.command('PROG:CONT');
      return 0;
    case 'abort':
      await client.command(takeFlag(args, '--force') ? 'ABOR:FORC' : 'ABOR');
      return 0;
    case 'status':
      return status(client, io);
    case 'faults': {
      if (takeFlag(args, '--clear')) {
        await client.command('SYST:FAUL:CLE');
        io.stdout('fault cleared');
        return 0;
      }
      const [code, text] = splitResponse(await client.query('SYST:FAUL?'));
      io.stdout(code === '0' ? 'no fault latched' : text);
      return 0;
    }
    case 'logs': {
      const values = splitResponse(await client.query('LOG:CAT? 100')).filter((v) => v !== '');
      if (values.length === 0) io.stdout('(no runs in the log)');
      for (let k = 0; k + 3 < values.length; k += 4) io.stdout(`${values[k].padStart(5)}  ${values[k + 1].padEnd(32)} ${values[k + 2].padEnd(11)} peak ${values[k + 3] === '9.91E+37' ? '-' : `${values[k + 3]} MPa`}`);
      return 0;
    }
    case 'log':
      return logCommand(client, args, io);
    case 'calibrate':
      return calibrate(client, args, io);
    default:
      throw new UsageError(`unknown command ${JSON.stringify(command)}`);
  }
}

const COMMANDS = ['upload', 'list', 'show', 'delete', 'select', 'run', 'continue', 'abort', 'status', 'faults', 'logs', 'log', 'calibrate'];

export async function main(argv: string[], io: PressctlIo): Promise<number> {
  const args = [...argv];
  if (args.includes('--help') || args.includes('-h') || args.length === 0) {
    io.stdout(USAGE);
    return args.length === 0 ? 2 : 0;
  }
  let client: ScpiClient | null = null;
  try {
    const port = takeOption(args, '--port') ?? process.env.PRESS_PORT;
    const timeoutText = takeOption(args, '--timeout') ?? '5';
    if (port === undefined || port === '') throw new UsageError('--port is needed (or $PRESS_PORT)');
    const timeoutS = Number(timeoutText);
    if (!(timeoutS > 0)) throw new UsageError(`--timeout needs a positive number of seconds, got ${JSON.stringify(timeoutText)}`);
    const command = args.shift() as string;
    if (!COMMANDS.includes(command)) throw new UsageError(`unknown command ${JSON.stringify(command)}`);
    client = await openScpiClient(port, timeoutS * 1000);
    await setPressClock(client, (text) => io.stderr(`pressctl: warning: ${text}`));
    return await runCommand(client, command, args, io);
  } catch (error) {
    if (error instanceof UsageError) {
      io.stderr(`pressctl: ${error.message}\n(pressctl --help for the commands)`);
      return 2;
    }
    if (error instanceof QueryRefused) {
      const query = error.query.length > 80 ? `${error.query.slice(0, 80)}…` : error.query;
      for (const e of error.errors) io.stderr(`pressctl: the press refused ${query}: ${e}`);
      return 1;
    }
    if (error instanceof DeviceErrors) {
      for (const e of error.errors) io.stderr(`pressctl: the press reports ${e}`);
      return 1;
    }
    if (error instanceof ClientError) {
      io.stderr(`pressctl: ${error.message}`);
      return 3;
    }
    throw error;
  } finally {
    client?.close();
  }
}

if (isEntryPoint(import.meta.url)) {
  guardStdio();
  const reader = createInterface({ input: process.stdin, terminal: false });
  const io: PressctlIo = {
    stdout: (text) => writeStdout(`${text}\n`),
    stderr: (text) => writeStderr(`${text}\n`),
    lines: reader,
    status: process.stdout.isTTY ? (text) => writeStdout(`\r${text}\x1b[K`) : undefined,
  };
  void main(process.argv.slice(2), io).then((code) => {
    reader.close();
    // process.exit() alone would drop what a pipe has not taken yet (a long log --csv).
    return exitWhenFlushed(code);
  });
}
