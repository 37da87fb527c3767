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
}

const BELOW_ZERO_FRACTION = 0.02;
const SAFE_OVERLOAD_FACTOR = 1.5;
const RATE_CAPACITIES_PER_S = 2;
const STEP_FRACTION = 0.05;
const DEFAULT_STUCK_CONVERSIONS = 50;
const DEFAULT_STUCK_MIN_MS = 250;

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
  private lastCounts = 0;
  private lastTimeMs = 0;

  constructor(
    readonly sampleRateSps: number,
    config: Partial<LoadCellPlausibilityConfig> = {},
  ) {
    if (!(sampleRateSps > 0) || sampleRateSps === Infinity) throw new RangeError(`load-cell plausibility: sampleRateSps must be a finite number above 0, got ${sampleRateSps}`);
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
    if (!(safeOverloadKN >= capacityKN)) throw new RangeError(`load-cell plausibility: safeOverloadKN ${safeOverloadKN} is below capacityKN ${capacityKN}`);
    if (!(rangeLowKN < rangeHighKN)) throw new RangeError(`load-cell plausibility: rangeLowKN ${rangeLowKN} must be below rangeHighKN ${rangeHighKN}`);
    if (!(maxRateKNPerS > 0)) throw new RangeError(`load-cell plausibility: maxRateKNPerS must be above 0, got ${maxRateKNPerS}`);
    if (!(maxStepKN >= 0)) throw new RangeError(`load-cell plausibility: maxStepKN must be ≥ 0, got ${maxStepKN}`);
    if (!(Number.isInteger(stuckConversions) && stuckConversions >= 2)) throw new RangeError(`load-cell plausibility: stuckConversions must be a whole number ≥ 2, got ${stuckConversions}`);
    if (!(stuckMinMs >= 0) || stuckMinMs === Infinity) throw new RangeError(`load-cell plausibility: stuckMinMs must be finite and ≥ 0, got ${stuckMinMs}`);
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
  }

  /**
   * Takes one conversion (raw counts, its time, the calibration's kN per count). Returns true
   * when it jumped from the previous one by more than maxStepKN + maxRateKNPerS · Δt.
   */
  addConversion(counts: number, timeMs: number, kNPerCount: number): boolean {
    const run = this.sameCountsRun;
    const previousCounts = this.lastCounts;
    const previousMs = this.lastTimeMs;
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
    return deltaCounts * (kNPerCount < 0 ? -kNPerCount : kNPerCount) > this.maxStepKN + this.maxRateKNPerS * (timeMs - previousMs) * 0.001;
  }

  get stuck(): boolean {
    return this.sameCountsRun >= this.stuckLimit;
  }

  inRange(forceKN: number): boolean {
    return forceKN >= this.rangeLowKN && forceKN <= this.rangeHighKN;
  }
}
