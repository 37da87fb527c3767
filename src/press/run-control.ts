import type { Board } from '../../hal/board';
import type { LoadCellPipeline } from '../loadcell/pipeline';
import type { CompiledProgram } from '../programs/compile';
import { EventCause, Origin, Refusal, refusalNotice } from '../runner/run-events';
import { RunState } from '../runner/run-state';
import type { Sequencer } from '../runner/sequencer';
import { faultRemoteResettable, pressOnlyResetNotice } from '../safety/faults';
import type { SafetySupervisor } from '../safety/supervisor';
import type { Interlocks } from './interlocks';
import type { PanelNotice } from './notice';
import type { ProgramLibrary } from './program-library';
import type { RunRecorder } from './run-recorder';
import type { StoreGuard } from './store-guard';
import type { StoreIntegrity } from './store-integrity';

/** The largest origin an event's 16-bit detail holds; later session ids are recorded as this. */
const MAX_ORIGIN_DETAIL = 65535;

/** An origin as an event's 16-bit detail. */
export function originDetail(origin: number): number {
  return origin > MAX_ORIGIN_DETAIL ? MAX_ORIGIN_DETAIL : origin;
}

/** What the control tick does when a run starts or a paused run resumes (its law and setpoint start afresh). */
export interface RunStartHooks {
  runStarting(pressureMPa: number): void;
  resumed(pressureMPa: number): void;
}

/**
 * Starting, continuing and stopping runs and clearing faults, from the press's buttons and
 * from protocol sessions alike: who may (docs/protocol.md, "Who may stop a run"), what is
 * refused and why, and the record of every refusal in the event log.
 */
export class RunControl {
  /** Who started the current (or last) run: Origin.press (0) or the protocol session's id. */
  runOwner: number = Origin.press;

  constructor(
    private readonly board: Board,
    private readonly sequencer: Sequencer,
    private readonly safety: SafetySupervisor,
    private readonly loadCell: LoadCellPipeline,
    private readonly interlocks: Interlocks,
    private readonly tick: RunStartHooks,
    private readonly recorder: RunRecorder,
    private readonly library: ProgramLibrary,
    private readonly guard: StoreGuard,
    private readonly integrity: StoreIntegrity,
    private readonly notice: PanelNotice,
  ) {}

  /** Starts the selected program; the run belongs to `origin`. Returns 0, or the Refusal when it cannot start. */
  start(cause: number = EventCause.startRemote, origin: number = Origin.press): number {
    const seq = this.sequencer;
    const nowMs = this.board.clock.nowMs();
    const pressure = this.loadCell.pressureMPa;
    let refusal = 0;
    if (this.interlocks.estop.state) refusal = Refusal.estop;
    else if (this.safety.tripped) refusal = Refusal.faultLatched;
    else if (this.integrity.calibrationLost) refusal = Refusal.calibrationLost;
    else if (seq.program === null) refusal = Refusal.noProgram;
    else if (seq.active) refusal = Refusal.busy;
    else if (seq.unloading) refusal = Refusal.unloading;
    else if (this.interlocks.guardOpen.state) refusal = Refusal.guardOpen;
    if (refusal !== 0) return this.refuse(refusal, nowMs, pressure);
    this.tick.runStarting(pressure);
    const programHash = this.library.programHash;
    this.recorder.prepare(nowMs, programHash);
    seq.start(nowMs, pressure, cause, originDetail(origin));
    this.runOwner = origin;
    this.recorder.begin((seq.program as CompiledProgram).name, programHash, nowMs);
    return 0;
  }

  /**
   * Answers a prompt, or resumes a paused run. The press (its Continue button) may always; a
   * protocol session only when it started the run: continuing moves the press on, so a stray
   * client must not. Returns 0, or the Refusal.
   */
  continueRun(cause: number = EventCause.continueRemote, origin: number = Origin.press): number {
    const seq = this.sequencer;
    const nowMs = this.board.clock.nowMs();
    const pressure = this.loadCell.pressureMPa;
    if (seq.state !== RunState.waiting && seq.state !== RunState.paused) return this.refuse(Refusal.notWaiting, nowMs, pressure);
    if (origin !== Origin.press && origin !== this.runOwner) return this.refuseFrom(Refusal.notOwner, EventCause.continueRefusedNotOwner, origin, refusalNotice(Refusal.notOwner));
    if (this.interlocks.guardOpen.state) return this.refuse(Refusal.guardOpen, nowMs, pressure);
    if (seq.state === RunState.paused) this.tick.resumed(pressure);
    seq.continueRun(nowMs, pressure, cause, originDetail(origin));
    return 0;
  }

  /**
   * Stop: ends the run ABORTED and lets the load down at the program's release rate. The press
   * and the session that started the run may always; another session only with the cause
   * EventCause.abortForced (ABOR:FORCe), so a stray client cannot end someone's 72 h run by
   * accident. Returns 0 (stopped, or no run to stop), or Refusal.notOwner.
   */
  abort(cause: number = EventCause.abortRemote, origin: number = Origin.press): number {
    const seq = this.sequencer;
    if (!seq.active) return 0;
    if (origin !== Origin.press && origin !== this.runOwner && cause !== EventCause.abortForced) {
      return this.refuseFrom(Refusal.notOwner, EventCause.abortRefusedNotOwner, origin, refusalNotice(Refusal.notOwner));
    }
    seq.abort(this.board.clock.nowMs(), this.loadCell.pressureMPa, cause, originDetail(origin));
    return 0;
  }

  /**
   * Clears a latched fault (explicit operator or protocol action). At the press (origin 0) any
   * fault; from the protocol only a process fault, and only when the setting
   * remote_fault_reset is 'process' (docs/faults.md). Returns 0, or the Refusal.
   */
  resetFault(cause: number = EventCause.faultResetRemote, origin: number = Origin.press): number {
    const nowMs = this.board.clock.nowMs();
    const pressure = this.loadCell.pressureMPa;
    if (!this.safety.tripped) return this.refuse(Refusal.noFault, nowMs, pressure);
    const fault = this.safety.latchedFault;
    if (origin !== Origin.press && !(this.guard.remoteFaultResetMode() === 'process' && faultRemoteResettable(fault))) {
      return this.refuseFrom(Refusal.resetAtPress, EventCause.faultResetRefusedRemote, origin, pressOnlyResetNotice(fault));
    }
    if (this.interlocks.estop.state || this.board.inputs.estop) return this.refuse(Refusal.estop, nowMs, pressure);
    this.safety.reset();
    this.sequencer.resetFault(nowMs, pressure, cause, originDetail(origin));
    return 0;
  }

  private refuse(refusal: number, nowMs: number, pressureMPa: number): number {
    const seq = this.sequencer;
    seq.events.record(nowMs, EventCause.refused, seq.state, seq.state, seq.stepIndex, pressureMPa, refusal);
    this.notice.show(refusalNotice(refusal), nowMs);
    return refusal;
  }

  /** A refusal of a protocol session's request, recorded with who asked (the cause names what was refused). */
  private refuseFrom(refusal: number, cause: number, origin: number, notice: string): number {
    const seq = this.sequencer;
    const nowMs = this.board.clock.nowMs();
    seq.events.record(nowMs, cause, seq.state, seq.state, seq.stepIndex, this.loadCell.pressureMPa, originDetail(origin));
    this.notice.show(notice, nowMs);
    return refusal;
  }
}
