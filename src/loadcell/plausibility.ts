/**
 * Limits a healthy load cell on a press cannot break (docs/load-cell.md gives the reasoning
 * behind each default). All in kN, kN/s, conversions and ms.
 */
export interface LoadCellPlausibilityConfig {
  /**
   * Rated capacity of the cell, kN. The range and slope limits default to fractions of it;
   * Infinity (the default, when the pipeline is not told the cell) leaves those two checks off.
   */
  capacityKN: number;
  /** Force the cell takes without a permanent zero shift, kN. Default 1.5 × capacity [catalogue-typical]. */
  safeOverloadKN: number;
  /** Lowest plausible force, kN. Default −2 % of capacity. */
  rangeLowKN: number;
  /** Highest plausible force, kN. Default the safe overload less 2 % of capacity. */
  rangeHighKN: number;
  /** Fastest force change the hydraulics can make, either way (a dump, a burst hose), kN/s. Default 2 × capacity per second. */
  maxRateKNPerS: number;
  /** Step the press can make between two conversions on top of the rate (seal breakaway, stick-slip, noise), kN. Default 5 % of capacity. */
  maxStepKN: number;
  /** Identical consecutive conversions that make the converter stuck. Default 50. */
  stuckConversions: number;
  /** ...but never fewer than this long's worth at the sample rate, ms. Default 250. */
  stuckMinMs: number;
  /**
   * Noise (rms per conversion) above which the reading is not trusted, kN. Default 0.02 % of
   * capacity, about 3× the noisiest healthy converter setting; a calibration that measured the
   * cell's own noise should set 8× that.
   */
  noiseLimitKN: number;
}

const BELOW_ZERO_FRACTION = 0.02;
const SAFE_OVERLOAD_FACTOR = 1.5;
const RATE_CAPACITIES_PER_S = 2;
const STEP_FRACTION = 0.05;
const DEFAULT_STUCK_CONVERSIONS = 50;
const DEFAULT_STUCK_MIN_MS = 250;
const NOISE_LIMIT_FRACTION = 0.0002;
/** The noise estimate averages over this many conversions, or one second's worth when more. */
const NOISE_MIN_CONVERSIONS = 64;
/**
 * A conversion zig-zags when its two first differences have opposite signs and their product
 * passes twice the square of the noise limit (the variance of a first difference of noise at
 * the limit). The reading is noisy when more than NOISY_FRACTION of the window zig-zags:
 * white noise at 2.5× the limit does so 50 % of the time, at 1.5× 36 %, at the limit 20 %,
 * at an eighth of it never. A press only zig-zags that way through noise: a ramp, a
 * stick-slip staircase or a glitch (a few conversions) do not, even seen by a 10 SPS converter.
 */
const ZIGZAG_VARIANCES = 2;
const NOISY_FRACTION = 0.35;

/**
 * Plausibility of the raw conversions and of the force: stuck (counts repeat exactly), out of
 * range, implausible slope. Per-conversion work is a few comparisons; nothing is allocated.
 */
export class LoadCellPlausibility {
  rangeLowKN = -Infinity;
  rangeHighKN = Infinity;
  maxRateKNPerS = Infinity;
  maxStepKN = Infinity;
  /** Identical consecutive conversions that count as stuck (stuckConversions, or more at a fast rate). */
  stuckLimit = DEFAULT_STUCK_CONVERSIONS;
  /** Length of the current run of identical conversions (1 right after a change, 0 before the first). */
  sameCountsRun = 0;
  noiseLimitKN = Infinity;
  /** Fraction of recent conversions that zig-zagged beyond the noise limit (docs/load-cell.md). */
  noisyFraction = 0;
  private lastCounts = 0;
  private lastTimeMs = 0;
  private beforeLastCounts = 0;
  private differences = 0;
  private readonly noiseWeight: number;

  constructor(
    readonly sampleRateSps: number,
    config: Partial<LoadCellPlausibilityConfig> = {},
  ) {
    if (!(sampleRateSps > 0) || sampleRateSps === Infinity) throw new RangeError(`load-cell plausibility: sampleRateSps must be a finite number above 0, got ${sampleRateSps}`);
    this.noiseWeight = 1 / (sampleRateSps > NOISE_MIN_CONVERSIONS ? sampleRateSps : NOISE_MIN_CONVERSIONS);
    this.configure(config);
  }

