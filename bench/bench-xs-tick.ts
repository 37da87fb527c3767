// npm run bench: the XS computation meter of one control tick, the firmware over the real
// hal/esp32 drivers (bench/bench-board: the drivers on fake ECMA-419 IO, the simulated press
// behind the pins), over every tick of a dry run of the example program, in the XS engine
// (xsnap). Two runs in XS: the plain one gives the figures (`xs-tick-meter: <median>`); the
// second wraps each part of the tick and gives the per-part table, checked tick by tick to add
// up to the plain run. Writes bench/results/xs-tick.json (another example: out/bench/xs-tick-NAME.json).
// Options: --program NAME (an example).
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { measuredOn, writeResults } from './results';
import { spawnSync } from 'node:child_process';
import os from 'node:os';
import path from 'node:path';
import { runInXs, extractJson, repoRoot, xsnapBinary } from '../tools/xs/xs-run';
import { benchBoardConfig } from './bench-board/manifest-config';
import { createBenchRun, runBench } from './bench-board/bench-session';
import { PART_INFO, Part } from './bench-board/xs-tick-probe';
import type { TickProbeReport } from './bench-board/xs-tick-probe';
import { dryRun } from '../host-sim/scenario';
import type { DryRunResult } from '../host-sim/scenario';

const programAt = process.argv.indexOf('--program');
const DEFAULT_EXAMPLE = 'li6ps5cl-three-layer';
const EXAMPLE = programAt >= 0 ? process.argv[programAt + 1] : DEFAULT_EXAMPLE;
const programText = readFileSync(path.join(repoRoot, 'examples', `${EXAMPLE}.json`), 'utf8');
const config = benchBoardConfig();
const OUT = path.join(repoRoot, 'out', 'bench', `xs-tick-${EXAMPLE}.json`);

const probeSource = (breakdown: boolean) => `
import { runTickProbe } from './bench/bench-board/xs-tick-probe';
declare function print(...values: unknown[]): void;
const report = runTickProbe({ programText: ${JSON.stringify(programText)}, seed: 1, config: ${JSON.stringify(config)}, breakdown: ${breakdown} });
print('RESULT ' + JSON.stringify(report));
`;

async function probe(breakdown: boolean): Promise<TickProbeReport> {
  const run = await runInXs(probeSource(breakdown));
  if (run.exitCode !== 0) {
    console.error(run.stderr);
    process.exit(1);
  }
  return extractJson<TickProbeReport>(run.stdout, 'RESULT ');
}

const sortedOf = (values: number[]) => [...values].sort((a, b) => a - b);
const medianOf = (values: number[]) => (values.length === 0 ? NaN : sortedOf(values)[Math.floor(values.length / 2)]);
const meanOf = (values: number[]) => (values.length === 0 ? NaN : values.reduce((a, b) => a + b, 0) / values.length);
const round1 = (value: number) => Math.round(value * 10) / 10;

const started = Date.now();
const [plain, parts] = await Promise.all([probe(false), probe(true)]);
const wallS = (Date.now() - started) / 1000;
if (plain.ticks < 10000 || plain.result !== 'completed') {
  console.error(`bench: the run did not complete: ${plain.result}, ${plain.ticks} ticks`);
  process.exit(1);
}

// The figures.
const all = plain.tickUnits;
const sorted = sortedOf(all);
const holdTicks = all.filter((_, i) => plain.inHold[i] === 1);
const figures = {
  ticks: plain.ticks,
  median: sorted[Math.floor(sorted.length / 2)],
  p99: sorted[Math.floor(sorted.length * 0.99)],
  max: sorted[sorted.length - 1],
  maxAt: plain.maxAt,
  mean: round1(meanOf(all)),
  holdTicks: holdTicks.length,
  holdMedian: medianOf(holdTicks),
  holdMean: round1(meanOf(holdTicks)),
};
const calibration = plain.calibration;
const gatedPerTick = meanOf(plain.gatedCalls);

