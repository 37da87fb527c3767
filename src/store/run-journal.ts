import type { FlashPartition } from '../../hal/flash';
import { BlockScan } from './block-scan';
import { ALIGN_BYTES } from './record-frame';
import type { JournalRun, RunHeader, RunLog, SampleBatch, StepSummary } from './run-journal-format';
import { BOOT_BYTES, END_BYTES, HEADER_BYTES, JOURNAL_FRAME, MAX_RUN_HEADER_BYTES, MAX_SAMPLES_BYTES, RESERVE_BYTES, RunOutcome, STEP_BYTES, TYPE_BOOT, TYPE_FLAGS, TYPE_RUN_END, TYPE_RUN_HEADER, TYPE_RUN_START, TYPE_SAMPLES, TYPE_STEP, encodeBoot, encodeEnd, encodeStart, encodeStep, runFromStart } from './run-journal-format';
import { readRunLogs } from './run-log-reader';
import { checkHeader, encodeHeader, encodeSamples } from './run-log-records';

export type { JournalRun, RunHeader, RunLog, SampleSegment, StepRecord } from './run-journal-format';
export { MAX_RECORD_SAMPLES, RunHeaderFields, RunOutcome, SampleBatch, StepSummary } from './run-journal-format';

/**
 * Run journal and run log: an append-only log of BOOT, FLAGS, RUN_START, RUN_HEADER, SAMPLES, STEP and RUN_END
 * records (src/store/run-journal-format.ts) over a ring of erase blocks, so the boot after a power
 * loss finds the run left open, and every run keeps its pressure history and step summary until
 * its block is reused (docs/storage.md, "Run log").
 *
 * Commit rule: a record exists once its last byte (the CRC) is written and its magic, type,
 * length and CRC all check; any other non-erased bytes are dirty space, stepped over on reading
 * and never written again.
 */

export class RunJournal {
  private readonly blockLength: number;
  /** 1 for a block of the range known to be wholly erased. */
  private readonly erased: Uint8Array;
  private readonly scratch = new Uint8Array(Math.max(MAX_SAMPLES_BYTES, MAX_RUN_HEADER_BYTES));
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
  /** The mount walk and what it found in each block; its `damaged` marks the blocks it found damaged, until they are accepted. */
  private readonly scan: BlockScan;

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
    this.scan = new BlockScan(JOURNAL_FRAME, blockCount);
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
    const scan = this.scan;
    for (let i = 0; i < this.blockCount; i++) {
      const block = this.flash.read(this.blockOffset(i), this.blockLength);
      const view = new DataView(block.buffer, block.byteOffset, block.byteLength);
      const used = scan.mount(i, block, view);
      this.erased[i] = used ? 0 : 1;
      if (!used) continue;
      let holdsNewest = false;
      while (scan.next()) {
        const at = scan.at;
        const type = block[at + 2];
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
      }
      if (scan.scans.lastEnd[i] >= 0 && holdsNewest) {
        newestBlock = i;
        newestBlockEnd = scan.usedEnd;
      }
    }
    // Only the next block is ever erased ahead of the head.
    scan.settle(this.flash, this.firstBlock, newestBlock, 0, this.erased);
    this.blocksDamaged = scan.blocksDamaged;
    if (flagsSeq === 0) this.flagsBlock = -1;
    this.headBlock = newestBlock;
    this.writeOffset = newestBlockEnd;
    this.nextSeq = newestSeq + 1;
    this.openRunId = 0;
    if (newestStart !== null && newestStart.runId > maxEndedRunId) {
      this.openRunId = newestStart.runId;
      this.openBootCount = newestStart.bootCount;
      this.openProgramName = newestStart.programName;
      this.openProgramHash = newestStart.programHash;
      this.openStartMs = newestStart.startMs;
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
    encodeBoot(this.scratchView, resetReason, this.flags);
    if (!this.append(TYPE_BOOT, BOOT_BYTES, this.boots + 1, this.lastRunId)) throw new Error('run journal: no erased space after eraseAhead');
    this.flagsBlock = this.headBlock;
    this.boots++;
    this.lastResetReason = resetReason;
    return interrupted;
  }

