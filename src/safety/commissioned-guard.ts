import type { LoadCellCalibration } from '../loadcell/calibration';
import { countsToKN } from '../loadcell/calibration';

/**
 * Headroom of the raw ceiling over the lowest limit, as a fraction of it. A correctly
 * calibrated press passes the limit itself first and trips OVER_PRESSURE or OVER_FORCE there;
 * the raw ceiling only fires when the calibration in force reads low. With the zero drift
 * below, it keeps the true force within 2 % of the limit (docs/faults.md).
 */
export const RAW_CEILING_MARGIN_FRACTION = 0.01;
/**
 * How far the cell's zero may have moved from the commissioned tare, as a fraction of its
 * capacity: 0.1 % FS, a few kelvin of a strain-gauge cell's zero drift. On a small limit
 * (below a tenth of the capacity) this, not the margin, is the headroom, so that a drifted
 * zero cannot trip the ceiling below the limit.
 */
export const ZERO_DRIFT_FRACTION = 0.001;
/**
 * The calibration in force may read a force this fraction away from the commissioned one's
 * at the same counts (a healthy cell's span moves a small fraction of that in years)...
 */
export const MISMATCH_FRACTION = 0.05;
/** ...plus this fraction of the capacity: re-tares that follow the zero, a fixture's weight. */
export const MISMATCH_FLOOR_FRACTION = 0.01;

/**
 * The last line against a wrong calibration: the force limits judged on the raw converter
 * counts through the calibration the press was commissioned with, never the one in force.
 * Whatever calibration gets in (a remote command, a damaged store, a test assigning it), the
 * counts at which the lowest limit is reached stay those the commissioning measured.
 *
 * Two checks, both allocation-free: the raw ceiling (|counts − commissioned tare| above the
 * counts of the lowest limit plus its headroom) and the disagreement of the two calibrations
 * at the counts of this tick.
 */
export class CommissionedGuard {
  /** The calibration the press was commissioned with: the trusted conversion of counts to force. */
  commissioned: LoadCellCalibration;
  /** Lowest limit in force: frame rating, cell capacity, the program's ceiling force, kN. */
  limitKN = NaN;
  /** Force at which the raw ceiling trips, through the commissioned calibration, kN. */
  ceilingKN = NaN;
  /** The raw ceiling: |counts − commissioned tare| above this trips. */
  ceilingCounts = NaN;
  /**
   * The calibration the guard started with (the firmware configuration's, on the ESP32 the
   * manifest's): a change confirmed at the press replaces `commissioned` but never this, and the
   * raw ceiling holds through both, so no calibration entered after the build can raise the
   * force at which the press trips.
   */
  readonly factory: LoadCellCalibration;
  /** The raw ceiling through the factory calibration: |counts − factory tare| above this trips. */
  factoryCeilingCounts = NaN;
  /** Force through the commissioned calibration at the last check, kN (NaN before a reading). */
  commissionedKN = NaN;
  private programLimitKN = Infinity;
  private readonly mismatchFloorKN: number;

  constructor(
    readonly frameKN: number,
    readonly capacityKN: number,
    commissioned: LoadCellCalibration,
  ) {
    if (!(frameKN > 0) || !(capacityKN > 0)) throw new RangeError(`commissioned guard: frame rating ${frameKN} kN and load-cell capacity ${capacityKN} kN must be numbers above 0`);
    this.mismatchFloorKN = MISMATCH_FLOOR_FRACTION * capacityKN;
    this.commissioned = commissioned;
    this.commission(commissioned);
    this.factory = this.commissioned;
    this.derive();
  }

