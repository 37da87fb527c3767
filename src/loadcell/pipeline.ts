import type { LoadCellAdc } from '../../hal/loadcell-adc';
import type { LoadCellCalibration } from './calibration';
import { forceKNToPressureMPa } from '../units';

/** Sensor fault codes reported to the safety layer (0 = healthy). */
export const SensorFault = {
  none: 0,
  adcError: 1,
  stale: 2,
  saturated: 3,
} as const;

/**
 * Raw counts → kN → MPa at the die. Every conversion the ADC finished since the last tick
 * is used (sample rate and loop rate are independent): they are averaged, which for a
 * sinc-filtered ADC sampled faster than the loop is the matched low-pass at the loop rate.
 */
export class LoadCellPipeline {
  forceKN = 0;
  pressureMPa = 0;
  /** Time of the newest sample used (ms). */
  lastSampleMs = -Infinity;
  /** Samples folded into the last update (0 when none arrived this tick). */
  samplesThisTick = 0;
  fault: number = SensorFault.none;
  private readonly saturationCounts: number;
  /** A slow converter (HX711 at 10 SPS) gets three of its periods before a reading is stale. */
  private readonly staleLimitMs: number;
  /** Time of the first update: until the first sample arrives, staleness counts from here. */
  private firstUpdateMs = NaN;

  constructor(
    private readonly adc: LoadCellAdc,
    public calibration: LoadCellCalibration,
    public dieAreaMm2: number,
    /** A reading older than this is stale. */
    staleAfterMs: number,
  ) {
    this.saturationCounts = adc.fullScaleCounts;
    const threePeriodsMs = 3000 / adc.sampleRateSps;
    this.staleLimitMs = staleAfterMs > threePeriodsMs ? staleAfterMs : threePeriodsMs;
  }

  update(nowMs: number): void {
    if (this.firstUpdateMs !== this.firstUpdateMs) this.firstUpdateMs = nowMs;
    const adc = this.adc;
    let sum = 0;
    let n = 0;
    let saturated = false;
    while (adc.poll()) {
      const counts = adc.counts;
      if (counts >= this.saturationCounts || counts <= -this.saturationCounts) saturated = true;
      sum += counts;
      n++;
      this.lastSampleMs = adc.sampleTimeMs;
    }
    this.samplesThisTick = n;
    if (n > 0) {
      const cal = this.calibration;
      this.forceKN = (sum / n - cal.tareCounts) * cal.kNPerCount;
      this.pressureMPa = forceKNToPressureMPa(this.forceKN, this.dieAreaMm2);
    }
    if (adc.error !== 0) this.fault = SensorFault.adcError;
    else if (saturated) this.fault = SensorFault.saturated;
    else if (nowMs - (this.lastSampleMs > this.firstUpdateMs ? this.lastSampleMs : this.firstUpdateMs) > this.staleLimitMs) this.fault = SensorFault.stale;
    else this.fault = SensorFault.none;
  }
}
