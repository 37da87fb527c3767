import type { FlashPartition } from '../../hal/flash';
import { crc32 } from '../bytes/crc32';
import { BlockScans, blockDamage, erasedWord, isTornStart, sealTornTail, zeroGarbage, zeroWord } from './object-store';

/**
 * Run journal and run log: an append-only log of BOOT, FLAGS, RUN_START, SAMPLES, STEP and RUN_END
 * records over a ring of erase blocks, so the boot after a power loss finds the run left open,
 * and every run keeps its pressure history and step summary until its block is reused
 * (docs/storage.md, "Run log").
 *
 * Commit rule: a record exists once its last byte (the CRC) is written and its magic, type,
 * length and CRC all check; any other non-erased bytes are dirty space, stepped over on reading
 * and never written again.
 *
 * Little-endian, 4-byte aligned, never across a block boundary:
 *
 *   magic "RJ" · type u8 · length/4 u8 (whole record) · seq u32 · bootCount u32 · runId u32
 *   BOOT       resetReason u16 · store flags u16                                     24 B
 *   FLAGS      0 u16 · store flags u16 (the flags changed between boots)             24 B
 *   RUN_START  programHash u32 · startMs f64 · name length u8 · ASCII name · 0 pad    36..68 B
 *   RUN_END    outcome u8 · 0 u8 · faultCode u16 · endMs f64 · peakMPa f32            36 B
 *   SAMPLES    startMs f64 · intervalMs f32 · baseMPa f32 · mpaPerCode f32 · peakMPa f32
 *              step u8 · state u8 · count u16 · count × u16 code · 0 pad               48..556 B
 *   STEP       step u16 · kind u8 · 0 u8 · targetMPa f32 · reachedMPa f32 · peakMPa f32
 *              holdErrorP99MPa f32 · startS f32 · durationS f32                       48 B
 *   CRC-32 u32 of every byte before it
 *
 * A sample's pressure is baseMPa + code · mpaPerCode. Every record carries the boot count and a
 * run id (a BOOT: the last run begun); mount takes the largest of each, so neither counter goes
 * back when the blocks of older records are erased.
 */

export const RunOutcome = Object.freeze({ open: 0, completed: 1, aborted: 2, fault: 3, interrupted: 4 } as const);

export interface JournalRun {
  /** 1, 2, 3… across boots, never reused. */
  runId: number;
  /** Boot in which the run started. */
  bootCount: number;
  programName: string;
  programHash: number;
  /** Device uptime at the start, in that boot. */
  startMs: number;
  /** RunOutcome; open when no end record was found. */
  outcome: number;
  faultCode: number;
  /** Uptime at the end; 0 for open and interrupted runs. */
  endMs: number;
  /** NaN for open and interrupted runs. */
  peakMPa: number;
}

/** The summary of one step of a run, as the runner saw it at the end of the run. */
export interface StepRecord {
  step: number;
  /** StepKind (src/programs/compile.ts). */
  kind: number;
  targetMPa: number;
  /** End pressure (ramp, release, wait) or mean over the step (hold, maintain). */
  reachedMPa: number;
  peakMPa: number;
  /** NaN where the step keeps no hold error. */
  holdErrorP99MPa: number;
  /** From the start of the run. */
  startS: number;
  durationS: number;
}

/** Consecutive samples of one step and state. */
export interface SampleSegment {
  /** Uptime of the first sample. */
  startMs: number;
  intervalMs: number;
  step: number;
  /** RunState. */
  state: number;
  peakMPa: number;
  pressuresMPa: Float64Array;
}

export interface RunLog {
  /** Start and end as far as they are still in the journal. */
  run: JournalRun;
  /** False when the start record has aged out (name, hash and start time unknown). */
  startFound: boolean;
  steps: StepRecord[];
  segments: SampleSegment[];
}

