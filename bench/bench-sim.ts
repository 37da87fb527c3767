// npm run bench:sim — how much faster than real time the simulator runs a long maintain step
// (firmware at 100 Hz on the default simulated press, no trace), for 1 h, 24 h and 72 h, and
// the three-layer example as `npm start` runs it (trace of every tick, no files written).
// The goal: a 24 h maintain in ≤ 30 s on this machine (≥ 2 880× real time).
// Writes bench/results/sim.json (hours given on the command line: a trial, nothing written).
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { dryRun } from '../host-sim/scenario';
import type { DryRunOptions } from '../host-sim/scenario';
import { repoRoot, writeResults } from './results';

const hours = process.argv.slice(2).map(Number).filter((h) => h > 0);
const durationsH = hours.length > 0 ? hours : [1, 24, 72];
const MAINTAIN_MPA = 50;
const GOAL_24H_WALL_S = 30;

function maintainProgram(durationS: number) {
  return {
    format: 'press-program/1',
    name: 'bench-maintain',
    die: { diameter_mm: 10, max_pressure_MPa: 500 },
    steps: [
      { type: 'maintain', at_MPa: MAINTAIN_MPA, duration_s: durationS, band_MPa: 0.5, log_interval_s: 10 },
      { type: 'release', to_MPa: 0, rate_MPa_s: 5 },
    ],
  };
}

interface SimRun {
  run: string;
  maintainH: number | null;
  fixedStep: boolean;
  result: string;
  ticks: number;
  simulatedS: number;
  wallS: number;
  ratio: number;
}

const runs: SimRun[] = [];
function measure(run: string, maintainH: number | null, program: unknown, options: Partial<DryRunOptions>, fixedStep = false): SimRun {
  const started = performance.now();
  const result = dryRun(program, { seed: 1, ...options });
  const wallS = (performance.now() - started) / 1000;
  const figures = { run, maintainH, fixedStep, result: result.report?.result ?? 'invalid', ticks: result.ticks, simulatedS: Math.round(result.simTimeS), wallS: Math.round(wallS * 100) / 100, ratio: Math.round(result.simTimeS / wallS) };
  runs.push(figures);
  console.log(`bench-sim: ${run}: ${figures.result}, ${figures.ticks} ticks, ${figures.simulatedS} s simulated in ${wallS.toFixed(1)} s wall = ${figures.ratio}x real time`);
  return figures;
}

const example = 'li6ps5cl-three-layer';
measure(`${example} (trace every tick, as npm start without its files)`, null, JSON.parse(readFileSync(path.join(repoRoot, 'examples', `${example}.json`), 'utf8')), { traceEveryTicks: 1 });
// Where the adaptive step comes from: the same hour with fixed 1 ms physics steps.
measure('1 h maintain, fixed 1 ms physics steps', 1, maintainProgram(3600), { traceEveryTicks: 0, simulator: { adaptiveStep: false } }, true);
for (const h of durationsH) {
  const run = measure(`${h} h maintain at ${MAINTAIN_MPA} MPa`, h, maintainProgram(h * 3600), { traceEveryTicks: 0 });
  if (h === 24) console.log(`sim-24h-wall-s: ${run.wallS.toFixed(1)}`);
}
if (hours.length === 0) writeResults('sim', 'npm run bench:sim', { maintainMPa: MAINTAIN_MPA, goal24hWallS: GOAL_24H_WALL_S, runs });
