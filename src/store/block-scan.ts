import type { FlashPartition } from '../../hal/flash';
import type { RecordFrame } from './record-frame';
import { ALIGN_BYTES, alignUp, erasedWord, zeroWord } from './record-frame';

/**
 * What a mount scan found in each block, as typed arrays: a mount scans every block of the
 * partition, and an object per block (160 + 96 on the press) would take some two thousand heap
 * slots at boot, more than the fixed heap has to spare.
 */
export class BlockScans {
  /** Not wholly erased. */
  readonly dirty: Uint8Array;
  /** Offset where the last intact record ends, -1 when there is none. */
  readonly lastEnd: Int32Array;
  /** Bytes that are neither records, erased words nor sealed (zeroed) words after a record, before lastEnd. */
  readonly garbageBefore: Uint8Array;
  /** Such bytes after lastEnd. */
  readonly garbageAfter: Uint8Array;
  /** Its used bytes are a prefix no longer than the record its first bytes begin: what a write cut short at the start of a fresh block leaves. */
  readonly tornStart: Uint8Array;
  /** Likewise for the bytes after lastEnd: one record cut short. */
  readonly tornTail: Uint8Array;
  /** Filled by blockDamage(): 1 for a damaged block. */
  readonly damaged: Uint8Array;

  constructor(readonly count: number) {
    this.dirty = new Uint8Array(count);
    this.lastEnd = new Int32Array(count);
    this.garbageBefore = new Uint8Array(count);
    this.garbageAfter = new Uint8Array(count);
    this.tornStart = new Uint8Array(count);
    this.tornTail = new Uint8Array(count);
    this.damaged = new Uint8Array(count);
  }

  /** Starts block i's entry. */
  begin(i: number, dirty: boolean, tornStart: boolean): void {
    this.dirty[i] = dirty ? 1 : 0;
    this.lastEnd[i] = -1;
    this.garbageBefore[i] = 0;
    this.garbageAfter[i] = 0;
    this.tornStart[i] = tornStart ? 1 : 0;
    this.tornTail[i] = 0;
  }
}

/**
 * Which scanned blocks are damaged. A power cut leaves unreadable bytes in two places only: after
 * the last record of the head block, when they are one record cut short (a torn write; the mount
 * seals it with zeros so it is known later), and in the first used block after the head, when that is either a write cut short at
 * the start of a fresh block (its bytes a prefix of one record) or the oldest block of an unbroken
 * run of used blocks up to the head (the one garbage collection erases). Anywhere else: damage.
 */
export function blockDamage(scans: BlockScans, headBlock: number, maxGapBlocks: number): Uint8Array {
  const excused = excusedBlockOf(scans, headBlock, maxGapBlocks);
  const damaged = scans.damaged;
  for (let i = 0; i < scans.count; i++) {
    damaged[i] = scans.dirty[i] === 1 && i !== excused && (scans.garbageBefore[i] === 1 || (scans.garbageAfter[i] === 1 && !(i === headBlock && scans.tornTail[i] === 1))) ? 1 : 0;
  }
  return damaged;
}

/**
 * The first used block after the head when a power cut explains what is in it (-1: none). A write
 * moves on only to the next block; an erase takes the oldest block only when at most
 * `maxGapBlocks` erased blocks lie between the head and it (garbage collection runs when little is free).
 */
export function excusedBlockOf(scans: BlockScans, headBlock: number, maxGapBlocks: number): number {
  const count = scans.count;
  let first = -1;
  let gap = 0;
  for (let i = 1; i < count; i++) {
    const block = (headBlock + i) % count;
    if (scans.dirty[block] === 1) {
      first = block;
      break;
    }
    gap++;
  }
  if (first < 0) return -1;
  if (gap === 0 && scans.tornStart[first] === 1) return first;
  if (gap > maxGapBlocks) return -1;
  // The oldest block of the ring, being erased: every block from it round to the head is in use.
  for (let block = first; block !== headBlock; block = (block + 1) % count) if (scans.dirty[block] === 0) return -1;
  return first;
}

