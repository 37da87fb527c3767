import type { Clock, Ticker } from './clock';
import type { LoadCellAdc } from './loadcell-adc';
import type { OilPressureSensor } from './oil-pressure';
import type { PressCharacter } from './press-character';
import type { LeasedOutput, Pump, ReleaseValve } from './actuators';
import type { OperatorInputs } from './inputs';
import type { OperatorPanel } from './panel';
import type { FlashPartition } from './flash';
import type { SerialPort } from './serial';
import type { SystemControl } from './system';

/** Fixed facts of the machine a board drives. */
export interface PressLimits {
  /** Frame / ram force rating (kN). */
  maxForceKN: number;
  /** Full-scale force of the load cell (kN). */
  loadCellCapacityKN: number;
  /** Fastest pressure rise the pump can deliver on a stiff sample in the smallest die (MPa/s at the die). */
  maxRateMPaPerS: number;
}

/**
 * One struct of capabilities per board (the grblHAL idea): the ESP32 board and the
 * simulator each build one and hand it to the firmware at start-up. The firmware touches
 * hardware, time and storage only through this.
 */
export interface Board {
  readonly name: string;
  readonly clock: Clock;
  readonly ticker: Ticker;
  readonly loadCell: LoadCellAdc;
  readonly pump: Pump;
  /**
   * The pump's power contactor (level 1 = power on), in series with the e-stop chain: the
   * safety supervisor's own output, so a welded pump relay or a stuck motor driver can still
   * be stopped. Leased like every output; its safe level is off.
   */
  readonly pumpPower: LeasedOutput;
  readonly releaseValve: ReleaseValve;
  readonly inputs: OperatorInputs;
  readonly panel: OperatorPanel;
  readonly flash: FlashPartition;
  readonly serial: SerialPort;
  readonly system: SystemControl;
  readonly limits: PressLimits;
  /**
   * Oil-pressure transducer on the cylinder, where the press has one: the safety supervisor
   * cross-checks it against the load cell (docs/faults.md, 208 and 209). The simulator has
   * one; the ESP32 board has no driver for it yet.
   */
  readonly oilPressure?: OilPressureSensor;
  /** The press as commissioned (stick-slip, load-cell noise and drift, converter, pump), where it has been measured. */
  readonly character?: PressCharacter;
}
