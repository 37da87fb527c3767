import type { ControlDemand } from './control-demand';

/**
 * What the firmware's tick asks of a control law. Two implement it: the rate-space PI
 * controller the press runs, and the on/off baseline the benchmark compares it with.
 */
export interface PressureLaw {
  /** Pump speed to command, 0..1. */
  readonly pumpLevel: number;
  /** Release-valve opening to command, 0..1. */
  readonly releaseLevel: number;
  /** Outputs off, state cleared (run start, after a fault). */
  reset(): void;
  /** Forget what belongs to the previous step (its integral). */
  resetIntegral(): void;
  /**
   * Drive toward the demand's target at the step's programmed rate; the trajectory's setpoint
   * and its rate are the way there. `governed`: the setpoint is being held back because the
   * press cannot follow, so an integral must not grow. Reads the demand, keeps nothing of it.
   */
  track(demand: ControlDemand): void;
  /** Pump off, release closed. */
  idle(pressureMPa: number, dtS: number): void;
  /** Pump off, release fully open. */
  dump(pressureMPa: number, dtS: number): void;
}

/** Names of the laws in the firmware configuration. */
export type ControlLawName = 'pi' | 'on-off';
