// Heap use of the firmware's control tick, measured in the XS engine itself (xsnap-worker):
// see docs/xs-heap.md. Shared by `npm run bench:xs-heap` (bench/bench-xs-heap.ts) and the
// XS suite (tests/xs/run-xs-suite.ts).
//
// Two measures, both read from the engine's own counters by the worker protocol:
//  1. Slots allocated by each tick, exactly. The worker answers every crank with the
//     machine's currentHeapCount, which grows by one for every slot allocated and is lowered
//     only by a garbage collection. A T crank runs the tick and nothing else, so
//        slots allocated by the tick = count after T − count after the S crank before it − K
//     where K is the slots the worker itself allocates to deliver a command (the ArrayBuffer
//     handed to handleCommand), measured on no-op cranks. A crank during which a collection
//     ran is void (the count restarts from the live slots); a FinalizationRegistry sentinel
//     armed at the end of each S crank and looked at in the next one tells exactly which T
//     cranks those are, and they are left out and counted.
//  2. Retained heap growth of the whole machine: after a forced full collection, the live
//     slot count (the same counter) and the size of a snapshot of the machine (the worker's
//     `w` command collects, then writes every live slot and chunk), before and after the
//     measured ticks. This includes the simulator, so it bounds the growth attributable to
//     the ticks from above; when it is zero, the ticks retained nothing — slots or chunks.
// What neither measure sees: chunk-only garbage (a temporary string or a bigint held in a
// local variable, an array's storage reallocated and dropped within the tick). XS allocates
// those from its chunk heap without a slot, and the worker reports no chunk counter.
import { build } from 'esbuild';
import { mkdtempSync, readFileSync, rmSync, writeFileSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { repoRoot, runInXs, extractJson } from './xs-run';
import { XsnapWorker } from './xsnap-worker';
import type { WorkerReply } from './xsnap-worker';
import { HeapCommand } from './xs-heap-target';
import type { HeapProbeOptions, HeapProbeReport, TickFault } from './xs-heap-target';

export interface SteadyScenario {
  name: string;
  what: string;
  programText: string;
}

const example = (name: string): string => readFileSync(path.join(repoRoot, 'examples', `${name}.json`), 'utf8');

/**
 * The steady states measured: a maintain step (static hold) — the stack-pressure example —
 * and a dynamic hold — the separator step of the three-layer example (ramp to 300 MPa, hold,
 * release), its hold lengthened to outlast `ticksNeeded` control ticks at 100 Hz.
 */
export function steadyScenarios(ticksNeeded: number): SteadyScenario[] {
  const threeLayer = JSON.parse(example('li6ps5cl-three-layer')) as { name: string; steps: Record<string, unknown>[] };
  const [ramp, hold, release] = threeLayer.steps;
  if (ramp.type !== 'ramp' || hold.type !== 'hold' || release.type !== 'release') throw new Error('li6ps5cl-three-layer: expected ramp, hold, release first');
  const holdS = Math.ceil(ticksNeeded / 100) + 60;
  return [
    { name: 'maintain', what: 'stack-pressure-5mpa-72h: maintain 5 MPa (static hold)', programText: example('stack-pressure-5mpa-72h') },
    {
      name: 'hold',
      what: `li6ps5cl-three-layer separator step: ramp to 300 MPa, dynamic hold (${holdS} s)`,
      programText: JSON.stringify({ ...threeLayer, name: 'li6ps5cl-separator-hold', steps: [ramp, { ...hold, duration_s: holdS }, release] }),
    },
  ];
}

export interface HeapMeasureOptions {
  programText: string;
  seed?: number;
  /** Warm-up (start-up, approach, settling) ends after this many consecutive steady ticks. */
  settleTicks?: number;
  /** The warm-up fails past this many ticks. */
  maxWarmupTicks?: number;
  /** Ticks measured after the warm-up. */
  ticks: number;
  fault?: TickFault;
  /** Ticks whose commands are written to the worker before waiting for their answers. */
  batchTicks?: number;
}

export interface HeapSnapshotFigures {
  /** Live slots after a forced full collection (currentHeapCount). */
  liveSlots: number;
  /** Bytes of a snapshot of the machine (written after a full collection). */
  snapshotBytes: number;
  /** Bytes XS has obtained from the system for its heaps (allocatedSpace). */
  allocatedBytes: number;
}

function command(code: number): string {
  return '?' + 'x'.repeat(code);
}

function heapCount(reply: WorkerReply, what: string): number {
  if (!reply.ok || reply.meter === null) throw new Error(`xsnap-worker: ${what} failed: ${reply.body.toString('utf8')}`);
  return reply.meter.currentHeapCount;
}

function mode(values: number[]): { value: number; count: number } {
  const counts = new Map<number, number>();
  for (const v of values) counts.set(v, (counts.get(v) ?? 0) + 1);
  let best = { value: NaN, count: 0 };
  for (const [value, count] of counts) if (count > best.count) best = { value, count };
  return best;
}

export function percentile(sorted: number[], q: number): number {
  if (sorted.length === 0) return NaN;
  return sorted[Math.min(sorted.length - 1, Math.floor(sorted.length * q))];
}

function probeOptions(options: HeapMeasureOptions, inline: boolean): HeapProbeOptions {
  return {
    programText: options.programText,
    seed: options.seed ?? 1,
    fault: options.fault ?? 'none',
    settleTicks: options.settleTicks ?? 2000,
    maxWarmupTicks: options.maxWarmupTicks ?? 20_000,
    ticks: options.ticks,
    inline,
  };
}

function probeEntry(options: HeapProbeOptions): string {
  return `
    import { installHeapProbe } from './tools/xs/xs-heap-target';
    installHeapProbe(${JSON.stringify(options)});
  `;
}

export interface MeterFigures {
  /** Measured ticks that were steady (hold, or maintain at its level). */
  steadyTicks: number;
  /** Their meters, sorted. */
  values: number[];
  median: number;
  p99: number;
  max: number;
}

/** Meter statistics over the steady ticks among the measured ones (after the warm-up). */
function steadyMeters(report: HeapProbeReport, ticks: number): MeterFigures {
  const values: number[] = [];
  for (let i = 0; i < ticks; i++) {
    const at = report.warmupTicks + i;
    if (report.steady[at] === 1) values.push(report.meters[at]);
  }
  values.sort((a, b) => a - b);
  return { steadyTicks: values.length, values, median: percentile(values, 0.5), p99: percentile(values, 0.99), max: values.length === 0 ? NaN : values[values.length - 1] };
}

export interface HeapMeasurement {
  fault: TickFault;
  warmupTicks: number;
  ticks: number;
  /** Slots the worker allocates to deliver one command (no-op cranks), and how many no-op cranks agreed. */
  crankOverheadSlots: number;
  crankOverheadAgreeing: number;
  crankOverheadSamples: number;
  /** Ticks whose crank saw no garbage collection, so whose slot count is exact. */
  exactTicks: number;
  /** Ticks left out because a collection ran during their crank. */
  collectedTicks: number;
  /** Slots allocated by the ticks, over the exact ones. */
  tickSlotsTotal: number;
  tickSlotsMax: number;
  ticksThatAllocated: number;
  /** Slots allocated between ticks (the simulator and the firmware's other timers: panel, protocol, housekeeping), over the S cranks without a collection or a re-armed sentinel. */
  simSlotsTotal: number;
  simCranks: number;
  /** S cranks during which a collection ran (the count dropped: every crank leaves garbage, the worker's own ArrayBuffer). */
  simCollections: number;
  before: HeapSnapshotFigures;
  after: HeapSnapshotFigures;
  /** Meter of the tick in this worker build (mxDebug: higher than the release engine's). */
  workerMeter: MeterFigures;
  simTimeS: number;
  wallS: number;
}

/** Runs the dry run of `programText` in an xsnap-worker and measures the heap use of its ticks. */
export async function measureXsHeap(options: HeapMeasureOptions): Promise<HeapMeasurement> {
  const started = Date.now();
  const probe = probeOptions(options, false);
  const batch = options.batchTicks ?? 2000;
  const dir = mkdtempSync(path.join(tmpdir(), 'press-xs-heap-'));
  const worker = new XsnapWorker();
  try {
    const bundle = await build({
      stdin: { contents: probeEntry(probe), resolveDir: repoRoot, loader: 'ts', sourcefile: 'xs-heap-entry.ts' },
      bundle: true,
      format: 'esm',
      platform: 'neutral',
      target: 'es2022',
      write: false,
      logLevel: 'silent',
    });
    const bundlePath = path.join(dir, 'heap-probe.js');
    writeFileSync(bundlePath, bundle.outputFiles[0].text);
    await worker.one('m' + bundlePath);

    const tick = command(HeapCommand.tick);
    const advance = command(HeapCommand.advance);
    const noop = command(HeapCommand.noop);
    const collect = command(HeapCommand.collect);

    const figures = async (label: string): Promise<HeapSnapshotFigures> => {
      // Twice: a collection that finds the sentinel runs the FinalizationRegistry callback at
      // the end of its crank (allocating after the collection); the second finds none pending.
      await worker.one(collect);
      const collected = await worker.one(collect);
      const liveSlots = heapCount(collected, label);
      const snapshotPath = path.join(dir, `${label}.xss`);
      const written = await worker.one('w' + snapshotPath);
      const snapshotBytes = Number(written.body.toString('ascii'));
      if (!(snapshotBytes > 0) || snapshotBytes !== statSync(snapshotPath).size) {
        throw new Error(`xsnap-worker: snapshot size ${written.body.toString('ascii')} does not match the file`);
      }
      rmSync(snapshotPath, { force: true });
      return { liveSlots, snapshotBytes, allocatedBytes: collected.meter?.allocate ?? NaN };
    };

    const overheads = async (count: number): Promise<number[]> => {
      const replies = await worker.send(Array.from({ length: count + 1 }, () => noop));
      const values: number[] = [];
      for (let i = 1; i < replies.length; i++) values.push(heapCount(replies[i], 'noop') - heapCount(replies[i - 1], 'noop'));
      return values;
    };

    // Warm-up: one crank, inside XS, until the run has been steady for settleTicks ticks.
    const warmupTicks = JSON.parse((await worker.one(command(HeapCommand.warmup))).body.toString('utf8')) as number;
    const overheadSamples = await overheads(1000);
    const before = await figures('before');

    // Measured ticks: S and T cranks, pipelined; the count after each is what we read.
    const deltas = new Int32Array(options.ticks);
    const simDeltas = new Int32Array(options.ticks);
    let previousTick = NaN;
    for (let done = 0; done < options.ticks; ) {
      const n = Math.min(batch, options.ticks - done);
      const commands: string[] = [];
      for (let i = 0; i < n; i++) commands.push(advance, tick);
      const replies = await worker.send(commands);
      for (let i = 0; i < n; i++) {
        const afterAdvance = heapCount(replies[2 * i], 'advance');
        const afterTick = heapCount(replies[2 * i + 1], 'tick');
        deltas[done + i] = afterTick - afterAdvance;
        // The S crank's own delta (the first one follows the snapshot, not a tick: left out).
        simDeltas[done + i] = Number.isNaN(previousTick) ? 0 : afterAdvance - previousTick;
        previousTick = afterTick;
      }
      done += n;
    }
    await worker.one(advance); // looks at the sentinel of the last measured tick
    const after = await figures('after');
    overheadSamples.push(...(await overheads(1000)));
    const report = JSON.parse((await worker.one(command(HeapCommand.report))).body.toString('utf8')) as HeapProbeReport;
    if (report.warmupTicks !== warmupTicks || report.ticks < warmupTicks + options.ticks) {
      throw new Error(`the probe counted ${report.ticks} ticks (${report.warmupTicks} warm-up), expected ${warmupTicks} + ${options.ticks}`);
    }

    const overhead = mode(overheadSamples);
    // S cranks: every crank leaves the worker's ArrayBuffer as garbage, so one during which a
    // collection ran ends with a lower count than it started with. Those, and those that
    // re-armed the sentinel, are left out of the simulator's figure.
    let simSlotsTotal = 0;
    let simCranks = 0;
    let simCollections = 0;
    for (let i = 1; i < options.ticks; i++) {
      if (simDeltas[i] < 0) simCollections++;
      else if (report.rearmed[warmupTicks + i] !== 1) {
        simSlotsTotal += simDeltas[i] - overhead.value;
        simCranks++;
      }
    }
    let exactTicks = 0;
    let collectedTicks = 0;
    let tickSlotsTotal = 0;
    let tickSlotsMax = 0;
    let ticksThatAllocated = 0;
    for (let i = 0; i < options.ticks; i++) {
      if (report.collected[warmupTicks + i] === 1) {
        collectedTicks++;
        continue;
      }
      exactTicks++;
      const slots = deltas[i] - overhead.value;
      tickSlotsTotal += slots;
      if (slots > tickSlotsMax) tickSlotsMax = slots;
      if (slots !== 0) ticksThatAllocated++;
    }
    return {
      fault: probe.fault,
      warmupTicks,
      ticks: options.ticks,
      crankOverheadSlots: overhead.value,
      crankOverheadAgreeing: overhead.count,
      crankOverheadSamples: overheadSamples.length,
      exactTicks,
      collectedTicks,
      tickSlotsTotal,
      tickSlotsMax,
      ticksThatAllocated,
      simSlotsTotal,
      simCranks,
      simCollections,
      before,
      after,
      workerMeter: steadyMeters(report, options.ticks),
      simTimeS: report.simTimeS,
      wallS: (Date.now() - started) / 1000,
    };
  } finally {
    await worker.close();
    rmSync(dir, { recursive: true, force: true });
  }
}

export interface InlineMeterResult {
  warmupTicks: number;
  meter: MeterFigures;
  simTimeS: number;
  wallS: number;
}

/**
 * The same warm-up and ticks under the plain `xsnap -m` engine (release build, as
 * `npm run bench`): the XS meter of each tick, for the steady-state figure.
 */
export async function meterXsTicks(options: HeapMeasureOptions): Promise<InlineMeterResult> {
  const started = Date.now();
  const run = await runInXs(probeEntry(probeOptions(options, true)));
  if (run.exitCode !== 0) throw new Error(`xsnap exited ${run.exitCode}: ${run.stderr.slice(0, 2000)}`);
  const report = extractJson<HeapProbeReport>(run.stdout, 'RESULT ');
  return { warmupTicks: report.warmupTicks, meter: steadyMeters(report, options.ticks), simTimeS: report.simTimeS, wallS: (Date.now() - started) / 1000 };
}
