/**
 * Operator and interlock inputs, in logical sense (true = asserted), as the pins read now.
 * The firmware samples them every tick and debounces them itself (src/operator/debounce.ts),
 * so every board gets the same debounce and the simulator can test it with bouncing contacts.
 */
export interface OperatorInputs {
  /** Emergency stop pressed (the e-stop also cuts pump power in hardware). */
  readonly estop: boolean;
  /** Guard / shield closed and locked. */
  readonly guardClosed: boolean;
  readonly startPressed: boolean;
  readonly stopPressed: boolean;
  readonly continuePressed: boolean;
}
