import type { Clock, Ticker, TickerHandle } from '../clock';

/** The parts of Moddable's Time the clock reads. */
export interface TimeSource {
  readonly ticks: number;
  readonly microseconds?: number;
}

/** The parts of Moddable's Timer the ticker uses. */
export interface TimerApi<Id> {
  repeat(callback: (timer: Id) => void, intervalMs: number): Id;
  clear(timer: Id): void;
}

const TICKS_WRAP = 2 ** 32;

/**
 * Monotonic milliseconds. With Time.microseconds (esp_timer: 64-bit, never wraps in practice)
 * the clock has microsecond resolution. Without it (the Linux simulator) it extends the 32-bit
 * millisecond `ticks` across its wrap, which comes every 49.7 days: a maintain step can run
 * that long. A wrap is recognised as a backwards step, so nowMs() must be read at least once
 * per wrap period (the control loop reads it 100 times a second).
 */
export class MonotonicClock implements Clock {
  private readonly useMicroseconds: boolean;
  private lastTicks: number;
  private wrapsMs = 0;

  constructor(private readonly time: TimeSource) {
    this.useMicroseconds = typeof time.microseconds === 'number';
    this.lastTicks = time.ticks >>> 0;
  }

  get resolutionMs(): number {
    return this.useMicroseconds ? 0.001 : 1;
  }

  nowMs(): number {
    if (this.useMicroseconds) return (this.time.microseconds as number) / 1000;
    const ticks = this.time.ticks >>> 0;
    if (ticks < this.lastTicks) this.wrapsMs += TICKS_WRAP;
    this.lastTicks = ticks;
    return this.wrapsMs + ticks;
  }
}

class TimerHandle<Id> implements TickerHandle {
  constructor(
    private readonly timers: TimerApi<Id>,
    private id: Id | null,
  ) {}

  cancel(): void {
    if (this.id === null) return;
    this.timers.clear(this.id);
    this.id = null;
  }
}

/**
 * The control loop's ticker: Timer.repeat. Moddable timers have whole-millisecond intervals,
 * so a period is rounded to the nearest millisecond (at least 1): 100 Hz is exact, 300 Hz runs
 * at 333 Hz. The firmware measures the real period with the clock and counts overruns
 * (src/control/loop-timing.ts); a late timer is called back to back until it has caught up.
 */
export class TimerTicker<Id> implements Ticker {
  constructor(private readonly timers: TimerApi<Id>) {}

  static intervalMs(periodMs: number): number {
    if (!(periodMs > 0) || !Number.isFinite(periodMs)) throw new RangeError(`repeat: period ${periodMs} ms must be positive`);
    const rounded = Math.round(periodMs);
    return rounded < 1 ? 1 : rounded;
  }

  repeat(periodMs: number, onTick: () => void): TickerHandle {
    const id = this.timers.repeat(onTick, TimerTicker.intervalMs(periodMs));
    return new TimerHandle(this.timers, id);
  }
}
