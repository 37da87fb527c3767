// npm run bench:xs-heap: heap use of the firmware's control tick in the real XS engine, over
// 100 000 steady-state ticks of a dry run (docs/xs-heap.md). Two steady states: a maintain
// step (static hold: the stack-pressure example) and a dynamic hold (the separator step of
// the three-layer example, held long enough). For each, in an xsnap-worker:
//   - the heap slots each tick allocates, exactly (the engine's currentHeapCount read at the
//     worker's crank boundaries right before and right after the tick);
//   - the live slots and the snapshot size of the whole machine after a full collection,
//     before and after the measured ticks (retained growth, slots and chunks);
// and, on the same ticks in the release `xsnap` engine (as `npm run bench`), the XS meter of
// one tick. Then negative controls: the same measurement with a tick made to allocate.
// Prints `xs-heap-growth-bytes`, `xs-heap-growth-slots`, `xs-tick-alloc-slots` and
// `xs-steady-tick-meter`; exits 1 if the tick allocated or the heap grew, or if a control
// that must be caught was not.
// Writes bench/results/xs-heap.json (with the default options only).
// Options: --ticks N (default 100000), --control-ticks N (default 2000), --no-controls.
import path from 'node:path';
import { spawnSync } from 'node:child_process';
import { repoRoot } from '../tools/xs/xs-run';
import { measureXsHeap, meterXsTicks, percentile, steadyScenarios } from '../tools/xs/xs-heap';
import type { HeapMeasurement, InlineMeterResult, SteadyScenario } from '../tools/xs/xs-heap';
import type { TickFault } from '../tools/xs/xs-heap-target';
import { xsnapWorkerBinary } from '../tools/xs/xsnap-worker';
import { writeResults } from './results';

function option(name: string, fallback: number): number {
  const at = process.argv.indexOf(name);
  if (at < 0) return fallback;
  const value = Number(process.argv[at + 1]);
  if (!Number.isInteger(value) || value <= 0) throw new Error(`${name} needs a positive integer`);
  return value;
}

const TICKS = option('--ticks', 100_000);
const CONTROL_TICKS = option('--control-ticks', 2000);
const CONTROLS = !process.argv.includes('--no-controls');
const DEFAULTS = process.argv.length <= 2;
const SETTLE_TICKS = 2000;
const MAX_WARMUP_TICKS = 20_000;

const scenarios = steadyScenarios(MAX_WARMUP_TICKS + TICKS);

const version = spawnSync(xsnapWorkerBinary, ['-v'], { encoding: 'utf8' }).stdout.trim();
console.log(`bench:xs-heap: ${version} (${path.relative(repoRoot, xsnapWorkerBinary)}); warm-up until ${SETTLE_TICKS} consecutive steady ticks, then ${TICKS} ticks measured per scenario`);

const fmt = (n: number) => (n > 0 ? `+${n}` : `${n}`);
let failed = false;
const results: { scenario: SteadyScenario; heap: HeapMeasurement; meter: InlineMeterResult }[] = [];
for (const scenario of scenarios) {
  const options = { programText: scenario.programText, ticks: TICKS, settleTicks: SETTLE_TICKS, maxWarmupTicks: MAX_WARMUP_TICKS };
  const [heap, meter] = await Promise.all([measureXsHeap(options), meterXsTicks(options)]);
  results.push({ scenario, heap, meter });
  const growthSlots = heap.after.liveSlots - heap.before.liveSlots;
  const growthBytes = heap.after.snapshotBytes - heap.before.snapshotBytes;
  console.log(`\nscenario ${scenario.name}: ${scenario.what}`);
  console.log(`  warm-up ${heap.warmupTicks} ticks, then ${heap.ticks} ticks measured (${heap.workerMeter.steadyTicks} of them steady), ${heap.simTimeS.toFixed(1)} s simulated; worker ${heap.wallS.toFixed(1)} s, xsnap ${meter.wallS.toFixed(1)} s`);
  console.log(`  slots allocated by the tick: ${heap.tickSlotsTotal} in all over ${heap.exactTicks} ticks (max ${heap.tickSlotsMax} in one tick, ${heap.ticksThatAllocated} ticks allocated); ${heap.collectedTicks} ticks left out (a collection ran in their crank)`);
  console.log(`  worker's own slots per crank: ${heap.crankOverheadSlots} (${heap.crankOverheadAgreeing}/${heap.crankOverheadSamples} no-op cranks agree); between ticks (the simulator and the firmware's panel, protocol and housekeeping timers): ${heap.simSlotsTotal} slots over ${heap.simCranks} cranks; collections during the measured ticks: ${heap.collectedTicks + heap.simCollections}`);
  console.log(`  after a full collection: live slots ${heap.before.liveSlots} -> ${heap.after.liveSlots} (${fmt(growthSlots)}), snapshot ${heap.before.snapshotBytes} -> ${heap.after.snapshotBytes} bytes (${fmt(growthBytes)}), obtained from the system ${heap.before.allocatedBytes} -> ${heap.after.allocatedBytes} bytes`);
  console.log(`  meter per steady tick (release xsnap, same ticks): median ${meter.meter.median}, p99 ${meter.meter.p99}, max ${meter.meter.max} over ${meter.meter.steadyTicks} ticks; in the worker (mxDebug build): median ${heap.workerMeter.median}`);
  if (meter.warmupTicks !== heap.warmupTicks || meter.meter.steadyTicks !== heap.workerMeter.steadyTicks) {
    console.log(`  FAIL: the two engines did not run the same ticks (warm-up ${meter.warmupTicks} vs ${heap.warmupTicks})`);
    failed = true;
  }
  if (heap.workerMeter.steadyTicks !== heap.ticks) {
    console.log(`  FAIL: ${heap.ticks - heap.workerMeter.steadyTicks} measured ticks were not in the steady state`);
    failed = true;
  }
  if (heap.exactTicks < heap.ticks * 0.99) {
    console.log(`  FAIL: fewer than 99% of the ticks could be counted exactly`);
    failed = true;
  }
}