const MAGIC_0 = 0x52;
const MAGIC_1 = 0x4a;
const TYPE_BOOT = 1;
const TYPE_RUN_START = 2;
const TYPE_RUN_END = 3;
const TYPE_SAMPLES = 4;
const TYPE_STEP = 5;
const TYPE_FLAGS = 6;
const ALIGN_BYTES = 4;
const HEADER_BYTES = 16;
const CRC_BYTES = 4;
const BOOT_BYTES = 24;
const END_BYTES = 36;
const STEP_BYTES = 48;
const SAMPLES_AT = 44;
/** Samples in one SAMPLES record at most. */
export const MAX_RECORD_SAMPLES = 256;
const MAX_SAMPLES_BYTES = samplesBytes(MAX_RECORD_SAMPLES);
const NAME_LENGTH_AT = 28;
const MAX_NAME_BYTES = 32;
const MAX_START_BYTES = startBytes(MAX_NAME_BYTES);
/** Erased room one more run (start + end), a full SAMPLES record and the next boot need. */
const RESERVE_BYTES = MAX_START_BYTES + MAX_SAMPLES_BYTES + END_BYTES + BOOT_BYTES;

function startBytes(nameLength: number): number {
  return alignUp(NAME_LENGTH_AT + 1 + nameLength) + CRC_BYTES;
}

function samplesBytes(count: number): number {
  return alignUp(SAMPLES_AT + 2 * count) + CRC_BYTES;
}

function alignUp(offset: number): number {
  return (offset + ALIGN_BYTES - 1) & ~(ALIGN_BYTES - 1);
}

/** Length of the valid record at `at`, or 0 when there is none. */
function recordLengthAt(block: Uint8Array, view: DataView, at: number): number {
  if (block[at] !== MAGIC_0 || block[at + 1] !== MAGIC_1 || at + BOOT_BYTES > block.length) return 0;
  const type = block[at + 2];
  let expected = 0;
  if (type === TYPE_BOOT || type === TYPE_FLAGS) expected = BOOT_BYTES;
  else if (type === TYPE_RUN_END) expected = END_BYTES;
  else if (type === TYPE_STEP) expected = STEP_BYTES;
  else if (type === TYPE_SAMPLES) {
    const count = at + SAMPLES_AT <= block.length ? view.getUint16(at + 42, true) : 0;
    if (count >= 1 && count <= MAX_RECORD_SAMPLES) expected = samplesBytes(count);
  } else if (type === TYPE_RUN_START) {
    const nameLength = block[at + NAME_LENGTH_AT];
    if (nameLength >= 1 && nameLength <= MAX_NAME_BYTES) expected = startBytes(nameLength);
  }
  if (expected === 0 || block[at + 3] * ALIGN_BYTES !== expected || at + expected > block.length) return 0;
  return crc32(block, at, at + expected - CRC_BYTES) === view.getUint32(at + expected - CRC_BYTES, true) ? expected : 0;
}

/** The bytes the record whose header starts at `at` declares it takes (0 when no record header starts there). */
function declaredRecordBytes(block: Uint8Array, at: number): number {
  return at + HEADER_BYTES <= block.length && block[at] === MAGIC_0 && block[at + 1] === MAGIC_1 ? block[at + 3] * ALIGN_BYTES : 0;
}

/** Calls visit(at, type) for each valid record of a block in order, stepping over dirty bytes; returns the end of the last one, or -1. */
function forEachRecord(block: Uint8Array, view: DataView, visit: (at: number, type: number) => void, scans?: BlockScans, index = 0): number {
  let lastEnd = -1;
  let at = 0;
  let garbage = false;
  while (at < block.length) {
    const length = recordLengthAt(block, view, at);
    if (length === 0) {
      if (scans !== undefined && !erasedWord(block, at) && !zeroWord(block, at)) garbage = true;
      at += ALIGN_BYTES;
    } else {
      if (garbage && scans !== undefined) scans.garbageBefore[index] = 1;
      garbage = false;
      visit(at, block[at + 2]);
      at += length;
      lastEnd = at;
    }
  }
  if (scans !== undefined) {
    scans.lastEnd[index] = lastEnd;
    scans.garbageAfter[index] = garbage || lastEnd < 0 ? 1 : 0;
  }
  return lastEnd;
}

