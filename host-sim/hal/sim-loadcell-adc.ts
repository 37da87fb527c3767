import type { LoadCellAdc } from '../../hal/loadcell-adc';
import { AdcError } from '../../hal/loadcell-adc';
import { SeededRandom } from '../physics/rng';

/**
 * A load cell on a 24-bit delta-sigma ADC. Every number carries its unit in its name; the
 * presets in host-sim/physics/sensors.ts give each one's source.
 */
export interface LoadCellSensorParams {
  /** Preset name (the key in SENSOR_PRESETS). */
  name: string;
  /** One line for listings (`press-sim plants`). */
  describe: string;
  /** Rated capacity of the cell, N. */
  capacityN: number;
  /** Force beyond which the cell's output no longer grows (safe overload), N. [est: catalogue-typical 150 % of capacity] */
  safeOverloadN: number;
  /**
   * Non-linearity: the cell's output bows away from its end-point line (through 0 and
   * capacityN) as a parabola whose largest deviation, at mid-scale, is this fraction of
   * capacityN (positive: reads high). [est: catalogue-typical 0.02–0.05 % FS for a
   * strain-gauge cell]
   */
  nonlinearityFS: number;
  /** Conversions per second. [pub: TI SBAS501 / HX711 datasheet rate settings] */
  sampleRateSps: number;
  /**
   * Time from the end of a conversion's averaging window to DRDY (the sample is available to
   * poll()), µs. The reported value is the mean force over the window of one conversion
   * period ending at the window end; this delay stands for the digital filter's extra group
   * delay beyond that window, plus readout. [pub: HX711 datasheet settling time; TI SBAS751
   * conversion times] and [est] (see sensors.ts)
   */
  latencyUs: number;
  /** Counts at zero load (bridge offset). [est] */
  offsetCounts: number;
  /** Counts per newton: cell sensitivity × converter gain over its input range. [pub: TI SBAS501 FSR; HX711 datasheet input range] */
  countsPerN: number;
  /** Input-referred noise of one conversion, N rms. [pub: datasheet noise] × [est] board/module factor */
  noiseRmsN: number;
  /** Largest slope of the slow zero drift (temperature), N per hour. [est: 0.02–0.03 % FS per hour] */
  driftNPerHour: number;
  /** The zero drift never leaves ±driftLimitN, N. [est] */
  driftLimitN: number;
  /** Largest magnitude the converter reports; codes beyond clip here, counts. [pub: 24-bit two's complement, 2^23 − 1] */
  fullScaleCounts: number;
}

/**
 * The zero drift holds one slope for this long, then draws a new one: about the thermal time
 * constant of a steel cell body in a lab whose air temperature wanders [est].
 */
export const DRIFT_SEGMENT_US = 20 * 60 * 1e6;

/** Missed DRDYs after which a disconnected converter reports AdcError.timeout. */
export const MISSED_CONVERSIONS_FOR_TIMEOUT = 3;

const FIFO_SIZE = 64;
const FIFO_MASK = FIFO_SIZE - 1;

/**
 * Load-cell ADC (ADS1220 or HX711 in continuous conversion). Conversion k (k = 1, 2, …)
 * averages the cell force over the window ((k−1)·T, k·T], T = 1/sampleRateSps, adds the
 * zero drift and Gaussian noise, quantises to whole counts, clips at ±fullScaleCounts and
 * becomes available `latencyUs` after its window ends (its DRDY time, which is the
 * `sampleTimeMs` it reports). Available conversions queue in a 64-entry FIFO that poll()
 * drains, as the DRDY interrupt handler does on the board; when the reader falls behind the
 * oldest entry is lost.
 *
 * The cell itself is flat beyond ±safeOverloadN, and bows from its end-point line by
 * 4·nonlinearityFS·F·(1 − F/capacityN) (largest at mid-scale). A clipped code sets the sticky
 * AdcError.saturated when it is read out. Faults: disconnect() (DRDY never falls again;
 * after three missed conversions the sticky AdcError.timeout), stick() (conversions keep
 * coming with the last code), setNoiseFactor(k) (k × the noise, e.g. a loose connector),
 * glitch(deltaCounts) (the next conversion read out is off by deltaCounts, once).
 *
 * Zero drift: a bounded random walk of straight segments. Every DRIFT_SEGMENT_US a new slope
 * is drawn uniformly from ±driftNPerHour; at ±driftLimitN the drift stops and the slope turns
 * back. So |drift(t)| ≤ min(driftNPerHour · t[h], driftLimitN), drift(0) = 0. It draws from
 * its own generator, seeded once from `random` at construction, so its path depends on the
 * seed only (not on the data rate or the noise); the noise draws one Gaussian per conversion
 * from `random`, whatever the faults.
 */
