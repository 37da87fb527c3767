import type { OperatorInputs } from '../inputs';
import type { DigitalIn } from './io';

/** One input pin and the level at which it is asserted. */
export class InputLine {
  readonly assertedLevel: number;
  constructor(
    readonly pin: DigitalIn,
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
  // The pins and their asserted levels are read directly, not through InputLine.asserted: the
  // firmware reads all five every tick, and in XS each getter call costs about what the pin read does.
  private readonly estopPin: DigitalIn;
  private readonly estopLevel: number;
  private readonly guardClosedPin: DigitalIn;
  private readonly guardClosedLevel: number;
  private readonly startPin: DigitalIn;
  private readonly startLevel: number;
  private readonly stopPin: DigitalIn;
  private readonly stopLevel: number;
  private readonly continuePin: DigitalIn;
  private readonly continueLevel: number;

  constructor(estop: InputLine, guardClosed: InputLine, start: InputLine, stop: InputLine, continueLine: InputLine | null) {
    const cont = continueLine ?? new InputLine({ read: () => 0 }, false);
    this.estopPin = estop.pin;
    this.estopLevel = estop.assertedLevel;
    this.guardClosedPin = guardClosed.pin;
    this.guardClosedLevel = guardClosed.assertedLevel;
    this.startPin = start.pin;
    this.startLevel = start.assertedLevel;
    this.stopPin = stop.pin;
    this.stopLevel = stop.assertedLevel;
    this.continuePin = cont.pin;
    this.continueLevel = cont.assertedLevel;
  }

  get estop(): boolean {
    return this.estopPin.read() === this.estopLevel;
  }

  get guardClosed(): boolean {
    return this.guardClosedPin.read() === this.guardClosedLevel;
  }

  get startPressed(): boolean {
    return this.startPin.read() === this.startLevel;
  }

  get stopPressed(): boolean {
    return this.stopPin.read() === this.stopLevel;
  }

  get continuePressed(): boolean {
    return this.continuePin.read() === this.continueLevel;
  }
}
