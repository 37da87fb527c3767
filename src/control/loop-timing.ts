import { quantileBin } from '../stats/histogram';

/**
 * Measures the real period of the fixed-rate loop. A tick that comes later than 1.5 periods
 * after the previous one is an overrun (Moddable's timer catches up missed ticks back to
 * back after a stall, so a late tick is followed by early ones: both show in the jitter).
 * |period − nominal| goes into a fixed histogram (0.05 ms bins up to 50 ms) so the log and
 * the protocol can read percentiles without the tick allocating anything.
 */
const JITTER_BIN_MS = 0.05;
const JITTER_BINS = 1000;

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
  /** Periods measured since start-up or the last resetStatistics(). */
  private jitterCount = 0;
  private readonly jitterHistogram = new Uint32Array(JITTER_BINS + 1);

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
    this.jitterCount++;
    const bin = Math.floor(jitter / JITTER_BIN_MS);
    this.jitterHistogram[bin < JITTER_BINS ? bin : JITTER_BINS]++;
    if (period > 1.5 * this.nominalPeriodMs) this.overruns++;
    // A catch-up tick right after a stall would give dt ≈ 0; the controller needs a sane dt.
    const clamped = period < 0.25 * this.nominalPeriodMs ? 0.25 * this.nominalPeriodMs : period > 4 * this.nominalPeriodMs ? 4 * this.nominalPeriodMs : period;
    return clamped / 1000;
  }

  get meanJitterMs(): number {
    return this.jitterCount > 0 ? this.jitterSumMs / this.jitterCount : 0;
  }

  /** Upper edge of the histogram bin holding the q-quantile of |period − nominal|, ms (not for the tick: it scans). */
  jitterPercentileMs(q: number): number {
    if (this.jitterCount === 0) return 0;
    const bin = quantileBin(this.jitterHistogram, this.jitterCount, q, JITTER_BINS);
    return bin < 0 || bin === JITTER_BINS ? this.maxJitterMs : (bin + 1) * JITTER_BIN_MS;
  }

  /** Forgets the last tick's time: the next tick counts as the first (after a deliberate stall, e.g. a flash erase). */
  restart(): void {
    this.lastTickMs = NaN;
  }

  /** Clears the statistics (the protocol's "reset statistics"); the tick count goes on. */
  resetStatistics(): void {
    this.overruns = 0;
    this.maxPeriodMs = 0;
    this.maxJitterMs = 0;
    this.jitterSumMs = 0;
    this.jitterCount = 0;
    this.jitterHistogram.fill(0);
  }
}