export class SimLoadCellAdc implements LoadCellAdc {
  readonly sampleRateSps: number;
  readonly fullScaleCounts: number;
  counts = 0;
  sampleTimeMs = 0;
  error = 0;

  /** Conversion period, µs. */
  readonly periodUs: number;
  /** Zero drift at the end of the latest conversion's window, N. */
  driftN = 0;
  private noiseFactorValue = 1;
  private disconnectedFlag = false;
  private stuckFlag = false;
  private stuckCounts = 0;
  /** Counts of the latest conversion that reached the FIFO (what a stuck converter repeats). */
  private lastDeliveredCounts: number;
  private missedConversions = 0;
  private glitchCounts = 0;

  /** Index of the conversion in progress (its window ends at conversionIndex · T). */
  private conversionIndex = 1;
  private nextConversionEndUs: number;
  private forceIntegralNUs = 0;
  private integratedUs = 0;

  // Conversions that have ended but whose DRDY has not fallen yet.
  private readonly pendingCounts: Int32Array;
  private readonly pendingAvailableUs: Float64Array;
  private pendingHead = 0;
  private pendingLength = 0;

  private readonly fifoCounts = new Int32Array(FIFO_SIZE);
  private readonly fifoTimeMs = new Float64Array(FIFO_SIZE);
  private fifoHead = 0;
  private fifoLength = 0;

  private readonly driftRandom: SeededRandom;
  private driftAtUs = 0;
  private driftSlopeNPerUs = 0;
  private driftSegmentEndUs = DRIFT_SEGMENT_US;
  private readonly driftMaxSlopeNPerUs: number;

  constructor(readonly params: LoadCellSensorParams, private readonly random: SeededRandom) {
    if (!(params.sampleRateSps > 0)) throw new RangeError(`sampleRateSps must be > 0, got ${params.sampleRateSps}`);
    if (!(params.latencyUs >= 0)) throw new RangeError(`latencyUs must be ≥ 0, got ${params.latencyUs}`);
    // Beyond ±10 % FS the parabola would fold back inside the cell's range: no strain-gauge cell.
    if (!(Math.abs(params.nonlinearityFS) <= 0.1)) throw new RangeError(`nonlinearityFS must be within ±0.1 (10 % FS), got ${params.nonlinearityFS}`);
    if (!(params.capacityN > 0)) throw new RangeError(`capacityN must be > 0, got ${params.capacityN}`);
    this.sampleRateSps = params.sampleRateSps;
    this.fullScaleCounts = params.fullScaleCounts;
    this.periodUs = 1e6 / params.sampleRateSps;
    this.nextConversionEndUs = this.conversionEndUs(1);
    // At most ceil(latency / T) + 1 conversions wait for their DRDY at the end of a step.
    const pendingSize = Math.ceil(params.latencyUs / this.periodUs) + 2;
    this.pendingCounts = new Int32Array(pendingSize);
    this.pendingAvailableUs = new Float64Array(pendingSize);
    this.lastDeliveredCounts = Math.round(params.offsetCounts);
    this.driftRandom = new SeededRandom(random.nextUint32());
    this.driftMaxSlopeNPerUs = params.driftNPerHour / 3.6e9;
    this.driftSlopeNPerUs = this.drawDriftSlope();
  }