/**
 * True when a block's used bytes end within `declaredBytes` of its start, or within `headerBytes`
 * when its first record's header was itself cut (declaredBytes 0): a fresh block's first write cut short.
 */
export function isTornStart(dirtyEnd: number, headerBytes: number, declaredBytes: number): boolean {
  return dirtyEnd <= Math.max(headerBytes, declaredBytes);
}

/**
 * Walks the intact records of a block in order, stepping over dirty bytes (allocates nothing).
 * A mount walk also keeps what it finds of the block in `scans`.
 *
 *   scan.walk(block, view);
 *   while (scan.next()) read the record at scan.at, scan.length bytes
 */
export class BlockScan {
  readonly scans: BlockScans;
  /** The record next() moved to. */
  at = 0;
  length = 0;
  /** After mount(): the block's bytes up to its last one that is not 0xFF. */
  dirtyEnd = 0;
  private block: Uint8Array;
  private view: DataView;
  /** What the walk holds between walks: a block read for one must not stay live after it (4 KB each). */
  private readonly noBlock: Uint8Array;
  private readonly noView: DataView;
  private cursor = 0;
  /** Block the walk keeps findings of (-1: none). */
  private index = -1;
  private garbage = false;
  private lastEnd = -1;

  constructor(readonly frame: RecordFrame, blockCount: number) {
    this.scans = new BlockScans(blockCount);
    this.noBlock = new Uint8Array(0);
    this.noView = new DataView(this.noBlock.buffer);
    this.block = this.noBlock;
    this.view = this.noView;
  }

  /** Starts a walk over a block, keeping no findings. */
  walk(block: Uint8Array, view: DataView): void {
    this.block = block;
    this.view = view;
    this.cursor = 0;
    this.index = -1;
    this.garbage = false;
    this.lastEnd = -1;
  }

  /** Starts the mount walk of area block `index`; false when the block is wholly erased (there is nothing to walk). */
  mount(index: number, block: Uint8Array, view: DataView): boolean {
    let dirtyEnd = block.length;
    while (dirtyEnd > 0 && block[dirtyEnd - 1] === 0xff) dirtyEnd--;
    this.dirtyEnd = dirtyEnd;
    this.scans.begin(index, dirtyEnd > 0, isTornStart(dirtyEnd, this.frame.headerBytes, this.frame.declaredBytes(block, view, 0)));
    this.walk(block, view);
    if (dirtyEnd === 0) {
      this.release();
      return false;
    }
    this.index = index;
    return true;
  }

  /** Moves to the next intact record; false after the last one (a mount walk has then filled its block's entry). */
  next(): boolean {
    const block = this.block;
    const frame = this.frame;
    const keep = this.index >= 0;
    while (this.cursor + frame.scanMinBytes <= block.length) {
      const at = this.cursor;
      const length = frame.lengthAt(block, this.view, at);
      if (length === 0) {
        if (keep && !erasedWord(block, at) && !zeroWord(block, at)) this.garbage = true;
        this.cursor += ALIGN_BYTES;
        continue;
      }
      if (keep && this.garbage) this.scans.garbageBefore[this.index] = 1;
      this.garbage = false;
      this.at = at;
      this.length = length;
      this.cursor = at + length;
      this.lastEnd = this.cursor;
      return true;
    }
    if (keep) this.finishBlock();
    this.release();
    return false;
  }

  private release(): void {
    this.block = this.noBlock;
    this.view = this.noView;
  }

  /** Where the head may write after a mounted block: after its last record and any torn bytes (they are never written over). */
  get usedEnd(): number {
    return Math.max(this.lastEnd, alignUp(this.dirtyEnd));
  }

