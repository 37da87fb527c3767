/**
 * Golden runs: every example program, on two seeds and two plants, dry-run on the simulated
 * press. What is kept of each run is its whole step report (the run report as the press makes
 * it), a SHA-256 of its whole trace (every tick's ten columns as IEEE-754 bytes) and one of
 * the flash partition after the run (the stored program, the run log's samples and step
 * summaries), so a refactor that changes any number anywhere changes the golden record.
 *
 * `npm run golden` writes the records to tests/golden/expected/; tests/golden/golden.test.ts
 * compares fresh runs with them.
 */
import { createHash } from 'node:crypto';
import { readFileSync, readdirSync } from 'node:fs';
import path from 'node:path';
import { createDryRunSession, runSession } from '../../host-sim/scenario';
import { PLANT_PRESETS } from '../../host-sim/plants';
import { TRACE_COLUMNS } from '../../host-sim/trace';
import type { RunReport } from '../../src/runner/report';

const repoRoot = path.resolve(import.meta.dirname, '..', '..');
export const GOLDEN_DIR = path.join(repoRoot, 'tests', 'golden', 'expected');

export const GOLDEN_SEEDS: readonly number[] = [1, 7];
/** The default press and one whose leaks keep the static hold and maintain corrections busy. */
export const GOLDEN_PLANTS: readonly string[] = ['press-10t', 'leaky-seals'];
/** Simulated time a golden run lasts at most, s: the 72 h stack-pressure program is cut to its first 2 h. */
export const GOLDEN_MAX_SIM_S = 7200;

export interface GoldenCase {
  example: string;
  seed: number;
  plant: string;
}

export interface GoldenRecord extends GoldenCase {
  result: RunReport['result'];
  peak_MPa: number;
  sim_time_s: number;
  ticks: number;
  overruns: number;
  lease_expiries: number;
  trace_rows: number;
  trace_sha256: string;
  flash_sha256: string;
  report: RunReport;
}

export function exampleNames(): string[] {
  return readdirSync(path.join(repoRoot, 'examples'))
    .filter((file) => file.endsWith('.json'))
    .map((file) => file.slice(0, -'.json'.length))
    .sort();
}

export function goldenCases(): GoldenCase[] {
  const cases: GoldenCase[] = [];
  for (const example of exampleNames()) for (const plant of GOLDEN_PLANTS) for (const seed of GOLDEN_SEEDS) cases.push({ example, seed, plant });
  return cases;
}

export function goldenFileName(c: GoldenCase): string {
  return `${c.example}.${c.plant}.seed${c.seed}.json`;
}

export function runGolden(c: GoldenCase): GoldenRecord {
  const json = JSON.parse(readFileSync(path.join(repoRoot, 'examples', `${c.example}.json`), 'utf8'));
  const plant = PLANT_PRESETS[c.plant];
  if (plant === undefined) throw new Error(`golden: no plant preset ${c.plant}`);
  const options = { seed: c.seed, plant, traceEveryTicks: 1, maxSimTimeS: GOLDEN_MAX_SIM_S };
  const session = createDryRunSession(json, options);
  const result = runSession(session, options);
  if (!result.valid || result.report === null || result.trace === null) throw new Error(`golden: ${c.example} is not valid: ${JSON.stringify(result.errors)}`);
  const hash = createHash('sha256');
  for (const name of TRACE_COLUMNS) {
    const column = result.trace.column(name);
    hash.update(new Uint8Array(column.buffer, column.byteOffset, column.byteLength));
  }
  return {
    ...c,
    result: result.report.result,
    peak_MPa: result.report.peak_MPa,
    sim_time_s: result.simTimeS,
    ticks: result.ticks,
    overruns: result.overruns,
    lease_expiries: result.leaseExpiries,
    trace_rows: result.trace.length,
    trace_sha256: hash.digest('hex'),
    // The flash partition after the run: programs, calibration, settings, the run log's samples and step summaries.
    flash_sha256: createHash('sha256').update(session.sim.flash.bytes).digest('hex'),
    // Through JSON, as it is stored: NaN and Infinity become null on both sides.
    report: JSON.parse(JSON.stringify(result.report)) as RunReport,
  };
}