  /** Noise multiplier set by setNoiseFactor (1 when healthy). */
  get noiseFactor(): number {
    return this.noiseFactorValue;
  }

  get disconnected(): boolean {
    return this.disconnectedFlag;
  }

  get stuck(): boolean {
    return this.stuckFlag;
  }

  /**
   * Called by the simulator after each physics step (nowUs − dtUs, nowUs] with the force the
   * step carried (held constant over the step). A step may span many conversions: each one
   * that ends inside it is produced with its own window, drift and end time.
   */
  integrate(forceN: number, dtUs: number, nowUs: number): void {
    const p = this.params;
    const clippedN = forceN > p.safeOverloadN ? p.safeOverloadN : forceN < -p.safeOverloadN ? -p.safeOverloadN : forceN;
    const cellN = clippedN + 4 * p.nonlinearityFS * clippedN * (1 - clippedN / p.capacityN);
    let t = nowUs - dtUs;
    while (this.nextConversionEndUs <= nowUs) {
      const endUs = this.nextConversionEndUs;
      const spanUs = endUs - t;
      if (spanUs > 0) {
        this.forceIntegralNUs += cellN * spanUs;
        this.integratedUs += spanUs;
        t = endUs;
      }
      const meanN = this.integratedUs > 0 ? this.forceIntegralNUs / this.integratedUs : cellN;
      this.forceIntegralNUs = 0;
      this.integratedUs = 0;
      this.convert(meanN, endUs);
      this.conversionIndex++;
      this.nextConversionEndUs = this.conversionEndUs(this.conversionIndex);
      this.deliver(nowUs);
    }
    const restUs = nowUs - t;
    if (restUs > 0) {
      this.forceIntegralNUs += cellN * restUs;
      this.integratedUs += restUs;
    }
    this.deliver(nowUs);
  }

  poll(): boolean {
    if (this.fifoLength === 0) return false;
    this.counts = this.fifoCounts[this.fifoHead];
    this.sampleTimeMs = this.fifoTimeMs[this.fifoHead];
    this.fifoHead = (this.fifoHead + 1) & FIFO_MASK;
    this.fifoLength--;
    return true;
  }

  clearError(): void {
    this.error = AdcError.none;
  }

  /** Fault: the converter is cut off. DRDY never falls again; conversions not yet read are lost. */
  disconnect(): void {
    this.disconnectedFlag = true;
  }

  /** Fault: conversions keep arriving, every one carrying the last code read out before now. */
  stick(): void {
    if (this.stuckFlag) return;
    this.stuckFlag = true;
    this.stuckCounts = this.lastDeliveredCounts;
  }

  /**
   * Fault: the next conversion read out is off by deltaCounts, once: an interference spike on
   * the bridge wiring, or a bit flipped on the SPI line (±2^k counts). Clips like any code.
   */
  glitch(deltaCounts: number): void {
    if (!Number.isInteger(deltaCounts)) throw new RangeError(`glitch: deltaCounts must be a whole number, got ${deltaCounts}`);
    this.glitchCounts = deltaCounts;
  }

  /** Fault: multiplies the noise by k ≥ 0 (e.g. 20 for a loose connector; 1 restores it). */
  setNoiseFactor(k: number): void {
    if (!(k >= 0) || k === Infinity) throw new RangeError(`noise factor must be finite and ≥ 0, got ${k}`);
    this.noiseFactorValue = k;
  }

  /** End of conversion k's window, µs: k·10⁶/rate, exact for whole multiples of a second. */
  private conversionEndUs(k: number): number {
    return (k * 1e6) / this.sampleRateSps;
  }

