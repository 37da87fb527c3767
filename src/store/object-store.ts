import type { FlashPartition } from '../../hal/flash';
import { crc32 } from '../bytes/crc32';
import { BlockScan } from './block-scan';
import type { ChunkRef, Entry } from './object-chunk';
import { CHUNK_FRAME, COPIES, DELETED, HEADER_BYTES, MAX_PAYLOAD_BYTES, MAX_VALUE_BYTES, MIN_CHUNK_DATA, assemblePayload, encodeChunk, encodePayload, keyIn, mapKey, wholeCopies } from './object-chunk';
import type { LostVersion } from './object-catalog';
import { readCatalog } from './object-catalog';
import { ALIGN_BYTES, CRC_BYTES } from './record-frame';

export { MAX_KEY_BYTES, MAX_VALUE_BYTES } from './object-chunk';
export type { LostVersion } from './object-catalog';

/**
 * Object store: named values (programs, the calibration history, settings) in a ring of erase
 * blocks, log-structured, every version written twice in chunks (src/store/object-chunk.ts;
 * docs/storage.md, "Object store").
 *
 * Commit rule: a version exists once intact chunks (each with a good CRC) cover its whole payload
 * and the payload's own CRC checks; of the existing versions of a name, the one with the highest
 * version number is in force, and a deletion is a version too.
 */

/** Thrown when a value does not fit in the space the store can guarantee. Nothing was written. */
export class StoreFullError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'StoreFullError';
  }
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

export class ObjectStore {
  readonly blockLength: number;
  /** Bytes the store keeps free so garbage collection can always move what it must. */
  readonly reserveBytes: number;
  /** What the versions in force may take on flash, copies and chunk overhead included. */
  readonly capacityBytes: number;
  /** Block erases since mount. */
  erases = 0;
  /** The mount walk and what it found in each block; its `damaged` marks the blocks it found damaged, until they are accepted. */
  private readonly scan: BlockScan;

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
    this.scan = new BlockScan(CHUNK_FRAME, blockCount);
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
      else this.writeVersion(item.kind, item.key, encodePayload(item.key, new Uint8Array(0)), true);
      written++;
    }
    this.scan.acceptDamage(this.flash, this.firstBlock, this.erased);
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
    const found = readCatalog(this.flash, this.firstBlock, this.blockCount, this.scan, this.erased, this.gcGapBlocks, this.entries, this.byVersion);
    this.erases += found.blocksErased;
    this.headBlock = found.headBlock;
    this.writeOffset = found.headEnd;
    this.nextSeq = found.nextSeq;
    const report: MountReport = { keys: 0, blocksErased: found.blocksErased, copiesRepaired: 0, versionsDamaged: found.lost.length, blocksDamaged: found.blocksDamaged, lost: found.lost };
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
    const payload = encodePayload(key, value);
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
    this.writeVersion(kind, key, encodePayload(key, new Uint8Array(0)), true);
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
    const scan = this.scan;
    scan.walk(block, view);
    while (scan.next()) {
      const at = scan.at;
      const entry = this.byVersion.get(view.getUint32(at + 4, true));
      if (entry !== undefined) touched.add(entry);
      else if (view.getUint32(at + 12, true) === 0) {
        const key = keyIn(block, at + HEADER_BYTES, view.getUint16(at + 24, true));
        if (key !== null) olderKeys.add(mapKey(block[at + 2] & ~DELETED, key));
      }
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
      const length = encodeChunk(bytes, view, kindByte, version, copy, payload, payloadCrc, offset, dataLength);
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

  private assemble(entry: Entry): Uint8Array | null {
    return assemblePayload(this.flash, entry);
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
