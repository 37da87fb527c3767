import type { LoadCellAdc } from '../../hal/loadcell-adc';
import type { LoadCellCalibration } from './calibration';
import { countsToKN } from './calibration';
import type { LoadCellPlausibilityConfig } from './plausibility';
import { LoadCellPlausibility } from './plausibility';
import { SensorFault } from './sensor-fault';
import { forceKNToPressureMPa } from '../units';

export { SensorFault } from './sensor-fault';

export interface LoadCellPipelineOptions extends Partial<LoadCellPlausibilityConfig> {
  /**
   * Delay of the converter's digital filter beyond a one-period average, plus readout, ms
   * (HX711: 1.5 periods; ADS1220 single-cycle settling: ≈ 0). Default 0.
   */
  converterDelayMs?: number;
}

/**
 * Die area before any program is selected, mm²: a placeholder that keeps the pressure finite
 * (MPa = 1000 × kN). Selecting a program sets its own die area.
 */
export const PLACEHOLDER_DIE_AREA_MM2 = 1;

/**
 * Raw counts → kN → MPa at the die. Every conversion the ADC finished since the last tick
 * is used (sample rate and loop rate are independent): they are averaged, which for a
 * sinc-filtered ADC sampled faster than the loop is the matched low-pass at the loop rate.
 * Each conversion also goes through the stuck and slope checks, the averaged force through
 * the range check (docs/load-cell.md).
 */
export class LoadCellPipeline {
  forceKN = 0;
  pressureMPa = 0;
  /**
   * Raw converter counts behind forceKN: the mean of the conversions folded in at the last
   * update that had any (NaN before the first). The safety supervisor judges these against
   * the commissioned calibration, whatever calibration is in force.
   */
  rawCounts = NaN;
  /** Time of the newest sample used (ms). */
  lastSampleMs = -Infinity;
  /** Samples folded into the last update (0 when none arrived this tick). */
  samplesThisTick = 0;
  fault: number = SensorFault.none;
  /** Conversion period of the converter, ms. */
  readonly samplePeriodMs: number;
  /**
   * Group delay of one conversion, ms: a one-period average is centred half a period before
   * its end, plus the converter's extra filter delay.
   */
  readonly latencyMs: number;
  /**
   * Age of this tick's reading, ms: from the mean time of the conversions averaged (or the
   * last ones, when none arrived) to the tick, plus latencyMs. Infinity before the first.
   */
  readingDelayMs = Infinity;
  readonly plausibility: LoadCellPlausibility;
  private readonly saturationCounts: number;
  /** A slow converter (HX711 at 10 SPS) gets three of its periods before a reading is stale. */
  private readonly staleLimitMs: number;
  /** Time of the first update: until the first sample arrives, staleness counts from here. */
  private firstUpdateMs = NaN;
  private meanSampleTimeMs = -Infinity;

  constructor(
    private readonly adc: LoadCellAdc,
    public calibration: LoadCellCalibration,
    public dieAreaMm2: number,
    /** A reading older than this is stale. */
    staleAfterMs: number,
    options: LoadCellPipelineOptions = {},
  ) {
    this.saturationCounts = adc.fullScaleCounts;
    this.samplePeriodMs = 1000 / adc.sampleRateSps;
    const converterDelayMs = options.converterDelayMs ?? 0;
    if (!(converterDelayMs >= 0) || converterDelayMs === Infinity) throw new RangeError(`load-cell pipeline: converterDelayMs must be finite and ≥ 0, got ${converterDelayMs}`);
    this.latencyMs = this.samplePeriodMs / 2 + converterDelayMs;
    const threePeriodsMs = 3000 / adc.sampleRateSps;
    this.staleLimitMs = staleAfterMs > threePeriodsMs ? staleAfterMs : threePeriodsMs;
    this.plausibility = new LoadCellPlausibility(adc.sampleRateSps, options);
  }

  update(nowMs: number): void {
    if (this.firstUpdateMs !== this.firstUpdateMs) this.firstUpdateMs = nowMs;
    const adc = this.adc;
    const cal = this.calibration;
    const plausibility = this.plausibility;
    let sum = 0;
    let sumTimeMs = 0;
    let n = 0;
    let saturated = false;
    let jumped = false;
    while (adc.poll()) {
      const counts = adc.counts;
      const timeMs = adc.sampleTimeMs;
      if (counts >= this.saturationCounts || counts <= -this.saturationCounts) saturated = true;
      if (plausibility.addConversion(counts, timeMs, cal.kNPerCount)) jumped = true;
      sum += counts;
      sumTimeMs += timeMs;
      n++;
      this.lastSampleMs = timeMs;
    }
    this.samplesThisTick = n;
    if (n > 0) {
      this.rawCounts = sum / n;
      this.forceKN = countsToKN(cal, this.rawCounts);
      this.pressureMPa = forceKNToPressureMPa(this.forceKN, this.dieAreaMm2);
      this.meanSampleTimeMs = sumTimeMs / n;
    }
    this.readingDelayMs = nowMs - this.meanSampleTimeMs + this.latencyMs;
    if (adc.error !== 0) this.fault = SensorFault.adcError;
    else if (saturated) this.fault = SensorFault.saturated;
    else if (nowMs - (this.lastSampleMs > this.firstUpdateMs ? this.lastSampleMs : this.firstUpdateMs) > this.staleLimitMs) this.fault = SensorFault.stale;
    else if (plausibility.stuck) this.fault = SensorFault.stuck;
    else if (jumped) this.fault = SensorFault.implausibleSlope;
    else if (!plausibility.inRange(this.forceKN)) this.fault = SensorFault.outOfRange;
    else if (plausibility.noisy) this.fault = SensorFault.noisy;
    else this.fault = SensorFault.none;
  }
}
