import type { FlashPartition } from '../../hal/flash';

/** RAM-backed partition with NOR semantics: erase → 0xFF, a write can only clear bits. */
export class SimFlash implements FlashPartition {
  readonly bytes: Uint8Array;

  constructor(readonly byteLength: number, readonly blockLength = 4096) {
    if (byteLength % blockLength !== 0) throw new RangeError(`flash: ${byteLength} B is not a whole number of ${blockLength} B blocks`);
    this.bytes = new Uint8Array(byteLength).fill(0xff);
  }

  read(byteOffset: number, length: number): Uint8Array {
    this.checkRange(byteOffset, length);
    return this.bytes.slice(byteOffset, byteOffset + length);
  }

  write(byteOffset: number, data: Uint8Array): void {
    this.checkRange(byteOffset, data.length);
    for (let i = 0; i < data.length; i++) this.bytes[byteOffset + i] &= data[i];
  }

  eraseBlock(block: number): void {
    if (!(block >= 0 && block < this.byteLength / this.blockLength) || block !== Math.floor(block)) {
      throw new RangeError(`flash: block ${block} is outside 0..${this.byteLength / this.blockLength - 1}`);
    }
    this.bytes.fill(0xff, block * this.blockLength, (block + 1) * this.blockLength);
  }

  private checkRange(byteOffset: number, length: number): void {
    if (!(byteOffset >= 0 && length >= 0 && byteOffset + length <= this.byteLength)) {
      throw new RangeError(`flash: ${length} B at offset ${byteOffset} is outside the ${this.byteLength} B partition`);
    }
  }
}
