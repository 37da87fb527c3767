// Moddable "timer" module (documentation/base/base.md, class Timer). Timers run on the one JS
// thread: a callback that is due while another callback runs is called when that one returns,
// and a repeating timer that fell behind is called back to back until it has caught up.
declare module 'timer' {
  /** An opaque timer: only Timer's functions make one, only they take one. */
  class TimerId {
    private constructor();
    private readonly timer: true;
  }
  type TimerCallback = (timer: TimerId) => void;

  const Timer: {
    /** Calls back once after `intervalMs` (0: as soon as possible), then every `repeatMs` when given. */
    set(callback: TimerCallback, intervalMs?: number, repeatMs?: number): TimerId;
    /** Calls back every `intervalMs` (whole milliseconds) until cleared. */
    repeat(callback: TimerCallback, intervalMs: number): TimerId;
    schedule(timer: TimerId, intervalMs?: number, repeatMs?: number): void;
    clear(timer: TimerId | undefined | null): void;
    /** Busy-waits `milliseconds`: only for short hardware delays at start-up. */
    delay(milliseconds: number): void;
  };
  export default Timer;
}
