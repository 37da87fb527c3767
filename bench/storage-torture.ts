// The storage torture run: a power cut at every write position (every byte programmed and
// every erase) of each storage operation, optionally with a random bit flipped as well, then a
// reboot (a fresh mount) and a check of everything the store holds against what was committed.
// Shared by tests/store/storage-torture.test.ts (reduced) and bench/bench-storage.ts (full).
import { PowerCut, SimFlash } from '../host-sim/hal/sim-flash';
import { SeededRandom } from '../host-sim/physics/rng';
import type { Program } from '../src/programs/program';
import { PressStore } from '../src/store/press-store';
import type { StoreLayout, StoreMountReport } from '../src/store/press-store';
import type { CalibrationRecord } from '../src/store/calibration-record';
import { RunOutcome, SampleBatch, StepSummary } from '../src/store/run-journal';
import { crc32 } from '../src/bytes/crc32';
import { encodeProgram } from '../src/programs/codec';

export interface TortureOptions {
  layout: StoreLayout;
  blockBytes: number;
  /** Encoded sizes of the programs stored before the operations (their count is the length). */
  programBytes: number[];
  /** Encoded size of the program the save and replace operations write. */
  savedProgramBytes: number;
  /** Runs logged before the operations, each with this many samples. */
  runs: number;
  samplesPerRun: number;
  /** Try every `stride`-th write position (1: every one). */
  stride: number;
  /** An operation with more positions than this is cut at evenly spaced ones (a wider stride). */
  maxCutsPerOperation?: number;
  /** Flip one random bit of the partition after each cut. */
  flipBits: boolean;
  seed: number;
  /** Run only the trials t with t % count === index (to share the work between processes). */
  shard?: { index: number; count: number };
  /** Damage patterns tried on the fixture after the operations (0 or absent: none); shared by shard too. */
  damageTrials?: number;
}

export interface OperationResult {
  name: string;
  /** Write positions of the operation (bytes programmed + erases), and the erases among them. */
  positions: number;
  erases: number;
  /** Every stride-th position was cut. */
  stride: number;
  cuts: number;
  /** Items committed before the operation (or by it) that were missing or wrong after the reboot. */
  lost: number;
  /** Items read back that were never committed in that form. */
  corruptAccepted: number;
  /** Log records rejected after a bit flip (detected damage: not accepted, not counted as lost). */
  logRecordsRejected: number;
  /** Cuts after which the store could not take and give back a new value. */
  stuck: number;
  /** Reboots whose mount reported damage or loss (a flip found, a copy it could not read). */
  mountsReportingDamage: number;
  /** Reboots that lost something (lost > 0 in that reboot) while the mount reported nothing: must be 0. */
  silentLosses: number;
}

/** A whole block of the fixture overwritten with random bytes, or a burst of them, then a reboot. */
export interface DamageResult {
  /** Reboots, each after one damage pattern on the fixture. */
  mounts: number;
  /** Reboots after which something committed was missing (what was in the damaged bytes). */
  mountsWithLoss: number;
  /** Items missing after those reboots, in all. */
  itemsLost: number;
  /** Items read back that were never committed in that form: must be 0. */
  corruptAccepted: number;
  /** Programs back at an older committed version (their newest version was in the damaged bytes; counted in itemsLost too). */
  rolledBack: number;
  /** Of those, how many the report named. */
  rolledBackNamed: number;
  mountsReportingDamage: number;
  /** Reboots with a loss and no report: must be 0. */
  silentLosses: number;
  /** Of the lost programs, how many the report named. */
  programsLost: number;
  programsNamed: number;
}

export interface TortureResult {
  operations: OperationResult[];
  cuts: number;
  lost: number;
  corruptAccepted: number;
  stuck: number;
  mountsReportingDamage: number;
  silentLosses: number;
  /** Present when damage trials were asked for (TortureOptions.damageTrials). */
  damage?: DamageResult;
}

/** A valid program whose encoded form is about `bytes` long (a description pads it). */
export function programOfSize(name: string, bytes: number, variant = 0): Program {
  const program: Program = {
    format: 'press-program/1',
    name,
    die: { diameter_mm: 13, max_pressure_MPa: 740 },
    steps: [
      { type: 'ramp', to_MPa: 100 + variant, rate_MPa_s: 5 },
      { type: 'hold', duration_s: 60, band_MPa: 2, mode: 'dynamic' },
      { type: 'release', to_MPa: 0, rate_MPa_s: 10 },
    ],
  };
  const base = 48 + name.length;
  if (bytes > base + 8) program.description = 'x'.repeat(bytes - base - 8 + (variant % 7));
  return program;
}

