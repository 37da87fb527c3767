/**
 * Static holding: outputs off while the pressure is near the target; a drift past the
 * trigger starts one correction back to the target, which ends as soon as the pressure
 * gets there (crossing it, or within a tenth of the band). A correction never turns
 * around: an upward one that overshoots stops, and only a drift past the opposite
 * trigger starts a release. That keeps a press whose ram moves in stick-slip jumps from
 * hunting up and down around the target.
 */
export const Correction = {
  none: 0,
  up: 1,
  down: -1,
} as const;

export class StaticHold {
  correction: number = Correction.none;
  /** Corrections started since the last reset (pump starts and bleeds in a maintain step). */
  corrections = 0;

  reset(): void {
    this.correction = Correction.none;
    this.corrections = 0;
  }

  /**
   * Returns true while a correction is under way. `triggerMPa` is how far the pressure may
   * drift before a correction starts; `bandMPa` sets where a correction counts as arrived.
   */
  update(pressureMPa: number, targetMPa: number, bandMPa: number, triggerMPa: number): boolean {
    const error = pressureMPa - targetMPa;
    const arrived = 0.1 * bandMPa;
    if (this.correction === Correction.up) {
      if (error >= -arrived) this.correction = Correction.none;
    } else if (this.correction === Correction.down) {
      if (error <= arrived) this.correction = Correction.none;
    } else if (error < -triggerMPa) {
      this.correction = Correction.up;
      this.corrections++;
    } else if (error > triggerMPa) {
      this.correction = Correction.down;
      this.corrections++;
    }
    return this.correction !== Correction.none;
  }
}
