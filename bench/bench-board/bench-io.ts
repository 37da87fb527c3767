// Fake ECMA-419 IO objects for the bench board (bench/bench-board/bench-board.ts): the pins,
// PWM channels, SPI converter, I2C display, flash, UART, clock and timers the hal/esp32
// drivers take, behind which the simulated press is the world. On the board these are native
// (Moddable's C), which XS's meter does not count beyond the call. Here they are JavaScript:
// the calls the control tick makes (pins, PWM, the clock, the watchdog) have bodies of a
// property read or write, a few meter units more than a native call (the XS bench calibrates
// how many); the others (SPI, I2C, flash, UART) run their bodies between gate.pause() and
// gate.resume(), so that an XS meter leaves them out. Unlike tests/support/esp32-fakes.ts nothing is
// logged and nothing allocates per call, so a run of 70 000 ticks stays steady.
import type { DigitalIn, DigitalOut, I2cDevice, PwmOut, SerialIo, SpiBus } from '../../hal/esp32/io';
import type { FlashStorageIo } from '../../hal/esp32/flash';
import type { TimeSource, TimerApi } from '../../hal/esp32/clock';
import type { WatchdogIo } from '../../hal/esp32/system';
import type { TickerHandle } from '../../hal/clock';
import type { SerialPort } from '../../hal/serial';
import type { FlashPartition } from '../../hal/flash';
import type { VirtualClock, VirtualTicker } from '../../host-sim/hal/virtual-time';
import { answerAds1220Frame } from './ads1220-chip';

/** Brackets the body of a fake native call, so that a meter can leave it out. */
export interface MeterGate {
  pause(): void;
  resume(): void;
}

export const NO_GATE: MeterGate = Object.freeze({ pause() {}, resume() {} });

/** A GPIO: the level the world sets (an input) or the driver wrote (an output). */
export class BenchPin implements DigitalIn, DigitalOut {
  level = 0;

  read(): number {
    return this.level;
  }

  write(value: number): void {
    this.level = value;
  }
}

/** An LEDC channel: the duty the driver wrote, of 2^resolution − 1 (checked when the world reads it). */
export class BenchPwm implements PwmOut {
  duty = 0;
  readonly maxDuty: number;
  constructor(readonly resolution = 10) {
    this.maxDuty = 2 ** resolution - 1;
  }

  /** Duty as a fraction of full. */
  get fraction(): number {
    const duty = this.duty;
    if (!(duty >= 0 && duty <= this.maxDuty) || duty !== Math.floor(duty)) throw new RangeError(`pwm: duty ${duty} is not a whole number in 0..${this.maxDuty}`);
    return duty / this.maxDuty;
  }

  write(value: number): void {
    this.duty = value;
  }
}

/**
 * An ADS1220 on SPI mode 1 with its DRDY pin (TI SBAS501): RESET, START/SYNC, WREG, RREG and
 * RDATA, decoded from the first byte of each chip-select frame. convert() is a conversion
 * completing: the output register takes the code and DRDY falls; reading the data raises it.
 */
export class BenchAds1220 implements SpiBus {
  readonly drdy: BenchPin;
  readonly registers = new Uint8Array(4);
  converting = false;
  /** Conversion result register, 24-bit two's complement. */
  output = 0;
  /** Conversions completed, and conversions read out. */
  conversions = 0;
  reads = 0;

  constructor(private readonly gate: MeterGate) {
    this.drdy = new BenchPin();
    this.drdy.level = 1;
  }

  transfer(buffer: Uint8Array): void {
    this.gate.pause();
    if (answerAds1220Frame(this, buffer)) {
      this.drdy.level = 1;
      this.reads++;
    }
    this.gate.resume();
  }

  flush(): void {}

  /** A conversion completes (only while converting): the code goes to the output register and DRDY falls. */
  convert(counts: number): boolean {
    if (!this.converting) return false;
    this.output = counts;
    this.drdy.level = 0;
    this.conversions++;
    return true;
  }
}

/**
 * The LCD's I2C device: counts writes and bytes, and tells `onWrite` of each (the tests use it
 * to catch a write from inside the control tick). The bytes themselves are not kept.
 */
export class BenchI2c implements I2cDevice {
  writes = 0;
  bytes = 0;
  /** Largest single write, bytes. */
  largestWriteBytes = 0;
  onWrite: ((bytes: number) => void) | null = null;
  constructor(private readonly gate: MeterGate) {}

  write(buffer: Uint8Array): void {
    this.gate.pause();
    this.writes++;
    this.bytes += buffer.length;
    if (buffer.length > this.largestWriteBytes) this.largestWriteBytes = buffer.length;
    if (this.onWrite !== null) this.onWrite(buffer.length);
    this.gate.resume();
  }
}

/** embedded:storage/flash over the simulator's partition (its power-cut model included). */
export class BenchFlash implements FlashStorageIo {
  constructor(
    private readonly partition: FlashPartition,
    private readonly gate: MeterGate,
  ) {}

  read(byteLength: number, byteOffset: number): ArrayBuffer {
    this.gate.pause();
    const bytes = this.partition.read(byteOffset, byteLength);
    this.gate.resume();
    return bytes.buffer as ArrayBuffer;
  }

  write(buffer: Uint8Array, byteOffset: number): void {
    this.gate.pause();
    this.partition.write(byteOffset, buffer);
    this.gate.resume();
  }

  eraseBlock(block: number): void {
    this.gate.pause();
    this.partition.eraseBlock(block);
    this.gate.resume();
  }

  status(): { size: number; blockLength: number } {
    return { size: this.partition.byteLength, blockLength: this.partition.blockLength };
  }
}

/** embedded:io/serial in buffer format over the simulator's host link. */
export class BenchSerialIo implements SerialIo {
  constructor(
    private readonly link: SerialPort,
    private readonly gate: MeterGate,
  ) {}

  read(buffer: Uint8Array): number | undefined {
    this.gate.pause();
    const count = this.link.read(buffer);
    this.gate.resume();
    return count === 0 ? undefined : count;
  }

  write(buffer: Uint8Array): void {
    this.gate.pause();
    this.link.write(buffer);
    this.gate.resume();
  }
}

/** Moddable's Time on virtual time: microseconds (esp_timer) and the millisecond ticks. */
export class BenchTime implements TimeSource {
  constructor(private readonly clock: VirtualClock) {}

  get microseconds(): number {
    return this.clock.nowUs;
  }

  get ticks(): number {
    return Math.floor(this.clock.nowUs / 1000);
  }
}

/**
 * Moddable's Timer on the simulator's ticker. Every callback is bracketed by the world's
 * hooks: before it, what happened in the press since (conversions, inputs) reaches the fake
 * IO; after it, what the drivers wrote reaches the press.
 */
export class BenchTimer implements TimerApi<TickerHandle> {
  constructor(
    private readonly ticker: VirtualTicker,
    private readonly before: () => void,
    private readonly after: () => void,
  ) {}

  repeat(callback: (timer: TickerHandle) => void, intervalMs: number): TickerHandle {
    const before = this.before;
    const after = this.after;
    const handle: TickerHandle = this.ticker.repeat(intervalMs, () => {
      before();
      callback(handle);
      after();
    });
    return handle;
  }

  clear(timer: TickerHandle): void {
    timer.cancel();
  }
}

/** The task watchdog user: counts feeds; the bench board passes them on to the simulator's watchdog, so a starved one resets the simulated chip. */
export class BenchWatchdog implements WatchdogIo {
  feeds = 0;

  subscribe(): boolean {
    return true;
  }

  feed(): void {
    this.feeds++;
  }
}
