/**
 * Measures the real period of the fixed-rate loop. A tick that comes later than 1.5 periods
 * after the previous one is an overrun (Moddable's timer catches up missed ticks back to
 * back after a stall, so a late tick is followed by early ones: both show in the jitter).
 */
export class LoopTiming {
  ticks = 0;
  overruns = 0;
  lastTickMs = NaN;
  /** Period actually seen at the last tick, ms. */
  lastPeriodMs = 0;
  maxPeriodMs = 0;
  /** Largest |period − nominal| seen, ms. */
  maxJitterMs = 0;
  private jitterSumMs = 0;

  constructor(readonly nominalPeriodMs: number) {}

  /** Records a tick at nowMs; returns the elapsed time to use as dt, in seconds. */
  tick(nowMs: number): number {
    this.ticks++;
    if (this.lastTickMs !== this.lastTickMs) {
      this.lastTickMs = nowMs;
      this.lastPeriodMs = this.nominalPeriodMs;
      return this.nominalPeriodMs / 1000;
    }
    const period = nowMs - this.lastTickMs;
    this.lastTickMs = nowMs;
    this.lastPeriodMs = period;
    if (period > this.maxPeriodMs) this.maxPeriodMs = period;
    const jitter = period > this.nominalPeriodMs ? period - this.nominalPeriodMs : this.nominalPeriodMs - period;
    if (jitter > this.maxJitterMs) this.maxJitterMs = jitter;
    this.jitterSumMs += jitter;
    if (period > 1.5 * this.nominalPeriodMs) this.overruns++;
    // A catch-up tick right after a stall would give dt ≈ 0; the controller needs a sane dt.
    const clamped = period < 0.25 * this.nominalPeriodMs ? 0.25 * this.nominalPeriodMs : period > 4 * this.nominalPeriodMs ? 4 * this.nominalPeriodMs : period;
    return clamped / 1000;
  }

  get meanJitterMs(): number {
    return this.ticks > 1 ? this.jitterSumMs / (this.ticks - 1) : 0;
  }
}
