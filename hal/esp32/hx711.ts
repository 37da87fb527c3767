import type { Clock } from '../clock';
import type { LoadCellAdc } from '../loadcell-adc';
import { AdcError } from '../loadcell-adc';
import { signExtend24 } from './ads1220';

/**
 * HX711 timing (Avia Semiconductor HX711 datasheet, Fig. 2 and "Reset and Power-Down"):
 * PD_SCK high 0.2–50 µs per pulse (typ. 1), low ≥ 0.2 µs; high for more than 60 µs powers
 * the chip down, and it comes back reset (channel A, gain 128) with its conversion lost.
 */
export const HX711_HIGH_MIN_US = 0.2;
export const HX711_HIGH_MAX_US = 50;
export const HX711_POWER_DOWN_US = 60;
/** What the native shifter (hal/esp32/native/hx711.c) holds the clock high and low for, µs. */
export const HX711_CLOCK_HIGH_US = 1;
export const HX711_CLOCK_LOW_US = 1;
/**
 * Worst-case extra high time from the two GPIO register writes around the delay, µs. The
 * native shifter runs with this core's interrupts masked, so nothing else can stretch it.
 */
export const HX711_GPIO_OVERHEAD_US = 1;
export const HX711_FULL_SCALE_COUNTS = 0x7fffff;
export const HX711_TIMEOUT_CONVERSIONS = 3;
const TIMEOUT_SLACK_MS = 20;

/** Clock pulses per read: 24 data bits plus 1–3 that select the next conversion's input and gain. */
export function hx711Pulses(channel: string): number {
  if (channel === 'A128') return 25;
  if (channel === 'B32') return 26;
  if (channel === 'A64') return 27;
  throw new RangeError(`hx711: channel ${channel} is not A128, B32 or A64`);
}

export interface Hx711Timing {
  /** Longest time PD_SCK stays high in one pulse, µs. */
  highMaxUs: number;
  /** The whole frame with interrupts masked, µs. */
  frameUs: number;
}

/** Worst-case timing of one read by the native shifter. */
export function hx711FrameTiming(pulses: number): Hx711Timing {
  const highMaxUs = HX711_CLOCK_HIGH_US + HX711_GPIO_OVERHEAD_US;
  return { highMaxUs, frameUs: pulses * (highMaxUs + HX711_CLOCK_LOW_US + HX711_GPIO_OVERHEAD_US) };
}

/**
 * The two wires. `dataReady` reads DOUT (low = a conversion waits); `shiftIn` clocks the
 * given number of pulses and returns the 24 data bits, MSB first. On the board both are the
 * native part: JavaScript cannot guarantee the 60 µs limit (a garbage collection, an
 * interrupt or the other core's flash access can stop it mid-pulse), so the pulses are timed
 * in C with interrupts masked for the ~80 µs of a frame.
 */
export interface Hx711Port {
  dataReady(): boolean;
  shiftIn(pulses: number): number;
}

/**
 * Avia HX711 24-bit bridge converter, 10 or 80 SPS (RATE pin). poll() never waits: when DOUT
 * is high there is nothing to read; when it is low one read takes the conversion (the HX711
 * holds only the latest one). After a start-up or a power-down the chip converts on channel A
 * at gain 128 whatever was selected, so with another channel the first conversion is dropped.
 */
export class Hx711 implements LoadCellAdc {
  readonly sampleRateSps: number;
  readonly fullScaleCounts = HX711_FULL_SCALE_COUNTS;
  readonly pulses: number;
  counts = 0;
  sampleTimeMs = 0;
  error: number = AdcError.none;
  conversionsRead = 0;
  private dropNext: boolean;
  private lastConversionMs: number;
  private readonly timeoutMs: number;

  constructor(
    private readonly port: Hx711Port,
    private readonly clock: Clock,
    rateSps: number,
    channel: string,
  ) {
    if (rateSps !== 10 && rateSps !== 80) throw new RangeError(`hx711: rate ${rateSps} SPS is not 10 or 80`);
    this.sampleRateSps = rateSps;
    this.pulses = hx711Pulses(channel);
    this.dropNext = this.pulses !== 25;
    this.timeoutMs = (HX711_TIMEOUT_CONVERSIONS * 1000) / rateSps + TIMEOUT_SLACK_MS;
    this.lastConversionMs = clock.nowMs();
  }

  poll(): boolean {
    const nowMs = this.clock.nowMs();
    if (!this.port.dataReady()) {
      if (nowMs - this.lastConversionMs > this.timeoutMs) this.latch(AdcError.timeout);
      return false;
    }
    const counts = signExtend24(this.port.shiftIn(this.pulses) & 0xffffff);
    this.lastConversionMs = nowMs;
    this.conversionsRead++;
    if (this.dropNext) {
      this.dropNext = false;
      return false;
    }
    // Out of range the HX711 holds 7FFFFFh or 800000h.
    if (counts >= HX711_FULL_SCALE_COUNTS || counts <= -HX711_FULL_SCALE_COUNTS) this.latch(AdcError.saturated);
    this.counts = counts;
    this.sampleTimeMs = nowMs;
    return true;
  }

  clearError(): void {
    this.error = AdcError.none;
  }

  private latch(code: number): void {
    if (this.error === AdcError.none) this.error = code;
  }
}
