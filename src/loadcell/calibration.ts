/**
 * Load-cell calibration: forceKN = L + c(L), L = (counts − tareCounts) · kNPerCount, where c is
 * an optional piecewise-linear linearity correction over L (docs/load-cell.md). Pure functions
 * for the bench; countsToKN is the only one on the per-tick path and allocates nothing.
 */
export interface LoadCellCalibration {
  tareCounts: number;
  kNPerCount: number;
  /**
   * Linearity correction nodes: the straight-line force L (kN, ascending) of each calibration
   * point. Between nodes the correction is interpolated, beyond the ends it is held.
   */
  correctionAtKN?: Float64Array;
  /** Correction added at each node, kN (same length as correctionAtKN). */
  correctionKN?: Float64Array;
}

/** One reading of the calibration: the mean raw counts under a known reference force. */
export interface CalibrationPoint {
  counts: number;
  referenceKN: number;
}

/** Zero plus ten steps of 10 % of the span: more points than ISO 7500-1 asks for a class. */
export const MAX_CALIBRATION_POINTS = 11;

/** ISO 7500-1 classes by their limit on the relative accuracy error q, %. */
export type Iso7500Class = 0.5 | 1 | 2 | 3;

export interface IndicationErrors {
  /**
   * Relative indication error of each point in the input order, % of its reference force
   * (ISO 7500-1 q = (Fi − F)/F · 100); NaN at the zero-load point.
   */
  errorsPercent: Float64Array;
  /** The largest |q| over the points with a load, %, and its index in the input. */
  worstPercent: number;
  worstIndex: number;
  /** The best class whose q limit holds at every loaded point; null when even class 3 fails. */
  iso7500Class: Iso7500Class | null;
}

export interface MultiPointCalibration {
  /** Tare, least-squares span and linearity correction: reproduces every point. */
  calibration: LoadCellCalibration;
  /** Largest |residual| of the straight line, % of the largest reference force (the calibrated span). */
  linearityErrorPercentFS: number;
  /** Indication errors of the straight line alone (tare and span, no correction). */
  spanErrors: IndicationErrors;
}

export function countsToKN(cal: LoadCellCalibration, counts: number): number {
  const linearKN = (counts - cal.tareCounts) * cal.kNPerCount;
  const at = cal.correctionAtKN;
  const by = cal.correctionKN;
  if (at === undefined || by === undefined || at.length === 0) return linearKN;
  return linearKN + correctionAt(at, by, linearKN);
}

/** Piecewise-linear interpolation over at (ascending), held constant beyond its ends. */
function correctionAt(at: Float64Array, by: Float64Array, xKN: number): number {
  const last = at.length - 1;
  if (xKN <= at[0]) return by[0];
  if (xKN >= at[last]) return by[last];
  let i = 1;
  while (at[i] < xKN) i++;
  const t = (xKN - at[i - 1]) / (at[i] - at[i - 1]);
  return by[i - 1] + t * (by[i] - by[i - 1]);
}

/** Mean of a run of raw readings (the tare and every calibration point are means). */
export function meanCounts(samples: ArrayLike<number>): number {
  if (samples.length === 0) throw new RangeError('meanCounts: no samples');
  let sum = 0;
  for (let i = 0; i < samples.length; i++) {
    const s = samples[i];
    if (!Number.isFinite(s)) throw new RangeError(`meanCounts: samples[${i}] is ${s}, not a finite number`);
    sum += s;
  }
  return sum / samples.length;
}

/**
 * Tare: the mean raw reading with no load becomes the zero. The span and the linearity
 * correction stay: the correction is a function of force above the zero, not of raw counts.
 */
export function tare(cal: LoadCellCalibration, meanUnloadedCounts: number): LoadCellCalibration {
  if (!Number.isFinite(meanUnloadedCounts)) throw new RangeError(`tare: mean unloaded counts ${meanUnloadedCounts} is not a finite number`);
  return { ...cal, tareCounts: meanUnloadedCounts };
}

/**
 * Span: a known reference load gives the slope; the tare must already be set. A multi-point
 * linearity correction belongs to the slope it was fitted with, so a new span drops it.
 */
export function span(cal: LoadCellCalibration, referenceKN: number, meanCountsAtReference: number): LoadCellCalibration {
  const delta = meanCountsAtReference - cal.tareCounts;
  if (!(referenceKN > 0) || delta === 0 || !Number.isFinite(referenceKN / delta)) {
    throw new RangeError(`span: reference ${referenceKN} kN at ${delta} counts above tare gives no usable slope`);
  }
  return { tareCounts: cal.tareCounts, kNPerCount: referenceKN / delta };
}

/**
 * Multi-point calibration from 2 to 11 points, one of them at zero load (it sets the tare).
 * The span is the least-squares line through the tare (force on counts, so the residuals are
 * force errors): the zero the operator re-tares every day stays an exact zero instead of a
 * fitted intercept. The residuals at the points become the linearity correction, so the
 * calibration reproduces every point. Points may come in any order; errors name the index.
 */
