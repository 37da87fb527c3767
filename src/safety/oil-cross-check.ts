/**
 * Seal friction and the return spring, as a fraction of the frame rating: what the oil
 * pushes that the load cell does not see, either way. [physics-reference: seal friction
 * 0.5–2 % of the rated force; the top of that range]
 */
export const OIL_FRICTION_FRACTION = 0.02;
/** The transducer's accuracy, as a fraction of its full scale. [est: 0.25–0.5 % FS industrial transducers] */
export const OIL_ACCURACY_FRACTION = 0.005;
/** The two forces may differ by this fraction of the larger, on top of the friction and accuracy. */
export const OIL_DISAGREE_FRACTION = 0.05;
/** ...for this long before it is a fault: the load cell's reading lags the oil by up to 0.2 s (HX711 at 10 SPS), ms. */
export const OIL_DISAGREE_MS = 1000;
/** A fitted transducer with no valid reading for this long is a fault, ms. */
export const OIL_STALE_MS = 250;

/** What the cross-check found this tick. */
export const OilVerdict = Object.freeze({ ok: 0, overForce: 1, disagree: 2, noReading: 3 } as const);

/**
 * The second, independent force signal: oil pressure × ram area, judged against the limits
 * and against the load cell's force through the commissioned calibration. Neither a
 * calibration nor the load cell can fool it; seal friction makes it coarse, so it backs the
 * load cell up rather than replacing it (docs/faults.md, 106, 208, 209). Allocation-free.
 */
export class OilCrossCheck {
  /** Oil force the cell may not see, kN: friction, the spring and the transducer's accuracy. */
  readonly allowanceKN: number;
  disagreeMs = 0;
  invalidMs = 0;

  constructor(
    /** False when the board has no transducer: every verdict is ok. */
    readonly fitted: boolean,
    frameKN: number,
    ramAreaMm2: number,
    fullScaleMPa: number,
  ) {
    if (fitted && !(ramAreaMm2 > 0 && fullScaleMPa > 0 && frameKN > 0)) {
      throw new RangeError(`oil-pressure transducer: ram area ${ramAreaMm2} mm², full scale ${fullScaleMPa} MPa and frame rating ${frameKN} kN must be numbers above 0`);
    }
    this.allowanceKN = fitted ? OIL_FRICTION_FRACTION * frameKN + (OIL_ACCURACY_FRACTION * fullScaleMPa * ramAreaMm2) / 1000 : 0;
  }

  /**
   * `oilForceKN`: oil pressure × ram area this tick (NaN: no valid reading); `cellKN`: the
   * load cell's force through the commissioned calibration; `ceilingKN`: the raw ceiling.
   */
  judge(oilForceKN: number, cellKN: number, ceilingKN: number, gapMs: number): number {
    if (!this.fitted) return OilVerdict.ok;
    if (oilForceKN !== oilForceKN) {
      this.invalidMs += gapMs;
      return this.invalidMs > OIL_STALE_MS ? OilVerdict.noReading : OilVerdict.ok;
    }
    this.invalidMs = 0;
    const allowance = this.allowanceKN;
    if (oilForceKN - allowance > ceilingKN) return OilVerdict.overForce;
    const larger = oilForceKN > cellKN ? oilForceKN : cellKN;
    const diff = oilForceKN - cellKN;
    if ((diff < 0 ? -diff : diff) > allowance + OIL_DISAGREE_FRACTION * (larger > 0 ? larger : 0)) {
      this.disagreeMs += gapMs;
      if (this.disagreeMs > OIL_DISAGREE_MS) return OilVerdict.disagree;
    } else {
      this.disagreeMs = 0;
    }
    return OilVerdict.ok;
  }

  reset(): void {
    this.disagreeMs = 0;
    this.invalidMs = 0;
  }
}
