/**
 * Hydraulic actuators. Every command carries a lease: if it is not renewed within
 * `leaseMs` the output falls back to its safe state by itself (pump off, release valve to
 * its configured fallback). A stalled control loop therefore cannot leave the pump running.
 */
export interface LeasedOutput {
  /** Sets the output level in [0, 1] until `leaseMs` from now. Out-of-range levels are clamped. */
  command(level: number, leaseMs: number): void;
  /** Drives the safe state at once and cancels the lease. */
  safe(): void;
  /** The level actually applied now (0 after the lease ran out). */
  readonly appliedLevel: number;
  /** How many times the lease ran out since start-up. */
  readonly leaseExpiries: number;
}

/** Pump motor: level is speed (PWM duty) for a variable-speed pump, on/off above 0.5 for a relay. */
export interface Pump extends LeasedOutput {
  readonly proportional: boolean;
}

/** Release (dump) valve: level is opening; 1 = fully open. */
export interface ReleaseValve extends LeasedOutput {
  readonly proportional: boolean;
  /** Level the valve takes when its lease expires (1 = open: drop the load; 0 = hold it). */
  readonly fallbackLevel: number;
}