function readName(block: Uint8Array, at: number): string {
  let name = '';
  const length = block[at + NAME_LENGTH_AT];
  for (let i = 0; i < length; i++) name += String.fromCharCode(block[at + NAME_LENGTH_AT + 1 + i]);
  return name;
}

function runFromStart(block: Uint8Array, view: DataView, at: number): JournalRun {
  return {
    runId: view.getUint32(at + 12, true),
    bootCount: view.getUint32(at + 8, true),
    programName: readName(block, at),
    programHash: view.getUint32(at + 16, true),
    startMs: view.getFloat64(at + 20, true),
    outcome: RunOutcome.open,
    faultCode: 0,
    endMs: 0,
    peakMPa: NaN,
  };
}

export class RunJournal {
  private readonly blockLength: number;
  /** 1 for a block of the range known to be wholly erased. */
  private readonly erased: Uint8Array;
  private readonly scratch = new Uint8Array(MAX_SAMPLES_BYTES);
  private readonly scratchView = new DataView(this.scratch.buffer);
  /** scratch.subarray(0, length), by length / 4: the write path allocates nothing. */
  private readonly scratchByLength: Uint8Array[] = [];
  private mounted = false;
  private headBlock = 0;
  private writeOffset = 0;
  private nextSeq = 1;
  private boots = 0;
  private lastResetReason = 0;
  private lastRunId = 0;
  /** The newest run while it has no end record (0: none), and what recordBoot reports of it. */
  private openRunId = 0;
  private openBootCount = 0;
  private openProgramName = '';
  private openProgramHash = 0;
  private openStartMs = 0;
  /**
   * Store flags (StoreFlag) of the newest BOOT or FLAGS record: what the press knew of its store
   * when it last wrote one, kept apart from the object store so damage there cannot erase it.
   */
  private flags = 0;
  /** Block of the newest record holding the flags (-1: none). */
  private flagsBlock = -1;
  /** Blocks the last mount found damaged (bytes unreadable where no power cut leaves them). */
  blocksDamaged = 0;
  /** What the last mount found in each block; its `damaged` marks the blocks it found damaged, until they are accepted. */
  private readonly scans: BlockScans;

  constructor(private readonly flash: FlashPartition, private readonly firstBlock: number, private readonly blockCount: number) {
    const partitionBlocks = Math.floor(flash.byteLength / flash.blockLength);
    if (!(Number.isInteger(blockCount) && blockCount >= 2)) throw new RangeError(`run journal: blockCount ${blockCount} is not a whole number ≥ 2`);
    if (!(Number.isInteger(firstBlock) && firstBlock >= 0 && firstBlock + blockCount <= partitionBlocks)) {
      throw new RangeError(`run journal: blocks ${firstBlock}..${firstBlock + blockCount - 1} are outside the partition's blocks 0..${partitionBlocks - 1}`);
    }
    this.blockLength = flash.blockLength;
    if (this.blockLength % ALIGN_BYTES !== 0 || this.blockLength < RESERVE_BYTES) {
      throw new RangeError(`run journal: ${this.blockLength} B blocks are too small or not a multiple of ${ALIGN_BYTES} (at least ${RESERVE_BYTES} B)`);
    }
    this.erased = new Uint8Array(blockCount);
    this.scans = new BlockScans(blockCount);
    for (let length = ALIGN_BYTES; length <= MAX_SAMPLES_BYTES; length += ALIGN_BYTES) this.scratchByLength[length / ALIGN_BYTES] = this.scratch.subarray(0, length);
  }

  get bootCount(): number {
    return this.boots;
  }

  get resetReasonAtBoot(): number {
    return this.lastResetReason;
  }