  /** After a damage report was accepted: zeroes the unreadable bytes of damaged blocks that still hold records, so the next mount reports only new damage. */
  acceptDamage(): void {
    this.checkMounted();
    this.scan.acceptDamage(this.flash, this.firstBlock, this.erased);
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
    encodeBoot(this.scratchView, 0, this.flags);
    if (!this.append(TYPE_FLAGS, BOOT_BYTES, this.boots, this.lastRunId)) return false;
    this.flagsBlock = this.headBlock;
    return true;
  }

  /**
   * Appends a run-start record and, when given, the run's header (die, calibration, firmware);
   * returns the new runId, or -1 when there is no erased space. Never erases.
   */
  beginRun(programName: string, programHash: number, startMs: number, header: RunHeader | null = null): number {
    this.checkMounted();
    if (header !== null) checkHeader(header);
    const length = encodeStart(this.scratch, this.scratchView, programName, programHash, startMs);
    const runId = this.lastRunId + 1;
    if (!this.append(TYPE_RUN_START, length, this.boots, runId)) return -1;
    if (header !== null) {
      this.append(TYPE_RUN_HEADER, encodeHeader(this.scratch, this.scratchView, header), this.boots, runId);
    }
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
    if (!(Number.isInteger(outcome) && outcome >= RunOutcome.completed && outcome <= RunOutcome.completedOutsideTolerance)) throw new RangeError(`run journal: ${outcome} is not an end outcome`);
    if (!(Number.isInteger(faultCode) && faultCode >= 0 && faultCode <= 0xffff)) throw new RangeError(`run journal: fault code ${faultCode} is not a u16`);
    if (!(Number.isInteger(runId) && runId >= 1 && runId <= this.lastRunId)) return false;
    return this.appendEnd(runId, outcome, faultCode, endMs, peakMPa);
  }

  /**
   * Appends a batch of samples. They are stored as 16-bit codes over their own range, so a
   * sample is exact to (max − min) / 131070. False when there is no erased space. Never erases;
   * allocates nothing.
   */
  appendSamples(batch: SampleBatch): boolean {
    this.checkMounted();
    const length = encodeSamples(this.scratch, this.scratchView, batch);
    return this.append(TYPE_SAMPLES, length, this.boots, batch.runId);
  }

  /** Appends the summary of one step of a run (NaN where a figure does not apply). False when there is no erased space. */
  appendStep(summary: StepSummary): boolean {
    this.checkMounted();
    encodeStep(this.scratchView, summary);
    return this.append(TYPE_STEP, STEP_BYTES, this.boots, summary.runId);
  }

  /** Everything the journal still holds of one run: its start and end, step summaries and samples in order (host and protocol use; allocates). */
  runLog(runId: number): RunLog | null {
    return this.scanLogs(runId, true).get(runId) ?? null;
  }

  /** The logs of every run that still has a record, by run id ascending (host and protocol use; allocates). */
  runLogs(): RunLog[] {
    return [...this.scanLogs(0, true).values()].sort((a, b) => a.run.runId - b.run.runId);
  }

  private scanLogs(onlyRunId: number, withSamples: boolean): Map<number, RunLog> {
    this.checkMounted();
    return readRunLogs(this.flash, this.firstBlock, this.blockCount, this.scan, onlyRunId, withSamples);
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
    encodeEnd(this.scratchView, outcome, faultCode, endMs, peakMPa);
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
    JOURNAL_FRAME.open(bytes, type, length / ALIGN_BYTES);
    view.setUint32(4, this.nextSeq, true);
    view.setUint32(8, bootCount, true);
    view.setUint32(12, runId, true);
    JOURNAL_FRAME.close(bytes, view, length);
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
