import type { Board } from '../hal/board';
import type { FirmwareConfig } from './firmware';
import { PressFirmware, defaultFirmwareConfig } from './firmware';
import type { LoadCellCalibration } from './loadcell/calibration';

/**
 * The composition root: the one place where a Board becomes a press. Every entry point goes
 * through it — the ESP32 application (main.ts), the app on Moddable's Linux runtime
 * (host-sim/lin-main.ts), the dry run (host-sim/scenario.ts) and the virtual instrument
 * behind `press-sim serve` (host-sim/virtual-instrument.ts) — so the firmware they run is
 * put together the same way everywhere.
 *
 * A restart of the chip is a new firmware on the same board and flash: it boots safe, finds
 * what it finds in flash, selects nothing and resumes nothing.
 */
export class PressApp {
  /** The firmware running now: a new one after every restart. */
  firmware: PressFirmware;
  restarts = 0;

  constructor(
    readonly board: Board,
    readonly config: FirmwareConfig,
  ) {
    this.firmware = new PressFirmware(board, config);
  }

  /** Boots the firmware (reads the flash, records the boot) without starting its loop. */
  boot(): void {
    this.firmware.boot();
  }

  /** Boots if needed and starts the control loop, housekeeping and the protocol. */
  start(): void {
    this.firmware.start();
  }

  /** The chip restarted (reset, watchdog, power cycle): the old firmware is gone, a new one starts. */
  restart(): PressFirmware {
    this.firmware = new PressFirmware(this.board, this.config);
    this.restarts++;
    this.firmware.start();
    return this.firmware;
  }

  /** A clean stop: loop and timers end, outputs safe, the run log written out. */
  stop(): void {
    this.firmware.stop();
  }
}

/**
 * The firmware configuration of a press: the defaults, the board's load-cell calibration
 * (in force until flash holds a calibration of its own) and what an entry point changes.
 */
export function pressConfig(calibration: LoadCellCalibration, changes: Partial<FirmwareConfig> = {}): FirmwareConfig {
  return { ...defaultFirmwareConfig(calibration), ...changes };
}

/** A press on a board: the firmware composed, not yet booted. */
export function composePress(board: Board, calibration: LoadCellCalibration, changes: Partial<FirmwareConfig> = {}): PressApp {
  return new PressApp(board, pressConfig(calibration, changes));
}
