/**
 * Static holding: outputs off while the pressure is near the target; a drift past the
 * trigger starts one correction back to the target, which ends as soon as the pressure
 * gets there (crossing it, or within a tenth of the band). A correction never turns
 * around: an upward one that overshoots stops, and only a drift past the opposite
 * trigger starts a release. That keeps a press whose ram moves in stick-slip jumps from
 * hunting up and down around the target.
 *
 * With `adaptive` (maintain steps) the trigger also learns the press's jump: a ram held by
 * seal friction does not follow the oil until the imbalance reaches breakaway, then jumps
 * by about (breakaway − sliding friction) — a quantum no control law acting through the
 * oil can split. Each correction's landing, measured once the pressure has settled, gives
 * the jump q = trigger + landing; the next trigger in that direction becomes q/2 (within
 * limits), so the sawtooth the press cannot avoid is centred on the target instead of
 * starting at it.
 */
export const Correction = Object.freeze({
  none: 0,
  up: 1,
  down: -1,
} as const);

/** A landing is read this long after its correction ended (the pressure filter settles), ms. */
const LANDING_SETTLE_MS = 1500;
/** Adaptive triggers stay within these fractions of the band. */
const MIN_TRIGGER_FRACTION = 0.25;
const MAX_TRIGGER_FRACTION = 0.9;

export class StaticHold {
  correction: number = Correction.none;
  /** Corrections started since the last reset (pump starts and bleeds in a maintain step). */
  corrections = 0;
  /** Learnt triggers, MPa from the target (NaN until a landing has been seen). */
  upTriggerMPa = NaN;
  downTriggerMPa = NaN;
  /** The jump the last landing measured, MPa (NaN before). */
  lastJumpMPa = NaN;
  private triggerUsedMPa = 0;
  /** The step has just begun: finish the approach to the target before going hands-off. */
  private approaching = false;
  private landingDirection: number = Correction.none;
  private landingAtMs = 0;

  /** A new step: `approach` starts it with a correction onto the target if it is not there. */
  reset(approach = false): void {
    this.approaching = approach;
    this.correction = Correction.none;
    this.corrections = 0;
    this.upTriggerMPa = NaN;
    this.downTriggerMPa = NaN;
    this.lastJumpMPa = NaN;
    this.landingDirection = Correction.none;
  }

  /**
   * Returns true while a correction is under way. `triggerMPa` is how far the pressure may
   * drift before a correction starts (the starting value when adaptive); `bandMPa` sets
   * where a correction counts as arrived and bounds the adaptive triggers.
   */
  update(nowMs: number, pressureMPa: number, targetMPa: number, bandMPa: number, triggerMPa: number, adaptive: boolean): boolean {
    const error = pressureMPa - targetMPa;
    const arrived = 0.1 * bandMPa;
    if (this.landingDirection !== Correction.none && nowMs >= this.landingAtMs && this.correction === Correction.none) {
      this.learn(error * this.landingDirection, bandMPa);
    }
    if (this.correction !== Correction.none) {
      const done = this.correction === Correction.up ? error >= -arrived : error <= arrived;
      if (done) {
        this.landingDirection = this.correction;
        this.landingAtMs = nowMs + LANDING_SETTLE_MS;
        this.correction = Correction.none;
      }
      return this.correction !== Correction.none;
    }
    if (this.approaching) {
      this.approaching = false;
      if (error < -arrived) this.start(Correction.up, -error);
      else if (error > arrived) this.start(Correction.down, error);
      if (this.correction !== Correction.none) return true;
    }
    const up = adaptive && this.upTriggerMPa === this.upTriggerMPa ? this.upTriggerMPa : triggerMPa;
    const down = adaptive && this.downTriggerMPa === this.downTriggerMPa ? this.downTriggerMPa : triggerMPa;
    if (error < -up) this.start(Correction.up, up);
    else if (error > down) this.start(Correction.down, down);
    return this.correction !== Correction.none;
  }

  private start(direction: number, triggerMPa: number): void {
    this.correction = direction;
    this.corrections++;
    this.triggerUsedMPa = triggerMPa;
    this.landingDirection = Correction.none;
  }

  /** `landingMPa`: how far past the target the correction went, in its own direction. */
  private learn(landingMPa: number, bandMPa: number): void {
    const jump = this.triggerUsedMPa + landingMPa;
    this.lastJumpMPa = jump;
    let next = jump / 2;
    const low = MIN_TRIGGER_FRACTION * bandMPa;
    const high = MAX_TRIGGER_FRACTION * bandMPa;
    if (next < low) next = low;
    if (next > high) next = high;
    if (this.landingDirection === Correction.up) this.upTriggerMPa = next;
    else this.downTriggerMPa = next;
    this.landingDirection = Correction.none;
  }
}
