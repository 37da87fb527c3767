import type { OperatorInputs } from '../../hal/inputs';

/** Buttons and interlocks the simulated operator (or a fault) sets directly. */
export class SimInputs implements OperatorInputs {
  estop = false;
  guardClosed = true;
  startPressed = false;
  stopPressed = false;
  continuePressed = false;
}
