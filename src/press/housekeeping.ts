import type { Clock } from '../../hal/clock';
import { Demand } from '../runner/run-state';
import type { Sequencer } from '../runner/sequencer';
import type { RunJournal } from '../store/run-journal';
import { SampleBuffer } from '../store/sample-buffer';
import type { ControlTick } from './control-tick';
import type { PressCalibration } from './press-calibration';
import type { ProgramLibrary } from './program-library';
import type { RunRecorder } from './run-recorder';
import type { StoreGuard } from './store-guard';
import type { StoreIntegrity } from './store-integrity';

/**
 * Housekeeping outside the control tick, from its own timer: writes the run log's samples and,
 * after a run, its step summaries; writes an accepted store report; acts on a calibration
 * request confirmed at the press; erases the next run-log block when it is needed and the press
 * is quiet (idle, or nothing pumping), or when the samples held in RAM are about to overflow.
 */
export class Housekeeping {
  constructor(
    private readonly clock: Clock,
    private readonly journal: RunJournal,
    private readonly sequencer: Sequencer,
    private readonly tick: ControlTick,
    private readonly recorder: RunRecorder,
    private readonly library: ProgramLibrary,
    private readonly integrity: StoreIntegrity,
    private readonly calibration: PressCalibration,
    private readonly guard: StoreGuard,
  ) {}

  service(): void {
    const journal = this.journal;
    const seq = this.sequencer;
    const recorder = this.recorder;
    const nowMs = this.clock.nowMs();
    recorder.service(nowMs, this.library.programHash);
    if (this.integrity.acceptPending && !seq.active && !seq.unloading) this.integrity.writeAccepted();
    this.calibration.serviceRequest(nowMs);
    if (!journal.needsErase) return;
    const quiet = (!seq.active && !seq.unloading) || this.tick.lastDemand === Demand.idle;
    if (!quiet && recorder.samples.segmentsHeld < SampleBuffer.SEGMENTS - 1) return;
    this.eraseLogAhead();
    recorder.flushAged(nowMs);
  }

  /** Not inline in service(): XS boxes a local that a closure captures whenever the function holding it is entered, so there it cost a heap slot every 500 ms, erase or not. */
  private eraseLogAhead(): void {
    const journal = this.journal;
    this.guard.write(() => journal.eraseAhead());
  }
}
