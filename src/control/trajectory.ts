/**
 * The firmware's final approach: once the target is closer than this long at the programmed
 * rate, the setpoint closes in exponentially with this time constant, s...
 */
export const APPROACH_TIME_S = 1.0;
/** ...but never slower than this, MPa/s (minRateMPaPerS below). */
export const MIN_APPROACH_RATE_MPA_PER_S = 0.2;

/**
 * Setpoint generator: moves the setpoint toward the target at the programmed rate and
 * slows exponentially over the last stretch, so the press arrives instead of overshooting
 * (the plant stiffens toward the end of a stroke: a little oil gives a large jump).
 *
 * The setpoint never runs more than a lead ahead of the measured pressure (a reference
 * governor): when the pump cannot keep up — closing the gap to the sample, loose powder
 * swallowing oil, air in the oil — the setpoint waits for the press instead of winding up
 * an error the loop would then have to unwind as overshoot.
 */
export class SetpointTrajectory {
  setpointMPa = 0;
  /** Rate the setpoint moved at in the last update (MPa/s): the feed-forward term. */
  rateMPaPerS = 0;
  /** Ticks in which the governor held the setpoint back (since the last reset). */
  governedTicks = 0;
  /** The governor held the setpoint back in the last update. */
  governed = false;

  constructor(
    /** Time constant of the final approach, s. */
    public approachTimeS: number = APPROACH_TIME_S,
    /**
     * Slowest rate of the final approach, MPa/s, so the setpoint arrives instead of closing
     * in exponentially for ever. Never above the programmed rate: a ramp slower than this
     * floor runs at its own rate all the way (the floor only cuts the exponential tail).
     */
    public minRateMPaPerS: number = MIN_APPROACH_RATE_MPA_PER_S,
  ) {}

  reset(pressureMPa: number): void {
    this.setpointMPa = pressureMPa;
    this.rateMPaPerS = 0;
    this.governedTicks = 0;
    this.governed = false;
  }

  update(targetMPa: number, maxRateMPaPerS: number, dtS: number, measuredMPa: number, leadMPa: number): void {
    const remaining = targetMPa - this.setpointMPa;
    const distance = remaining < 0 ? -remaining : remaining;
    this.governed = false;
    if (distance === 0) {
      this.rateMPaPerS = 0;
      return;
    }
    let rate = distance / this.approachTimeS;
    if (rate > maxRateMPaPerS) rate = maxRateMPaPerS;
    const floor = this.minRateMPaPerS < maxRateMPaPerS ? this.minRateMPaPerS : maxRateMPaPerS;
    if (rate < floor) rate = floor;
    let stepMPa = rate * dtS;
    if (stepMPa > distance) stepMPa = distance;
    // How far the setpoint may still move before it leads the measurement by more than leadMPa.
    const room = remaining > 0 ? measuredMPa + leadMPa - this.setpointMPa : this.setpointMPa - (measuredMPa - leadMPa);
    if (stepMPa > room) {
      stepMPa = room > 0 ? room : 0;
      this.governedTicks++;
      this.governed = true;
    }
    this.setpointMPa += remaining > 0 ? stepMPa : -stepMPa;
    if (stepMPa === distance) this.setpointMPa = targetMPa;
    this.rateMPaPerS = (remaining > 0 ? stepMPa : -stepMPa) / dtS;
  }
}
