import type { Clock } from '../clock';
import type { LoadCellAdc } from '../loadcell-adc';
import { AdcError } from '../loadcell-adc';
import type { DelayMs, DigitalIn, SpiBus } from './io';

/** ADS1220 commands (TI SBAS501, 8.5.3). */
export const Ads1220Command = Object.freeze({
  reset: 0x06,
  startSync: 0x08,
  powerDown: 0x02,
  readData: 0x10,
  /** RREG | rr << 2 | (bytes − 1) */
  readRegisters: 0x20,
  /** WREG | rr << 2 | (bytes − 1) */
  writeRegisters: 0x40,
} as const);

/** Data rates: DR[2:0] 0..6 in normal mode (256 kHz modulator), and in turbo mode (512 kHz, twice as fast). */
const NORMAL_RATES_SPS = Object.freeze([20, 45, 90, 175, 330, 600, 1000]);
const TURBO_RATES_SPS = Object.freeze([40, 90, 180, 350, 660, 1200, 2000]);
const GAINS = Object.freeze([1, 2, 4, 8, 16, 32, 64, 128]);

/** SPI mode 1 (CPOL 0, CPHA 1): the ADS1220 latches DIN and shifts DOUT on SCLK's falling edge. */
export const ADS1220_SPI_MODE = 1;
export const ADS1220_FULL_SCALE_COUNTS = 0x7fffff;
/** Conversions missed before the converter counts as gone (AdcError.timeout). */
export const ADS1220_TIMEOUT_CONVERSIONS = 3;
/** Slack on top of the timeout for the message queue and the loop's own jitter, ms. */
const TIMEOUT_SLACK_MS = 20;
/** Byte clocked out on DIN while data is read: no command starts with 1111. */
const DUMMY = 0xff;

export interface Ads1220Settings {
  dataRateSps: number;
  gain: number;
  /** MUX[3:0] (3 = AINP AIN1, AINN AIN2). */
  inputMux: number;
  /** VREF[1:0] (1 = external REFP0/REFN0: the bridge excitation, ratiometric). */
  reference: number;
}

/**
 * The four configuration register values (SBAS501 8.6): continuous conversion, PGA on, the
 * rate in normal mode where it exists there (lower noise), else turbo; simultaneous 50/60 Hz
 * rejection at 20 SPS (the only rate where the FIR filter applies); DRDY on its own pin.
 */
export function ads1220Registers(settings: Ads1220Settings): Uint8Array {
  const gainCode = GAINS.indexOf(settings.gain);
  if (gainCode < 0) throw new RangeError(`ads1220: gain ${settings.gain} is not one of ${GAINS.join(', ')}`);
  if (!(settings.inputMux >= 0 && settings.inputMux <= 15 && Number.isInteger(settings.inputMux))) throw new RangeError(`ads1220: inputMux ${settings.inputMux} is outside 0..15`);
  if (!(settings.reference >= 0 && settings.reference <= 3 && Number.isInteger(settings.reference))) throw new RangeError(`ads1220: reference ${settings.reference} is outside 0..3`);
  let rateCode = NORMAL_RATES_SPS.indexOf(settings.dataRateSps);
  let turbo = false;
  if (rateCode < 0) {
    rateCode = TURBO_RATES_SPS.indexOf(settings.dataRateSps);
    turbo = true;
  }
  if (rateCode < 0) throw new RangeError(`ads1220: ${settings.dataRateSps} SPS is not an ADS1220 data rate`);
  const fir = settings.dataRateSps === 20 && !turbo ? 0b01 : 0b00;
  const registers = new Uint8Array(4);
  registers[0] = (settings.inputMux << 4) | (gainCode << 1); // PGA_BYPASS 0
  registers[1] = (rateCode << 5) | ((turbo ? 0b10 : 0b00) << 3) | (1 << 2); // CM = continuous
  registers[2] = (settings.reference << 6) | (fir << 4); // PSW open, IDACs off
  registers[3] = 0x00; // IDACs unrouted, DRDYM 0: only the DRDY pin signals data ready
  return registers;
}

/** Signed value of a 24-bit two's-complement code. */
export function signExtend24(code: number): number {
  return code & 0x800000 ? code - 0x1000000 : code;
}

const FIFO_SIZE = 64;
const FIFO_MASK = FIFO_SIZE - 1;

/**
 * TI ADS1220 over SPI with its DRDY pin, in continuous conversion. Each conversion is read by
 * onDataReady(), which the board calls from DRDY's falling edge (an ECMA-419 Digital input
 * with onReadable), into a 64-entry FIFO with its time; poll() drains one entry per call, as
 * the simulated converter does. When the edge was missed (a long tick delays the callback),
 * poll() reads the latest conversion itself while DRDY is low. Nothing here waits for a
 * conversion, and nothing after start() allocates.
 */
