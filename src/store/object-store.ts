import type { FlashPartition } from '../../hal/flash';
import { crc32 } from '../bytes/crc32';

/**
 * Object store: named values (programs, the calibration history, settings) in a ring of erase
 * blocks, log-structured, every version written twice (docs/storage.md, "Object store").
 *
 * Commit rule: a version exists once intact chunks (each with a good CRC) cover its whole payload
 * and the payload's own CRC checks; of the existing versions of a name, the one with the highest
 * version number is in force, and a deletion is a version too.
 *
 * A chunk, little-endian, 4-byte aligned, never across a block boundary:
 *
 *   magic "PO" · kind u8 (bit 7: deletion) · 0 u8 · version u32 · copy u32
 *   payload offset u32 · payload length u32 · payload CRC-32 u32 · data length u16 · 0 u16
 *   data · zeros to a multiple of 4 · CRC-32 u32 of every byte before it
 *
 * The payload of a version is key length u8 · key (ASCII) · value. Each copy of a version has its
 * own copy number; both copy and version numbers come from one counter that only goes up.
 */

const MAGIC_0 = 0x50;
const MAGIC_1 = 0x4f;
const HEADER_BYTES = 28;
const CRC_BYTES = 4;
const ALIGN_BYTES = 4;
/** A chunk is not started in less room than this much data: the rest of the block is left. */
const MIN_CHUNK_DATA = 64;
const DELETED = 0x80;
const COPIES = 2;

export const MAX_KEY_BYTES = 32;
/** Largest value: an 8 KB program with room to spare. */
export const MAX_VALUE_BYTES = 8448;
const MAX_PAYLOAD_BYTES = 1 + MAX_KEY_BYTES + MAX_VALUE_BYTES;

/** Thrown when a value does not fit in the space the store can guarantee. Nothing was written. */
export class StoreFullError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'StoreFullError';
  }
}

/** One intact chunk on flash. */
interface ChunkRef {
  /** Area block index, and the chunk's partition offset. */
  block: number;
  at: number;
  copy: number;
  payloadOffset: number;
  dataLength: number;
}

/** The version of a key in force. */
interface Entry {
  kind: number;
  key: string;
  version: number;
  deleted: boolean;
  payloadLength: number;
  payloadCrc: number;
  chunks: ChunkRef[];
}

/** A key whose newest version on flash could not be read back whole. */
export interface LostVersion {
  kind: number;
  key: string;
  /** The lost version was a deletion (the key may have come back with an older value). */
  deletion: boolean;
  /** What is in force instead: an older version (true) or nothing (false). */
  olderInForce: boolean;
}

export interface MountReport {
  /** Keys with a value (deletions not counted). */
  keys: number;
  /** Blocks that held nothing valid and were erased (a torn write, an interrupted erase, or damage). */
  blocksErased: number;
  /** Copies written because a version had fewer than two whole copies. */
  copiesRepaired: number;
  /** Newest versions of a key that could not be read back whole (kept out of the index): lost.length. */
  versionsDamaged: number;
  /**
   * Blocks holding bytes that are neither intact chunks, erased space nor the sealed remains of
   * a torn write, where no power cut leaves such bytes (see blockDamage): flash damage. What was
   * in them may be lost without a trace of its name.
   */
  blocksDamaged: number;
  /** The keys among the damage whose names could still be read, newest version lost. */
  lost: LostVersion[];
}

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

/** True when the aligned word at `at` is erased (all 0xFF). */
export function erasedWord(block: Uint8Array, at: number): boolean {
  return block[at] === 0xff && block[at + 1] === 0xff && block[at + 2] === 0xff && block[at + 3] === 0xff;
}

