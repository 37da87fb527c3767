// npm run bench:control — control quality over the matrix of plant presets × example
// programs, for the press's own control law ('pi') and the commercial on/off baseline
// ('on-off'), in the same run. Figures are taken on the true die pressure of the simulator.
//
//   npm run bench:control -- [--quick | --full-length] [--plants a,b] [--programs x,y] [--laws pi,on-off]
//                            [--jobs N] [--json FILE] [--seed N]      (or: --from-json FILE to re-print)
//
// In the matrix, maintain steps longer than an hour run for one hour (the examples hold for
// 12 h to 72 h; every figure of a maintain step has settled into its pattern long before an
// hour); the days-long targets are the two 72 h runs on lithium foil, at full length.
// --full-length runs the examples uncapped (hours); --quick caps maintain steps at 10 min and
// leaves out the 72 h runs (for tuning). The full matrix (no option but --jobs) writes
// bench/results/control.json, from which docs/benchmarks.md's tables are made.
import { fork } from 'node:child_process';
import { readdirSync, readFileSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { ControlMetrics, HOLD_TOLERANCE, MAINTAIN_TOLERANCE } from '../host-sim/control-metrics';
import type { RunFigures, StepFigures } from '../host-sim/control-metrics';
import { createDryRunSession, runSession } from '../host-sim/scenario';
import type { DryRunSession } from '../host-sim/scenario';
import { PLANT_PRESETS } from '../host-sim/plants';
import { forecastOnPlant } from '../host-sim/cli/forecast-text';
import type { CompiledProgram } from '../src/programs/compile';
import type { ControlLawName } from '../src/control/pressure-law';
import { writeResults } from './results';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');

interface Job {
  plant: string;
  program: string;
  law: ControlLawName;
  seed: number;
  /** Longest maintain step, s (Infinity: as programmed). */
  maxMaintainS: number;
}

interface JobResult extends Job {
  figures: RunFigures | null;
  error: string | null;
  wallS: number;
  /** The feasibility check's forecast for the program as run, on this plant's commissioned character. */
  forecast: { warnedSteps: number[]; holdErrorMPa: number[] } | null;
}

/** The two long runs of the targets: 72 h at 5 and at 50 MPa on lithium foil, which creeps. */
const CREEP_PROGRAMS: Record<string, { plant: string; atMPa: number }> = {
  'creep-72h-5MPa': { plant: 'soft-sample', atMPa: 5 },
  'creep-72h-50MPa': { plant: 'soft-sample', atMPa: 50 },
};

function creepProgram(atMPa: number) {
  return {
    format: 'press-program/1',
    name: `creep-72h-${atMPa}MPa`,
    description: `maintain ${atMPa} MPa for 72 h on lithium foil`,
    die: { diameter_mm: 10, max_pressure_MPa: 500 },
    steps: [
      { type: 'maintain', at_MPa: atMPa, duration_s: 72 * 3600, band_MPa: atMPa * MAINTAIN_TOLERANCE, rate_MPa_s: 0.25, log_interval_s: 60 },
      { type: 'release', to_MPa: 0, rate_MPa_s: 1 },
    ],
  };
}

function exampleNames(): string[] {
  return readdirSync(path.join(root, 'examples'))
    .filter((name) => name.endsWith('.json'))
    .map((name) => name.slice(0, -5))
    .sort();
}

/** Maintain steps in the matrix are cut to this (quick runs: 10 minutes). */
const MATRIX_MAINTAIN_S = 3600;
const QUICK_MAINTAIN_S = 600;

function programFor(job: Job): unknown {
  const creep = CREEP_PROGRAMS[job.program];
  const json = creep !== undefined ? creepProgram(creep.atMPa) : JSON.parse(readFileSync(path.join(root, 'examples', `${job.program}.json`), 'utf8'));
  if (creep === undefined) {
    for (const step of json.steps) if (step.type === 'maintain' && step.duration_s > job.maxMaintainS) step.duration_s = job.maxMaintainS;
  }
  return json;
}

// ---- Feasibility hook ---------------------------------------------------------------------
/**
 * The steps of a job's program a feasibility check warns, before the run, will miss a target on
 * the job's plant (step indices, 0-based), or null: no feasibility check is available. The
 * summary compares the warnings with the PI law's misses (feasibilityLine).
 */
function warnedFor(result: JobResult): Set<number> | null {
  return result.forecast === null ? null : new Set(result.forecast.warnedSteps);
}

/** What the press would have said on upload: the forecast for the program as the bench runs it. */
function forecastFor(job: Job, session: DryRunSession): JobResult['forecast'] {
  const forecast = forecastOnPlant(session.firmware.program as CompiledProgram, PLANT_PRESETS[job.plant], session.firmware.config.loopRateHz);
  return { warnedSteps: forecast.warnings.map((w) => w.index), holdErrorMPa: forecast.steps.map((step) => step.holdErrorMPa) };
}
// --------------------------------------------------------------------------------------------

function runJob(job: Job): JobResult {
  const started = performance.now();
  try {
    const session = createDryRunSession(programFor(job), { seed: job.seed, plant: PLANT_PRESETS[job.plant], firmware: { controlLaw: job.law } });
    if (session.errors.length > 0) throw new Error(session.errors.map((e) => `${e.path}: ${e.message}`).join('; '));
    const metrics = new ControlMetrics(session);
    const forecast = forecastFor(job, session);
    const result = runSession(session, { seed: job.seed, traceEveryTicks: 0, onTick: (s: DryRunSession) => metrics.sample(s) });
    const fault = result.report?.fault;
    // A fault on a healthy press is a false trip of the safety supervisor: the table names it.
    const outcome = fault ? `fault ${fault.code} ${fault.name} at ${fault.t_s.toFixed(1)} s` : (result.report?.result ?? 'invalid');
    return { ...job, figures: metrics.figures(outcome, result.simTimeS), error: null, wallS: (performance.now() - started) / 1000, forecast };
  } catch (error) {
    return { ...job, figures: null, error: String(error), wallS: (performance.now() - started) / 1000, forecast: null };
  }
}


function option(name: string): string | undefined {
  const at = process.argv.indexOf(name);
  return at >= 0 ? process.argv[at + 1] : undefined;
}

async function main(): Promise<void> {
  const saved = option('--from-json');
  if (saved !== undefined) {
    // Re-print the tables of an earlier run (--json FILE) without running it again.
    const results = JSON.parse(readFileSync(saved, 'utf8'), (_key, value) => (value === 'NaN' || value === 'Infinity' || value === '-Infinity' ? Number(value) : value)) as JobResult[];
    printTable(results);
    printPlantSummary(results);
    console.log(feasibilityLine(results.filter((r) => r.law === 'pi')));
    return;
  }
  const quick = process.argv.includes('--quick');
  const maxMaintainS = quick ? QUICK_MAINTAIN_S : process.argv.includes('--full-length') ? Infinity : MATRIX_MAINTAIN_S;
  const seed = Number(option('--seed') ?? 1);
  const plants = option('--plants')?.split(',') ?? Object.keys(PLANT_PRESETS).filter((name) => name !== 'ads1220-330sps');
  for (const plant of plants) if (PLANT_PRESETS[plant] === undefined) throw new Error(`--plants: no preset named ${plant}`);
  const programs = option('--programs')?.split(',') ?? exampleNames();
  const laws = (option('--laws')?.split(',') ?? ['pi', 'on-off']) as ControlLawName[];
  const jobs: Job[] = [];
  for (const plant of plants) for (const program of programs) for (const law of laws) jobs.push({ plant, program, law, seed, maxMaintainS });
  if (!quick && option('--programs') === undefined) {
    for (const [program, spec] of Object.entries(CREEP_PROGRAMS)) for (const law of laws) jobs.push({ plant: spec.plant, program, law, seed, maxMaintainS });
  }
  // Longest first, so the pool ends together.
  const weight = (job: Job) => (CREEP_PROGRAMS[job.program] ? 3 : 0) + (/na-s|stack-pressure|llzo/.test(job.program) ? 1 : 0);
  jobs.sort((a, b) => weight(b) - weight(a));

  const jobCount = Number(option('--jobs') ?? Math.max(1, os.availableParallelism()));
  const started = performance.now();
  const results = await runPool(jobs, jobCount);
  const wallS = (performance.now() - started) / 1000;

  const order = (r: JobResult) => `${plants.indexOf(r.plant) >= 0 ? String(plants.indexOf(r.plant)).padStart(3, '0') : '999'} ${r.program} ${r.law}`;
  results.sort((a, b) => order(a).localeCompare(order(b)));
  printTable(results);
  printSummary(results, wallS, jobCount);
  const jsonPath = option('--json');
  // NaN and Infinity (a hold that never settled) are kept as strings: JSON has no such numbers.
  const fullMatrix = process.argv.slice(2).every((arg, i, args) => arg === '--jobs' || args[i - 1] === '--jobs');
  if (fullMatrix) {
    const pi = results.filter((r) => r.law === 'pi');
    const accuracy = forecastAccuracy(pi);
    writeResults('control', 'npm run bench:control', { runs: results.length, wallS: Math.round(wallS), workers: jobCount, tolerances: TOLERANCES, feasibility: { summary: feasibilityLine(pi), holdWithinFactor2: accuracy.within, holdSteps: accuracy.steps, outside: accuracy.outside }, results: results.map(tableRow) });
  }
  if (jsonPath !== undefined) writeFileSync(jsonPath, JSON.stringify(results, (_key, value) => (typeof value === 'number' && !Number.isFinite(value) ? String(value) : value), 1));
}

function runPool(jobs: Job[], size: number): Promise<JobResult[]> {
  return new Promise((resolve, reject) => {
    const results: JobResult[] = [];
    let next = 0;
    let running = 0;
    const self = fileURLToPath(import.meta.url);
    for (let w = 0; w < Math.min(size, jobs.length); w++) {
      const child = fork(self, ['--worker'], { execArgv: ['--import', 'tsx'], serialization: 'advanced', stdio: ['ignore', 'inherit', 'inherit', 'ipc'] });
      const give = () => {
        if (next < jobs.length) {
          running++;
          child.send(jobs[next++]);
        } else {
          child.disconnect();
        }
      };
      child.on('message', (result: JobResult) => {
        running--;
        results.push(result);
        process.stderr.write(`  ${results.length}/${jobs.length} ${result.plant} × ${result.program} × ${result.law}: ${result.wallS.toFixed(1)} s\n`);
        give();
        if (results.length === jobs.length) resolve(results);
      });
      child.on('error', reject);
      child.on('exit', (code) => {
        if (code !== 0 && results.length < jobs.length) reject(new Error(`bench worker exited with ${code}`));
      });
      give();
    }
    if (jobs.length === 0) resolve(results);
  });
}

/** Allowed overshoot: 0.5 % of the target, at least 0.5 MPa. */
const overshootAllowanceMPa = (targetMPa: number) => Math.max(0.005 * targetMPa, 0.5);
/** Ramp tracking: the time-aligned programmed ramp within 1 % of the target (host-sim/control-metrics.ts). */
const RAMP_TRACK_TOLERANCE = 0.01;
/** Ramp rate: the mean rate over 10–90 % of the way within this of the programmed rate, %. */
const RAMP_RATE_MIN_PCT = 90;
const RAMP_RATE_MAX_PCT = 110;
const SETTLE_LIMIT_S = 2;

interface Verdicts {
  overshoot: string;
  holdP99: string;
  settle: string;
  rampTrack: string;
  rampRate: string;
  maintain: string;
  releaseUndershoot: string;
  failures: string[];
  /** Indices of the steps that missed a target (a run that ended early: the step it ended in). */
  failedSteps: Set<number>;
}

/** Worst case of each figure over the run's steps, as text, with the limit it broke (if any). */
function verdicts(figures: RunFigures): Verdicts {
  const failures: string[] = [];
  let overshoot = -Infinity;
  let holdP99 = -Infinity;
  let settle = -Infinity;
  let rampTrack = -Infinity;
  let rampRateOff = -Infinity;
  let maintain = Infinity;
  let undershoot = -Infinity;
  let overshootText = '–';
  let holdText = '–';
  let settleText = '–';
  let trackText = '–';
  let rateText = '–';
  let maintainText = '–';
  let undershootText = '–';
  const failedSteps = new Set<number>();
  const fail = (step: StepFigures, what: string) => {
    failures.push(`${what} (step ${step.index + 1}, ${step.targetMPa} MPa)`);
    failedSteps.add(step.index);
  };
  for (const step of figures.steps) {
    const target = step.targetMPa;
    if (step.overshootMPa !== null) {
      const ratio = step.overshootMPa / overshootAllowanceMPa(target);
      if (ratio > overshoot) {
        overshoot = ratio;
        overshootText = `${step.overshootMPa.toFixed(2)} (${((100 * step.overshootMPa) / target).toFixed(2)} %)`;
      }
      if (ratio > 1) fail(step, 'overshoot');
    }
    if (step.holdP99MPa !== null && step.holdToleranceMPa !== null) {
      const ratio = step.holdP99MPa / step.holdToleranceMPa;
      if (ratio > holdP99 || Number.isNaN(ratio)) {
        holdP99 = ratio;
        holdText = Number.isNaN(step.holdP99MPa) ? 'never settled' : `${((100 * step.holdP99MPa) / target).toFixed(3)} %`;
      }
      if (!(ratio <= 1)) fail(step, 'hold p99');
    }
    if (step.settleS !== null) {
      if (step.settleS > settle) {
        settle = step.settleS;
        settleText = Number.isFinite(step.settleS) ? step.settleS.toFixed(2) : 'never';
      }
      if (step.settleS > SETTLE_LIMIT_S) fail(step, 'settle');
    }
    if (step.rampTrackMaxMPa !== null) {
      const ratio = step.rampTrackMaxMPa / target;
      if (ratio > rampTrack) {
        rampTrack = ratio;
        trackText = `${(100 * ratio).toFixed(2)} %`;
      }
      if (ratio > RAMP_TRACK_TOLERANCE) fail(step, 'ramp tracking');
    }
    if (step.rampRatePct !== null) {
      const off = Math.abs(step.rampRatePct - 100);
      if (off > rampRateOff) {
        rampRateOff = off;
        rateText = `${step.rampRatePct.toFixed(0)} %`;
      }
      if (!(step.rampRatePct >= RAMP_RATE_MIN_PCT && step.rampRatePct <= RAMP_RATE_MAX_PCT)) fail(step, 'ramp rate');
    }
    if (step.maintainInBandPct !== null) {
      if (step.maintainInBandPct < maintain) {
        maintain = step.maintainInBandPct;
        maintainText = `${step.maintainInBandPct.toFixed(2)} % (${(step.maintainIndicatedInBandPct ?? NaN).toFixed(2)} %)`;
      }
      if (step.maintainInBandPct < 99.9) fail(step, 'maintain ±1 %');
    }
    if (step.releaseUndershootMPa !== null && step.releaseUndershootMPa > undershoot) {
      undershoot = step.releaseUndershootMPa;
      undershootText = step.releaseUndershootMPa.toFixed(2);
    }
  }
  if (figures.result !== 'completed') {
    failures.push(`run ${figures.result}`);
    // A fault belongs to the step it ended; the firmware's own "outside tolerance" to the steps
    // that missed their figures here, when there are any.
    const outsideOnly = figures.result === 'completed-outside-tolerance' && failedSteps.size > 0;
    if (!outsideOnly && figures.steps.length > 0) failedSteps.add(figures.steps[figures.steps.length - 1].index);
  }
  return { overshoot: overshootText, holdP99: holdText, settle: settleText, rampTrack: trackText, rampRate: rateText, maintain: maintainText, releaseUndershoot: undershootText, failures, failedSteps };
}

const TOLERANCES = { overshootPct: 0.5, overshootFloorMPa: 0.5, holdP99Pct: HOLD_TOLERANCE * 100, settleS: SETTLE_LIMIT_S, rampTrackPct: RAMP_TRACK_TOLERANCE * 100, rampRateMinPct: RAMP_RATE_MIN_PCT, rampRateMaxPct: RAMP_RATE_MAX_PCT, maintainPct: MAINTAIN_TOLERANCE * 100, maintainInBandPct: 99.9 };

/** One run as the tables show it: each figure's worst step, and the targets it missed. */
function tableRow(r: JobResult) {
  const row = { plant: r.plant, program: r.program, law: r.law, wallS: Math.round(r.wallS * 10) / 10 };
  if (r.figures === null) return { ...row, error: r.error };
  const { failures, failedSteps: _steps, ...cells } = verdicts(r.figures);
  return { ...row, result: r.figures.result, ...cells, pumpDutyPct: Math.round(r.figures.pumpDutyPct * 10) / 10, failures };
}

function printTable(results: JobResult[]): void {
  console.log(`\n| plant | program | law | overshoot MPa | hold p99 | settle s | ramp track | ramp rate | maintain ±1 % (indicated) | release under MPa | pump duty | result |`);
  console.log(`|---|---|---|---|---|---|---|---|---|---|---|---|`);
  for (const r of results) {
    if (r.figures === null) {
      console.log(`| ${r.plant} | ${r.program} | ${r.law} | error: ${r.error} |||||||||`);
      continue;
    }
    const v = verdicts(r.figures);
    const result = v.failures.length === 0 ? 'ok' : `**${v.failures.join('; ')}**`;
    console.log(`| ${r.plant} | ${r.program} | ${r.law} | ${v.overshoot} | ${v.holdP99} | ${v.settle} | ${v.rampTrack} | ${v.rampRate} | ${v.maintain} | ${v.releaseUndershoot} | ${r.figures.pumpDutyPct.toFixed(1)} % | ${result} |`);
  }
}

/** One row per plant: runs meeting every target, per law, and which targets the PI law missed. */
function printPlantSummary(results: JobResult[]): void {
  const plants = [...new Set(results.map((r) => r.plant))];
  console.log(`\n| plant | PI: runs meeting every target | PI: targets missed (runs) | on/off: runs meeting every target |`);
  console.log(`|---|---|---|---|`);
  for (const plant of plants) {
    const mine = results.filter((r) => r.plant === plant);
    const count = (law: string) => {
      const runs = mine.filter((r) => r.law === law);
      const ok = runs.filter((r) => r.figures !== null && verdicts(r.figures).failures.length === 0).length;
      return `${ok}/${runs.length}`;
    };
    const missed = new Map<string, number>();
    for (const r of mine.filter((r) => r.law === 'pi')) {
      const kinds = new Set((r.figures === null ? ['error'] : verdicts(r.figures).failures).map((f) => f.replace(/ \(step.*$/, '')));
      for (const kind of kinds) missed.set(kind, (missed.get(kind) ?? 0) + 1);
    }
    const missedText = [...missed].map(([kind, n]) => `${kind} (${n})`).join(', ') || '–';
    console.log(`| ${plant} | ${count('pi')} | ${missedText} | ${count('on-off')} |`);
  }
}

function printSummary(results: JobResult[], wallS: number, jobs: number): void {
  printPlantSummary(results);
  console.log('');
  for (const law of [...new Set(results.map((r) => r.law))]) {
    const mine = results.filter((r) => r.law === law);
    const passing = mine.filter((r) => r.figures !== null && verdicts(r.figures).failures.length === 0).length;
    const faulted = mine.filter((r) => r.figures !== null && r.figures.result.startsWith('fault'));
    console.log(`bench-control ${law}: ${passing}/${mine.length} runs meet every target; ${faulted.length} ended in a fault${faulted.length > 0 ? ` (${faulted.map((r) => `${r.plant} × ${r.program}: ${r.figures!.result}`).join('; ')})` : ''}`);
  }
  console.log(feasibilityLine(results.filter((r) => r.law === 'pi')));
  console.log(forecastAccuracy(results.filter((r) => r.law === 'pi')).line);
  console.log(`bench-control: ${results.length} runs, ${wallS.toFixed(0)} s wall on ${jobs} workers (tolerances: overshoot 0.5 % ≥ 0.5 MPa, hold p99 ${HOLD_TOLERANCE * 100} %, settle ${SETTLE_LIMIT_S} s, ramp tracking ${RAMP_TRACK_TOLERANCE * 100} %, ramp rate ${RAMP_RATE_MIN_PCT}–${RAMP_RATE_MAX_PCT} %, maintain ±${MAINTAIN_TOLERANCE * 100} % for 99.9 %)`);
}

/**
 * How many of the PI law's misses a feasibility check would have warned of before the run.
 * A run counts as warned when every step that missed a target (or that the run ended in) was
 * among the steps warned of; the warnings for runs that then met every target are counted too,
 * so a check that warns of everything shows as such.
 */
/**
 * The forecast's hold error (p99 |true − target| of every hold and maintain step) against the
 * one measured in the run: how many steps lie within a factor of 2, and which do not.
 */
function forecastAccuracy(piResults: JobResult[]): { within: number; steps: number; outside: string[]; line: string } {
  let within = 0;
  let steps = 0;
  const outside: string[] = [];
  for (const r of piResults) {
    if (r.figures === null || r.forecast === null) continue;
    for (const step of r.figures.steps) {
      const measured = step.holdP99MPa ?? step.maintainP99MPa;
      const predicted = r.forecast.holdErrorMPa[step.index];
      if (measured === null || !Number.isFinite(measured) || !(predicted > 0)) continue;
      steps++;
      const ratio = measured / predicted;
      if (ratio >= 0.5 && ratio <= 2) within++;
      else outside.push(`${r.plant} × ${r.program} step ${step.index + 1} (${step.targetMPa} MPa): measured ${measured.toFixed(3)}, forecast ${predicted.toFixed(3)} MPa`);
    }
  }
  const line = `bench-control pi: forecast hold error within a factor of 2 of the measured one in ${within} of ${steps} steps${outside.length > 0 ? `; outside: ${outside.join('; ')}` : ''}`;
  return { within, steps, outside, line };
}

function feasibilityLine(piResults: JobResult[]): string {
  let misses = 0;
  let warnedMisses = 0;
  let warnedPasses = 0;
  const unwarned: string[] = [];
  for (const r of piResults) {
    const warned = warnedFor(r);
    if (warned === null) return 'bench-control pi: feasibility check: not available';
    const failedSteps = r.figures === null ? null : verdicts(r.figures).failedSteps;
    if (failedSteps !== null && failedSteps.size === 0) {
      if (warned.size > 0) warnedPasses++;
      continue;
    }
    misses++;
    if (failedSteps !== null && warned.size > 0 && [...failedSteps].every((index) => warned.has(index))) warnedMisses++;
    else unwarned.push(`${r.plant} × ${r.program}${failedSteps === null ? '' : ` (step ${[...failedSteps].filter((index) => !warned.has(index)).map((index) => index + 1).join(', ')})`}`);
  }
  return `bench-control pi: misses: ${misses} runs; warned in advance: ${warnedMisses} of ${misses}; warned but met every target: ${warnedPasses} runs${unwarned.length > 0 ? `; not warned: ${unwarned.join(', ')}` : ''}`;
}

// A worker runs the jobs it is sent, one at a time; the parent hands them out.
if (process.argv.includes('--worker')) {
  process.on('message', (job: Job) => {
    (process as unknown as { send: (m: unknown) => void }).send(runJob(job));
  });
} else {
  await main();
}