  private convert(meanN: number, endUs: number): void {
    const p = this.params;
    const driftN = this.driftAt(endUs);
    this.driftN = driftN;
    const noiseN = p.noiseRmsN * this.noiseFactorValue * this.random.gaussian();
    let counts = Math.round(p.offsetCounts + (meanN + driftN + noiseN) * p.countsPerN);
    if (counts > p.fullScaleCounts) counts = p.fullScaleCounts;
    else if (counts < -p.fullScaleCounts) counts = -p.fullScaleCounts;
    const size = this.pendingCounts.length;
    // Cannot overflow: deliver() runs after every conversion and the size covers the latency.
    const tail = (this.pendingHead + this.pendingLength) % size;
    this.pendingCounts[tail] = counts;
    this.pendingAvailableUs[tail] = endUs + p.latencyUs;
    this.pendingLength++;
  }

  /** Moves every conversion whose DRDY has fallen by nowUs into the FIFO (or loses it when disconnected). */
  private deliver(nowUs: number): void {
    const size = this.pendingCounts.length;
    while (this.pendingLength > 0 && this.pendingAvailableUs[this.pendingHead] <= nowUs) {
      let counts = this.stuckFlag ? this.stuckCounts : this.pendingCounts[this.pendingHead];
      const availableUs = this.pendingAvailableUs[this.pendingHead];
      this.pendingHead = (this.pendingHead + 1) % size;
      this.pendingLength--;
      if (this.disconnectedFlag) {
        this.missedConversions++;
        if (this.missedConversions >= MISSED_CONVERSIONS_FOR_TIMEOUT) this.latch(AdcError.timeout);
        continue;
      }
      if (this.glitchCounts !== 0) {
        counts += this.glitchCounts;
        this.glitchCounts = 0;
        if (counts > this.fullScaleCounts) counts = this.fullScaleCounts;
        else if (counts < -this.fullScaleCounts) counts = -this.fullScaleCounts;
      }
      if (counts >= this.fullScaleCounts || counts <= -this.fullScaleCounts) this.latch(AdcError.saturated);
      this.lastDeliveredCounts = counts;
      this.push(counts, availableUs / 1000);
    }
  }

  /** Sticky errors: the first one stays until clearError(). */
  private latch(code: number): void {
    if (this.error === AdcError.none) this.error = code;
  }

  private push(counts: number, timeMs: number): void {
    if (this.fifoLength === FIFO_SIZE) {
      // The reader fell behind: the oldest conversion is lost, as on the board.
      this.fifoHead = (this.fifoHead + 1) & FIFO_MASK;
      this.fifoLength--;
    }
    const tail = (this.fifoHead + this.fifoLength) & FIFO_MASK;
    this.fifoCounts[tail] = counts;
    this.fifoTimeMs[tail] = timeMs;
    this.fifoLength++;
  }

  private drawDriftSlope(): number {
    return (2 * this.driftRandom.next() - 1) * this.driftMaxSlopeNPerUs;
  }

  /** Advances the drift path to tUs (monotonic) and returns its value, N. */
  private driftAt(tUs: number): number {
    let value = this.driftN;
    while (tUs >= this.driftSegmentEndUs) {
      value = this.boundedDrift(value + this.driftSlopeNPerUs * (this.driftSegmentEndUs - this.driftAtUs));
      this.driftAtUs = this.driftSegmentEndUs;
      this.driftSegmentEndUs += DRIFT_SEGMENT_US;
      this.driftSlopeNPerUs = this.drawDriftSlope();
    }
    if (tUs > this.driftAtUs) {
      value = this.boundedDrift(value + this.driftSlopeNPerUs * (tUs - this.driftAtUs));
      this.driftAtUs = tUs;
    }
    return value;
  }

  /** Holds the drift inside ±driftLimitN; at a limit the slope turns back toward zero. */
  private boundedDrift(value: number): number {
    const limit = this.params.driftLimitN;
    if (value > limit) {
      if (this.driftSlopeNPerUs > 0) this.driftSlopeNPerUs = -this.driftSlopeNPerUs;
      return limit;
    }
    if (value < -limit) {
      if (this.driftSlopeNPerUs < 0) this.driftSlopeNPerUs = -this.driftSlopeNPerUs;
      return -limit;
    }
    return value;
  }
}