/** True when the aligned word at `at` is zero: a torn write that a mount sealed. */
export function zeroWord(block: Uint8Array, at: number): boolean {
  return block[at] === 0 && block[at + 1] === 0 && block[at + 2] === 0 && block[at + 3] === 0;
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

/** Zeroes every word of a block that is neither part of a record (as `recordLengthAt` finds them) nor erased. */
export function zeroGarbage(flash: FlashPartition, blockOffset: number, blockLength: number, recordLengthAt: (block: Uint8Array, view: DataView, at: number) => number): void {
  const block = flash.read(blockOffset, blockLength);
  const view = new DataView(block.buffer, block.byteOffset, block.byteLength);
  const zero = new Uint8Array(ALIGN_BYTES);
  for (let at = 0; at + ALIGN_BYTES <= block.length; ) {
    const length = recordLengthAt(block, view, at);
    if (length > 0) {
      at += length;
      continue;
    }
    if (!erasedWord(block, at) && !zeroWord(block, at)) flash.write(blockOffset + at, zero);
    at += ALIGN_BYTES;
  }
}

/** Zeroes the torn bytes after the head block's last record, so a later mount knows them from damage. */
export function sealTornTail(flash: FlashPartition, blockOffset: number, blockLength: number, scans: BlockScans, index: number): void {
  const lastEnd = scans.lastEnd[index];
  if (lastEnd < 0 || scans.garbageAfter[index] === 0) return;
  const tail = flash.read(blockOffset + lastEnd, blockLength - lastEnd);
  let end = tail.length;
  while (end > 0 && tail[end - 1] === 0xff) end--;
  end = (end + ALIGN_BYTES - 1) & ~(ALIGN_BYTES - 1);
  if (end > 0) flash.write(blockOffset + lastEnd, new Uint8Array(end));
}

/** The bytes the chunk whose header starts at `at` declares it takes (0 when no chunk header starts there). */
function declaredChunkBytes(block: Uint8Array, view: DataView, at: number): number {
  return at + HEADER_BYTES <= block.length && block[at] === MAGIC_0 && block[at + 1] === MAGIC_1 ? chunkBytes(view.getUint16(at + 24, true)) : 0;
}

function alignUp(offset: number): number {
  return (offset + ALIGN_BYTES - 1) & ~(ALIGN_BYTES - 1);
}

function chunkBytes(dataLength: number): number {
  return alignUp(HEADER_BYTES + dataLength) + CRC_BYTES;
}

function mapKey(kind: number, key: string): string {
  return `${kind}/${key}`;
}

/** How many distinct copies each cover [0, length) on their own. */
function wholeCopies(chunks: ChunkRef[], length: number): number {
  const byCopy = new Map<number, ChunkRef[]>();
  for (const chunk of chunks) {
    const list = byCopy.get(chunk.copy);
    if (list === undefined) byCopy.set(chunk.copy, [chunk]);
    else list.push(chunk);
  }
  let whole = 0;
  for (const list of byCopy.values()) if (covers(list, length)) whole++;
  return whole;
}

function covers(chunks: ChunkRef[], length: number): boolean {
  const sorted = [...chunks].sort((a, b) => a.payloadOffset - b.payloadOffset);
  let reached = 0;
  for (const chunk of sorted) {
    if (chunk.payloadOffset > reached) return false;
    reached = Math.max(reached, chunk.payloadOffset + chunk.dataLength);
  }
  return reached >= length;
}

export class ObjectStore {
  readonly blockLength: number;
  /** Bytes the store keeps free so garbage collection can always move what it must. */
  readonly reserveBytes: number;
  /** What the versions in force may take on flash, copies and chunk overhead included. */
  readonly capacityBytes: number;
  /** Block erases since mount. */
  erases = 0;
  /** What the last mount found in each block; its `damaged` marks the blocks it found damaged, until they are accepted. */
  private readonly scans: BlockScans;

  private readonly erased: Uint8Array;
  private readonly scratch: Uint8Array;
  private readonly scratchView: DataView;
  private readonly entries = new Map<string, Entry>();
  private readonly byVersion = new Map<number, Entry>();
  private mounted = false;
  private headBlock = 0;
  private writeOffset = 0;
  private nextSeq = 1;

  constructor(private readonly flash: FlashPartition, private readonly firstBlock: number, private readonly blockCount: number) {
    const partitionBlocks = Math.floor(flash.byteLength / flash.blockLength);
    if (!(Number.isInteger(firstBlock) && Number.isInteger(blockCount) && firstBlock >= 0 && firstBlock + blockCount <= partitionBlocks)) {
      throw new RangeError(`object store: blocks ${firstBlock}..${firstBlock + blockCount - 1} are outside the partition's blocks 0..${partitionBlocks - 1}`);
    }
    this.blockLength = flash.blockLength;
    if (this.blockLength % ALIGN_BYTES !== 0 || this.blockLength < 1024) throw new RangeError(`object store: ${this.blockLength} B blocks are too small`);
    this.reserveBytes = 2 * this.footprint(MAX_PAYLOAD_BYTES) + 2 * this.blockLength;
    this.capacityBytes = blockCount * this.blockLength - this.reserveBytes - this.blockLength;
    if (this.capacityBytes < COPIES * this.footprint(MAX_PAYLOAD_BYTES)) {
      throw new RangeError(`object store: ${blockCount} blocks of ${this.blockLength} B leave no room for one value of ${MAX_VALUE_BYTES} B`);
    }
    this.erased = new Uint8Array(blockCount);
    this.scans = new BlockScans(blockCount);
    this.scratch = new Uint8Array(this.blockLength);
    this.scratchView = new DataView(this.scratch.buffer);
  }

  /** Erased blocks between the head and the oldest block at most while garbage collection may be erasing it. */
  private get gcGapBlocks(): number {
    return Math.ceil((COPIES * this.footprint(MAX_PAYLOAD_BYTES) + this.reserveBytes) / this.blockLength) + 1;
  }

  /**
   * After a damage report was accepted: every lost key gets a whole newest version (the older
   * value again, or a deletion), and the unreadable bytes of damaged blocks that still hold
   * chunks are zeroed, so the next mount reports only new damage. Returns the keys written.
   */
  acceptDamage(lost: readonly LostVersion[]): number {
    this.checkMounted();
    let written = 0;
    for (const item of lost) {
      const value = this.get(item.kind, item.key);
      if (value !== null && !item.deletion) this.put(item.kind, item.key, value.slice());
      else this.writeVersion(item.kind, item.key, this.payload(item.key, new Uint8Array(0)), true);
      written++;
    }
    const damaged = this.scans.damaged;
    for (let i = 0; i < this.blockCount; i++) {
      if (damaged[i] === 1 && this.erased[i] === 0) zeroGarbage(this.flash, this.blockOffset(i), this.blockLength, (block, view, at) => this.chunkLengthAt(block, view, at));
    }
    damaged.fill(0);
    return written;
  }

  /** Flash bytes the versions in force take (both copies, worst-case chunking). */
  get liveBytes(): number {
    let total = 0;
    for (const entry of this.entries.values()) total += COPIES * this.footprint(entry.payloadLength);
    return total;
  }

  /** Erased bytes the head can write into before it meets a block in use. */
  get freeBytes(): number {
    let free = this.blockLength - this.writeOffset;
    for (let i = 1; i < this.blockCount; i++) {
      const block = (this.headBlock + i) % this.blockCount;
      if (this.erased[block] === 0) break;
      free += this.blockLength;
    }
    return free;
  }

  /** Scans the area (boot time): builds the index, erases blocks with nothing valid, writes a second copy where one is missing. */
  mount(): MountReport {
    this.entries.clear();
    this.byVersion.clear();
    const report: MountReport = { keys: 0, blocksErased: 0, copiesRepaired: 0, versionsDamaged: 0, blocksDamaged: 0, lost: [] };
    const scans = this.scans;
    const chunksByVersion = new Map<number, ChunkRef[]>();
    const headerOf = new Map<number, { kind: number; payloadLength: number; payloadCrc: number; key: string | null }>();
    let newestCopy = 0;
    let newestOffset = 0;
    let newestSeq = 0;
    let headBlock = 0;
    let headEnd = 0;
    for (let i = 0; i < this.blockCount; i++) {
      const base = this.blockOffset(i);
      const block = this.flash.read(base, this.blockLength);
      const view = new DataView(block.buffer, block.byteOffset, block.byteLength);
      let dirtyEnd = block.length;
      while (dirtyEnd > 0 && block[dirtyEnd - 1] === 0xff) dirtyEnd--;
      this.erased[i] = dirtyEnd === 0 ? 1 : 0;
      scans.begin(i, dirtyEnd > 0, isTornStart(dirtyEnd, HEADER_BYTES, declaredChunkBytes(block, view, 0)));
      if (dirtyEnd === 0) continue;
      let lastEnd = -1;
      let holdsNewest = false;
      let garbage = false;
      for (let at = 0; at + HEADER_BYTES + CRC_BYTES <= block.length; ) {
        const length = this.chunkLengthAt(block, view, at);
        if (length === 0) {
          if (!erasedWord(block, at) && !zeroWord(block, at)) garbage = true;
          at += ALIGN_BYTES;
          continue;
        }
        if (garbage) scans.garbageBefore[i] = 1;
        garbage = false;
        const version = view.getUint32(at + 4, true);
        const copy = view.getUint32(at + 8, true);
        const payloadOffset = view.getUint32(at + 12, true);
        const payloadLength = view.getUint32(at + 16, true);
        const payloadCrc = view.getUint32(at + 20, true);
        const dataLength = view.getUint16(at + 24, true);
        let header = headerOf.get(version);
        if (header === undefined) {
          header = { kind: block[at + 2], payloadLength, payloadCrc, key: null };
          headerOf.set(version, header);
        }
        // Chunks of one version agree on these; one that does not is not used.
        if (header.kind === block[at + 2] && header.payloadLength === payloadLength && header.payloadCrc === payloadCrc) {
          if (payloadOffset === 0 && header.key === null) header.key = this.keyIn(block, at + HEADER_BYTES, dataLength);
          const ref: ChunkRef = { block: i, at: base + at, copy, payloadOffset, dataLength };
          const list = chunksByVersion.get(version);
          if (list === undefined) chunksByVersion.set(version, [ref]);
          else list.push(ref);
        }
        // The last chunk written is the newest copy's furthest one.
        if (copy > newestCopy || (copy === newestCopy && payloadOffset >= newestOffset)) {
          newestCopy = copy;
          newestOffset = payloadOffset;
          holdsNewest = true;
        }
        if (version > newestSeq) newestSeq = version;
        at += length;
        lastEnd = at;
      }
      scans.lastEnd[i] = lastEnd;
      // A used block without one intact chunk is unreadable whatever its bytes are.
      scans.garbageAfter[i] = garbage || lastEnd < 0 ? 1 : 0;
      // After the zeros of a torn write sealed at an earlier boot, if any.
      let tailAt = lastEnd;
      while (tailAt >= 0 && tailAt + ALIGN_BYTES <= dirtyEnd && zeroWord(block, tailAt)) tailAt += ALIGN_BYTES;
      scans.tornTail[i] = lastEnd >= 0 && isTornStart(dirtyEnd - tailAt, HEADER_BYTES, declaredChunkBytes(block, view, tailAt)) ? 1 : 0;
      if (lastEnd >= 0 && holdsNewest) {
        headBlock = i;
        // After the torn bytes of an interrupted write too: they are never written over.
        headEnd = Math.max(lastEnd, alignUp(dirtyEnd));
      }
    }
    const damaged = blockDamage(scans, headBlock, this.gcGapBlocks);
    for (let i = 0; i < this.blockCount; i++) {
      if (damaged[i] === 1) report.blocksDamaged++;
      if (scans.dirty[i] === 0) continue;
      if (scans.lastEnd[i] < 0) {
        this.flash.eraseBlock(this.firstBlock + i);
        this.erases++;
        this.erased[i] = 1;
        report.blocksErased++;
      } else if (i === headBlock && scans.tornTail[i] === 1) {
        // Only a record cut short is sealed: damage stays visible until it is accepted.
        sealTornTail(this.flash, this.blockOffset(i), this.blockLength, scans, i);
      }
    }
    const excusedBlock = excusedBlockOf(scans, headBlock, this.gcGapBlocks);
    this.headBlock = headBlock;
    this.writeOffset = headEnd;
    this.nextSeq = Math.max(newestCopy, newestSeq) + 1;

    // Newest whole version of each key, newest first so older ones are only read when needed.
    const versions = [...chunksByVersion.keys()].sort((a, b) => b - a);
    // The newest version of a key that is not whole is lost, unless a power cut explains it: a put
    // cut short, or a version seen only in the block a cut may have torn.
    const lostByName = new Map<string, LostVersion>();
    for (const version of versions) {
      const header = headerOf.get(version) as { kind: number; payloadLength: number; payloadCrc: number; key: string | null };
      if (header.key === null) continue;
      const kind = header.kind & ~DELETED;
      const name = mapKey(kind, header.key);
      if (this.entries.has(name)) continue;
      const chunks = chunksByVersion.get(version) as ChunkRef[];
      const entry: Entry = { kind, key: header.key, version, deleted: (header.kind & DELETED) !== 0, payloadLength: header.payloadLength, payloadCrc: header.payloadCrc, chunks };
      if (!covers(chunks, header.payloadLength) || this.assemble(entry) === null) {
        // A put cut short: the newest version, a part of its first copy only, and no damage anywhere else.
        const tornPut = report.blocksDamaged === 0 && version === newestSeq && chunks.every((chunk) => chunk.copy === version);
        const explained = tornPut || chunks.every((chunk) => chunk.block === excusedBlock);
        if (!explained && !lostByName.has(name)) lostByName.set(name, { kind, key: header.key, deletion: entry.deleted, olderInForce: false });
        continue;
      }
      const lost = lostByName.get(name);
      if (lost !== undefined) lost.olderInForce = !entry.deleted;
      this.entries.set(name, entry);
      this.byVersion.set(version, entry);
    }
    report.lost = [...lostByName.values()].sort((a, b) => a.kind - b.kind || (a.key < b.key ? -1 : a.key > b.key ? 1 : 0));
    report.versionsDamaged = report.lost.length;
    this.mounted = true;
    for (const entry of [...this.entries.values()]) {
      const missing = COPIES - wholeCopies(entry.chunks, entry.payloadLength);
      if (missing <= 0) continue;
      const payload = this.assemble(entry) as Uint8Array;
      this.ensureFree(missing * this.footprint(payload.length));
      for (let c = 0; c < missing; c++) entry.chunks.push(...this.writeCopy(entry.kind | (entry.deleted ? DELETED : 0), entry.version, payload, entry.payloadCrc));
      report.copiesRepaired += missing;
    }
    for (const entry of this.entries.values()) if (!entry.deleted) report.keys++;
    return report;
  }

  /** The value of a key, read back and checked; null when there is none. */
  get(kind: number, key: string): Uint8Array | null {
    this.checkMounted();
    const entry = this.entries.get(mapKey(kind, key));
    if (entry === undefined || entry.deleted) return null;
    const payload = this.assemble(entry);
    return payload === null ? null : payload.subarray(1 + payload[0]);
  }

  has(kind: number, key: string): boolean {
    const entry = this.entries.get(mapKey(kind, key));
    return entry !== undefined && !entry.deleted;
  }

  /** Keys of a kind that have a value, sorted. */
  keys(kind: number): string[] {
    const keys: string[] = [];
    for (const entry of this.entries.values()) if (entry.kind === kind && !entry.deleted) keys.push(entry.key);
    return keys.sort();
  }

  /** Stores a new version of a key (two copies). Throws StoreFullError, having written nothing, when it does not fit. */
  put(kind: number, key: string, value: Uint8Array): void {
    this.checkMounted();
    this.checkKind(kind);
    if (value.length > MAX_VALUE_BYTES) throw new RangeError(`object store: a value of ${value.length} B is over the ${MAX_VALUE_BYTES} B limit`);
    const payload = this.payload(key, value);
    const existing = this.entries.get(mapKey(kind, key));
    const needed = COPIES * this.footprint(payload.length);
    const after = this.liveBytes - (existing === undefined ? 0 : COPIES * this.footprint(existing.payloadLength)) + needed;
    if (after > this.capacityBytes) {
      throw new StoreFullError(`flash full: "${key}" needs ${needed} B, ${Math.max(0, this.capacityBytes - this.liveBytes)} B of ${this.capacityBytes} B are free`);
    }
    this.writeVersion(kind, key, payload, false);
  }

  /** Deletes a key (writes a deletion version). False when it had no value. */
  remove(kind: number, key: string): boolean {
    this.checkMounted();
    this.checkKind(kind);
    if (!this.has(kind, key)) return false;
    this.writeVersion(kind, key, this.payload(key, new Uint8Array(0)), true);
    return true;
  }

  private writeVersion(kind: number, key: string, payload: Uint8Array, deleted: boolean): void {
    this.ensureFree(COPIES * this.footprint(payload.length));
    const payloadCrc = crc32(payload);
    const version = this.nextSeq;
    const chunks: ChunkRef[] = [];
    for (let c = 0; c < COPIES; c++) chunks.push(...this.writeCopy(kind | (deleted ? DELETED : 0), version, payload, payloadCrc));
    const name = mapKey(kind, key);
    const old = this.entries.get(name);
    if (old !== undefined) this.byVersion.delete(old.version);
    const entry: Entry = { kind, key, version, deleted, payloadLength: payload.length, payloadCrc, chunks };
    this.entries.set(name, entry);
    this.byVersion.set(version, entry);
  }

  /** Garbage-collects the oldest blocks until `bytes` plus the reserve are free. */
  private ensureFree(bytes: number): void {
    let steps = 0;
    while (this.freeBytes < bytes + this.reserveBytes) {
      if (steps++ > 2 * this.blockCount || !this.collectTail()) {
        throw new StoreFullError(`flash full: ${bytes} B needed, ${this.freeBytes} B free after garbage collection`);
      }
    }
  }

  /**
   * Moves what is still in force out of the oldest block, then erases it. A deletion moves too
   * while an older version of its key is in that block, so an interrupted erase cannot bring the
   * older version back.
   */
  private collectTail(): boolean {
    let tail = -1;
    for (let i = 1; i < this.blockCount; i++) {
      const block = (this.headBlock + i) % this.blockCount;
      if (this.erased[block] === 0) {
        tail = block;
        break;
      }
    }
    if (tail < 0) return false;
    const base = this.blockOffset(tail);
    const block = this.flash.read(base, this.blockLength);
    const view = new DataView(block.buffer, block.byteOffset, block.byteLength);
    const touched = new Set<Entry>();
    const olderKeys = new Set<string>();
    for (let at = 0; at + HEADER_BYTES + CRC_BYTES <= block.length; ) {
      const length = this.chunkLengthAt(block, view, at);
      if (length === 0) {
        at += ALIGN_BYTES;
        continue;
      }
      const entry = this.byVersion.get(view.getUint32(at + 4, true));
      if (entry !== undefined) touched.add(entry);
      else if (view.getUint32(at + 12, true) === 0) {
        const key = this.keyIn(block, at + HEADER_BYTES, view.getUint16(at + 24, true));
        if (key !== null) olderKeys.add(mapKey(block[at + 2] & ~DELETED, key));
      }
      at += length;
    }
    for (const entry of touched) {
      const outside = entry.chunks.filter((chunk) => chunk.block !== tail);
      const name = mapKey(entry.kind, entry.key);
      if (entry.deleted && !olderKeys.has(name)) {
        this.entries.delete(name);
        this.byVersion.delete(entry.version);
        continue;
      }
      const missing = COPIES - wholeCopies(outside, entry.payloadLength);
      if (missing > 0) {
        const payload = this.assemble(entry);
        if (payload === null) {
          this.entries.delete(name);
          this.byVersion.delete(entry.version);
          continue;
        }
        if (this.freeBytes < missing * this.footprint(payload.length)) return false;
        for (let c = 0; c < missing; c++) outside.push(...this.writeCopy(entry.kind | (entry.deleted ? DELETED : 0), entry.version, payload, entry.payloadCrc));
      }
      entry.chunks = outside;
    }
    this.flash.eraseBlock(this.firstBlock + tail);
    this.erases++;
    this.erased[tail] = 1;
    return true;
  }

  /** Writes one copy at the head, chunk by chunk, moving to the next block as needed (it must be erased). */
  private writeCopy(kindByte: number, version: number, payload: Uint8Array, payloadCrc: number): ChunkRef[] {
    const refs: ChunkRef[] = [];
    const copy = this.nextSeq++;
    const bytes = this.scratch;
    const view = this.scratchView;
    for (let offset = 0; offset < payload.length; ) {
      const room = this.blockLength - this.writeOffset - HEADER_BYTES - CRC_BYTES - (ALIGN_BYTES - 1);
      const remaining = payload.length - offset;
      if (room < remaining && room < MIN_CHUNK_DATA) {
        const next = (this.headBlock + 1) % this.blockCount;
        if (this.erased[next] === 0) throw new Error('object store: the next block is not erased (space accounting is wrong)');
        this.headBlock = next;
        this.writeOffset = 0;
        continue;
      }
      const dataLength = Math.min(room, remaining);
      const length = chunkBytes(dataLength);
      bytes.fill(0, 0, length);
      bytes[0] = MAGIC_0;
      bytes[1] = MAGIC_1;
      bytes[2] = kindByte;
      view.setUint32(4, version, true);
      view.setUint32(8, copy, true);
      view.setUint32(12, offset, true);
      view.setUint32(16, payload.length, true);
      view.setUint32(20, payloadCrc, true);
      view.setUint16(24, dataLength, true);
      bytes.set(payload.subarray(offset, offset + dataLength), HEADER_BYTES);
      view.setUint32(length - CRC_BYTES, crc32(bytes, 0, length - CRC_BYTES), true);
      const at = this.blockOffset(this.headBlock) + this.writeOffset;
      this.erased[this.headBlock] = 0;
      // Advanced before the write: a write that fails part-way leaves bytes that are never written over.
      this.writeOffset += length;
      this.flash.write(at, bytes.subarray(0, length));
      refs.push({ block: this.headBlock, at, copy, payloadOffset: offset, dataLength });
      offset += dataLength;
    }
    return refs;
  }

  /**
   * Reads the payload back from any intact chunks of the version, copies mixed (an interval
   * cover over the chunks in payload order); null unless it is whole and its CRC checks. The
   * chunks' own CRCs are checked again only when the payload's fails (a bit lost since mount).
   */
  private assemble(entry: Entry): Uint8Array | null {
    return this.assembleChecking(entry, false) ?? this.assembleChecking(entry, true);
  }

  private assembleChecking(entry: Entry, checkChunks: boolean): Uint8Array | null {
    const payload = new Uint8Array(entry.payloadLength);
    const chunks = [...entry.chunks].sort((a, b) => a.payloadOffset - b.payloadOffset);
    let reached = 0;
    for (const ref of chunks) {
      if (reached >= entry.payloadLength || ref.payloadOffset > reached) break;
      const end = ref.payloadOffset + ref.dataLength;
      if (end <= reached) continue;
      const length = chunkBytes(ref.dataLength);
      const chunk = this.flash.read(ref.at, length);
      const view = new DataView(chunk.buffer, chunk.byteOffset, chunk.byteLength);
      if (view.getUint32(4, true) !== entry.version || view.getUint32(12, true) !== ref.payloadOffset) continue;
      if (checkChunks && this.chunkLengthAt(chunk, view, 0) !== length) continue;
      payload.set(chunk.subarray(HEADER_BYTES + reached - ref.payloadOffset, HEADER_BYTES + ref.dataLength), reached);
      reached = end;
    }
    if (reached < entry.payloadLength || crc32(payload) !== entry.payloadCrc) return null;
    return payload;
  }

  /** Length of the intact chunk at `at`, or 0. */
  private chunkLengthAt(block: Uint8Array, view: DataView, at: number): number {
    if (block[at] !== MAGIC_0 || block[at + 1] !== MAGIC_1 || at + HEADER_BYTES + CRC_BYTES > block.length) return 0;
    const dataLength = view.getUint16(at + 24, true);
    const length = chunkBytes(dataLength);
    if (dataLength === 0 || at + length > block.length) return 0;
    const payloadOffset = view.getUint32(at + 12, true);
    const payloadLength = view.getUint32(at + 16, true);
    if (payloadLength > MAX_PAYLOAD_BYTES || payloadOffset + dataLength > payloadLength) return 0;
    return crc32(block, at, at + length - CRC_BYTES) === view.getUint32(at + length - CRC_BYTES, true) ? length : 0;
  }

  /** The key at the start of a payload chunk, or null when the chunk does not hold it whole. */
  private keyIn(block: Uint8Array, dataAt: number, dataLength: number): string | null {
    const keyLength = block[dataAt];
    if (keyLength > MAX_KEY_BYTES || 1 + keyLength > dataLength) return null;
    let key = '';
    for (let i = 0; i < keyLength; i++) key += String.fromCharCode(block[dataAt + 1 + i]);
    return key;
  }

  private payload(key: string, value: Uint8Array): Uint8Array {
    if (!(key.length <= MAX_KEY_BYTES && /^[\x21-\x7e]*$/.test(key))) throw new RangeError(`object store: key "${key}" is not 0..${MAX_KEY_BYTES} printable ASCII characters`);
    const payload = new Uint8Array(1 + key.length + value.length);
    payload[0] = key.length;
    for (let i = 0; i < key.length; i++) payload[1 + i] = key.charCodeAt(i);
    payload.set(value, 1 + key.length);
    return payload;
  }

  /** Worst-case flash bytes of one copy of a payload: its data plus the overhead of every chunk and block end it may need. */
  private footprint(payloadLength: number): number {
    const perBlock = this.blockLength - HEADER_BYTES - CRC_BYTES - ALIGN_BYTES;
    const chunks = Math.ceil(payloadLength / perBlock) + 1;
    return payloadLength + chunks * (HEADER_BYTES + CRC_BYTES + ALIGN_BYTES + HEADER_BYTES + CRC_BYTES + MIN_CHUNK_DATA);
  }

  private checkKind(kind: number): void {
    if (!(Number.isInteger(kind) && kind >= 1 && kind < DELETED)) throw new RangeError(`object store: kind ${kind} is not 1..127`);
  }

  private blockOffset(index: number): number {
    return (this.firstBlock + index) * this.blockLength;
  }

  private checkMounted(): void {
    if (!this.mounted) throw new Error('object store: call mount() first');
  }
}
