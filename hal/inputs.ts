/** Operator and interlock inputs, already in logical sense (true = asserted). Debouncing is the driver's job. */
export interface OperatorInputs {
  /** Emergency stop pressed (the e-stop also cuts pump power in hardware). */
  readonly estop: boolean;
  /** Guard / shield closed and locked. */
  readonly guardClosed: boolean;
  readonly startPressed: boolean;
  readonly stopPressed: boolean;
  readonly continuePressed: boolean;
}