  /** Scans the blocks (boot time; may read a lot, may erase a block that is neither erased nor valid). */
  mount(): void {
    let newestSeq = 0;
    let newestBlock = 0;
    let newestBlockEnd = 0;
    let bootSeq = 0;
    let maxEndedRunId = 0;
    let newestStart: JournalRun | null = null;
    this.boots = 0;
    this.lastResetReason = 0;
    this.lastRunId = 0;
    this.flags = 0;
    let flagsSeq = 0;
    const scans = this.scans;
    for (let i = 0; i < this.blockCount; i++) {
      const block = this.flash.read(this.blockOffset(i), this.blockLength);
      const view = new DataView(block.buffer, block.byteOffset, block.byteLength);
      let dirtyEnd = block.length;
      while (dirtyEnd > 0 && block[dirtyEnd - 1] === 0xff) dirtyEnd--;
      this.erased[i] = dirtyEnd === 0 ? 1 : 0;
      scans.begin(i, dirtyEnd > 0, isTornStart(dirtyEnd, HEADER_BYTES, declaredRecordBytes(block, 0)));
      if (dirtyEnd === 0) continue;
      let holdsNewest = false;
      const lastEnd = forEachRecord(block, view, (at, type) => {
        const seq = view.getUint32(at + 4, true);
        const runId = view.getUint32(at + 12, true);
        if (seq > newestSeq) {
          newestSeq = seq;
          holdsNewest = true;
        }
        this.boots = Math.max(this.boots, view.getUint32(at + 8, true));
        this.lastRunId = Math.max(this.lastRunId, runId);
        if ((type === TYPE_BOOT || type === TYPE_FLAGS) && seq > flagsSeq) {
          flagsSeq = seq;
          this.flags = view.getUint16(at + HEADER_BYTES + 2, true);
          this.flagsBlock = i;
        }
        if (type === TYPE_BOOT && seq > bootSeq) {
          bootSeq = seq;
          this.lastResetReason = view.getUint16(at + HEADER_BYTES, true);
        } else if (type === TYPE_RUN_START && (newestStart === null || runId > newestStart.runId)) {
          newestStart = runFromStart(block, view, at);
        } else if (type === TYPE_RUN_END) {
          maxEndedRunId = Math.max(maxEndedRunId, runId);
        }
      }, scans, i);
      // After the zeros of a torn write sealed at an earlier boot, if any.
      let tailAt = lastEnd;
      while (tailAt >= 0 && tailAt + ALIGN_BYTES <= dirtyEnd && zeroWord(block, tailAt)) tailAt += ALIGN_BYTES;
      scans.tornTail[i] = lastEnd >= 0 && isTornStart(dirtyEnd - tailAt, HEADER_BYTES, declaredRecordBytes(block, tailAt)) ? 1 : 0;
      if (lastEnd >= 0 && holdsNewest) {
        newestBlock = i;
        // After the torn bytes of an interrupted write too: they are never written over.
        newestBlockEnd = Math.max(lastEnd, alignUp(dirtyEnd));
      }
    }
    // Only the next block is ever erased ahead of the head.
    const damaged = blockDamage(scans, newestBlock, 0);
    this.blocksDamaged = 0;
    for (let i = 0; i < this.blockCount; i++) {
      if (damaged[i] === 1) this.blocksDamaged++;
      if (scans.dirty[i] === 0) continue;
      if (scans.lastEnd[i] < 0) {
        this.flash.eraseBlock(this.firstBlock + i);
        this.erased[i] = 1;
      } else if (i === newestBlock && scans.tornTail[i] === 1) {
        // Only a record cut short is sealed: damage stays visible until it is accepted.
        sealTornTail(this.flash, this.blockOffset(i), this.blockLength, scans, i);
      }
    }
    if (flagsSeq === 0) this.flagsBlock = -1;
    this.headBlock = newestBlock;
    this.writeOffset = newestBlockEnd;
    this.nextSeq = newestSeq + 1;
    this.openRunId = 0;
    // Assignments inside the scan callback are invisible to narrowing.
    const start = newestStart as JournalRun | null;
    if (start !== null && start.runId > maxEndedRunId) {
      this.openRunId = start.runId;
      this.openBootCount = start.bootCount;
      this.openProgramName = start.programName;
      this.openProgramHash = start.programHash;
      this.openStartMs = start.startMs;
    }
    this.mounted = true;
  }

