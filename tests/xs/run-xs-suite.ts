// The XS suite: the platform-neutral core plus the host simulator, bundled by esbuild and
// run in the real XS engine (xsnap built from the Moddable XS sources by npm install).
// Each check runs the same code in Node and compares.
import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { spawnSync } from 'node:child_process';
import { runInXs, extractJson, repoRoot, xsnapBinary } from '../../tools/xs/xs-run';
import { engineSummary } from './scenario-summary';
import { programsSummary } from './programs-summary';
import { compareJson } from './compare';
import { measureXsHeap, steadyScenarios } from '../../tools/xs/xs-heap';
import type { HeapMeasurement } from '../../tools/xs/xs-heap';

const TOLERANCE = 1e-9;
const EXAMPLE = 'li6ps5cl-three-layer';
let passed = 0;
let failed = 0;

function check(name: string, ok: boolean, detail: string): void {
  if (ok) passed++;
  else failed++;
  console.log(`${ok ? 'ok  ' : 'FAIL'} xs: ${name} — ${detail}`);
}

const version = spawnSync(xsnapBinary, ['-v'], { encoding: 'utf8' }).stdout.trim();
console.log(`xs: engine ${version || '(version unknown)'} at ${path.relative(repoRoot, xsnapBinary)}`);

const programText = readFileSync(path.join(repoRoot, 'examples', `${EXAMPLE}.json`), 'utf8');
for (const seed of [1, 7]) {
  const started = Date.now();
  const xs = await runInXs(`
    import { engineSummary } from './tests/xs/scenario-summary';
    declare function print(...values: unknown[]): void;
    const summary = engineSummary(${JSON.stringify(programText)}, ${seed});
    print('RESULT ' + JSON.stringify(summary));
  `);
  const xsWallS = (Date.now() - started) / 1000;
  if (xs.exitCode !== 0) {
    check(`scenario ${EXAMPLE} seed ${seed}`, false, `xsnap exited ${xs.exitCode}: ${xs.stderr.slice(0, 1000)}`);
    continue;
  }
  const inXs = extractJson<ReturnType<typeof engineSummary>>(xs.stdout, 'RESULT ');
  const inNode = JSON.parse(JSON.stringify(engineSummary(programText, seed))) as ReturnType<typeof engineSummary>;
  const comparison = compareJson(inNode, inXs, TOLERANCE);
  const ran = inXs.report !== null && inXs.report.result === 'completed' && inXs.ticks > 10000;
  check(
    `scenario ${EXAMPLE} seed ${seed}`,
    ran && comparison.mismatches.length === 0,
    `XS ran ${inXs.ticks} control ticks (${inXs.simTimeS.toFixed(1)} s simulated, ${inXs.report?.steps.length} steps, result ${inXs.report?.result}) in ${xsWallS.toFixed(1)} s; ` +
      `${comparison.numbers} numbers compared with Node, max relative difference ${comparison.maxRelativeDifference}` +
      (comparison.mismatches.length > 0 ? `\n  ${comparison.mismatches.slice(0, 10).join('\n  ')}` : ''),
  );
  if (seed === 1 && inXs.report !== null) {
    for (const step of inXs.report.steps) {
      const fmt = (v: number | null) => (v === null ? '-' : v.toFixed(3));
      console.log(`      step ${step.index + 1} ${step.type.padEnd(8)} target ${fmt(step.target_MPa)} reached ${fmt(step.reached_MPa)} overshoot ${fmt(step.overshoot_MPa)} p99 ${fmt(step.hold_error_p99_MPa)} ${fmt(step.duration_s)} s`);
    }
  }
}

// A run that misses its band: the 5 MPa maintain, cut to 2 minutes and its band to ± 0.01 (the
// load cell's noise alone is wider), ends completed outside tolerance in XS as in Node, with the
// same verdict and the same words.
{
  const stack = JSON.parse(readFileSync(path.join(repoRoot, 'examples', 'stack-pressure-5mpa-72h.json'), 'utf8')) as { steps: { duration_s?: number; band_MPa?: number }[] };
  stack.steps[0].duration_s = 120;
  stack.steps[0].band_MPa = 0.01;
  const stackText = JSON.stringify(stack);
  const xs = await runInXs(`
    import { engineSummary } from './tests/xs/scenario-summary';
    declare function print(...values: unknown[]): void;
    print('RESULT ' + JSON.stringify(engineSummary(${JSON.stringify(stackText)}, 1)));
  `);
  if (xs.exitCode !== 0) {
    check('scenario outside tolerance', false, `xsnap exited ${xs.exitCode}: ${xs.stderr.slice(0, 1000)}`);
  } else {
    const inXs = extractJson<ReturnType<typeof engineSummary>>(xs.stdout, 'RESULT ');
    const inNode = JSON.parse(JSON.stringify(engineSummary(stackText, 1))) as ReturnType<typeof engineSummary>;
    const comparison = compareJson(inNode, inXs, TOLERANCE);
    const outside = inXs.report !== null && inXs.report.result === 'completed-outside-tolerance';
    check(
      'scenario outside tolerance',
      outside && comparison.mismatches.length === 0,
      `XS: ${inXs.report?.result_text}; ${comparison.numbers} numbers compared with Node, max relative difference ${comparison.maxRelativeDifference}` +
        (comparison.mismatches.length > 0 ? `\n  ${comparison.mismatches.slice(0, 10).join('\n  ')}` : ''),
    );
  }
}

