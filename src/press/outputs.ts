import type { Board } from '../../hal/board';
import type { LoopTiming } from '../control/loop-timing';

/** Output leases granted around a flash write or erase, which stalls the loop for tens of ms on the chip. */
const FLASH_LEASE_MS = 250;

/**
 * The press's three outputs (pump power, pump, release valve), each commanded with a lease
 * that ends by itself when the loop stops renewing it, and the levels the last tick drove
 * them at: what the safety supervisor judges the hydraulics against.
 */
export class PressOutputs {
  drivenPumpLevel = 0;
  drivenReleaseLevel = 1;

  constructor(
    private readonly board: Board,
    private readonly timing: LoopTiming,
    readonly leaseMs: number,
  ) {}

  /** One tick's commands: the pump runs only while powered. */
  drive(pumpPowered: boolean, pumpLevel: number, releaseLevel: number): void {
    const board = this.board;
    const leaseMs = this.leaseMs;
    board.pumpPower.command(pumpPowered ? 1 : 0, leaseMs);
    board.pump.command(pumpPowered ? pumpLevel : 0, leaseMs);
    board.releaseValve.command(releaseLevel, leaseMs);
    this.drivenPumpLevel = pumpPowered ? pumpLevel : 0;
    this.drivenReleaseLevel = releaseLevel;
  }

  /** Every output at its safe level (pump and power off, release open): boot and a clean stop. */
  safe(): void {
    const board = this.board;
    board.pump.safe();
    board.pumpPower.safe();
    board.releaseValve.safe();
  }

  /**
   * A flash write or erase stalls the CPU on the chip: the outputs get a lease long enough to
   * cover it (pump off, release valve where it is), and the loop's timing restarts afterwards
   * instead of reading the gap as a stall.
   */
  holdForFlash(write: () => void): void {
    const board = this.board;
    board.pump.command(0, FLASH_LEASE_MS);
    board.releaseValve.command(this.drivenReleaseLevel, FLASH_LEASE_MS);
    board.pumpPower.command(0, FLASH_LEASE_MS);
    this.drivenPumpLevel = 0;
    try {
      write();
    } finally {
      this.timing.restart();
    }
  }
}
