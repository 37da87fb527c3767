import type { Board } from '../../hal/board';
import type { LoadCellCalibration } from '../loadcell/calibration';
import type { LoadCellPipeline } from '../loadcell/pipeline';
import { stepName } from '../programs/compile';
import type { PressPort, ProgramDefinition } from '../protocol/press-port';
import type { StatusModel } from '../protocol/status';
import { EventCause } from '../runner/run-events';
import { RUN_STATE_NAMES, RunState } from '../runner/run-state';
import type { Sequencer } from '../runner/sequencer';
import type { SafetySupervisor } from '../safety/supervisor';
import type { CalibrationRecord } from '../store/calibration-record';
import type { LoadedProgram } from '../store/press-store';
import type { JournalRun, RunLog } from '../store/run-journal';
import type { PressCalibration } from './press-calibration';
import type { ProgramLibrary } from './program-library';
import type { RunControl } from './run-control';
import type { StoreGuard } from './store-guard';
import type { StoreIntegrity } from './store-integrity';
import { runOutcome } from './run-recorder';
import { outsideToleranceSteps } from '../runner/tolerance-text';
import type { WallClock } from '../time/wall-clock';

/** The press as the protocol sees it (src/protocol/press-port.ts): each member answered by the part of the press that owns it. */
export class ProtocolPort implements PressPort {
  constructor(
    private readonly board: Board,
    private readonly loadCell: LoadCellPipeline,
    private readonly sequencer: Sequencer,
    private readonly safety: SafetySupervisor,
    private readonly guard: StoreGuard,
    private readonly library: ProgramLibrary,
    private readonly runControl: RunControl,
    private readonly integrity: StoreIntegrity,
    private readonly calibration: PressCalibration,
    private readonly trajectory: { readonly setpointMPa: number },
    readonly wallClock: WallClock,
  ) {}

  nowMs(): number {
    return this.board.clock.nowMs();
  }

  get forceKN(): number {
    return this.loadCell.forceKN;
  }
  get pressureMPa(): number {
    return this.loadCell.pressureMPa;
  }
  get rawCounts(): number {
    return this.loadCell.rawCounts;
  }

  get busy(): boolean {
    return this.guard.busy;
  }
  programNames(): string[] {
    return this.guard.store.programNames();
  }
  hasProgram(name: string): boolean {
    return this.guard.store.hasProgram(name);
  }
  defineProgram(json: unknown): ProgramDefinition {
    return this.library.define(json);
  }
  storedProgram(name: string): LoadedProgram | null {
    return this.guard.store.loadProgram(name);
  }
  storedWarnings(name: string): string[] | string | null {
    return this.library.storedWarnings(name);
  }
  programDateS(name: string): number | null {
    return this.guard.store.programDateS(name);
  }
  deleteProgram(name: string): string | null {
    return this.library.deleteStored(name);
  }
  selectProgram(name: string): string | null {
    return this.library.selectStored(name);
  }
  get selectedProgramName(): string | null {
    const program = this.sequencer.program;
    return program === null ? null : program.name;
  }

  startRun(origin: number): number {
    return this.runControl.start(EventCause.startRemote, origin);
  }
  abortRun(cause: number, origin: number): number {
    return this.runControl.abort(cause, origin);
  }
  continueRun(origin: number): number {
    return this.runControl.continueRun(EventCause.continueRemote, origin);
  }
  get runOwner(): number {
    return this.runControl.runOwner;
  }
  get stateName(): string {
    return RUN_STATE_NAMES[this.sequencer.state];
  }
  get stepNumber(): number {
    return this.sequencer.stepIndex + 1;
  }
  get stepCount(): number {
    const program = this.sequencer.program;
    return program === null ? 0 : program.stepCount;
  }
  get stepTimeLeftS(): number {
    const seq = this.sequencer;
    return seq.stepIndex < 0 || !seq.active ? 0 : seq.stepTimeLeftS(seq.state === RunState.paused ? seq.pausedAtMs : this.board.clock.nowMs());
  }
  get stepName(): string {
    return stepName(this.sequencer.program, this.sequencer.stepIndex);
  }
  get runOutcome(): number {
    return runOutcome(this.sequencer);
  }
  get outsideTolerance(): string {
    const seq = this.sequencer;
    return seq.stepsOutsideTolerance === 0 || seq.program === null || seq.stats === null ? '' : outsideToleranceSteps(seq.program, seq.stats);
  }
  get setpointMPa(): number {
    return this.sequencer.active ? this.trajectory.setpointMPa : NaN;
  }
  get stepTargetMPa(): number {
    return this.sequencer.active ? this.sequencer.targetMPa : NaN;
  }
  get stepBandMPa(): number {
    return this.sequencer.active ? this.sequencer.bandMPa : NaN;
  }
  get prompt(): string {
    const seq = this.sequencer;
    const program = seq.program;
    return seq.state === RunState.waiting && program !== null ? program.prompts[seq.stepIndex] : '';
  }

  get latchedFault(): number {
    return this.safety.latchedFault;
  }
  resetFault(origin: number): number {
    return this.runControl.resetFault(EventCause.faultResetRemote, origin);
  }
  remoteFaultResetSetting(): number | string | undefined {
    return this.guard.remoteFaultResetSetting();
  }

  get storeTestCode(): number {
    return this.integrity.testCode;
  }
  get storeSummary(): string {
    return this.integrity.summary;
  }
  reportStore(status: StatusModel): void {
    this.integrity.report(status);
  }
  runs(limit: number): JournalRun[] {
    return this.guard.store.journal.runs(limit);
  }
  runLog(runId: number): RunLog | null {
    return this.guard.store.journal.runLog(runId);
  }
  runStepLabels(log: RunLog): string[] {
    const program = this.sequencer.program;
    if (!log.startFound || program === null || program.name !== log.run.programName || this.library.programHash !== log.run.programHash) return [];
    return program.labels.map((_, index) => stepName(program, index));
  }

  get calibrationAuthority() {
    return this.calibration.authority;
  }
  get loadCellCapacityKN(): number {
    return this.board.limits.loadCellCapacityKN;
  }
  get commissionedCalibration(): LoadCellCalibration {
    return this.calibration.commissioned;
  }
  get calibrationInForce(): LoadCellCalibration {
    return this.loadCell.calibration;
  }
  get calibrationRecordInForce(): CalibrationRecord | null {
    return this.calibration.fromStore ? this.guard.store.currentCalibration() : null;
  }
  storedCode(): { salt: number; hash: number } | null {
    return this.calibration.storedCode();
  }
  saveWrongCodes(count: number): string | null {
    return this.calibration.saveWrongCodes(count);
  }
  calibrationEvent(cause: number, detail: number): void {
    this.calibration.event(cause, detail);
  }
  addCalibration(record: CalibrationRecord): string | null {
    return this.calibration.add(record);
  }
}