  /** Sets every limit from config; what it leaves out gets its default. */
  configure(config: Partial<LoadCellPlausibilityConfig>): void {
    const capacityKN = config.capacityKN ?? Infinity;
    if (!(capacityKN > 0)) throw new RangeError(`load-cell plausibility: capacityKN must be above 0 (Infinity turns the range and slope checks off), got ${capacityKN}`);
    const known = capacityKN !== Infinity;
    const safeOverloadKN = config.safeOverloadKN ?? SAFE_OVERLOAD_FACTOR * capacityKN;
    const rangeLowKN = config.rangeLowKN ?? (known ? -BELOW_ZERO_FRACTION * capacityKN : -Infinity);
    const rangeHighKN = config.rangeHighKN ?? (known ? safeOverloadKN - BELOW_ZERO_FRACTION * capacityKN : Infinity);
    const maxRateKNPerS = config.maxRateKNPerS ?? RATE_CAPACITIES_PER_S * capacityKN;
    const maxStepKN = config.maxStepKN ?? STEP_FRACTION * capacityKN;
    const stuckConversions = config.stuckConversions ?? DEFAULT_STUCK_CONVERSIONS;
    const stuckMinMs = config.stuckMinMs ?? DEFAULT_STUCK_MIN_MS;
    const noiseLimitKN = config.noiseLimitKN ?? NOISE_LIMIT_FRACTION * capacityKN;
    if (!(safeOverloadKN >= capacityKN)) throw new RangeError(`load-cell plausibility: safeOverloadKN ${safeOverloadKN} is below capacityKN ${capacityKN}`);
    if (!(rangeLowKN < rangeHighKN)) throw new RangeError(`load-cell plausibility: rangeLowKN ${rangeLowKN} must be below rangeHighKN ${rangeHighKN}`);
    if (!(maxRateKNPerS > 0)) throw new RangeError(`load-cell plausibility: maxRateKNPerS must be above 0, got ${maxRateKNPerS}`);
    if (!(maxStepKN >= 0)) throw new RangeError(`load-cell plausibility: maxStepKN must be ≥ 0, got ${maxStepKN}`);
    if (!(Number.isInteger(stuckConversions) && stuckConversions >= 2)) throw new RangeError(`load-cell plausibility: stuckConversions must be a whole number ≥ 2, got ${stuckConversions}`);
    if (!(stuckMinMs >= 0) || stuckMinMs === Infinity) throw new RangeError(`load-cell plausibility: stuckMinMs must be finite and ≥ 0, got ${stuckMinMs}`);
    if (!(noiseLimitKN > 0)) throw new RangeError(`load-cell plausibility: noiseLimitKN must be above 0, got ${noiseLimitKN}`);
    this.noiseLimitKN = noiseLimitKN;
    this.rangeLowKN = rangeLowKN;
    this.rangeHighKN = rangeHighKN;
    this.maxRateKNPerS = maxRateKNPerS;
    this.maxStepKN = maxStepKN;
    const forTimeMin = Math.ceil((stuckMinMs * this.sampleRateSps) / 1000);
    this.stuckLimit = stuckConversions > forTimeMin ? stuckConversions : forTimeMin;
  }

  /** Forgets the previous conversion (after the converter restarts). */
  reset(): void {
    this.sameCountsRun = 0;
    this.differences = 0;
    this.noisyFraction = 0;
  }

  /**
   * Takes one conversion (raw counts, its time, the calibration's kN per count). Returns true
   * when it jumped from the previous one by more than maxStepKN + maxRateKNPerS · Δt.
   */
  addConversion(counts: number, timeMs: number, kNPerCount: number): boolean {
    const run = this.sameCountsRun;
    const previousCounts = this.lastCounts;
    const previousMs = this.lastTimeMs;
    const kNPerCountAbs = kNPerCount < 0 ? -kNPerCount : kNPerCount;
    if (run > 0) {
      if (this.differences > 0) {
        const limitCounts = this.noiseLimitKN / kNPerCountAbs;
        const zigzag = (counts - previousCounts) * (previousCounts - this.beforeLastCounts) < -ZIGZAG_VARIANCES * limitCounts * limitCounts ? 1 : 0;
        this.noisyFraction += (zigzag - this.noisyFraction) * this.noiseWeight;
      }
      this.differences++;
    }
    this.beforeLastCounts = previousCounts;
    this.lastCounts = counts;
    this.lastTimeMs = timeMs;
    if (run === 0) {
      this.sameCountsRun = 1;
      return false;
    }
    if (counts === previousCounts) {
      this.sameCountsRun = run + 1;
      return false;
    }
    this.sameCountsRun = 1;
    const deltaCounts = counts > previousCounts ? counts - previousCounts : previousCounts - counts;
    // NaN (an unlimited rate over Δt = 0) compares false: no fault.
    return deltaCounts * kNPerCountAbs > this.maxStepKN + this.maxRateKNPerS * (timeMs - previousMs) * 0.001;
  }

  get stuck(): boolean {
    return this.sameCountsRun >= this.stuckLimit;
  }

  /** Most recent conversions are noisier than the limit (judged once the window has filled). */
  get noisy(): boolean {
    return this.differences * this.noiseWeight >= 1 && this.noisyFraction > NOISY_FRACTION;
  }

  inRange(forceKN: number): boolean {
    return forceKN >= this.rangeLowKN && forceKN <= this.rangeHighKN;
  }
}

/** A calibration that measured the cell's own noise sets the noise limit to this multiple of it. */
export const NOISE_LIMIT_PER_NOISE = 8;

/**
 * The cell's own noise, rms per conversion, kN, as the noise limit implies it: the limit over
 * NOISE_LIMIT_PER_NOISE. Without a measured limit the default one (0.02 % of capacity) stands
 * for the cell, so an unmeasured cell is taken at 0.0025 % of capacity.
 */
export function loadCellNoiseKN(capacityKN: number, noiseLimitKN: number | undefined): number {
  return (noiseLimitKN ?? NOISE_LIMIT_FRACTION * capacityKN) / NOISE_LIMIT_PER_NOISE;
}
