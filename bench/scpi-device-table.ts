// The press's real command table on a simulated press, for the fuzz bench:
//   npm run bench:scpi -- --table bench/scpi-device-table.ts
import type { CommandTable } from '../src/protocol/command-table';
import { VirtualInstrument } from '../host-sim/virtual-instrument';
import { SimFlash } from '../host-sim/hal/sim-flash';

/**
 * A fresh simulated press (booted, idle, blank flash) and its firmware's table. The flash is a
 * 96 KB partition (16 blocks of programs, 8 of run log) rather than the board's 1 MB: the fuzz
 * builds a press for every split check, and the store's code paths are the same.
 */
export function createScpiTable(): CommandTable {
  const instrument = new VirtualInstrument({ seed: 1, flash: new SimFlash(24 * 4096), firmware: { storeObjectBlocks: 16 } });
  instrument.advanceTo(0.05);
  return instrument.firmware.commandTable;
}