export function calibrateMultiPoint(points: readonly CalibrationPoint[]): MultiPointCalibration {
  const order = checkedOrder(points);
  const n = order.length;
  const tareCounts = points[order[0]].counts;
  let sumFC = 0;
  let sumCC = 0;
  for (let j = 1; j < n; j++) {
    const p = points[order[j]];
    const deltaCounts = p.counts - tareCounts;
    sumFC += p.referenceKN * deltaCounts;
    sumCC += deltaCounts * deltaCounts;
  }
  const kNPerCount = sumFC / sumCC;
  const correctionAtKN = new Float64Array(n);
  const correctionKN = new Float64Array(n);
  let worstResidualKN = 0;
  for (let j = 0; j < n; j++) {
    const p = points[order[j]];
    const linearKN = (p.counts - tareCounts) * kNPerCount;
    correctionAtKN[j] = linearKN;
    correctionKN[j] = p.referenceKN - linearKN;
    if (Math.abs(correctionKN[j]) > worstResidualKN) worstResidualKN = Math.abs(correctionKN[j]);
  }
  const spanKN = points[order[n - 1]].referenceKN;
  return {
    calibration: { tareCounts, kNPerCount, correctionAtKN, correctionKN },
    linearityErrorPercentFS: (100 * worstResidualKN) / spanKN,
    spanErrors: indicationErrors({ tareCounts, kNPerCount }, points),
  };
}

/**
 * ISO 7500-1-style verification: the relative accuracy error q of each loaded point and the
 * class it supports. Single runs only, so only q is judged: the standard's repeatability
 * (b, three series), reversibility, zero error and resolution are not assessed here.
 */
export function indicationErrors(cal: LoadCellCalibration, points: readonly CalibrationPoint[]): IndicationErrors {
  const errorsPercent = new Float64Array(points.length);
  let worstPercent = 0;
  let worstIndex = -1;
  for (let i = 0; i < points.length; i++) {
    const p = points[i];
    checkFinite(p, i);
    if (p.referenceKN === 0) {
      errorsPercent[i] = NaN;
      continue;
    }
    const q = (100 * (countsToKN(cal, p.counts) - p.referenceKN)) / p.referenceKN;
    errorsPercent[i] = q;
    if (worstIndex < 0 || Math.abs(q) > worstPercent) {
      worstPercent = Math.abs(q);
      worstIndex = i;
    }
  }
  if (worstIndex < 0) throw new RangeError('indicationErrors: no point with a load (referenceKN ≠ 0)');
  return { errorsPercent, worstPercent, worstIndex, iso7500Class: iso7500Class(worstPercent) };
}

const ISO_7500_CLASSES: readonly Iso7500Class[] = Object.freeze([0.5, 1, 2, 3]);

/** The best ISO 7500-1 class whose relative accuracy error limit (±0.5, 1, 2, 3 %) covers |q|. */
export function iso7500Class(worstAbsPercent: number): Iso7500Class | null {
  for (const c of ISO_7500_CLASSES) if (worstAbsPercent <= c) return c;
  return null;
}

function checkFinite(p: CalibrationPoint, i: number): void {
  if (typeof p !== 'object' || p === null) throw new RangeError(`points[${i}]: ${String(p)} is not a { counts, referenceKN } point`);
  if (!Number.isFinite(p.counts)) throw new RangeError(`points[${i}].counts: ${p.counts} is not a finite number`);
  if (!Number.isFinite(p.referenceKN)) throw new RangeError(`points[${i}].referenceKN: ${p.referenceKN} is not a finite number`);
}

/** Validates the points; returns their indices sorted by reference force (the zero point first). */
function checkedOrder(points: readonly CalibrationPoint[]): number[] {
  const n = points.length;
  if (n < 2) throw new RangeError(`calibration needs at least 2 points (zero load and a reference load), got ${n}`);
  if (n > MAX_CALIBRATION_POINTS) throw new RangeError(`calibration takes at most ${MAX_CALIBRATION_POINTS} points, got ${n}`);
  for (let i = 0; i < n; i++) {
    checkFinite(points[i], i);
    if (points[i].referenceKN < 0) {
      throw new RangeError(`points[${i}].referenceKN: ${points[i].referenceKN} is negative (a press cell is calibrated in compression, from zero up)`);
    }
    for (let j = 0; j < i; j++) {
      if (points[i].referenceKN === points[j].referenceKN) {
        throw new RangeError(`points[${i}].referenceKN: ${points[i].referenceKN} kN duplicates points[${j}] (one reading per reference force)`);
      }
      if (points[i].counts === points[j].counts) {
        throw new RangeError(`points[${i}].counts: ${points[i].counts} duplicates points[${j}].counts (${points[j].referenceKN} kN): two loads cannot give the same reading`);
      }
    }
  }
  const order: number[] = [];
  for (let i = 0; i < n; i++) order.push(i);
  order.sort((a, b) => points[a].referenceKN - points[b].referenceKN);
  if (points[order[0]].referenceKN !== 0) throw new RangeError('calibration needs a zero-load point (referenceKN 0): it sets the tare');
  // Counts may fall with force (a cell wired for the other sign); they must do so throughout.
  const direction = Math.sign(points[order[n - 1]].counts - points[order[0]].counts);
  for (let j = 1; j < n; j++) {
    const lower = points[order[j - 1]];
    const here = points[order[j]];
    if (Math.sign(here.counts - lower.counts) !== direction) {
      throw new RangeError(
        `points[${order[j]}].counts: ${here.counts} at ${here.referenceKN} kN does not continue the trend of points[${order[j - 1]}] (${lower.counts} at ${lower.referenceKN} kN): counts must change monotonically with force`,
      );
    }
  }
  return order;
}
