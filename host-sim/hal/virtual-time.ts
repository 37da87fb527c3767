import type { Clock, Ticker, TickerHandle } from '../../hal/clock';

/** Virtual time in whole microseconds, advanced only by the simulator. */
export class VirtualClock implements Clock {
  nowUs = 0;
  nowMs(): number {
    return this.nowUs / 1000;
  }
}

interface Repeater {
  periodUs: number;
  nextDueUs: number;
  onTick: () => void;
  active: boolean;
}

/** Fires repeat() callbacks when the simulator moves virtual time past their due time. */
export class VirtualTicker implements Ticker {
  private readonly repeaters: Repeater[] = [];

  constructor(private readonly clock: VirtualClock) {}

  repeat(periodMs: number, onTick: () => void): TickerHandle {
    const periodUs = Math.round(periodMs * 1000);
    if (!(periodUs > 0)) throw new RangeError(`repeat: period ${periodMs} ms must be positive`);
    const repeater: Repeater = { periodUs, nextDueUs: this.clock.nowUs + periodUs, onTick, active: true };
    this.repeaters.push(repeater);
    return {
      cancel: () => {
        repeater.active = false;
        const index = this.repeaters.indexOf(repeater);
        if (index >= 0) this.repeaters.splice(index, 1);
      },
    };
  }

  /** Stops every repeater (the chip resets or loses power). */
  cancelAll(): void {
    for (let i = 0; i < this.repeaters.length; i++) this.repeaters[i].active = false;
    this.repeaters.length = 0;
  }

  /** Earliest due time of any active repeater (Infinity when none). */
  nextDueUs(): number {
    let next = Infinity;
    for (let i = 0; i < this.repeaters.length; i++) {
      if (this.repeaters[i].nextDueUs < next) next = this.repeaters[i].nextDueUs;
    }
    return next;
  }

  /** Moves every due repeater past now without running it (the CPU is not powered). */
  skipDue(): void {
    const now = this.clock.nowUs;
    for (let i = 0; i < this.repeaters.length; i++) {
      const r = this.repeaters[i];
      while (r.nextDueUs <= now) r.nextDueUs += r.periodUs;
    }
  }

  /** Runs every callback due at or before now (each at most once per call). */
  fireDue(): void {
    const now = this.clock.nowUs;
    for (let i = 0; i < this.repeaters.length; i++) {
      const r = this.repeaters[i];
      if (r.active && r.nextDueUs <= now) {
        r.nextDueUs += r.periodUs;
        r.onTick();
      }
    }
  }
}