export class Ads1220 implements LoadCellAdc {
  readonly sampleRateSps: number;
  readonly fullScaleCounts = ADS1220_FULL_SCALE_COUNTS;
  counts = 0;
  sampleTimeMs = 0;
  error: number = AdcError.notReady;
  readonly registers: Uint8Array;
  /** Conversions read from the converter since start(). */
  conversionsRead = 0;
  /** Conversions lost because the FIFO was full. */
  overflows = 0;

  /** One buffer per frame length, so no read slices a buffer. */
  private readonly command = new Uint8Array(1);
  private readonly dataFrame = new Uint8Array(4);
  private readonly registerFrame = new Uint8Array(5);
  private readonly fifoCounts = new Int32Array(FIFO_SIZE);
  private readonly fifoTimeMs = new Float64Array(FIFO_SIZE);
  private fifoHead = 0;
  private fifoLength = 0;
  private started = false;
  private lastConversionMs = 0;
  private readonly timeoutMs: number;

  constructor(
    private readonly spi: SpiBus,
    private readonly drdy: DigitalIn,
    private readonly clock: Clock,
    settings: Ads1220Settings,
  ) {
    this.registers = ads1220Registers(settings);
    this.sampleRateSps = settings.dataRateSps;
    this.timeoutMs = (ADS1220_TIMEOUT_CONVERSIONS * 1000) / settings.dataRateSps + TIMEOUT_SLACK_MS;
  }

  /**
   * Resets the converter, writes and reads back the configuration, and starts continuous
   * conversion. A read-back that differs (no device, a broken wire, wrong SPI mode) leaves
   * the sticky AdcError.bus. Boot-time only: it waits with `delayMs`.
   */
  start(delayMs: DelayMs): boolean {
    this.sendCommand(Ads1220Command.reset);
    delayMs(1); // ≥ 50 µs + 32 t(CLK) after RESET
    const frame = this.registerFrame;
    frame[0] = Ads1220Command.writeRegisters | 3; // registers 0..3
    frame.set(this.registers, 1);
    this.send(frame);
    frame[0] = Ads1220Command.readRegisters | 3;
    frame.fill(DUMMY, 1);
    this.send(frame);
    for (let i = 0; i < 4; i++) {
      if (frame[i + 1] !== this.registers[i]) {
        this.error = AdcError.bus;
        return false;
      }
    }
    this.sendCommand(Ads1220Command.startSync);
    this.started = true;
    this.error = AdcError.none;
    this.lastConversionMs = this.clock.nowMs();
    return true;
  }

  /** DRDY fell: read the conversion now, unless poll() already took it (DRDY is high again). */
  onDataReady(): void {
    if (!this.started || this.drdy.read() !== 0) return;
    const counts = this.readConversion();
    const tail = (this.fifoHead + this.fifoLength) & FIFO_MASK;
    if (this.fifoLength === FIFO_SIZE) {
      this.fifoHead = (this.fifoHead + 1) & FIFO_MASK;
      this.overflows++;
    } else {
      this.fifoLength++;
    }
    this.fifoCounts[tail] = counts;
    this.fifoTimeMs[tail] = this.lastConversionMs;
  }

  poll(): boolean {
    if (!this.started) return false;
    if (this.fifoLength > 0) {
      this.counts = this.fifoCounts[this.fifoHead];
      this.sampleTimeMs = this.fifoTimeMs[this.fifoHead];
      this.fifoHead = (this.fifoHead + 1) & FIFO_MASK;
      this.fifoLength--;
      return true;
    }
    if (this.drdy.read() === 0) {
      this.counts = this.readConversion();
      this.sampleTimeMs = this.lastConversionMs;
      return true;
    }
    if (this.clock.nowMs() - this.lastConversionMs > this.timeoutMs) this.latch(AdcError.timeout);
    return false;
  }

  clearError(): void {
    this.error = AdcError.none;
  }

  private readConversion(): number {
    const frame = this.dataFrame;
    frame[0] = Ads1220Command.readData;
    frame[1] = DUMMY;
    frame[2] = DUMMY;
    frame[3] = DUMMY;
    this.send(frame);
    const counts = signExtend24((frame[1] << 16) | (frame[2] << 8) | frame[3]);
    this.lastConversionMs = this.clock.nowMs();
    this.conversionsRead++;
    if (counts >= ADS1220_FULL_SCALE_COUNTS || counts <= -ADS1220_FULL_SCALE_COUNTS) this.latch(AdcError.saturated);
    return counts;
  }

  private sendCommand(command: number): void {
    this.command[0] = command;
    this.send(this.command);
  }

  /** One frame with chip select held across it, then released: each command starts on a fresh select. */
  private send(frame: Uint8Array): void {
    this.spi.transfer(frame);
    this.spi.flush(true);
  }

  private latch(code: number): void {
    if (this.error === AdcError.none) this.error = code;
  }
}