// The breakdown: the wrapped run's parts, wrappers taken off, must give the plain run's tick.
let exactTicks = 0;
let worstDifference = 0;
for (let i = 0; i < plain.ticks; i++) {
  let sum = 0;
  for (let k = 1; k <= Part.watchdog; k++) sum += parts.partUnits[k][i];
  const difference = Math.abs(sum - plain.tickUnits[i]);
  if (difference < 1e-6) exactTicks++;
  if (difference > worstDifference) worstDifference = difference;
}
const breakdown = [];
for (let k = 1; k <= Part.watchdog; k++) {
  const units = parts.partUnits[k];
  const holdUnits = units.filter((_, i) => plain.inHold[i] === 1);
  breakdown.push({
    part: PART_INFO[k].name,
    what: PART_INFO[k].what,
    driver: PART_INFO[k].driver,
    callsPerTick: round1(meanOf(parts.partCalls[k])),
    mean: round1(meanOf(units)),
    median: medianOf(units),
    holdMean: round1(meanOf(holdUnits)),
    holdMedian: medianOf(holdUnits),
  });
}
const driverMean = breakdown.filter((p) => p.driver).reduce((sum, p) => sum + p.mean, 0);
const driverHoldMean = breakdown.filter((p) => p.driver).reduce((sum, p) => sum + p.holdMean, 0);

// Outside the tick, per call (the plain run; each figure includes its wrapper's share, about
// methodWrapCalleeUnits, and for the DRDY handler one gated SPI read's residual).
const outside = [Part.drdyHandler, Part.panelRefresh, Part.leaseGuard, Part.protocol, Part.service].map((k) => {
  const calls = plain.outsideCalls[k];
  const perCall = calls > 0 ? plain.outsideUnits[k] / calls : NaN;
  return { part: PART_INFO[k].name, what: PART_INFO[k].what, calls, perCall: round1(perCall), perTenMs: round1((plain.outsideUnits[k] / plain.simTimeS) * 0.01) };
});

// Step results: the same run in Node (it must agree with XS), and the simulated HAL's dry run.
const program = JSON.parse(programText) as unknown;
const inNode = runBench(createBenchRun(program, config, { seed: 1, traceEveryTicks: 0 }));
const onSimHal = dryRun(program, { seed: 1, traceEveryTicks: 0 });
const stepFigures = (steps: { reached: number | null; peak: number | null; p99: number | null; durationS: number | null }[]) => steps.map((s) => [s.reached, s.peak, s.p99, s.durationS]);
const fromReport = (result: DryRunResult) => (result.report?.steps ?? []).map((s) => ({ type: s.type, reached: s.reached_MPa, peak: s.peak_MPa, p99: s.hold_error_p99_MPa, durationS: s.duration_s }));
const xsSteps = plain.steps;
const nodeAgrees = JSON.stringify(stepFigures(xsSteps)) === JSON.stringify(stepFigures(fromReport(inNode)));
const simSteps = fromReport(onSimHal);
const deltas = { reachedMPa: 0, peakMPa: 0, p99MPa: 0, durationS: 0 };
const comparison = xsSteps.map((step, i) => {
  const sim = simSteps[i];
  const delta = (a: number | null, b: number | null) => (a === null || b === null ? null : Math.round((a - b) * 1000) / 1000);
  const row = { step: i + 1, type: step.type, onDrivers: step, onSimulatedHal: sim, delta: { reachedMPa: delta(step.reached, sim.reached), peakMPa: delta(step.peak, sim.peak), p99MPa: delta(step.p99, sim.p99), durationS: delta(step.durationS, sim.durationS) } };
  for (const key of Object.keys(deltas) as (keyof typeof deltas)[]) {
    const value = row.delta[key];
    if (value !== null && Math.abs(value) > deltas[key]) deltas[key] = Math.abs(value);
  }
  return row;
});

const engine = spawnSync(xsnapBinary, ['-v'], { encoding: 'utf8' }).stdout.trim();
const xsnapVersion = (JSON.parse(readFileSync(path.join(repoRoot, 'node_modules', '@agoric', 'xsnap', 'package.json'), 'utf8')) as { version: string }).version;
const machine = `${os.arch()} ${os.platform()}, ${os.cpus().length} cores, Node ${process.version}`;

