/** When a step's time begins (a hold's ready) and when a step has stalled: the sequencer's timing rules. */

/**
 * A hold's time counts from "ready": the pressure in the band and settled, |dP/dt| below
 * this fraction of the target per second (at least the minimum) — or from this long after
 * the hold began, whichever comes first, so a press that never settles still moves on.
 */
const READY_RATE_FRACTION_PER_S = 0.002;
const READY_MIN_RATE_MPA_PER_S = 0.02;
export const READY_TIMEOUT_MS = 10_000;
/**
 * A ramp or a maintain step's approach that has not come one band closer to its target for
 * this long has stalled (STEP_TIMEOUT). Progress, not total time, is judged: a press with
 * sticky seals may crawl at a fifth of the programmed rate and still arrive.
 */
export const STEP_STALL_MS = 60_000;
/**
 * A release to zero that has not come one band closer for this long ends: with the valve
 * wide open, what is left is held by the ram's seal friction against its return spring, a
 * few MPa the report shows as the step's end pressure. (A valve that does not open while the
 * press is loaded is RELEASE_BLOCKED, long before.)
 */
export const RELEASE_STALL_MS = 30_000;
/**
 * A slow step's stall window is at least the time a fifth of its programmed rate takes to
 * cover one band: a ramp at 0.01 MPa/s needs 50 s per 0.5 MPa band when it keeps pace, and
 * after a contact that ran ahead of the setpoint it waits for the setpoint first.
 */
const STALL_CRAWL_FACTOR = 5;

/** The stall window of a step (ms): the fixed one, or longer for a slow programmed rate. */
export function stallWindowMs(fixedMs: number, bandMPa: number, rateMPaPerS: number): number {
  if (!(rateMPaPerS > 0)) return fixedMs;
  const crawlMs = (STALL_CRAWL_FACTOR * 1000 * bandMPa) / rateMPaPerS;
  return crawlMs > fixedMs ? crawlMs : fixedMs;
}

/**
 * A hold's ready, tick by tick (allocates nothing): whether the pressure has been inside the
 * band since the hold began, so that a ready by the timeout without it is known as a hold that
 * never settled (src/runner/tolerance.ts).
 */
export class HoldReadiness {
  private enteredBand = false;
  /** The hold became ready with the pressure having been inside its band (true until it is ready). */
  settled = true;

  /** A new hold begins. */
  reset(): void {
    this.enteredBand = false;
    this.settled = true;
  }

  /** True when the hold is ready: in band and settled, or READY_TIMEOUT_MS after it began. */
  ready(elapsedMs: number, pressureMPa: number, settledRateMPaPerS: number, targetMPa: number, bandMPa: number): boolean {
    const error = pressureMPa > targetMPa ? pressureMPa - targetMPa : targetMPa - pressureMPa;
    const rate = settledRateMPaPerS > 0 ? settledRateMPaPerS : -settledRateMPaPerS;
    const rateLimit = READY_RATE_FRACTION_PER_S * targetMPa > READY_MIN_RATE_MPA_PER_S ? READY_RATE_FRACTION_PER_S * targetMPa : READY_MIN_RATE_MPA_PER_S;
    if (error <= bandMPa) this.enteredBand = true;
    if ((error <= bandMPa && rate <= rateLimit) || elapsedMs >= READY_TIMEOUT_MS) {
      this.settled = this.enteredBand;
      return true;
    }
    return false;
  }
}