function calibrationRecord(seed: number): CalibrationRecord {
  return {
    dateS: 1_790_000_000 + seed * 86_400,
    reference: `proving ring PR-${seed}, cert 2026-${seed}`,
    calibration: { tareCounts: 1000 + seed, kNPerCount: 1e-5 * (1 + seed / 100), correctionAtKN: Float64Array.of(0, 50, 100), correctionKN: Float64Array.of(0, 0.01 * seed, -0.02) },
    worstErrorPercent: 0.2,
  };
}

/**
 * Length and CRC-32s of some bytes: what two items are compared by (a wrong item passing for a
 * right one is a 2^-64 chance). Two halves: an encoded program ends in the CRC-32 of what is
 * before it, so the CRC-32 of the whole would be the same residue for every program.
 */
function fingerprint(bytes: Uint8Array): string {
  const half = bytes.length >> 1;
  return `${bytes.length}:${crc32(bytes, 0, half).toString(16)}:${crc32(bytes, half, bytes.length).toString(16)}`;
}

/** Everything the store holds, as comparable strings by item. */
function snapshot(store: PressStore): Map<string, string> {
  const items = new Map<string, string>();
  for (const name of store.programNames()) {
    const loaded = store.loadProgram(name);
    items.set(`program:${name}`, loaded === null ? 'unreadable' : loaded.ok ? fingerprint(loaded.bytes) : `undecodable:${loaded.error}`);
  }
  items.set('calibration', JSON.stringify(store.calibrationHistory(), (_key, value) => (value instanceof Float64Array ? [...value] : value)));
  items.set('settings', JSON.stringify([...store.settings()]));
  for (const log of store.journal.runLogs()) {
    const run = log.run;
    const runId = run.runId;
    if (log.startFound) items.set(`log:${runId}:start`, `${run.programName} ${run.programHash} ${run.startMs}`);
    if (run.outcome !== RunOutcome.open) items.set(`log:${runId}:end`, `${run.outcome} ${run.faultCode} ${run.endMs} ${run.peakMPa}`);
    log.steps.forEach((step) => items.set(`log:${runId}:step:${step.step}`, JSON.stringify(step, (_k, v) => (Number.isNaN(v) ? 'NaN' : v))));
    log.segments.forEach((segment) => items.set(`log:${runId}:samples:${segment.startMs}`, `${segment.step} ${segment.state} ${segment.intervalMs} ${segment.peakMPa} ${fingerprint(new Uint8Array(segment.pressuresMPa.buffer))}`));
  }
  return items;
}

interface Fixture {
  flash: SimFlash;
  maxRunId: number;
}

function mount(flash: SimFlash, layout: StoreLayout): PressStore {
  const store = new PressStore(flash, layout);
  store.mount();
  return store;
}

function mountReporting(flash: SimFlash, layout: StoreLayout): { store: PressStore; report: StoreMountReport } {
  const store = new PressStore(flash, layout);
  return { store, report: store.mount() };
}

/** The state every operation starts from: programs, a calibration, settings and some logged runs. */
function buildFixture(options: TortureOptions, random: SeededRandom): Fixture {
  const blocks = options.layout.logFirstBlock + options.layout.logBlocks;
  const flash = new SimFlash(blocks * options.blockBytes, options.blockBytes);
  const store = mount(flash, options.layout);
  store.journal.recordBoot(0);
  options.programBytes.forEach((bytes, i) => store.saveProgram(programOfSize(`program-${i}`, bytes, i)));
  // Replace a few so superseded versions lie around, as they do on a press in use.
  for (let i = 0; i < Math.min(3, options.programBytes.length); i++) store.saveProgram(programOfSize(`program-${i}`, options.programBytes[i], i + 100));
  store.addCalibration(calibrationRecord(1));
  store.saveSettings(new Map<string, number | string>([['instrument.serial', 'PX-0001'], ['log.flush_s', 60]]));
  const values = new Float32Array(256);
  let maxRunId = 0;
  for (let r = 0; r < options.runs; r++) {
    if (store.journal.needsErase) store.journal.eraseAhead();
    const runId = store.journal.beginRun(`program-${r % Math.max(1, options.programBytes.length)}`, 0x1234 + r, 1000 * r);
    maxRunId = runId;
    for (let done = 0; done < options.samplesPerRun; done += 128) {
      const count = Math.min(128, options.samplesPerRun - done);
      for (let k = 0; k < count; k++) values[k] = 100 * random.next();
      if (store.journal.needsErase) store.journal.eraseAhead();
      store.journal.appendSamples(Object.assign(new SampleBatch(values, values), { targetMPa: 100, kNPerMPa: 0.0785, runId: runId, startMs: 1000 * r + done * 100, intervalMs: 100, step: done % 3, state: 1, from: 0, count: count } satisfies Partial<SampleBatch>));
    }
    store.journal.appendStep(Object.assign(new StepSummary(), { runId: runId, step: 0, kind: 1, targetMPa: 100, reachedMPa: 99.9, peakMPa: 100.2, holdErrorP99MPa: NaN, startS: 0, durationS: 20 } satisfies Partial<StepSummary>));
    store.journal.endRun(runId, RunOutcome.completed, 0, 1000 * r + 500, 100.2);
  }
  return { flash, maxRunId };
}