  /**
   * Writes a BOOT record (bootCount+1, the reset reason: a small integer). If the newest run has no end
   * record, first writes an end record with outcome interrupted for it and returns that run (with outcome
   * interrupted); else returns null. May erase (boot time).
   */
  recordBoot(resetReason: number): JournalRun | null {
    this.checkMounted();
    if (!(Number.isInteger(resetReason) && resetReason >= 0 && resetReason <= 0xffff)) throw new RangeError(`run journal: reset reason ${resetReason} is not a u16`);
    if (this.needsErase) this.eraseAhead();
    let interrupted: JournalRun | null = null;
    if (this.openRunId !== 0) {
      interrupted = {
        runId: this.openRunId,
        bootCount: this.openBootCount,
        programName: this.openProgramName,
        programHash: this.openProgramHash,
        startMs: this.openStartMs,
        outcome: RunOutcome.interrupted,
        faultCode: 0,
        endMs: 0,
        peakMPa: NaN,
      };
      if (!this.appendEnd(this.openRunId, RunOutcome.interrupted, 0, 0, NaN)) throw new Error('run journal: no erased space after eraseAhead');
    }
    this.scratchView.setUint16(HEADER_BYTES, resetReason, true);
    this.scratchView.setUint16(HEADER_BYTES + 2, this.flags, true);
    if (!this.append(TYPE_BOOT, BOOT_BYTES, this.boots + 1, this.lastRunId)) throw new Error('run journal: no erased space after eraseAhead');
    this.flagsBlock = this.headBlock;
    this.boots++;
    this.lastResetReason = resetReason;
    return interrupted;
  }

  /** After a damage report was accepted: zeroes the unreadable bytes of damaged blocks that still hold records, so the next mount reports only new damage. */
  acceptDamage(): void {
    this.checkMounted();
    const damaged = this.scans.damaged;
    for (let i = 0; i < this.blockCount; i++) {
      if (damaged[i] === 1 && this.erased[i] === 0) zeroGarbage(this.flash, this.blockOffset(i), this.blockLength, recordLengthAt);
    }
    damaged.fill(0);
  }

  /** The store flags of the newest BOOT or FLAGS record (0 when there is none). */
  get storeFlags(): number {
    return this.flags;
  }

  /**
   * Sets the store flags: a FLAGS record is written when they change (outside the control tick;
   * may erase). The next BOOT record carries them too. Returns false when nothing could be written.
   */
  setStoreFlags(flags: number): boolean {
    this.checkMounted();
    if (!(Number.isInteger(flags) && flags >= 0 && flags <= 0xffff)) throw new RangeError(`run journal: store flags ${flags} are not a u16`);
    if (flags === this.flags && this.flagsBlock >= 0) return true;
    this.flags = flags;
    if (this.needsErase) this.eraseAhead();
    return this.appendFlags();
  }

  private appendFlags(): boolean {
    this.scratchView.setUint16(HEADER_BYTES, 0, true);
    this.scratchView.setUint16(HEADER_BYTES + 2, this.flags, true);
    if (!this.append(TYPE_FLAGS, BOOT_BYTES, this.boots, this.lastRunId)) return false;
    this.flagsBlock = this.headBlock;
    return true;
  }

  /** Appends a run-start record; returns the new runId, or -1 when there is no erased space. Never erases. */
  beginRun(programName: string, programHash: number, startMs: number): number {
    this.checkMounted();
    const nameLength = programName.length;
    if (nameLength < 1 || nameLength > MAX_NAME_BYTES) throw new RangeError(`run journal: program name "${programName}" is not 1..${MAX_NAME_BYTES} characters`);
    const length = startBytes(nameLength);
    const bytes = this.scratch;
    bytes.fill(0, HEADER_BYTES, length - CRC_BYTES);
    this.scratchView.setUint32(HEADER_BYTES, programHash >>> 0, true);
    this.scratchView.setFloat64(HEADER_BYTES + 4, startMs, true);
    bytes[NAME_LENGTH_AT] = nameLength;
    for (let i = 0; i < nameLength; i++) {
      const code = programName.charCodeAt(i);
      if (code < 0x21 || code > 0x7e) throw new RangeError(`run journal: program name "${programName}" is not printable ASCII`);
      bytes[NAME_LENGTH_AT + 1 + i] = code;
    }
    const runId = this.lastRunId + 1;
    if (!this.append(TYPE_RUN_START, length, this.boots, runId)) return -1;
    this.lastRunId = runId;
    this.openRunId = runId;
    this.openBootCount = this.boots;
    this.openProgramName = programName;
    this.openProgramHash = programHash >>> 0;
    this.openStartMs = startMs;
    return runId;
  }

