/** Monotonic time source. Milliseconds everywhere; microseconds only where the platform has them. */
export interface Clock {
  /** Monotonic milliseconds since an arbitrary origin (may be fractional on the host). */
  nowMs(): number;
}

export interface TickerHandle {
  cancel(): void;
}

/**
 * Fixed-rate callback source (Moddable: Timer.repeat). Implementations may call back
 * late and, after a stall, several times back to back: the loop measures its own period
 * with the Clock and counts overruns.
 */
export interface Ticker {
  repeat(periodMs: number, onTick: () => void): TickerHandle;
}
