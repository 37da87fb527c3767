import type { Sequencer } from '../runner/sequencer';
import type { SafetySupervisor } from '../safety/supervisor';

/** Latches a fault in the supervisor and ends the run in FAULT, letting the load down as the supervisor says. */
export function latchFault(safety: SafetySupervisor, sequencer: Sequencer, code: number, nowMs: number, pressureMPa: number): void {
  safety.latch(code, nowMs);
  sequencer.fault(nowMs, pressureMPa, code, safety.unloads);
}
