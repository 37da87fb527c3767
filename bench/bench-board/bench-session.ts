// A dry run on the bench board: the simulated press, the firmware composed on the ESP32
// drivers over fake IO instead of the simulated HAL, stepped as runSession steps it. Runs in
// Node and in XS (no Node modules).
import type { BoardConfig } from '../../hal/esp32/config';
import type { DryRunOptions, DryRunResult, DryRunSession } from '../../host-sim/scenario';
import { DryRunDriver, createDryRunSession } from '../../host-sim/scenario';
import type { BenchBoardOptions } from './bench-board';
import { BenchBoard } from './bench-board';

export interface BenchRun {
  readonly session: DryRunSession;
  readonly bench: BenchBoard;
  readonly driver: DryRunDriver;
}

/** Builds the session (program stored and selected, as createDryRunSession does) and its driver; the firmware starts. */
export function createBenchRun(programJson: unknown, config: BoardConfig, options: Partial<DryRunOptions> = {}, boardOptions: Partial<BenchBoardOptions> = {}): BenchRun {
  let bench: BenchBoard | null = null;
  const session = createDryRunSession(programJson, {
    ...options,
    board: (sim) => {
      bench = new BenchBoard(sim, config, boardOptions);
      return bench.board;
    },
  });
  if (bench === null) throw new Error('bench run: the board was not built');
  return { session, bench, driver: new DryRunDriver(session, options) };
}

/** Runs to the end of the program: one physics step at a time, the bench's DRDY edges read after each. */
export function runBench(run: BenchRun): DryRunResult {
  const { driver, bench } = run;
  while (!driver.advance(1)) bench.afterStep();
  return driver.result();
}
