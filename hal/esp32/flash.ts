import type { FlashPartition } from '../flash';

/** What the driver uses of an `embedded:storage/flash` instance. */
export interface FlashStorageIo {
  read(byteLength: number, byteOffset: number): ArrayBuffer;
  write(buffer: Uint8Array, byteOffset: number): void;
  eraseBlock(start: number, end?: number): void;
  status(): { size: number; blockLength: number };
}

/**
 * The HAL flash partition on an ESP32 data partition (the `press` partition of
 * hal/esp32/partitions-*.csv), through ECMA-419 `embedded:storage/flash`. Ranges are checked
 * here, before ESP-IDF sees them: esp_partition_* would refuse them too, but with a less
 * useful message.
 */
export class EspFlashPartition implements FlashPartition {
  readonly byteLength: number;
  readonly blockLength: number;

  constructor(
    private readonly flash: FlashStorageIo,
    minBytes: number,
    name: string,
  ) {
    const status = flash.status();
    this.byteLength = status.size;
    this.blockLength = status.blockLength;
    if (!(this.blockLength > 0) || this.byteLength % this.blockLength !== 0) {
      throw new RangeError(`flash: partition ${name}: ${this.byteLength} B is not a whole number of ${this.blockLength} B blocks`);
    }
    if (this.byteLength < minBytes) {
      throw new RangeError(`flash: partition ${name} has ${this.byteLength} B, the press needs at least ${minBytes} B (see hal/esp32/partitions-*.csv)`);
    }
  }

  read(byteOffset: number, length: number): Uint8Array {
    this.checkRange(byteOffset, length);
    if (length === 0) return new Uint8Array(0);
    return new Uint8Array(this.flash.read(length, byteOffset));
  }

  write(byteOffset: number, bytes: Uint8Array): void {
    this.checkRange(byteOffset, bytes.length);
    if (bytes.length > 0) this.flash.write(bytes, byteOffset);
  }

  eraseBlock(block: number): void {
    const blocks = this.byteLength / this.blockLength;
    if (!(block >= 0 && block < blocks) || block !== Math.floor(block)) {
      throw new RangeError(`flash: block ${block} is outside 0..${blocks - 1}`);
    }
    this.flash.eraseBlock(block);
  }

  private checkRange(byteOffset: number, length: number): void {
    if (!(byteOffset >= 0 && length >= 0 && byteOffset + length <= this.byteLength) || byteOffset !== Math.floor(byteOffset)) {
      throw new RangeError(`flash: ${length} B at offset ${byteOffset} is outside the ${this.byteLength} B partition`);
    }
  }
}
