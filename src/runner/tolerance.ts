import { StepKind } from '../programs/compile';

/**
 * A step's tolerance verdict, judged on the measured pressure (the press knows no other) over
 * the step's time at pressure: a hold from ready, a maintain step from arrival in its band
 * (docs/control.md, "Holding"). A hold or maintain step that ran to its end is outside
 * tolerance when
 *
 * - its p99 |P − target| exceeds P99_BAND_FACTOR × its band: more than 1 % of the time the
 *   pressure was further from the target than twice the band the program allows;
 * - a maintain step spent less than MIN_IN_BAND_PERMILLE of its time inside the band (a hold
 *   is not judged on this: a static hold rests at its band's edges by design);
 * - a hold never settled: its time began by the 10 s ready timeout without the pressure ever
 *   having been inside the band.
 *
 * Ramps, releases, prompts and waits are not judged, nor a step cut short by Stop or a fault.
 */
export const P99_BAND_FACTOR = 2;
export const MIN_IN_BAND_PERMILLE = 900;

/** Bits of a verdict (StepStats.tolerance, the run log's STEP record): 0 for a step not judged. */
export const ToleranceFlag = Object.freeze({
  judged: 1,
  p99: 2,
  inBand: 4,
  notSettled: 8,
} as const);

/** Any of these bits: the step is outside tolerance. */
export const OUTSIDE_TOLERANCE = ToleranceFlag.p99 | ToleranceFlag.inBand | ToleranceFlag.notSettled;

/** True for the steps a verdict is given for. */
export function isJudgedKind(kind: number): boolean {
  return kind === StepKind.hold || kind === StepKind.maintain;
}

/** The verdict of a hold or maintain step that ran to its end (ToleranceFlag bits); allocates nothing. */
export function judgeStep(kind: number, p99MPa: number, inBandPermille: number, bandMPa: number, settled: boolean): number {
  let flags: number = ToleranceFlag.judged;
  // NaN (no error tracked) fails none of the tests; Infinity (beyond the histogram) fails this one.
  if (p99MPa > P99_BAND_FACTOR * bandMPa) flags |= ToleranceFlag.p99;
  if (kind === StepKind.maintain && inBandPermille < MIN_IN_BAND_PERMILLE) flags |= ToleranceFlag.inBand;
  if (kind === StepKind.hold && !settled) flags |= ToleranceFlag.notSettled;
  return flags;
}