interface Operation {
  name: string;
  /** Cuts tried at each position, each with its own damage pattern (default 1). */
  cutsPerPosition?: number;
  /** Brings the store to where the operation starts, without cuts. */
  prepare?(store: PressStore, flash: SimFlash): void;
  /** Does the operation on a mounted store (throws PowerCut when the power goes). */
  run(store: PressStore): void;
}

function operations(options: TortureOptions, random: SeededRandom, maxRunId: number): Operation[] {
  const samples = new Float32Array(256);
  for (let k = 0; k < samples.length; k++) samples[k] = 50 + 50 * random.next();
  const replaced = options.programBytes.length > 0 ? 'program-0' : 'program-new';
  return [
    { name: 'save', run: (store) => store.saveProgram(programOfSize('program-new', options.savedProgramBytes, 7)) },
    { name: 'replace', run: (store) => store.saveProgram(programOfSize(replaced, options.savedProgramBytes, 9)) },
    {
      name: 'replace, collecting',
      prepare: (store, flash) => {
        // Replace until a replace collects garbage that is still in force (moves copies, then
        // erases), and start just before that one.
        let plainBytes = Infinity;
        for (let i = 0; ; i++) {
          const image = flash.bytes.slice();
          const erases = store.objects.erases;
          const written = flash.bytesWritten;
          store.saveProgram(programOfSize(replaced, options.savedProgramBytes, 20 + (i % 5)));
          const bytes = flash.bytesWritten - written;
          plainBytes = Math.min(plainBytes, bytes);
          if (store.objects.erases > erases && bytes > plainBytes + 64) {
            flash.bytes.set(image);
            return;
          }
        }
      },
      run: (store) => store.saveProgram(programOfSize(replaced, options.savedProgramBytes, 9)),
    },
    { name: 'delete', run: (store) => store.deleteProgram(options.programBytes.length > 1 ? 'program-1' : replaced) },
    { name: 'calibrate', run: (store) => store.addCalibration(calibrationRecord(2)) },
    { name: 'settings', run: (store) => store.saveSettings(new Map<string, number | string>([['instrument.serial', 'PX-0002'], ['log.flush_s', 30]])) },
    {
      name: 'log append',
      run: (store) => {
        const journal = store.journal;
        if (journal.needsErase) journal.eraseAhead();
        const runId = journal.beginRun('program-0', 0xabcd, 5_000_000);
        journal.appendSamples(Object.assign(new SampleBatch(samples, samples), { targetMPa: 100, kNPerMPa: 0.0785, runId: runId, startMs: 5_000_100, intervalMs: 100, step: 0, state: 1, from: 0, count: 128 } satisfies Partial<SampleBatch>));
        journal.appendStep(Object.assign(new StepSummary(), { runId: runId, step: 0, kind: 1, targetMPa: 100, reachedMPa: 99.95, peakMPa: 100.1, holdErrorP99MPa: 0.02, startS: 0, durationS: 25.6 } satisfies Partial<StepSummary>));
        journal.endRun(runId, RunOutcome.aborted, 0, 5_030_000, 100.1);
      },
    },
    {
      name: 'log ring erase',
      prepare: (store) => {
        // Fill the ring up to the oldest block, which housekeeping then erases.
        const journal = store.journal;
        let runId = maxRunId + 100;
        while (!journal.needsErase) {
          if (!journal.appendSamples(Object.assign(new SampleBatch(samples, samples), { targetMPa: 100, kNPerMPa: 0.0785, runId: runId, startMs: 0, intervalMs: 100, step: 0, state: 1, from: 0, count: 128 } satisfies Partial<SampleBatch>))) runId++;
        }
      },
      run: (store) => store.journal.eraseAhead(),
      cutsPerPosition: 64,
    },
  ];
}