const f = (n: number) => String(Math.round(n));
console.log(`bench: ${engine} (xsnap ${xsnapVersion}, ${path.relative(repoRoot, xsnapBinary)}) on ${machine}; two runs side by side, ${wallS.toFixed(1)} s`);
console.log(`bench: ${EXAMPLE} on the bench board: the firmware over the hal/esp32 drivers (Ads1220, EspPump/EspReleaseValve/LeasedDrive, PinInputs, EspPanel on its own timer, EspFlashPartition, UartSerialPort, EspSystem) on fake IO, the simulated press behind the pins; ${plain.ticks} control ticks metered, result ${plain.result}`);
console.log(`bench: per tick: median ${figures.median}, p99 ${figures.p99}, max ${figures.max} (${figures.maxAt}), mean ${figures.mean}; hold steps only: median ${figures.holdMedian} over ${figures.holdTicks} ticks`);
console.log(`bench: in those figures: the bracketing (${calibration.bracketUnits} units around an empty function) and the fake IO the tick calls, each pin or clock read ${calibration.fakeCallOverNativeUnits}–${calibration.fakeGetterOverNativeUnits} units more than a native call (about 12 such calls per tick: six pin reads, five clock reads, the watchdog feed); gated fake calls per tick (SPI: a missed DRDY edge): ${gatedPerTick.toFixed(3)}`);
console.log(`bench: per part, mean units per tick (all ticks | hold steps), median, calls per tick; driver code marked *:`);
for (const p of breakdown) console.log(`  ${(p.driver ? '*' : ' ') + p.part.padEnd(13)} ${f(p.mean).padStart(5)} | ${f(p.holdMean).padStart(5)}   median ${f(p.median).padStart(5)}   ${p.callsPerTick.toFixed(1).padStart(4)} calls   ${p.what}`);
const sumMean = breakdown.reduce((sum, p) => sum + p.mean, 0);
const sumHold = breakdown.reduce((sum, p) => sum + p.holdMean, 0);
console.log(`  ${'sum'.padEnd(14)} ${f(sumMean).padStart(5)} | ${f(sumHold).padStart(5)}   (the plain run's mean: ${figures.mean} | ${figures.holdMean}); drivers ${f(driverMean)} | ${f(driverHoldMean)}`);
console.log(`bench: the parts add up to the plain run's tick exactly in ${exactTicks} of ${plain.ticks} ticks (largest difference ${worstDifference}); each wrapped call costs ${calibration.methodWrapUnits} units (a getter ${calibration.getterWrapUnits}), ${calibration.methodWrapCalleeUnits} (${calibration.getterWrapCalleeUnits}) of them in the called part: taken off it, the rest off its caller`);
console.log(`bench: outside the tick, per call (per 10 ms of run):`);
for (const o of outside) console.log(`  ${o.part.padEnd(13)} ${f(o.perCall).padStart(5)}  (${f(o.perTenMs)} per 10 ms, ${o.calls} calls)   ${o.what}`);
console.log(`bench: step results: XS and Node ${nodeAgrees ? 'agree exactly' : 'DIFFER'}; against the simulated HAL's dry run, largest |Δ|: reached ${deltas.reachedMPa} MPa, peak ${deltas.peakMPa} MPa, hold p99 ${deltas.p99MPa} MPa, duration ${deltas.durationS} s`);

const results = {
  what: 'XS meter units of PressFirmware.tick on the hal/esp32 drivers over fake IO (bench/bench-xs-tick.ts, docs/benchmarks.md)',
  engine,
  xsnap: xsnapVersion,
  machine,
  program: EXAMPLE,
  result: plain.result,
  simTimeS: plain.simTimeS,
  tick: figures,
  calibration,
  gatedCallsPerTick: gatedPerTick,
  breakdown,
  breakdownCheck: { exactTicks, ticks: plain.ticks, worstDifference },
  outsideTick: outside,
  panel: { i2cWrites: plain.i2cWrites, i2cBytes: plain.i2cBytes, largestWriteBytes: plain.largestI2cWriteBytes },
  conversionsRead: plain.conversionsRead,
  steps: { xsAgreesWithNode: nodeAgrees, largestDelta: deltas, comparison },
  wallS,
};
if (EXAMPLE === DEFAULT_EXAMPLE) writeResults('xs-tick', 'npm run bench', results);
else {
  mkdirSync(path.dirname(OUT), { recursive: true });
  writeFileSync(OUT, JSON.stringify({ bench: 'xs-tick', command: `npm run bench -- --program ${EXAMPLE}`, measured: measuredOn(), figures: results }, null, 1) + '\n');
  console.log(`bench: wrote ${path.relative(repoRoot, OUT)}`);
}
console.log(`xs-tick-meter: ${figures.median}`);
// A breakdown that does not give the whole is no breakdown: a wrapper that changed what a part computes (a dropped argument) shows here.
if (exactTicks !== plain.ticks) {
  console.error(`bench: the per-part run does not add up to the plain run (${plain.ticks - exactTicks} of ${plain.ticks} ticks differ, by up to ${worstDifference} units): the breakdown above is not valid`);
  process.exitCode = 1;
}
