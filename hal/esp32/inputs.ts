import type { OperatorInputs } from '../inputs';
import type { DigitalIn } from './io';

/** One input pin and the level at which it is asserted. */
export class InputLine {
  private readonly assertedLevel: number;
  constructor(
    private readonly pin: DigitalIn,
    activeLow: boolean,
  ) {
    this.assertedLevel = activeLow ? 0 : 1;
  }

  get asserted(): boolean {
    return this.pin.read() === this.assertedLevel;
  }
}

/**
 * The bench inputs as the pins read now, in logical sense, not debounced: the firmware
 * debounces every input itself (src/operator/debounce.ts). The e-stop and the guard are wired
 * so that a broken wire reads as pressed / open (docs/hardware.md). A board without a
 * Continue button passes null: it never reads pressed (Continue then comes over serial).
 */
export class PinInputs implements OperatorInputs {
  private readonly continueLine: InputLine;
  constructor(
    private readonly estopLine: InputLine,
    private readonly guardClosedLine: InputLine,
    private readonly startLine: InputLine,
    private readonly stopLine: InputLine,
    continueLine: InputLine | null,
  ) {
    this.continueLine = continueLine ?? new InputLine({ read: () => 0 }, false);
  }

  get estop(): boolean {
    return this.estopLine.asserted;
  }

  get guardClosed(): boolean {
    return this.guardClosedLine.asserted;
  }

  get startPressed(): boolean {
    return this.startLine.asserted;
  }

  get stopPressed(): boolean {
    return this.stopLine.asserted;
  }

  get continuePressed(): boolean {
    return this.continueLine.asserted;
  }
}