/** Runs the operations with a cut at every `stride`-th write position; see TortureResult. */
export function runTorture(options: TortureOptions, onProgress?: (result: OperationResult) => void): TortureResult {
  const random = new SeededRandom(options.seed);
  const fixture = buildFixture(options, random);
  const fixtureImage = fixture.flash.bytes.slice();
  const layout = options.layout;
  const results: OperationResult[] = [];
  for (const operation of operations(options, random, fixture.maxRunId)) {
    const flash = fixture.flash;
    flash.bytes.set(fixtureImage);
    flash.restorePower();
    if (operation.prepare !== undefined) operation.prepare(mount(flash, layout), flash);
    const image = flash.bytes.slice();
    const before = snapshot(mount(flash, layout));
    // A clean run: what the operation commits, and how many write positions it has.
    flash.bytes.set(image);
    const store = mount(flash, layout);
    const writtenBefore = flash.bytesWritten;
    const erasesBefore = flash.erases;
    operation.run(store);
    const erases = flash.erases - erasesBefore;
    const positions = flash.bytesWritten - writtenBefore + erases;
    const after = snapshot(mount(flash, layout));
    const trials = operation.cutsPerPosition ?? 1;
    const stride = Math.max(options.stride, Math.ceil(positions / (options.maxCutsPerOperation ?? Infinity)));
    const result: OperationResult = { name: operation.name, positions, erases, stride, cuts: 0, lost: 0, corruptAccepted: 0, logRecordsRejected: 0, stuck: 0, mountsReportingDamage: 0, silentLosses: 0 };
    const usedBytes = image.findLastIndex((b) => b !== 0xff) + 1;
    const shard = options.shard ?? { index: 0, count: 1 };
    for (let trial = shard.index; trial < Math.ceil(positions / stride) * trials; trial += shard.count) {
      const cut = Math.floor(trial / trials) * stride;
      flash.bytes.set(image);
      flash.restorePower();
      const victim = mount(flash, layout);
      flash.cutPowerAfterBytes(cut, options.seed * 1_000_003 + trial);
      let powerCut = false;
      try {
        operation.run(victim);
      } catch (error) {
        if (!(error instanceof PowerCut)) throw error;
        powerCut = true;
      }
      flash.restorePower();
      if (!powerCut) throw new Error(`${operation.name}: the cut at position ${cut} of ${positions} did not happen`);
      result.cuts++;
      let flipped = false;
      if (options.flipBits) {
        const at = random.next() < 0.5 ? Math.floor(random.next() * usedBytes) : Math.floor(random.next() * flash.byteLength);
        flash.flipBit(at, Math.floor(random.next() * 8));
        flipped = true;
      }
      const { store: rebooted, report } = mountReporting(flash, layout);
      if (report.damaged) result.mountsReportingDamage++;
      const lostBefore = result.lost;
      const now = snapshot(rebooted);
      for (const key of new Set([...before.keys(), ...after.keys(), ...now.keys()])) {
        const actual = now.get(key);
        const was = before.get(key);
        const will = after.get(key);
        if (actual === was || actual === will) continue;
        if (actual === undefined || actual === '[]' || actual === 'null') {
          // A log record that a flip damaged is detected and left out: not accepted, not lost.
          if (flipped && key.startsWith('log:')) result.logRecordsRejected++;
          else result.lost++;
        } else {
          result.corruptAccepted++;
        }
      }
      if (result.lost > lostBefore && !report.damaged) result.silentLosses++;
      // The store must go on working: a new value goes in and comes back after another reboot.
      if (result.cuts % 4 === 1) {
        try {
          rebooted.saveProgram(programOfSize('after-the-cut', 300, 3));
          const check = mount(flash, layout).loadProgram('after-the-cut');
          if (check === null || !check.ok) result.stuck++;
        } catch {
          result.stuck++;
        }
      }
    }
    results.push(result);
    onProgress?.(result);
  }
  const sum = (key: 'cuts' | 'lost' | 'corruptAccepted' | 'stuck' | 'mountsReportingDamage' | 'silentLosses') => results.reduce((total, r) => total + r[key], 0);
  const total: TortureResult = {
    operations: results,
    cuts: sum('cuts'),
    lost: sum('lost'),
    corruptAccepted: sum('corruptAccepted'),
    stuck: sum('stuck'),
    mountsReportingDamage: sum('mountsReportingDamage'),
    silentLosses: sum('silentLosses'),
  };
  // A generator of their own: every shard draws the same trials whatever cuts it ran.
  if ((options.damageTrials ?? 0) > 0) total.damage = damageTrials(fixture.flash, fixtureImage, options, new SeededRandom(options.seed * 7919 + 1));
  return total;
}

