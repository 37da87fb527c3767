// npm run bench:docs — writes the generated blocks of the docs from bench/results/*.json. A block
// is the text between `<!-- bench:NAME:begin -->` and `<!-- bench:NAME:end -->`; BLOCKS below
// says what each one shows and which results it reads. Nothing in a block is typed by hand:
// re-run the benchmark, then this. `-- --check` changes nothing and exits 1 if a block is stale
// (tests/architecture/bench-docs.test.ts does the same).
import { existsSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { readResults, repoRoot, resultsPath } from './results';
import type { BenchResults } from './results';

// ---------------------------------------------------------------- formatting

/** Digits grouped by threes with a space, as the docs write numbers: 1 234.5. */
export function group(value: number, digits = 0): string {
  if (!Number.isFinite(value)) return String(value);
  const [whole, fraction] = Math.abs(value).toFixed(digits).split('.');
  const grouped = whole.length > 3 ? whole.replace(/\B(?=(\d{3})+(?!\d))/g, ' ') : whole;
  return `${value < 0 ? '−' : ''}${grouped}${fraction === undefined ? '' : `.${fraction}`}`;
}

const mb = (bytes: number) => `${(bytes / 1e6).toFixed(1)} MB`;
const fixed = (value: number, digits: number) => (Number.isFinite(value) ? value.toFixed(digits) : String(value));

function table(header: string[], rows: (string | number)[][]): string {
  const line = (cells: (string | number)[]) => `| ${cells.join(' | ')} |`;
  return [line(header), line(header.map(() => '---')), ...rows.map(line)].join('\n');
}

/** The line under every block: where its figures come from. */
function source(results: BenchResults): string {
  const m = results.measured;
  const commit = `${m.commit}${m.dirty ? ' with uncommitted changes' : ''}`;
  return `<sub>\`${results.command}\` → \`${path.relative(repoRoot, resultsPath(results.bench))}\`, ${m.date.slice(0, 10)}, commit ${commit}, Node ${m.node}, ${m.platform}, ${m.cores} cores (${m.cpu}).</sub>`;
}

// ---------------------------------------------------------------- the results' shapes

interface XsTick {
  engine: string;
  xsnap: string;
  program: string;
  result: string;
  simTimeS: number;
  tick: { ticks: number; median: number; p99: number; max: number; maxAt: string; mean: number; holdTicks: number; holdMedian: number; holdMean: number };
  calibration: { methodWrapUnits: number; methodWrapCalleeUnits: number; getterWrapUnits: number; getterWrapCalleeUnits: number; gateResidualUnits: number; fakeCallOverNativeUnits: number; fakeGetterOverNativeUnits: number; bracketUnits: number };
  gatedCallsPerTick: number;
  breakdown: { part: string; what: string; driver: boolean; callsPerTick: number; mean: number; median: number; holdMean: number; holdMedian: number }[];
  breakdownCheck: { exactTicks: number; ticks: number; worstDifference: number };
  outsideTick: { part: string; what: string; calls: number; perCall: number; perTenMs: number }[];
  panel: { i2cWrites: number; i2cBytes: number; largestWriteBytes: number };
  conversionsRead: number;
  steps: {
    xsAgreesWithNode: boolean;
    largestDelta: { reachedMPa: number; peakMPa: number; p99MPa: number; durationS: number };
    comparison: { step: number; type: string; onDrivers: StepRow; onSimulatedHal: StepRow; delta: { reachedMPa: number | null; peakMPa: number | null; p99MPa: number | null; durationS: number | null } }[];
  };
}
interface StepRow {
  reached: number | null;
  peak: number | null;
  p99: number | null;
  durationS: number | null;
}

interface XsHeap {
  engine: string;
  ticksPerScenario: number;
  controlTicks: number;
  scenarios: { name: string; what: string; ticks: number; exactTicks: number; tickSlotsTotal: number; tickSlotsMax: number; betweenTicksSlots: number; liveSlots: { before: number; after: number }; snapshotBytes: { before: number; after: number }; meter: { median: number; p99: number; max: number; steadyTicks: number } }[];
  controls: { fault: string; expect: string; slotsPerTick: number; growthSlots: number; growthBytes: number; seenByTick: boolean; seenByHeap: boolean; ok: boolean }[];
  totals: { tickSlots: number; growthSlots: number; growthBytes: number; steadyMeterMedian: number };
  failed: boolean;
}

interface Sim {
  maintainMPa: number;
  goal24hWallS: number;
  runs: { run: string; maintainH: number | null; fixedStep: boolean; result: string; ticks: number; simulatedS: number; wallS: number; ratio: number }[];
}

interface ControlRow {
  plant: string;
  program: string;
  law: string;
  wallS: number;
  error?: string;
  result: string;
  overshoot: string;
  holdP99: string;
  settle: string;
  rampTrack: string;
  rampRate: string;
  maintain: string;
  releaseUndershoot: string;
  pumpDutyPct: number;
  failures: string[];
}
interface Control {
  runs: number;
  wallS: number;
  workers: number;
  tolerances: Record<string, number>;
  /** The feasibility check against the PI runs (absent in results from before it). */
  feasibility?: { summary: string; holdWithinFactor2: number; holdSteps: number; outside: string[] };
  results: ControlRow[];
}

interface ScpiFuzz {
  table: string;
  inputs: number;
  seconds: number;
  inputsPerS: number;
  maxHeldBytes: number;
  heldBoundBytes: number;
  heapBytes: { start: number; afterWarmup: number; warmupInputs: number; max: number; end: number; collected: boolean };
  recoveryChecks: number;
  splitChecks: number;
  errorsByCode: Record<string, number>;
  failures: string[];
}

interface StorageOperation {
  name: string;
  positions: number;
  erases: number;
  stride: number;
  cuts: number;
  lost: number;
  corruptAccepted: number;
  stuck: number;
  logRecordsRejected: number;
  mountsReportingDamage: number;
  silentLosses: number;
}
interface Storage {
  partition: { bytes: number; objectBlocks: number; logBlocks: number; programsStored: number; programsOf8KB: number; loggedRuns: number };
  processes: number;
  wallS: number;
  operations: StorageOperation[];
  totals: { cuts: number; lost: number; corruptAccepted: number; stuck: number; mountsReportingDamage: number; silentLosses: number };
  damage: { mounts: number; mountsWithLoss: number; itemsLost: number; corruptAccepted: number; rolledBack: number; mountsReportingDamage: number; silentLosses: number; programsLost: number; programsNamed: number };
  wear: { days: number; ratedEraseCycles: number; areas: { area: string; leastErases: number; mostErases: number; busiestPerDay: number; yearsToRatedCycles: number }[] };
  ok: boolean;
}

interface Encoding {
  programs: { example: string; steps: number; recordBytes: number; descriptionBytes: number; roundTrip: boolean }[];
}

// ---------------------------------------------------------------- the blocks

interface Block {
  /** The results files (bench/results/<name>.json) the block reads. */
  reads: string[];
  render: (read: <F>(name: string) => BenchResults<F>) => string;
}

const CREEP = /^creep-/;

function tickBlock(r: BenchResults<XsTick>): string {
  const f = r.figures;
  const t = f.tick;
  return [
    `${f.engine} (\`@agoric/xsnap\` ${f.xsnap}); \`${f.program}\`: result \`${f.result}\`, ${group(t.ticks)} control ticks, ${group(f.simTimeS, 1)} s simulated.`,
    '',
    table(['figure (meter units)', 'value'], [
      ['median per tick (`xs-tick-meter`)', `**${group(t.median)}**`],
      ['p99 per tick', group(t.p99)],
      ['max per tick', `${group(t.max)} (${t.maxAt})`],
      [`median in hold steps (${group(t.holdTicks)} ticks)`, group(t.holdMedian)],
      ['mean per tick', group(t.mean, 1)],
      ['mean in hold steps', group(t.holdMean, 1)],
    ]),
    '',
    source(r),
  ].join('\n');
}

function tickCalibrationBlock(r: BenchResults<XsTick>): string {
  const c = r.figures.calibration;
  return [
    `- the bracketing of the tick itself (the meter read around an empty function called the same way): ${c.bracketUnits} units;`,
    `- a fake pin read or clock read over a native call: ${c.fakeCallOverNativeUnits} units (a getter ${c.fakeGetterOverNativeUnits});`,
    `- fake IO calls with a real body (SPI, I2C, flash, UART) run behind a gate that leaves the body out of the meter (${c.gateResidualUnits} units of residual per gated call); the tick made ${fixed(r.figures.gatedCallsPerTick, 3)} gated calls per tick.`,
    '',
    source(r),
  ].join('\n');
}

function tickPartsBlock(r: BenchResults<XsTick>): string {
  const f = r.figures;
  const parts = f.breakdown;
  const sum = (key: 'mean' | 'holdMean', driver?: boolean) => parts.filter((p) => driver === undefined || p.driver === driver).reduce((total, p) => total + p[key], 0);
  const rows = parts.map((p) => [`${p.driver ? '\\*' : ''}\`${p.part}\``, group(p.mean), group(p.holdMean), p.callsPerTick === 0 && p.mean > 0 ? '–' : fixed(p.callsPerTick, 1), p.what]);
  rows.push(['**sum**', `**${group(sum('mean'))}**`, `**${group(sum('holdMean'))}**`, '', `the plain run's mean: ${group(f.tick.mean, 1)} (hold steps ${group(f.tick.holdMean, 1)}); drivers ${group(sum('mean', true))} (hold ${group(sum('holdMean', true))})`]);
  const c = f.calibration;
  const check = f.breakdownCheck;
  return [
    table(['part', 'all ticks', 'hold steps', 'calls per tick', 'what'], rows),
    '',
    `The parts add up to the plain run's tick exactly in **${group(check.exactTicks)} of ${group(check.ticks)}** ticks (largest difference ${check.worstDifference} units). A wrapped call costs ${c.methodWrapUnits} units more than the direct call (a wrapped getter ${c.getterWrapUnits}), ${c.methodWrapCalleeUnits} (${c.getterWrapCalleeUnits}) of them in the called part's bucket.`,
    '',
    source(r),
  ].join('\n');
}

function tickOutsideBlock(r: BenchResults<XsTick>): string {
  const f = r.figures;
  const perTenMs = f.outsideTick.reduce((total, o) => total + o.perTenMs, 0);
  return [
    table(['callback', 'per call', 'per 10 ms of run', 'calls', 'what'], f.outsideTick.map((o) => [`\`${o.part}\``, group(o.perCall), group(o.perTenMs), group(o.calls), o.what])),
    '',
    `Per 10 ms loop period the JavaScript thread spends about ${group(perTenMs + f.tick.mean)} units: the tick's mean ${group(f.tick.mean)} and ${group(perTenMs)} outside it. The panel made ${group(f.panel.i2cWrites)} I2C writes (${group(f.panel.i2cBytes)} bytes, at most ${f.panel.largestWriteBytes} in one); ${group(f.conversionsRead)} conversions were read.`,
    '',
    source(r),
  ].join('\n');
}

function tickStepsBlock(r: BenchResults<XsTick>): string {
  const s = r.figures.steps;
  const v = (x: number | null, digits: number) => (x === null ? '–' : fixed(x, digits));
  const rows = s.comparison.map((c) => [c.step, c.type, v(c.onDrivers.reached, 2), v(c.onSimulatedHal.reached, 2), v(c.onDrivers.p99, 3), v(c.onSimulatedHal.p99, 3), v(c.onDrivers.durationS, 2), v(c.onSimulatedHal.durationS, 2)]);
  const d = s.largestDelta;
  return [
    `XS and Node on the drivers: **${s.xsAgreesWithNode ? 'identical step results' : 'DIFFERENT step results'}**. Against the simulated HAL's dry run, the largest differences: reached ${d.reachedMPa} MPa, peak ${d.peakMPa} MPa, hold p99 ${d.p99MPa} MPa, duration ${d.durationS} s.`,
    '',
    table(['step', 'type', 'reached MPa, drivers', 'simulated HAL', 'hold p99 MPa, drivers', 'simulated HAL', 'duration s, drivers', 'simulated HAL'], rows),
    '',
    source(r),
  ].join('\n');
}

function tickPlausibilityBlock(r: BenchResults<XsTick>): string {
  const part = r.figures.breakdown.find((p) => p.part === 'plausibility');
  if (part === undefined) throw new Error('xs-tick: no plausibility part in the breakdown');
  return [
    `The per-conversion checks (\`plausibility\` in the tick's breakdown) cost ${group(part.mean / part.callsPerTick)} XS meter units per conversion: ${group(part.mean)} per tick at ${fixed(part.callsPerTick, 1)} conversions per tick (the ADS1220 at 330 SPS, the tick at 100 Hz), and allocate nothing.`,
    '',
    source(r),
  ].join('\n');
}

const TICK_BUDGET_UNITS = 2000;
function tickBudgetBlock(r: BenchResults<XsTick>): string {
  const f = r.figures;
  const driversHold = f.breakdown.filter((p) => p.driver).reduce((total, p) => total + p.holdMean, 0);
  const met = f.tick.holdMedian <= TICK_BUDGET_UNITS;
  return [
    `Budget: ≤ ${group(TICK_BUDGET_UNITS)} units per steady tick — **${met ? 'met' : 'not met'}**: hold steps take a median of ${group(f.tick.holdMedian)} units (mean ${group(f.tick.holdMean)}), of which the drivers ${group(driversHold)}; without any driver cost the firmware alone would take about ${group(f.tick.holdMean - driversHold)}.`,
    '',
    source(r),
  ].join('\n');
}

function xsHeapBlock(r: BenchResults<XsHeap>): string {
  const f = r.figures;
  const rows = f.scenarios.map((s) => [
    s.what,
    `**${group(s.tickSlotsTotal)}** (${group(s.exactTicks)} of ${group(s.ticks)} ticks counted exactly)`,
    group(s.betweenTicksSlots),
    `${group(s.liveSlots.before)} → ${group(s.liveSlots.after)}`,
    `${group(s.snapshotBytes.before)} → ${group(s.snapshotBytes.after)}`,
    group(s.meter.median),
  ]);
  const controls = f.controls.map((c) => [`\`${c.fault}\``, c.expect, fixed(c.slotsPerTick, 2), group(c.growthSlots), group(c.growthBytes), c.ok ? (c.expect === 'blind' ? 'not seen, as expected' : 'caught') : '**missed**']);
  return [
    `${f.engine}; ${group(f.ticksPerScenario)} steady-state ticks per scenario.`,
    '',
    table(['steady state', 'heap slots allocated by the tick', 'between ticks (simulator, panel, protocol, housekeeping)', 'live slots after full GC, before → after', 'snapshot bytes, before → after', 'meter per tick, median'], rows),
    '',
    `\`xs-heap-growth-bytes: ${f.totals.growthBytes}\`, \`xs-heap-growth-slots: ${f.totals.growthSlots}\`, \`xs-tick-alloc-slots: ${f.totals.tickSlots}\`${f.failed ? ' — **the bench failed**' : ''}. Controls, a tick made to allocate (${group(f.controlTicks)} ticks each):`,
    '',
    table(['control', 'must be seen by', 'slots per tick', 'live slots grown', 'snapshot bytes grown', 'verdict'], controls),
    '',
    source(r),
  ].join('\n');
}

function simBlock(r: BenchResults<Sim>): string {
  const f = r.figures;
  const rows = f.runs.map((run) => {
    const goal = run.maintainH === 24 && !run.fixedStep ? ` (goal: ≤ ${f.goal24hWallS} s)` : '';
    const bold = (text: string) => (goal === '' ? text : `**${text}**`);
    return [run.run, run.result, group(run.ticks), `${group(run.simulatedS)} s`, bold(`${fixed(run.wallS, 1)} s`) + goal, `${group(run.ratio)}×`];
  });
  return [table(['run', 'result', 'ticks', 'simulated', 'wall', 'ratio'], rows), '', source(r)].join('\n');
}

function controlBlocks(): Record<string, Block> {
  const read = (get: <F>(name: string) => BenchResults<F>) => get<Control>('control');
  const passes = (row: ControlRow) => row.error === undefined && row.failures.length === 0;
  const kind = (failure: string) => failure.replace(/ \(step.*$/, '').replace(/ at [\d.]+ s$/, '');
  const fullRow = (row: ControlRow) =>
    row.error !== undefined
      ? [row.plant, row.program, row.law, `error: ${row.error}`, '', '', '', '', '', '', '', '']
      : [row.plant, row.program, row.law, row.overshoot, row.holdP99, row.settle, row.rampTrack, row.rampRate, row.maintain, row.releaseUndershoot, `${fixed(row.pumpDutyPct, 1)} %`, passes(row) ? 'ok' : `**${row.failures.join('; ')}**`];
  const FULL_HEADER = ['plant', 'program', 'law', 'overshoot MPa', 'hold p99', 'settle s', 'ramp track', 'ramp rate', 'maintain ±1 % (indicated)', 'release under MPa', 'pump duty', 'result'];
  return {
    'control-summary': {
      reads: ['control'],
      render: (get) => {
        const r = read(get);
        const f = r.figures;
        const laws = [...new Set(f.results.map((row) => row.law))];
        const lines = laws.map((law) => {
          const mine = f.results.filter((row) => row.law === law);
          const faults = new Map<string, number>();
          for (const row of mine) if (row.result?.startsWith('fault')) faults.set(row.result.replace(/ at .*$/, ''), (faults.get(row.result.replace(/ at .*$/, '')) ?? 0) + 1);
          const faultText = faults.size === 0 ? 'no run ended in a fault' : [...faults].map(([name, n]) => `${n} ended in ${name}`).join(', ');
          const overshoots = mine.map((row) => Number.parseFloat(row.overshoot)).filter(Number.isFinite).sort((a, b) => a - b);
          const overshootText = overshoots.length === 0 ? '' : `; worst overshoot per run ${fixed(overshoots[0], 2)}–${fixed(overshoots[overshoots.length - 1], 2)} MPa, median ${fixed(overshoots[Math.floor(overshoots.length / 2)], 2)}`;
          return `- \`${law}\`: **${mine.filter(passes).length} of ${mine.length}** runs meet every target; ${faultText}${overshootText}.`;
        });
        const t = f.tolerances;
        return [
          `${f.runs} runs, ${group(f.wallS)} s wall on ${f.workers} workers. Targets: overshoot ≤ ${t.overshootPct} % of the target (at least ${t.overshootFloorMPa} MPa), hold p99 ≤ ${t.holdP99Pct} %, settle ≤ ${t.settleS} s, ramp tracking ≤ ${t.rampTrackPct} %${t.rampRateMinPct === undefined ? '' : `, ramp rate ${t.rampRateMinPct}–${t.rampRateMaxPct} % of the programmed rate`}, maintain within ±${t.maintainPct} % for ≥ ${t.maintainInBandPct} % of the time.`,
          '',
          ...lines,
          ...(f.feasibility === undefined
            ? []
            : [
                `- feasibility check (\`pi\`): ${f.feasibility.summary.replace(/^bench-control pi: /, '')}.`,
                `- forecast hold error within a factor of 2 of the measured one in **${f.feasibility.holdWithinFactor2} of ${f.feasibility.holdSteps}** hold and maintain steps${f.feasibility.outside.length > 0 ? `; outside: ${f.feasibility.outside.join('; ')}` : ''}.`,
              ]),
          '',
          source(r),
        ].join('\n');
      },
    },
    'control-plants': {
      reads: ['control'],
      render: (get) => {
        const r = read(get);
        const rows = r.figures.results;
        const plants = [...new Set(rows.map((row) => row.plant))];
        const body = plants.map((plant) => {
          const mine = rows.filter((row) => row.plant === plant);
          const count = (law: string) => {
            const runs = mine.filter((row) => row.law === law);
            return `${runs.filter(passes).length}/${runs.length}`;
          };
          const missed = new Map<string, number>();
          for (const row of mine.filter((row) => row.law === 'pi')) for (const k of new Set(row.error !== undefined ? ['error'] : row.failures.map(kind))) missed.set(k, (missed.get(k) ?? 0) + 1);
          return [plant, count('pi'), [...missed].map(([k, n]) => `${k} (${n})`).join(', ') || '–', count('on-off')];
        });
        return [table(['plant', 'PI: runs meeting every target', 'PI: targets missed (runs)', 'on/off: runs meeting every target'], body), '', source(r)].join('\n');
      },
    },
    'control-72h': {
      reads: ['control'],
      render: (get) => {
        const r = read(get);
        return [table(FULL_HEADER, r.figures.results.filter((row) => CREEP.test(row.program)).map(fullRow)), '', source(r)].join('\n');
      },
    },
    'control-full': {
      reads: ['control'],
      render: (get) => {
        const r = read(get);
        return [table(FULL_HEADER, r.figures.results.filter((row) => !CREEP.test(row.program)).map(fullRow)), '', source(r)].join('\n');
      },
    },
  };
}

function scpiBlock(get: <F>(name: string) => BenchResults<F>): string {
  const runs = [get<ScpiFuzz>('scpi-fuzz-scpi-device-table'), get<ScpiFuzz>('scpi-fuzz')];
  const label = (f: ScpiFuzz) => (f.table === 'fake' ? 'a small fake press (the default: the protocol core alone)' : `the press's own (\`-- --table ${f.table}\`: the firmware on a simulated press)`);
  const rows = runs.map(({ figures: f }) => [
    label(f),
    group(f.inputs),
    group(f.inputsPerS),
    `${group(f.maxHeldBytes)} (${group(f.heldBoundBytes)})`,
    `${mb(f.heapBytes.afterWarmup)} → ${mb(f.heapBytes.end)}`,
    `**${f.failures.length}**`,
  ]);
  const codes = runs.map(({ figures: f }) => {
    const raised = Object.keys(f.errorsByCode).map(Number).sort((a, b) => Math.abs(a) - Math.abs(b) || a - b);
    return `- ${f.table === 'fake' ? 'fake table' : 'the press\'s table'}: ${raised.length} error codes raised (${raised.join(', ')}); ${group(f.recoveryChecks)} recovery and ${group(f.splitChecks)} split-invariance checks passed.`;
  });
  return [
    table(['table', 'inputs', 'inputs/s', 'max bytes held by the session (bound)', `Node heap, after ${group(runs[0].figures.heapBytes.warmupInputs)} inputs → end`, 'failures'], rows),
    '',
    ...codes,
    '',
    ...runs.map(source).flatMap((line) => [line, '']),
  ]
    .join('\n')
    .trimEnd();
}

function storageBlock(r: BenchResults<Storage>): string {
  const f = r.figures;
  const p = f.partition;
  const rows = f.operations.map((op) => [
    op.name,
    `${group(op.positions)} (${op.erases})`,
    `${group(op.cuts)} (${op.stride === 1 ? 'every position' : `every ${op.stride}th`})`,
    op.lost,
    op.corruptAccepted,
    op.stuck,
    group(op.logRecordsRejected),
    group(op.mountsReportingDamage),
    op.silentLosses,
  ]);
  const t = f.totals;
  const d = f.damage;
  return [
    `Partition ${group(p.bytes / 1024)} KB (${p.objectBlocks} blocks of programs, calibration and settings, ${p.logBlocks} of run log), ${p.programsStored} programs stored (${p.programsOf8KB} of 8 KB), ${p.loggedRuns} logged runs; shared between ${f.processes} processes: ${group(f.wallS)} s.`,
    '',
    table(['operation', 'write positions (erases)', 'cuts', 'lost', 'corrupt accepted', 'store stuck after', 'log records rejected after the flip', 'mounts that reported damage', 'silent losses'], rows),
    '',
    `**\`storage: ${t.cuts} cuts, ${t.lost} lost, ${t.corruptAccepted} corrupt accepted; mounts: ${t.mountsReportingDamage + d.mountsReportingDamage} reported damage, ${t.silentLosses + d.silentLosses} silent losses\`**`,
    '',
    `Blocks destroyed: **${group(d.mounts)} reboots, ${group(d.mountsWithLoss)} lost something (${group(d.itemsLost)} items, ${d.rolledBack} of them programs back at an older committed version), ${group(d.mountsReportingDamage)} reported damage, ${d.silentLosses} silent losses, ${d.corruptAccepted} corrupt accepted**; of ${d.programsLost} programs lost, the report named ${d.programsNamed}.`,
    '',
    source(r),
  ].join('\n');
}

function storageWearBlock(r: BenchResults<Storage>): string {
  const w = r.figures.wear;
  return [
    table(['area', `erases per block in ${w.days} days (least–most)`, 'erases per day, busiest block', `years to ${group(w.ratedEraseCycles)} cycles`], w.areas.map((a) => [a.area, `${a.leastErases}–${a.mostErases}`, fixed(a.busiestPerDay, 2), `~${group(a.yearsToRatedCycles)}`])),
    '',
    source(r),
  ].join('\n');
}

function encodingBlock(r: BenchResults<Encoding>): string {
  const rows = r.figures.programs.map((p) => [p.example, p.steps, `${group(p.recordBytes)} B`, `${group(p.descriptionBytes)} B`, p.roundTrip ? 'identical' : '**differs**']);
  return [table(['example', 'steps', 'flash record', 'of which the description', 'decoded and encoded again'], rows), '', source(r)].join('\n');
}

export const BLOCKS: Record<string, Block> = {
  tick: { reads: ['xs-tick'], render: (get) => tickBlock(get<XsTick>('xs-tick')) },
  'tick-calibration': { reads: ['xs-tick'], render: (get) => tickCalibrationBlock(get<XsTick>('xs-tick')) },
  'tick-parts': { reads: ['xs-tick'], render: (get) => tickPartsBlock(get<XsTick>('xs-tick')) },
  'tick-outside': { reads: ['xs-tick'], render: (get) => tickOutsideBlock(get<XsTick>('xs-tick')) },
  'tick-steps': { reads: ['xs-tick'], render: (get) => tickStepsBlock(get<XsTick>('xs-tick')) },
  'tick-budget': { reads: ['xs-tick'], render: (get) => tickBudgetBlock(get<XsTick>('xs-tick')) },
  'tick-plausibility': { reads: ['xs-tick'], render: (get) => tickPlausibilityBlock(get<XsTick>('xs-tick')) },
  'xs-heap': { reads: ['xs-heap'], render: (get) => xsHeapBlock(get<XsHeap>('xs-heap')) },
  sim: { reads: ['sim'], render: (get) => simBlock(get<Sim>('sim')) },
  storage: { reads: ['storage'], render: (get) => storageBlock(get<Storage>('storage')) },
  'storage-wear': { reads: ['storage'], render: (get) => storageWearBlock(get<Storage>('storage')) },
  scpi: { reads: ['scpi-fuzz', 'scpi-fuzz-scpi-device-table'], render: scpiBlock },
  encoding: { reads: ['encoding'], render: (get) => encodingBlock(get<Encoding>('encoding')) },
  ...controlBlocks(),
};

// ---------------------------------------------------------------- the docs

/** The files that may hold generated blocks. */
export function docFiles(): string[] {
  const docs = readdirSync(path.join(repoRoot, 'docs'))
    .filter((name) => name.endsWith('.md'))
    .sort()
    .map((name) => path.join('docs', name));
  return ['README.md', ...docs];
}

const BLOCK_PATTERN = /<!-- bench:([a-z0-9-]+):begin -->\n[\s\S]*?<!-- bench:\1:end -->/g;

export interface DocUpdate {
  file: string;
  before: string;
  after: string;
  /** Blocks named in the file that BLOCKS does not know. */
  unknown: string[];
  /** Block names in the file. */
  blocks: string[];
}

/** Results files a block reads that are not there. */
export function missingResults(): string[] {
  const names = new Set(Object.values(BLOCKS).flatMap((block) => block.reads));
  return [...names].filter((name) => !existsSync(resultsPath(name))).sort();
}

/** Every generated block of every doc, written afresh from the results. */
export function updateDocs(): DocUpdate[] {
  const cache = new Map<string, BenchResults>();
  const get = <F>(name: string): BenchResults<F> => {
    if (!cache.has(name)) cache.set(name, readResults(name));
    return cache.get(name) as BenchResults<F>;
  };
  return docFiles().map((file) => {
    const before = readFileSync(path.join(repoRoot, file), 'utf8');
    const unknown: string[] = [];
    const blocks: string[] = [];
    const after = before.replace(BLOCK_PATTERN, (whole, name: string) => {
      blocks.push(name);
      const block = BLOCKS[name];
      if (block === undefined) {
        unknown.push(name);
        return whole;
      }
      return `<!-- bench:${name}:begin -->\n${block.render(get).trimEnd()}\n<!-- bench:${name}:end -->`;
    });
    return { file, before, after, unknown, blocks };
  });
}

function main(): void {
  const check = process.argv.includes('--check');
  const missing = missingResults();
  if (missing.length > 0) {
    console.error(`bench:docs: no results for ${missing.map((name) => path.relative(repoRoot, resultsPath(name))).join(', ')}: run the benchmark that writes each`);
    process.exit(1);
  }
  let stale = 0;
  const used = new Set<string>();
  for (const update of updateDocs()) {
    for (const name of update.blocks) used.add(name);
    if (update.unknown.length > 0) {
      console.error(`bench:docs: ${update.file}: unknown blocks ${update.unknown.join(', ')}`);
      process.exitCode = 1;
    }
    if (update.after === update.before) continue;
    stale++;
    if (check) console.error(`bench:docs: ${update.file}: generated blocks differ from bench/results`);
    else {
      writeFileSync(path.join(repoRoot, update.file), update.after);
      console.log(`bench:docs: wrote ${update.file}`);
    }
  }
  const unused = Object.keys(BLOCKS).filter((name) => !used.has(name));
  if (unused.length > 0) console.log(`bench:docs: blocks no doc shows: ${unused.join(', ')}`);
  if (check && stale > 0) process.exitCode = 1;
  if (stale === 0) console.log('bench:docs: every generated block is up to date');
}

if (process.argv[1] !== undefined && fileURLToPath(import.meta.url) === path.resolve(process.argv[1])) main();
