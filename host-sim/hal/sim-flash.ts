import type { FlashPartition } from '../../hal/flash';
import { SeededRandom } from '../physics/rng';

/** Thrown by the write or erase that a power cut interrupts, and by every write or erase after it until restorePower(). */
export class PowerCut extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'PowerCut';
  }
}

/** Where a simulated partition's changes also go (a file: a virtual instrument that keeps its programs). */
export interface FlashBacking {
  /** bytes[offset, offset + length) changed. */
  changed(bytes: Uint8Array, offset: number, length: number): void;
}

/** RAM-backed partition with NOR semantics: erase → 0xFF, a write can only clear bits. */
export class SimFlash implements FlashPartition {
  readonly bytes: Uint8Array;
  /** Told of every write and erase, torn ones included. */
  backing: FlashBacking | null = null;
  /** Bytes fully programmed so far (a torn byte is not counted). */
  bytesWritten = 0;
  /** Block erases started so far (an interrupted one included). */
  erases = 0;
  private budget = Infinity;
  private powerOff = false;
  private random = new SeededRandom(1);

  /**
   * `storage`, when given, holds the partition's bytes instead of a new erased array: on
   * Moddable's desktop runtime it is host memory outside the JavaScript heap, as the real
   * partition is flash outside the chip's RAM.
   */
  constructor(readonly byteLength: number, readonly blockLength = 4096, storage?: Uint8Array) {
    if (byteLength % blockLength !== 0) throw new RangeError(`flash: ${byteLength} B is not a whole number of ${blockLength} B blocks`);
    if (storage !== undefined && storage.length !== byteLength) throw new RangeError(`flash: the storage holds ${storage.length} B, not ${byteLength} B`);
    this.bytes = storage ?? new Uint8Array(byteLength).fill(0xff);
  }

  read(byteOffset: number, length: number): Uint8Array {
    this.checkRange(byteOffset, length);
    return this.bytes.slice(byteOffset, byteOffset + length);
  }

  write(byteOffset: number, data: Uint8Array): void {
    this.checkRange(byteOffset, data.length);
    this.checkPower();
    for (let i = 0; i < data.length; i++) {
      const at = byteOffset + i;
      if (this.budget === 0) {
        const clearing = this.bytes[at] & ~data[i] & 0xff;
        this.bytes[at] &= ~(clearing & this.random.nextUint32());
        this.backing?.changed(this.bytes, byteOffset, i + 1);
        this.cut(`the write of byte ${i} of ${data.length} at offset ${byteOffset}`);
      }
      this.budget--;
      this.bytes[at] &= data[i];
      this.bytesWritten++;
    }
    this.backing?.changed(this.bytes, byteOffset, data.length);
  }

  eraseBlock(block: number): void {
    if (!(block >= 0 && block < this.byteLength / this.blockLength) || block !== Math.floor(block)) {
      throw new RangeError(`flash: block ${block} is outside 0..${this.byteLength / this.blockLength - 1}`);
    }
    this.checkPower();
    this.erases++;
    const start = block * this.blockLength;
    const end = start + this.blockLength;
    if (this.budget === 0) {
      // Each byte keeps its old value, is erased, or has only some of its bits set back to 1.
      const keepShare = this.random.next();
      for (let at = start; at < end; at++) {
        const u = this.random.next();
        if (u < keepShare) continue;
        this.bytes[at] = u < (1 + keepShare) / 2 ? 0xff : this.bytes[at] | (this.random.nextUint32() & 0xff);
      }
      this.backing?.changed(this.bytes, start, this.blockLength);
      this.cut(`the erase of block ${block}`);
    }
    this.budget--;
    this.bytes.fill(0xff, start, end);
    this.backing?.changed(this.bytes, start, this.blockLength);
  }

  /**
   * The power fails after `bytes` more bytes have been programmed (an erase counts as one byte):
   * the byte then being written gets a random subset of the bits it would clear, or the block
   * then being erased keeps a random part of its old contents, and PowerCut is thrown. Writes and
   * erases then throw PowerCut until restorePower(). The same seed gives the same damage.
   */
  cutPowerAfterBytes(bytes: number, seed = bytes): void {
    if (!(Number.isInteger(bytes) && bytes >= 0)) throw new RangeError(`flash: ${bytes} is not a byte count`);
    this.budget = bytes;
    this.random = new SeededRandom(seed);
  }

  /** Power is back: no cut pending, writes and erases work again. */
  restorePower(): void {
    this.budget = Infinity;
    this.powerOff = false;
  }

  /** Inverts one bit (0 = least significant) in place, as a retention error would. */
  flipBit(byteOffset: number, bit: number): void {
    this.checkRange(byteOffset, 1);
    if (!(Number.isInteger(bit) && bit >= 0 && bit <= 7)) throw new RangeError(`flash: bit ${bit} is outside 0..7`);
    this.bytes[byteOffset] ^= 1 << bit;
  }

  private cut(what: string): never {
    this.powerOff = true;
    this.budget = Infinity;
    throw new PowerCut(`flash: power cut during ${what}`);
  }

  private checkPower(): void {
    if (this.powerOff) throw new PowerCut('flash: the power is off');
  }

  private checkRange(byteOffset: number, length: number): void {
    if (!(byteOffset >= 0 && length >= 0 && byteOffset + length <= this.byteLength)) {
      throw new RangeError(`flash: ${length} B at offset ${byteOffset} is outside the ${this.byteLength} B partition`);
    }
  }
}
