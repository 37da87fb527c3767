/**
 * Setpoint generator: moves the setpoint toward the target at the programmed rate and
 * slows exponentially over the last stretch, so the press arrives instead of overshooting
 * (the plant stiffens toward the end of a stroke: a little oil gives a large jump).
 */
export class SetpointTrajectory {
  setpointMPa = 0;
  /** Rate the setpoint moved at in the last update (MPa/s): the feed-forward term. */
  rateMPaPerS = 0;

  constructor(
    /** Time constant of the final approach, s. */
    public approachTimeS: number,
    /** Slowest approach rate, MPa/s, so the setpoint always arrives. */
    public minRateMPaPerS: number,
  ) {}

  reset(pressureMPa: number): void {
    this.setpointMPa = pressureMPa;
    this.rateMPaPerS = 0;
  }

  update(targetMPa: number, maxRateMPaPerS: number, dtS: number): void {
    const remaining = targetMPa - this.setpointMPa;
    const distance = remaining < 0 ? -remaining : remaining;
    if (distance === 0) {
      this.rateMPaPerS = 0;
      return;
    }
    let rate = distance / this.approachTimeS;
    if (rate > maxRateMPaPerS) rate = maxRateMPaPerS;
    if (rate < this.minRateMPaPerS) rate = this.minRateMPaPerS;
    let stepMPa = rate * dtS;
    if (stepMPa >= distance) {
      stepMPa = distance;
      this.setpointMPa = targetMPa;
    } else {
      this.setpointMPa += remaining > 0 ? stepMPa : -stepMPa;
    }
    this.rateMPaPerS = (remaining > 0 ? stepMPa : -stepMPa) / dtS;
  }
}