// The program pipeline (JSON parser, validator, flash codec) on every example and on edge values.
{
  const texts = readdirSync(path.join(repoRoot, 'examples'))
    .filter((file) => file.endsWith('.json'))
    .sort()
    .map((file) => readFileSync(path.join(repoRoot, 'examples', file), 'utf8'));
  const xs = await runInXs(`
    import { programsSummary } from './tests/xs/programs-summary';
    declare function print(...values: unknown[]): void;
    print('RESULT ' + JSON.stringify(programsSummary(${JSON.stringify(texts)}, 5)));
  `);
  if (xs.exitCode !== 0) {
    check('programs: parse, validate, encode, decode', false, `xsnap exited ${xs.exitCode}: ${xs.stderr.slice(0, 1000)}`);
  } else {
    const inXs = extractJson<ReturnType<typeof programsSummary>>(xs.stdout, 'RESULT ');
    const inNode = JSON.parse(JSON.stringify(programsSummary(texts, 5))) as ReturnType<typeof programsSummary>;
    const comparison = compareJson(inNode, inXs, 0);
    const encoded = inXs.examples.filter((e) => 'hex' in e).length;
    const bytes = inXs.edges.reduce((sum, e) => sum + e.length / 2, 0);
    check(
      'programs: parse, validate, encode, decode',
      comparison.mismatches.length === 0 && encoded === texts.length,
      `${encoded}/${texts.length} examples encoded, ${inXs.badTexts.length} broken texts, ${inXs.badPrograms.flat().length} validator messages and ${inXs.edges.length} edge-value programs (${Math.round(bytes)} bytes) identical in XS and Node` +
        (comparison.mismatches.length > 0 ? `\n  ${comparison.mismatches.slice(0, 10).join('\n  ')}` : ''),
    );
  }
}

// Heap (docs/xs-heap.md): in steady state the firmware tick allocates no heap slot and the
// machine's heap does not grow, measured in an xsnap-worker from the engine's own counters;
// and the same measurement catches a tick made to allocate (a dropped object: per-tick slot
// count) or to grow a kept string (chunks only: snapshot size). Four workers, two at a time.
try {
  const started = Date.now();
  const HEAP_TICKS = 10_000;
  const CONTROL_TICKS = 500;
  const [maintain, hold] = steadyScenarios(20_000 + HEAP_TICKS);
  const base = { settleTicks: 500, maxWarmupTicks: 20_000 };
  const [onMaintain, onHold] = await Promise.all([
    measureXsHeap({ ...base, programText: maintain.programText, ticks: HEAP_TICKS }),
    measureXsHeap({ ...base, programText: hold.programText, ticks: HEAP_TICKS }),
  ]);
  const [garbage, leak] = await Promise.all([
    measureXsHeap({ ...base, programText: maintain.programText, ticks: CONTROL_TICKS, fault: 'object-garbage' }),
    measureXsHeap({ ...base, programText: maintain.programText, ticks: CONTROL_TICKS, fault: 'string-leak' }),
  ]);
  const wallS = (Date.now() - started) / 1000;
  const growth = (m: HeapMeasurement) => ({ slots: m.after.liveSlots - m.before.liveSlots, bytes: m.after.snapshotBytes - m.before.snapshotBytes });
  for (const [name, m] of [['maintain', onMaintain], ['hold', onHold]] as const) {
    const g = growth(m);
    const counted = m.exactTicks >= m.ticks * 0.99 && m.workerMeter.steadyTicks === m.ticks && m.crankOverheadAgreeing === m.crankOverheadSamples;
    check(
      `heap: ${m.ticks} steady ticks (${name}) allocate nothing, nor do the timers between them (panel, protocol, housekeeping); heap does not grow`,
      counted && m.tickSlotsTotal === 0 && m.ticksThatAllocated === 0 && m.simSlotsTotal === 0 && g.slots === 0 && g.bytes === 0,
      `${m.tickSlotsTotal} slots allocated by ${m.exactTicks} ticks counted exactly (${m.collectedTicks} left out, a collection in their crank; ${m.workerMeter.steadyTicks} steady; worker overhead ${m.crankOverheadSlots} slots/crank, ${m.crankOverheadAgreeing}/${m.crankOverheadSamples} agree); ` +
        `${m.simSlotsTotal} slots between ticks over ${m.simCranks} cranks; ` +
        `after full collections: live slots ${m.before.liveSlots} -> ${m.after.liveSlots}, snapshot ${m.before.snapshotBytes} -> ${m.after.snapshotBytes} bytes (warm-up ${m.warmupTicks} ticks)`,
    );
  }
  const g = growth(leak);
  check(
    'heap: the measurement catches an allocating tick',
    garbage.tickSlotsTotal >= garbage.exactTicks && garbage.exactTicks > 0 && leak.tickSlotsTotal === 0 && g.bytes > 0,
    `a tick that drops a new object: ${garbage.tickSlotsTotal} slots over ${garbage.exactTicks} ticks; a tick that grows a kept string by one character: ${leak.tickSlotsTotal} slots but the snapshot grew ${g.bytes} bytes over ${leak.ticks} ticks; ` +
      `all heap checks in ${wallS.toFixed(1)} s`,
  );
} catch (error) {
  check('heap: steady ticks allocate nothing, heap does not grow', false, error instanceof Error ? error.message : String(error));
}

// The harness itself must be able to fail: a deliberately different seed must not compare equal.
const other = compareJson(JSON.parse(JSON.stringify(engineSummary(programText, 1))), JSON.parse(JSON.stringify(engineSummary(programText, 2))), TOLERANCE);
check('comparison detects a different run', other.mismatches.length > 0, `${other.mismatches.length} differences between seeds 1 and 2`);

console.log(`xs: ${passed} passed, ${failed} failed`);
process.exit(failed === 0 ? 0 : 1);