  /** Appends the end record of a run; false when no erased space or runId is no run of this journal. Never erases. */
  endRun(runId: number, outcome: number, faultCode: number, endMs: number, peakMPa: number): boolean {
    this.checkMounted();
    if (!(Number.isInteger(outcome) && outcome >= RunOutcome.completed && outcome <= RunOutcome.interrupted)) throw new RangeError(`run journal: ${outcome} is not an end outcome`);
    if (!(Number.isInteger(faultCode) && faultCode >= 0 && faultCode <= 0xffff)) throw new RangeError(`run journal: fault code ${faultCode} is not a u16`);
    if (!(Number.isInteger(runId) && runId >= 1 && runId <= this.lastRunId)) return false;
    return this.appendEnd(runId, outcome, faultCode, endMs, peakMPa);
  }

  /**
   * Appends `count` pressures (MPa) of one step and state, taken every `intervalMs` from
   * `startMs`, read from values[from…] (a ring of `values.length`). They are stored as 16-bit
   * codes over their own range, so a sample is exact to (max − min) / 131070. False when there
   * is no erased space. Never erases; allocates nothing.
   */
  appendSamples(runId: number, startMs: number, intervalMs: number, step: number, state: number, values: Float32Array, from: number, count: number): boolean {
    this.checkMounted();
    if (!(Number.isInteger(count) && count >= 1 && count <= MAX_RECORD_SAMPLES)) throw new RangeError(`run journal: ${count} samples is not 1..${MAX_RECORD_SAMPLES}`);
    const ring = values.length;
    let min = Infinity;
    let max = -Infinity;
    for (let i = 0; i < count; i++) {
      const v = values[(from + i) % ring];
      if (v < min) min = v;
      if (v > max) max = v;
    }
    const base = Math.fround(min);
    const mpaPerCode = Math.fround((max - base) / 65535);
    const view = this.scratchView;
    view.setFloat64(HEADER_BYTES, startMs, true);
    view.setFloat32(HEADER_BYTES + 8, intervalMs, true);
    view.setFloat32(HEADER_BYTES + 12, base, true);
    view.setFloat32(HEADER_BYTES + 16, mpaPerCode, true);
    view.setFloat32(HEADER_BYTES + 20, max, true);
    view.setUint8(40, step);
    view.setUint8(41, state);
    view.setUint16(42, count, true);
    for (let i = 0; i < count; i++) {
      const code = mpaPerCode > 0 ? Math.round((values[(from + i) % ring] - base) / mpaPerCode) : 0;
      view.setUint16(SAMPLES_AT + 2 * i, code < 0 ? 0 : code > 65535 ? 65535 : code, true);
    }
    const length = samplesBytes(count);
    this.scratch.fill(0, SAMPLES_AT + 2 * count, length - CRC_BYTES);
    return this.append(TYPE_SAMPLES, length, this.boots, runId);
  }

  /** Appends the summary of one step of a run (NaN where a figure does not apply). False when there is no erased space. */
  appendStep(runId: number, step: number, kind: number, targetMPa: number, reachedMPa: number, peakMPa: number, holdErrorP99MPa: number, startS: number, durationS: number): boolean {
    this.checkMounted();
    const view = this.scratchView;
    view.setUint16(HEADER_BYTES, step, true);
    view.setUint8(HEADER_BYTES + 2, kind);
    view.setUint8(HEADER_BYTES + 3, 0);
    view.setFloat32(HEADER_BYTES + 4, targetMPa, true);
    view.setFloat32(HEADER_BYTES + 8, reachedMPa, true);
    view.setFloat32(HEADER_BYTES + 12, peakMPa, true);
    view.setFloat32(HEADER_BYTES + 16, holdErrorP99MPa, true);
    view.setFloat32(HEADER_BYTES + 20, startS, true);
    view.setFloat32(HEADER_BYTES + 24, durationS, true);
    return this.append(TYPE_STEP, STEP_BYTES, this.boots, runId);
  }

