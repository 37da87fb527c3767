/** Linear load-cell calibration: forceKN = (counts − tareCounts) · kNPerCount. */
export interface LoadCellCalibration {
  tareCounts: number;
  kNPerCount: number;
}

export function countsToKN(cal: LoadCellCalibration, counts: number): number {
  return (counts - cal.tareCounts) * cal.kNPerCount;
}

/** Tare: the mean raw reading with no load becomes the zero. */
export function tare(cal: LoadCellCalibration, meanUnloadedCounts: number): LoadCellCalibration {
  return { tareCounts: meanUnloadedCounts, kNPerCount: cal.kNPerCount };
}

/** Span: a known reference load gives the slope; the tare must already be set. */
export function span(cal: LoadCellCalibration, referenceKN: number, meanCountsAtReference: number): LoadCellCalibration {
  const delta = meanCountsAtReference - cal.tareCounts;
  if (!(referenceKN > 0) || delta === 0 || !Number.isFinite(referenceKN / delta)) {
    throw new RangeError(`span: reference ${referenceKN} kN at ${delta} counts above tare gives no usable slope`);
  }
  return { tareCounts: cal.tareCounts, kNPerCount: referenceKN / delta };
}
