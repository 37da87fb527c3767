import { STATUS_SIGNALS } from '../panel';

/** One beep and the pause after it, ms. */
export const BEEP_ON_MS = 100;
export const BEEP_OFF_MS = 200;
const BEEP_PERIOD_MS = BEEP_ON_MS + BEEP_OFF_MS;

/**
 * Plays a status pattern (hal/panel.ts STATUS_SIGNALS) on the LED and the buzzer: the LED
 * blinks with the pattern's on/off times from the moment the pattern was entered; the buzzer
 * beeps beepsOnEntry times on entry, then once every beepRepeatMs. update() gives the levels
 * at a time; the board calls it with every panel refresh, so the edges land on that grid.
 */
export class StatusSignalPlayer {
  led = false;
  buzzer = false;
  private pattern = -1;
  private enteredMs = 0;
  private burstStartMs = 0;
  private burstBeeps = 0;
  private nextRepeatMs = Infinity;

  /** Enters a pattern; the same pattern again changes nothing. */
  setPattern(pattern: number, nowMs: number): void {
    if (pattern === this.pattern) return;
    this.pattern = pattern;
    this.enteredMs = nowMs;
    const signal = STATUS_SIGNALS[pattern];
    this.burstStartMs = nowMs;
    this.burstBeeps = signal === undefined ? 0 : signal.beepsOnEntry;
    this.nextRepeatMs = signal === undefined || signal.beepRepeatMs <= 0 ? Infinity : nowMs + signal.beepRepeatMs;
  }

  update(nowMs: number): void {
    const signal = STATUS_SIGNALS[this.pattern];
    if (signal === undefined) {
      this.led = false;
      this.buzzer = false;
      return;
    }
    if (signal.ledOnMs <= 0) this.led = false;
    else if (signal.ledOffMs <= 0) this.led = true;
    else this.led = (nowMs - this.enteredMs) % (signal.ledOnMs + signal.ledOffMs) < signal.ledOnMs;

    if (nowMs >= this.nextRepeatMs) {
      this.burstStartMs = this.nextRepeatMs;
      this.burstBeeps = 1;
      this.nextRepeatMs += signal.beepRepeatMs;
    }
    const sinceMs = nowMs - this.burstStartMs;
    this.buzzer = this.burstBeeps > 0 && sinceMs >= 0 && sinceMs < this.burstBeeps * BEEP_PERIOD_MS && sinceMs % BEEP_PERIOD_MS < BEEP_ON_MS;
  }
}