const controlResults: { fault: TickFault; expect: string; slotsPerTick: number; growthSlots: number; growthBytes: number; seenByTick: boolean; seenByHeap: boolean; ok: boolean }[] = [];
if (CONTROLS) {
  // Negative controls: the same measurement with a tick that also allocates. `expect` says which
  // measure must see it; chunk-only garbage is a documented blind spot (docs/xs-heap.md).
  const controls: { fault: TickFault; expect: 'tick' | 'tick+heap' | 'heap' | 'blind' }[] = [
    { fault: 'object-garbage', expect: 'tick' },
    { fault: 'object-leak', expect: 'tick+heap' },
    { fault: 'string-leak', expect: 'heap' },
    { fault: 'string-garbage', expect: 'blind' },
  ];
  console.log(`\ncontrols: a tick made to allocate, ${CONTROL_TICKS} ticks each (scenario hold); what each measure sees`);
  for (const control of controls) {
    const heap = await measureXsHeap({ programText: scenarios[1].programText, ticks: CONTROL_TICKS, settleTicks: SETTLE_TICKS, maxWarmupTicks: MAX_WARMUP_TICKS, fault: control.fault });
    const perTick = heap.tickSlotsTotal / heap.exactTicks;
    const growthSlots = heap.after.liveSlots - heap.before.liveSlots;
    const growthBytes = heap.after.snapshotBytes - heap.before.snapshotBytes;
    const seenByTick = heap.tickSlotsTotal > 0;
    const seenByHeap = growthBytes > 0 || growthSlots > 0;
    const ok =
      control.expect === 'tick' ? seenByTick : control.expect === 'tick+heap' ? seenByTick && seenByHeap : control.expect === 'heap' ? seenByHeap : !seenByTick && !seenByHeap;
    if (!ok) failed = true;
    controlResults.push({ fault: control.fault, expect: control.expect, slotsPerTick: Math.round(perTick * 100) / 100, growthSlots, growthBytes, seenByTick, seenByHeap, ok });
    const verdict = control.expect === 'blind' ? (ok ? 'not seen (expected: chunk-only garbage)' : 'seen?') : ok ? 'caught' : 'MISSED';
    console.log(
      `  ${control.fault.padEnd(15)} slots per tick ${perTick.toFixed(2)}, live slots ${fmt(growthSlots)}, snapshot ${fmt(growthBytes)} bytes -> ${verdict}`,
    );
  }
}

const growthBytes = Math.max(...results.map((r) => r.heap.after.snapshotBytes - r.heap.before.snapshotBytes));
const growthSlots = Math.max(...results.map((r) => r.heap.after.liveSlots - r.heap.before.liveSlots));
const tickSlots = results.reduce((sum, r) => sum + r.heap.tickSlotsTotal, 0);
const allMeters = results.flatMap((r) => r.meter.meter.values).sort((a, b) => a - b);
const steadyMedian = percentile(allMeters, 0.5);
console.log(`\nbench:xs-heap: over ${results.length} x ${TICKS} steady ticks: ${tickSlots} slots allocated by ticks, heap growth ${growthSlots} slots / ${growthBytes} bytes (largest of the scenarios); meter median ${steadyMedian} over ${allMeters.length} ticks (${results.map((r) => `${r.scenario.name} ${r.meter.meter.median}`).join(', ')})`);
console.log(`xs-heap-growth-bytes: ${growthBytes}`);
console.log(`xs-heap-growth-slots: ${growthSlots}`);
console.log(`xs-tick-alloc-slots: ${tickSlots}`);
console.log(`xs-steady-tick-meter: ${steadyMedian}`);
if (tickSlots !== 0 || growthBytes !== 0 || growthSlots !== 0) failed = true;
if (DEFAULTS) {
  writeResults('xs-heap', 'npm run bench:xs-heap', {
    engine: version,
    ticksPerScenario: TICKS,
    controlTicks: CONTROL_TICKS,
    scenarios: results.map(({ scenario, heap, meter }) => ({
      name: scenario.name,
      what: scenario.what,
      ticks: heap.ticks,
      exactTicks: heap.exactTicks,
      tickSlotsTotal: heap.tickSlotsTotal,
      tickSlotsMax: heap.tickSlotsMax,
      betweenTicksSlots: heap.simSlotsTotal,
      liveSlots: { before: heap.before.liveSlots, after: heap.after.liveSlots },
      snapshotBytes: { before: heap.before.snapshotBytes, after: heap.after.snapshotBytes },
      meter: { median: meter.meter.median, p99: meter.meter.p99, max: meter.meter.max, steadyTicks: meter.meter.steadyTicks },
    })),
    controls: controlResults,
    totals: { tickSlots, growthSlots, growthBytes, steadyMeterMedian: steadyMedian },
    failed,
  });
}
process.exit(failed ? 1 : 0);