  /** Everything the journal still holds of one run: its start and end, step summaries and samples in order (host and protocol use; allocates). */
  runLog(runId: number): RunLog | null {
    return this.scanLogs(runId, true).get(runId) ?? null;
  }

  /** The logs of every run that still has a record, by run id ascending (host and protocol use; allocates). */
  runLogs(): RunLog[] {
    return [...this.scanLogs(0, true).values()].sort((a, b) => a.run.runId - b.run.runId);
  }

  /** One pass over the ring: the logs of run `onlyRunId`, or of every run when it is 0; samples only when asked for. */
  private scanLogs(onlyRunId: number, withSamples: boolean): Map<number, RunLog> {
    this.checkMounted();
    const logs = new Map<number, RunLog>();
    const endSeq = new Map<number, number>();
    const stepSeq = new Map<StepRecord, number>();
    const segmentSeq = new Map<SampleSegment, number>();
    const logOf = (runId: number): RunLog => {
      let log = logs.get(runId);
      if (log === undefined) {
        log = { run: { runId, bootCount: 0, programName: '', programHash: 0, startMs: NaN, outcome: RunOutcome.open, faultCode: 0, endMs: 0, peakMPa: NaN }, startFound: false, steps: [], segments: [] };
        logs.set(runId, log);
      }
      return log;
    };
    for (let i = 0; i < this.blockCount; i++) {
      const block = this.flash.read(this.blockOffset(i), this.blockLength);
      const view = new DataView(block.buffer, block.byteOffset, block.byteLength);
      forEachRecord(block, view, (at, type) => {
        const runId = view.getUint32(at + 12, true);
        if (type === TYPE_BOOT || type === TYPE_FLAGS || (onlyRunId !== 0 && runId !== onlyRunId)) return;
        const seq = view.getUint32(at + 4, true);
        const p = at + HEADER_BYTES;
        const log = logOf(runId);
        if (type === TYPE_RUN_START) {
          const start = runFromStart(block, view, at);
          const run = log.run;
          run.bootCount = start.bootCount;
          run.programName = start.programName;
          run.programHash = start.programHash;
          run.startMs = start.startMs;
          log.startFound = true;
        } else if (type === TYPE_RUN_END && seq > (endSeq.get(runId) ?? 0)) {
          endSeq.set(runId, seq);
          const run = log.run;
          run.outcome = block[p];
          run.faultCode = view.getUint16(p + 2, true);
          run.endMs = view.getFloat64(p + 4, true);
          run.peakMPa = view.getFloat32(p + 12, true);
        } else if (type === TYPE_STEP) {
          const step: StepRecord = {
            step: view.getUint16(p, true),
            kind: block[p + 2],
            targetMPa: view.getFloat32(p + 4, true),
            reachedMPa: view.getFloat32(p + 8, true),
            peakMPa: view.getFloat32(p + 12, true),
            holdErrorP99MPa: view.getFloat32(p + 16, true),
            startS: view.getFloat32(p + 20, true),
            durationS: view.getFloat32(p + 24, true),
          };
          log.steps.push(step);
          stepSeq.set(step, seq);
        } else if (type === TYPE_SAMPLES && withSamples) {
          const count = view.getUint16(at + 42, true);
          const base = view.getFloat32(p + 12, true);
          const mpaPerCode = view.getFloat32(p + 16, true);
          const pressuresMPa = new Float64Array(count);
          for (let k = 0; k < count; k++) pressuresMPa[k] = base + view.getUint16(at + SAMPLES_AT + 2 * k, true) * mpaPerCode;
          const segment: SampleSegment = { startMs: view.getFloat64(p, true), intervalMs: view.getFloat32(p + 8, true), peakMPa: view.getFloat32(p + 20, true), step: block[at + 40], state: block[at + 41], pressuresMPa };
          log.segments.push(segment);
          segmentSeq.set(segment, seq);
        }
      });
    }
    for (const log of logs.values()) {
      log.steps.sort((a, b) => (stepSeq.get(a) as number) - (stepSeq.get(b) as number));
      log.segments.sort((a, b) => (segmentSeq.get(a) as number) - (segmentSeq.get(b) as number));
    }
    return logs;
  }

