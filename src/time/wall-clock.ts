import type { Clock } from '../../hal/clock';
import { SECONDS_PER_DAY, civilFromDays, dateError, daysFromCivil, timeError } from './civil-date';

/**
 * The press's calendar clock, UTC. The board has no battery-backed clock: the host sets it
 * (SYST:DATE, SYST:TIME) and it runs on the monotonic clock until power-off or reset, when it is
 * not set again. It is set once both a date and a time of day were given since power-on; each
 * replaces its own part and keeps the other, running.
 */
export class WallClock {
  private dateSet = false;
  private timeSet = false;
  /** UTC seconds since 1970 at monotonic `referenceMs` (before anything is set: 0, 1970-01-01 00:00). */
  private referenceS = 0;
  private referenceMs = 0;
  private readonly civil = new Int32Array(3);

  constructor(private readonly clock: Clock) {}

  get isSet(): boolean {
    return this.dateSet && this.timeSet;
  }

  /** Seconds since 1970 UTC now, with their fraction; meaningful only when isSet. */
  private nowS(nowMs: number): number {
    return this.referenceS + (nowMs - this.referenceMs) / 1000;
  }

  /** Whole seconds since 1970 UTC now; 0 when the clock is not set (CAL's dateS convention). */
  utcS(): number {
    return this.isSet ? Math.floor(this.nowS(this.clock.nowMs())) : 0;
  }

  /** Sets the date, keeping the time of day. Returns why not (naming the field), or null. */
  setDate(year: number, month: number, day: number): string | null {
    const wrong = dateError(year, month, day);
    if (wrong !== null) return wrong;
    const nowMs = this.clock.nowMs();
    const now = this.nowS(nowMs);
    const secondOfDay = now - Math.floor(now / SECONDS_PER_DAY) * SECONDS_PER_DAY;
    this.referenceS = daysFromCivil(year, month, day) * SECONDS_PER_DAY + secondOfDay;
    this.referenceMs = nowMs;
    this.dateSet = true;
    return null;
  }

  /** Sets the time of day, keeping the date. Returns why not (naming the field), or null. */
  setTime(hour: number, minute: number, second: number): string | null {
    const wrong = timeError(hour, minute, second);
    if (wrong !== null) return wrong;
    const nowMs = this.clock.nowMs();
    const day = Math.floor(this.nowS(nowMs) / SECONDS_PER_DAY);
    this.referenceS = day * SECONDS_PER_DAY + hour * 3600 + minute * 60 + second;
    this.referenceMs = nowMs;
    this.timeSet = true;
    return null;
  }

  /** [year, month, day] now, or null when the clock is not set. */
  date(): number[] | null {
    if (!this.isSet) return null;
    const civil = civilFromDays(Math.floor(this.utcS() / SECONDS_PER_DAY), this.civil);
    return [civil[0], civil[1], civil[2]];
  }

  /** [hour, minute, second] now, or null when the clock is not set. */
  time(): number[] | null {
    if (!this.isSet) return null;
    const utcS = this.utcS();
    const second = utcS - Math.floor(utcS / SECONDS_PER_DAY) * SECONDS_PER_DAY;
    return [Math.floor(second / 3600), Math.floor((second % 3600) / 60), second % 60];
  }
}
