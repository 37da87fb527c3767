// Fake ECMA-419 IO objects and fake chips for the hal/esp32 driver tests.
import type { DigitalIn, DigitalOut, I2cDevice, PwmOut, SerialIo, SpiBus } from '../../hal/esp32/io';
import type { Clock } from '../../hal/clock';
import type { FlashStorageIo } from '../../hal/esp32/flash';
import { answerAds1220Frame } from '../../bench/bench-board/ads1220-chip';

export class FakeClock implements Clock {
  ms = 0;
  nowMs(): number {
    return this.ms;
  }
}

/** A pin: what was written, and a level to read. */
export class FakePin implements DigitalIn, DigitalOut {
  level = 0;
  writes: number[] = [];
  reads = 0;
  read(): number {
    this.reads++;
    return this.level;
  }
  write(value: number): void {
    this.level = value;
    this.writes.push(value);
  }
}

export class FakePwm implements PwmOut {
  duty = 0;
  writes: number[] = [];
  constructor(readonly resolution = 10) {}
  write(value: number): void {
    if (!Number.isInteger(value) || value < 0 || value > 2 ** this.resolution - 1) throw new RangeError(`duty ${value}`);
    this.duty = value;
    this.writes.push(value);
  }
}

export class FakeI2c implements I2cDevice {
  writes: number[][] = [];
  failing = false;
  write(buffer: Uint8Array): void {
    if (this.failing) throw new Error('I2C: no acknowledge');
    this.writes.push([...buffer]);
  }
}

/**
 * An ADS1220 on SPI mode 1 with its DRDY pin, as SBAS501 describes it: commands decoded from
 * the first byte of each chip-select frame (the driver deselects after every frame).
 */
export class FakeAds1220 implements SpiBus {
  readonly drdy = new FakePin();
  registers = new Uint8Array(4);
  converting = false;
  /** Conversion result register (24-bit two's complement). */
  output = 0;
  frames: number[][] = [];
  deselects = 0;
  /** No device on the bus: MISO floats high. */
  absent = false;

  constructor() {
    this.drdy.level = 1;
  }

  transfer(buffer: Uint8Array): void {
    this.frames.push([...buffer]);
    if (this.absent) {
      buffer.fill(0xff);
      return;
    }
    if (answerAds1220Frame(this, buffer)) this.drdy.level = 1; // reading the data releases DRDY
  }

  flush(deselect?: boolean): void {
    if (deselect === true) this.deselects++;
  }

  /** A conversion completes: DRDY falls. */
  convert(counts: number): void {
    this.output = counts;
    this.drdy.level = 0;
  }
}

export class FakeSerialIo implements SerialIo {
  inbound: number[] = [];
  written: number[] = [];
  writeCalls: Uint8Array[] = [];
  refuseWrites = false;
  read(buffer: Uint8Array): number | undefined {
    if (this.inbound.length === 0) return undefined;
    const n = Math.min(buffer.length, this.inbound.length);
    for (let i = 0; i < n; i++) buffer[i] = this.inbound.shift() as number;
    return n;
  }
  write(buffer: Uint8Array): void {
    if (this.refuseWrites) throw new Error('output full');
    this.writeCalls.push(buffer);
    this.written.push(...buffer);
  }
}

/** NOR flash as embedded:storage/flash presents a partition. */
export class FakeFlash implements FlashStorageIo {
  readonly bytes: Uint8Array;
  erased: number[] = [];
  constructor(
    readonly size: number,
    readonly blockLength = 4096,
  ) {
    this.bytes = new Uint8Array(size).fill(0xff);
  }
  read(byteLength: number, byteOffset: number): ArrayBuffer {
    return this.bytes.slice(byteOffset, byteOffset + byteLength).buffer;
  }
  write(buffer: Uint8Array, byteOffset: number): void {
    for (let i = 0; i < buffer.length; i++) this.bytes[byteOffset + i] &= buffer[i];
  }
  eraseBlock(start: number): void {
    this.erased.push(start);
    this.bytes.fill(0xff, start * this.blockLength, (start + 1) * this.blockLength);
  }
  status() {
    return { size: this.size, blockLength: this.blockLength };
  }
}