  /** True when the erased space left is less than what one more run (start + end record) needs plus one boot record. */
  get needsErase(): boolean {
    return this.blockLength - this.writeOffset < RESERVE_BYTES && this.erased[(this.headBlock + 1) % this.blockCount] === 0;
  }

  /** Erases the block holding the oldest records so the ring has room again; called outside the control loop. */
  eraseAhead(): void {
    this.checkMounted();
    const next = (this.headBlock + 1) % this.blockCount;
    if (this.erased[next] === 1) return;
    // The newest flags must outlive the ring going round: written again before their block goes
    // (after the erase when the head block has no room left for them).
    const moveFlags = next === this.flagsBlock && this.flags !== 0;
    if (moveFlags && this.writeOffset + BOOT_BYTES <= this.blockLength && this.appendFlags()) {
      this.flash.eraseBlock(this.firstBlock + next);
      this.erased[next] = 1;
      return;
    }
    this.flash.eraseBlock(this.firstBlock + next);
    this.erased[next] = 1;
    if (next === this.flagsBlock) this.flagsBlock = -1;
    if (moveFlags) this.appendFlags();
  }

  /** Newest first, at most `limit` runs whose start record is still in the journal (host and protocol use; may allocate). */
  runs(limit: number): JournalRun[] {
    const logs = [...this.scanLogs(0, false).values()].filter((log) => log.startFound);
    return logs.sort((a, b) => b.run.runId - a.run.runId).slice(0, Math.max(0, limit)).map((log) => log.run);
  }

  private appendEnd(runId: number, outcome: number, faultCode: number, endMs: number, peakMPa: number): boolean {
    const view = this.scratchView;
    view.setUint8(HEADER_BYTES, outcome);
    view.setUint8(HEADER_BYTES + 1, 0);
    view.setUint16(HEADER_BYTES + 2, faultCode, true);
    view.setFloat64(HEADER_BYTES + 4, endMs, true);
    view.setFloat32(HEADER_BYTES + 12, peakMPa, true);
    if (!this.append(TYPE_RUN_END, END_BYTES, this.boots, runId)) return false;
    if (runId === this.openRunId) this.openRunId = 0;
    return true;
  }

  /** Completes the header and CRC around the payload already in scratch and writes the record at the head. */
  private append(type: number, length: number, bootCount: number, runId: number): boolean {
    if (this.writeOffset + length > this.blockLength) {
      const next = (this.headBlock + 1) % this.blockCount;
      if (this.erased[next] === 0) return false;
      this.headBlock = next;
      this.writeOffset = 0;
    }
    const bytes = this.scratch;
    const view = this.scratchView;
    bytes[0] = MAGIC_0;
    bytes[1] = MAGIC_1;
    bytes[2] = type;
    bytes[3] = length / ALIGN_BYTES;
    view.setUint32(4, this.nextSeq, true);
    view.setUint32(8, bootCount, true);
    view.setUint32(12, runId, true);
    view.setUint32(length - CRC_BYTES, crc32(bytes, 0, length - CRC_BYTES), true);
    this.erased[this.headBlock] = 0;
    this.flash.write(this.blockOffset(this.headBlock) + this.writeOffset, this.scratchByLength[length / ALIGN_BYTES]);
    this.writeOffset += length;
    this.nextSeq++;
    return true;
  }

  private blockOffset(index: number): number {
    return (this.firstBlock + index) * this.blockLength;
  }

  private checkMounted(): void {
    if (!this.mounted) throw new Error('run journal: call mount() first');
  }
}