  private finishBlock(): void {
    const i = this.index;
    const scans = this.scans;
    const block = this.block;
    const lastEnd = this.lastEnd;
    this.index = -1;
    scans.lastEnd[i] = lastEnd;
    // A used block without one intact record is unreadable whatever its bytes are.
    scans.garbageAfter[i] = this.garbage || lastEnd < 0 ? 1 : 0;
    // After the zeros of a torn write sealed at an earlier boot, if any.
    let tailAt = lastEnd;
    while (tailAt >= 0 && tailAt + ALIGN_BYTES <= this.dirtyEnd && zeroWord(block, tailAt)) tailAt += ALIGN_BYTES;
    scans.tornTail[i] = lastEnd >= 0 && isTornStart(this.dirtyEnd - tailAt, this.frame.headerBytes, this.frame.declaredBytes(block, this.view, tailAt)) ? 1 : 0;
  }

  /**
   * After the mount walks: marks the damaged blocks (blockDamage), erases the used blocks without
   * one intact record and seals the head's torn tail. Returns the blocks erased; `erased` marks them.
   */
  settle(flash: FlashPartition, firstBlock: number, headBlock: number, maxGapBlocks: number, erased: Uint8Array): number {
    const scans = this.scans;
    const blockLength = flash.blockLength;
    blockDamage(scans, headBlock, maxGapBlocks);
    let blocksErased = 0;
    for (let i = 0; i < scans.count; i++) {
      if (scans.dirty[i] === 0) continue;
      if (scans.lastEnd[i] < 0) {
        flash.eraseBlock(firstBlock + i);
        erased[i] = 1;
        blocksErased++;
      } else if (i === headBlock && scans.tornTail[i] === 1) {
        // Only a record cut short is sealed: damage stays visible until it is accepted.
        sealTornTail(flash, (firstBlock + i) * blockLength, blockLength, scans, i);
      }
    }
    return blocksErased;
  }

  /** Blocks the last settle() found damaged, until they are accepted. */
  get blocksDamaged(): number {
    let count = 0;
    for (let i = 0; i < this.scans.count; i++) count += this.scans.damaged[i];
    return count;
  }

  /**
   * After a damage report was accepted: zeroes every word of the damaged blocks still in use that
   * is neither part of a record nor erased, so the next mount reports only new damage.
   */
  acceptDamage(flash: FlashPartition, firstBlock: number, erased: Uint8Array): void {
    const damaged = this.scans.damaged;
    for (let i = 0; i < this.scans.count; i++) {
      if (damaged[i] === 1 && erased[i] === 0) zeroGarbage(flash, (firstBlock + i) * flash.blockLength, flash.blockLength, this.frame);
    }
    damaged.fill(0);
  }
}

function zeroGarbage(flash: FlashPartition, blockOffset: number, blockLength: number, frame: RecordFrame): void {
  const block = flash.read(blockOffset, blockLength);
  const view = new DataView(block.buffer, block.byteOffset, block.byteLength);
  const zero = new Uint8Array(ALIGN_BYTES);
  for (let at = 0; at + ALIGN_BYTES <= block.length; ) {
    const length = frame.lengthAt(block, view, at);
    if (length > 0) {
      at += length;
      continue;
    }
    if (!erasedWord(block, at) && !zeroWord(block, at)) flash.write(blockOffset + at, zero);
    at += ALIGN_BYTES;
  }
}

/** Zeroes the torn bytes after the head block's last record, so a later mount knows them from damage. */
function sealTornTail(flash: FlashPartition, blockOffset: number, blockLength: number, scans: BlockScans, index: number): void {
  const lastEnd = scans.lastEnd[index];
  if (lastEnd < 0 || scans.garbageAfter[index] === 0) return;
  const tail = flash.read(blockOffset + lastEnd, blockLength - lastEnd);
  let end = tail.length;
  while (end > 0 && tail[end - 1] === 0xff) end--;
  end = alignUp(end);
  if (end > 0) flash.write(blockOffset + lastEnd, new Uint8Array(end));
}
