/**
 * The firmware on the simulated press as an instrument: booted, its loop running, no program
 * selected and no simulated operator pressing buttons — a remote client drives it over the
 * protocol (the simulated serial port, or sessions of its own for TCP connections). Time
 * advances only when advanceTo() is called; the caller paces it.
 */
import type { FirmwareConfig, PressFirmware } from '../src/firmware';
import type { PressApp } from '../src/press-app';
import { composePress } from '../src/press-app';
import { ScpiSession } from '../src/protocol/session';
import { defaultSimulatorOptions, simulatedCalibration, simulatedFirmwareChanges } from './scenario';
import { PressSimulator } from './simulator';
import type { SimFlash } from './hal/sim-flash';
import type { Plant } from './plants';
import { DEFAULT_PLANT } from './plants';

export interface VirtualInstrumentOptions {
  seed: number;
  plant: Plant;
  /** The controller's flash partition (a file-backed one keeps programs and logs). */
  flash?: SimFlash;
  /** Bore of the simulated die, mm. */
  dieDiameterMm: number;
  /** Changes to the firmware configuration (e.g. a smaller store on a smaller flash). */
  firmware?: Partial<FirmwareConfig>;
  /** Someone at the press accepts calibration requests (SimulatorOptions.acceptCalibrationRequests). */
  acceptCalibrationRequests?: boolean;
  /** The board has no oil-pressure transducer, as the ESP32 board has none (default: the simulator's is fitted). */
  withoutOilTransducer?: boolean;
}

export class VirtualInstrument {
  readonly sim: PressSimulator;
  /** The press on the simulated board, from the composition root. */
  readonly app: PressApp;

  constructor(options: Partial<VirtualInstrumentOptions> = {}) {
    const plant = options.plant ?? DEFAULT_PLANT;
    const simOptions = { ...defaultSimulatorOptions(options.seed ?? 1, plant), autoOperator: false, flash: options.flash, acceptCalibrationRequests: options.acceptCalibrationRequests === true };
    if (options.dieDiameterMm !== undefined) simOptions.dieDiameterMm = options.dieDiameterMm;
    this.sim = new PressSimulator(simOptions);
    const board = options.withoutOilTransducer === true ? { ...this.sim.board, oilPressure: undefined } : this.sim.board;
    this.app = composePress(board, simulatedCalibration(simOptions.sensor), { ...simulatedFirmwareChanges(simOptions.sensor), ...options.firmware });
    this.app.start();
    this.sim.onReset = () => this.app.restart();
  }

  /** The firmware running now: a new one after a simulated reset. */
  get firmware(): PressFirmware {
    return this.app.firmware;
  }

  /** A protocol session on the running firmware's commands (one per TCP connection). */
  createSession(): ScpiSession {
    return new ScpiSession(this.firmware.commandTable);
  }

  get timeS(): number {
    return this.sim.timeS;
  }

  /** Runs the simulation up to `simS` seconds, or until `maxSteps` physics steps have run. Returns true when it got there. */
  advanceTo(simS: number, maxSteps = Infinity): boolean {
    const endUs = simS * 1e6;
    const sim = this.sim;
    for (let n = 0; n < maxSteps; n++) {
      if (sim.clock.nowUs >= endUs) return true;
      sim.step();
    }
    return sim.clock.nowUs >= endUs;
  }

  stop(): void {
    this.app.stop();
  }
}
