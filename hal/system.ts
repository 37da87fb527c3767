/** Why the controller (re)started, as the board reports it. */
export const ResetReason = Object.freeze({
  powerOn: 0,
  software: 1,
  watchdog: 2,
  brownout: 3,
  panic: 4,
  unknown: 5,
} as const);

/**
 * The chip's reset reason and its task watchdog. The firmware feeds the watchdog at the end
 * of a tick that read a fresh load-cell sample and wrote its outputs: a hung loop, or one
 * that runs without a sensor, lets it bite and the board restarts in the safe state.
 */
export interface SystemControl {
  readonly resetReason: number;
  /** Watchdog timeout, ms (0 when the board has none). */
  readonly watchdogTimeoutMs: number;
  feedWatchdog(): void;
}