  /**
   * Puts a commissioned calibration in force for the guard (at start-up, or a change
   * confirmed at the press). The guard keeps a copy: the caller's object (at start-up the very
   * one the pipeline holds) may change afterwards without moving the ceiling.
   */
  commission(calibration: LoadCellCalibration): void {
    const tare = calibration.tareCounts;
    const span = calibration.kNPerCount;
    if (!Number.isFinite(tare)) throw new RangeError(`commissioned calibration: tare ${tare} is not a finite number of counts`);
    if (!(Number.isFinite(span) && span !== 0)) throw new RangeError(`commissioned calibration: span ${span} kN per count is not a finite, non-zero number`);
    const copy: LoadCellCalibration = { tareCounts: tare, kNPerCount: span };
    const at = calibration.correctionAtKN;
    const by = calibration.correctionKN;
    if (at !== undefined || by !== undefined) {
      if (at === undefined || by === undefined || at.length !== by.length) throw new RangeError('commissioned calibration: the correction needs as many values as nodes');
      for (let i = 0; i < at.length; i++) {
        if (!Number.isFinite(at[i]) || !Number.isFinite(by[i])) throw new RangeError(`commissioned calibration: correction node ${i} is not finite`);
        if (i > 0 && !(at[i] > at[i - 1])) throw new RangeError('commissioned calibration: correction nodes are not in ascending order');
      }
      copy.correctionAtKN = Float64Array.from(at);
      copy.correctionKN = Float64Array.from(by);
    }
    this.commissioned = Object.freeze(copy);
    if (this.factory !== undefined) this.derive();
  }

  /** The selected program's ceiling as a force (die rating × area, or its force limit), kN; Infinity for none. */
  setProgramLimitKN(limitKN: number): void {
    if (!(limitKN > 0)) throw new RangeError(`commissioned guard: program force limit ${limitKN} kN must be a number above 0`);
    this.programLimitKN = limitKN;
    this.derive();
  }

  private derive(): void {
    let limitKN = this.frameKN < this.capacityKN ? this.frameKN : this.capacityKN;
    if (this.programLimitKN < limitKN) limitKN = this.programLimitKN;
    const marginKN = RAW_CEILING_MARGIN_FRACTION * limitKN;
    const driftKN = ZERO_DRIFT_FRACTION * this.capacityKN;
    const ceilingKN = limitKN + (marginKN > driftKN ? marginKN : driftKN);
    this.limitKN = limitKN;
    this.ceilingKN = ceilingKN;
    this.ceilingCounts = ceilingCountsThrough(this.commissioned, ceilingKN);
    this.factoryCeilingCounts = ceilingCountsThrough(this.factory, ceilingKN);
  }

  /** The raw counts passed the ceiling. False while there is no reading yet (NaN): staleness is the sensor checks' job. */
  overCeiling(rawCounts: number): boolean {
    const delta = rawCounts - this.commissioned.tareCounts;
    const factoryDelta = rawCounts - this.factory.tareCounts;
    return (delta < 0 ? -delta : delta) > this.ceilingCounts || (factoryDelta < 0 ? -factoryDelta : factoryDelta) > this.factoryCeilingCounts;
  }

  /**
   * The calibration in force and the commissioned one disagree at these counts by more than
   * MISMATCH_FRACTION of the force plus MISMATCH_FLOOR_FRACTION of the capacity.
   */
  disagrees(rawCounts: number, inForceKN: number): boolean {
    const commissionedKN = countsToKN(this.commissioned, rawCounts);
    this.commissionedKN = commissionedKN;
    const diffKN = inForceKN - commissionedKN;
    const bandKN = MISMATCH_FRACTION * (commissionedKN < 0 ? -commissionedKN : commissionedKN) + this.mismatchFloorKN;
    return (diffKN < 0 ? -diffKN : diffKN) > bandKN;
  }
}

/** Counts from the tare at which `calibration` reads `ceilingKN`; a linearity correction adds to the straight line, so the largest addition is taken off. */
function ceilingCountsThrough(calibration: LoadCellCalibration, ceilingKN: number): number {
  const by = calibration.correctionKN;
  let addKN = 0;
  if (by !== undefined) for (let i = 0; i < by.length; i++) if (by[i] > addKN) addKN = by[i];
  return (ceilingKN - addKN) / Math.abs(calibration.kNPerCount);
}
