/**
 * What the tick asks of a control law (PressureLaw.track). Its owner creates one and fills it
 * in place every tick, so the tick allocates nothing.
 */
export class ControlDemand {
  /** The step's target, MPa. */
  targetMPa = 0;
  /** The step's band about its target, MPa (the on/off law switches at its edges). */
  bandMPa = 0;
  /** The step's programmed rate, MPa/s. */
  programmedRateMPaPerS = 0;
  /** The trajectory's setpoint this tick, MPa. */
  setpointMPa = 0;
  /** The rate the setpoint moved at this tick, MPa/s: the feed-forward term. */
  feedForwardRateMPaPerS = 0;
  /** The pressure the law acts on, MPa: the measurement, or a slow converter's brought up to now. */
  pressureMPa = 0;
  /** Time since the last tick, s. */
  dtS = 0;
  /** The setpoint is held back because the press cannot follow: an integral must not grow. */
  governed = false;
}