/** `program:<name>=<fingerprint>` of every version the fixture stores. */
function committedPrograms(options: TortureOptions): Set<string> {
  const forms = new Set<string>();
  const add = (program: Program) => forms.add(`program:${program.name}=${fingerprint(encodeProgram(program))}`);
  options.programBytes.forEach((bytes, i) => add(programOfSize(`program-${i}`, bytes, i)));
  for (let i = 0; i < Math.min(3, options.programBytes.length); i++) add(programOfSize(`program-${i}`, options.programBytes[i], i + 100));
  return forms;
}

/**
 * Damage beyond a power cut: in each trial one used block of the fixture (objects or run log)
 * is overwritten with random bytes, or a burst of 16..256 random bytes lands in it, or it is
 * zeroed (bits lost), then a reboot. Something is then often lost; the mount must say so.
 */
function damageTrials(flash: SimFlash, image: Uint8Array, options: TortureOptions, random: SeededRandom): DamageResult {
  const layout = options.layout;
  const blockBytes = options.blockBytes;
  flash.bytes.set(image);
  flash.restorePower();
  const before = snapshot(mount(flash, layout));
  const used: number[] = [];
  for (let block = 0; block < layout.logFirstBlock + layout.logBlocks; block++) {
    if (image.subarray(block * blockBytes, (block + 1) * blockBytes).some((b) => b !== 0xff)) used.push(block);
  }
  const result: DamageResult = { mounts: 0, mountsWithLoss: 0, itemsLost: 0, corruptAccepted: 0, rolledBack: 0, rolledBackNamed: 0, mountsReportingDamage: 0, silentLosses: 0, programsLost: 0, programsNamed: 0 };
  // Every committed form of each program: the fixture stores some twice.
  const committed = committedPrograms(options);
  const shard = options.shard ?? { index: 0, count: 1 };
  const trials = options.damageTrials ?? 0;
  for (let trial = 0; trial < trials; trial++) {
    // Drawn in every shard so each trial is the same whichever process runs it.
    const block = used[Math.floor(random.next() * used.length)];
    const pattern = Math.floor(random.next() * 3);
    const burst = 16 + Math.floor(random.next() * 241);
    const burstAt = Math.floor(random.next() * (blockBytes - burst));
    const seed = Math.floor(random.next() * 2 ** 31);
    if (trial % shard.count !== shard.index) continue;
    flash.bytes.set(image);
    const bytes = new SeededRandom(seed);
    const start = block * blockBytes;
    if (pattern === 0) for (let at = start; at < start + blockBytes; at++) flash.bytes[at] = Math.floor(bytes.next() * 256);
    else if (pattern === 1) for (let at = start + burstAt; at < start + burstAt + burst; at++) flash.bytes[at] = Math.floor(bytes.next() * 256);
    else flash.bytes.fill(0, start, start + blockBytes);
    const { store, report } = mountReporting(flash, layout);
    result.mounts++;
    if (report.damaged) result.mountsReportingDamage++;
    const now = snapshot(store);
    let lost = 0;
    // A program back at an older version is a loss too (its newest version), not corruption.
    for (const [key, was] of before) {
      const actual = now.get(key);
      if (actual === was) continue;
      if (actual === undefined || actual === '[]' || actual === 'null') {
        lost++;
        if (key.startsWith('program:')) {
          result.programsLost++;
          if (report.programsLost.includes(key.slice('program:'.length))) result.programsNamed++;
        }
      } else if (committed.has(`${key}=${actual}`)) {
        // The newest version was in the damaged bytes: an older committed one is in force.
        lost++;
        result.rolledBack++;
        if (report.objects.lost.some((l) => `program:${l.key}` === key && l.olderInForce)) result.rolledBackNamed++;
      } else {
        result.corruptAccepted++;
      }
    }
    for (const key of now.keys()) if (!before.has(key)) result.corruptAccepted++;
    result.itemsLost += lost;
    if (lost > 0) result.mountsWithLoss++;
    if (lost > 0 && !report.damaged) result.silentLosses++;
  }
  return result;
}
