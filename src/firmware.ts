import type { Board } from '../hal/board';
import type { PanelView } from '../hal/panel';
import type { TickerHandle } from '../hal/clock';
import { ResetReason } from '../hal/system';
import { LoadCellPipeline, PLACEHOLDER_DIE_AREA_MM2 } from './loadcell/pipeline';
import type { LoadCellCalibration } from './loadcell/calibration';
import type { CalibrationAuthority } from './loadcell/calibration-authority';
import type { SetpointTrajectory } from './control/trajectory';
import { PressureController } from './control/controller';
import { StrokeDelivery } from './control/stroke-delivery';
import { DelayCompensation, needsDelayCompensation } from './control/delay-compensation';
import { LoopTiming } from './control/loop-timing';
import { OnOffController } from './control/on-off';
import type { PressureLaw } from './control/pressure-law';
import type { CompiledProgram } from './programs/compile';
import type { DeviceCapabilities } from './programs/program';
import type { ValidationResult } from './programs/validate';
import { Sequencer } from './runner/sequencer';
import { RUN_STATE_NAMES } from './runner/run-state';
import type { RunReport } from './runner/report';
import { buildRunReport } from './runner/report';
import { EventCause, Origin } from './runner/run-events';
import { SafetySupervisor } from './safety/supervisor';
import { FaultCode } from './safety/faults';
import type { Debounced } from './operator/debounce';
import type { RunJournal } from './store/run-journal';
import type { StoreMountReport } from './store/press-store';
import { PressStore, storeLayout } from './store/press-store';
import type { CalibrationRecord } from './store/calibration-record';
import type { SampleBuffer } from './store/sample-buffer';
import type { CommandTable } from './protocol/command-table';
import { createDeviceCommandTable } from './protocol/device-commands';
import type { StatusModel } from './protocol/status';
import { ScpiSession } from './protocol/session';
import { SerialLink } from './protocol/serial-link';
import type { FirmwareConfig } from './press/config';
import { deviceCapabilities } from './press/config';
import { BenchInputs } from './press/bench-inputs';
import { ControlTick } from './press/control-tick';
import { Housekeeping } from './press/housekeeping';
import { Interlocks } from './press/interlocks';
import { latchFault } from './press/latch-fault';
import { PanelNotice } from './press/notice';
import { PressOutputs } from './press/outputs';
import { PanelPresenter } from './press/panel-presenter';
import { PressCalibration } from './press/press-calibration';
import { ProgramLibrary } from './press/program-library';
import { ProtocolPort } from './press/protocol-port';
import { WallClock } from './time/wall-clock';
import { RunControl } from './press/run-control';
import { RunRecorder } from './press/run-recorder';
import { StoreGuard } from './press/store-guard';
import { StoreIntegrity } from './press/store-integrity';

export type { FirmwareConfig } from './press/config';
export { defaultFirmwareConfig, deviceCapabilities } from './press/config';
export { REMOTE_FAULT_RESET_MODES, REMOTE_FAULT_RESET_SETTING } from './press/store-guard';

/** Housekeeping (flash erase-ahead) runs this often, outside the control tick, ms. */
const SERVICE_PERIOD_MS = 500;
/** The serial port's protocol session is serviced about this often (a whole number of loop periods, so it wakes with the loop), ms. */
const PROTOCOL_PERIOD_MS = 10;
/** A serial client quiet this long in the middle of a message loses the partial message (src/protocol/serial-link.ts), ms. */
const PROTOCOL_IDLE_CLEAR_MS = 1000;
/** Bytes the protocol reads from the serial port per service call at most. */
const PROTOCOL_CHUNK_BYTES = 256;

/**
 * The firmware: the parts of the press (docs/architecture.md, "The rooms"), each with one job,
 * composed over a Board and started on its ticker. All are created here, once, so nothing the
 * loop runs allocates:
 * - ControlTick (src/press/control-tick.ts): the fixed-rate loop, sample to outputs;
 * - RunControl: start, continue, abort, fault reset, and who may;
 * - ProgramLibrary: validate, store (dated by the WallClock the host sets), select, delete programs;
 * - PressCalibration: the calibration in force, the commissioned one, the code;
 * - BenchInputs: the bench's switches and what their edges do;
 * - PanelPresenter: the operator panel, from its own timer;
 * - RunRecorder: the run journal's records of a run;
 * - Housekeeping: flash writes and erases outside the tick;
 * - StoreGuard and StoreIntegrity: when the store may be written, and what its mount found;
 * - ProtocolPort: all the SCPI commands may touch (src/protocol/press-port.ts).
 * This class boots and starts them, and keeps the few entry points the host tools and tests use.
 */
export class PressFirmware {
  readonly capabilities: DeviceCapabilities;
  readonly loadCell: LoadCellPipeline;
  readonly sequencer = new Sequencer();
  readonly controller: PressureLaw;
  /** A piston pump's stroke-aware delivery (the board's character says 'piston', the PI law), else null. */
  readonly strokes: StrokeDelivery | null;
  /** A slow converter's delay compensation (the board's character, the PI law), else null. */
  readonly delay: DelayCompensation | null;
  readonly safety: SafetySupervisor;
  readonly timing: LoopTiming;
  readonly store: PressStore;
  readonly journal: RunJournal;
  readonly periodMs: number;
  readonly outputs: PressOutputs;
  readonly notice = new PanelNotice();
  readonly interlocks = new Interlocks();
  readonly guard: StoreGuard;
  readonly calibration: PressCalibration;
  readonly integrity: StoreIntegrity;
  readonly recorder: RunRecorder;
  readonly library: ProgramLibrary;
  /** The calendar clock the host sets (SYST:DATE, SYST:TIME): lost at power-off. */
  readonly wallClock: WallClock;
  readonly control: ControlTick;
  readonly runControl: RunControl;
  readonly inputs: BenchInputs;
  readonly presenter: PanelPresenter;
  readonly housekeeping: Housekeeping;
  readonly port: ProtocolPort;
  /** The SCPI commands (docs/protocol.md), shared by every session: the serial port's and, in the simulator, TCP connections'. */
  readonly commandTable: CommandTable;
  /** The protocol on board.serial, serviced from its own timer, never from the tick. */
  readonly serialLink: SerialLink;
  /** The run that a power loss or reset left open, found at boot (null when none). */
  interruptedRun: ReturnType<RunJournal['recordBoot']> = null;

  private tickerHandle: TickerHandle | null = null;
  private serviceHandle: TickerHandle | null = null;
  private protocolHandle: TickerHandle | null = null;
  private panelHandle: TickerHandle | null = null;

  constructor(readonly board: Board, readonly config: FirmwareConfig) {
    if (!(config.loopRateHz >= 50 && config.loopRateHz <= 1000)) {
      throw new RangeError(`loopRateHz: ${config.loopRateHz} is out of range (50 to 1000 Hz)`);
    }
    this.periodMs = 1000 / config.loopRateHz;
    const leaseMs = this.periodMs * config.leasePeriods;
    this.capabilities = deviceCapabilities(board.limits, config);
    const capacityKN = board.limits.loadCellCapacityKN;
    const clock = board.clock;
    const seq = this.sequencer;
    this.loadCell = new LoadCellPipeline(board.loadCell, config.calibration, PLACEHOLDER_DIE_AREA_MM2, config.staleAfterMs, { capacityKN, noiseLimitKN: config.noiseLimitKN });
    this.controller = config.controlLaw === 'on-off' ? new OnOffController() : new PressureController(config.tuning, config.loopRateHz);
    this.safety = new SafetySupervisor(board.limits.maxForceKN, capacityKN, leaseMs, config.calibration, board.oilPressure ?? null);
    this.timing = new LoopTiming(this.periodMs);
    this.store = new PressStore(board.flash, storeLayout(board.flash, config.storeObjectBlocks));
    this.journal = this.store.journal;
    this.outputs = new PressOutputs(board, this.timing, leaseMs);
    this.wallClock = new WallClock(clock);
    this.guard = new StoreGuard(this.store, seq, this.outputs);
    this.calibration = new PressCalibration(clock, this.loadCell, this.safety, seq, this.guard, this.notice, capacityKN);
    this.integrity = new StoreIntegrity(this.guard, this.calibration, seq, this.safety);
    this.recorder = new RunRecorder(clock, this.journal, seq, this.safety, this.loadCell, this.calibration, this.wallClock, this.store.layout.logBlocks * board.flash.blockLength);
    this.library = new ProgramLibrary(this.capabilities, clock, this.guard, seq, this.loadCell, this.safety, this.recorder, board.character ?? null, config.loopRateHz, this.wallClock);
    // The tick and run control know each other only through RunStartHooks; the inputs act through run control.
    // The press's commissioned character, where the board has one: a piston pump delivers in strokes.
    const character = board.character;
    const controller = this.controller;
    this.strokes = character !== undefined && character.pumpKind === 'piston' && controller instanceof PressureController ? new StrokeDelivery(character, controller) : null;
    const conversionAgeS = character !== undefined ? character.conversionAgeS : 0;
    // A slow converter: the law acts on the pressure now, predicted from its last conversion.
    this.delay =
      character !== undefined && controller instanceof PressureController && needsDelayCompensation(conversionAgeS, this.periodMs / 1000)
        ? new DelayCompensation(character, this.periodMs / 1000, controller, config.tuning.actuatorLagS)
        : null;
    // The gain estimator learns from what the tick knows better than the law's own pressure and commands.
    if (controller instanceof PressureController) controller.observation = this.delay !== null ? this.delay : this.strokes;
    if (controller instanceof PressureController && this.delay !== null) controller.breakawaysVisible = false;
    const control = (this.control = new ControlTick(board, this.timing, this.loadCell, seq, controller, this.safety, this.outputs, this.recorder, config.controlLaw === 'on-off', this.strokes, conversionAgeS, this.delay));
    this.runControl = new RunControl(board, seq, this.safety, this.loadCell, this.interlocks, control, this.recorder, this.library, this.guard, this.integrity, this.notice);
    this.inputs = new BenchInputs(board.inputs, this.interlocks, seq, this.safety, this.runControl, this.calibration.authority, this.integrity);
    control.connect(this.inputs);
    this.presenter = new PanelPresenter(clock, board.panel, seq, this.loadCell, this.safety, this.calibration.authority, this.integrity, this.notice);
    this.housekeeping = new Housekeeping(clock, this.journal, seq, control, this.recorder, this.library, this.integrity, this.calibration, this.guard);
    this.port = new ProtocolPort(board, this.loadCell, seq, this.safety, this.guard, this.library, this.runControl, this.integrity, this.calibration, control.trajectory, this.wallClock);
    this.commandTable = createDeviceCommandTable(this.port);
    this.serialLink = new SerialLink(board.serial, new ScpiSession(this.commandTable), PROTOCOL_CHUNK_BYTES, PROTOCOL_IDLE_CLEAR_MS);
  }

  /**
   * Start-up, before the loop runs: mounts the store, restores the calibration, records the
   * boot, and when a run was left open by a power loss or reset, marks it interrupted and
   * latches a fault so the operator sees it. Nothing moves and nothing resumes.
   */
  boot(): void {
    const guard = this.guard;
    if (guard.booted) return;
    guard.booted = true;
    const board = this.board;
    this.outputs.safe();
    const nowMs = board.clock.nowMs();
    const resetReason = board.system.resetReason;
    const seq = this.sequencer;
    seq.events.record(nowMs, EventCause.boot, seq.state, seq.state, -1, 0, resetReason);
    this.integrity.mountStore();
    this.calibration.restore(nowMs);
    this.integrity.judgeMount(nowMs, this.serialLink.session.status);
    this.interruptedRun = this.journal.recordBoot(resetReason);
    this.journal.setStoreFlags(this.integrity.storeFlags);
    if (this.interruptedRun !== null) seq.events.record(nowMs, EventCause.interruptedRunFound, seq.state, seq.state, -1, 0, this.interruptedRun.runId % 65536);
    if (resetReason === ResetReason.watchdog) latchFault(this.safety, seq, FaultCode.watchdogReset, nowMs, 0);
    else if (this.interruptedRun !== null) latchFault(this.safety, seq, FaultCode.runInterrupted, nowMs, 0);
  }

  /**
   * Boots if needed and starts, on the board's ticker, the fixed-rate loop, the panel, the
   * housekeeping and the protocol timers. The panel's timer comes right after the loop's, so
   * when both are due it shows what that tick decided.
   */
  start(): void {
    if (this.tickerHandle !== null) return;
    this.boot();
    const ticker = this.board.ticker;
    // Through the control tick's and the instance's own methods: a test or a meter may stand in for them.
    this.tickerHandle = ticker.repeat(this.periodMs, () => this.control.run());
    this.panelHandle = ticker.repeat(this.wholePeriodsMs(this.config.panelPeriodMs), () => this.refreshPanel());
    this.serviceHandle = ticker.repeat(SERVICE_PERIOD_MS, () => this.service());
    this.protocolHandle = ticker.repeat(this.wholePeriodsMs(PROTOCOL_PERIOD_MS), () => this.serialLink.service(this.board.clock.nowMs()));
  }

  /** The shortest whole number of loop periods that lasts at least `ms`, so a timer wakes with the loop. */
  private wholePeriodsMs(ms: number): number {
    return this.periodMs * Math.ceil(ms / this.periodMs - 1e-9);
  }

  /** A clean stop: the loop and housekeeping end, the outputs go safe, and the run log is written out. */
  stop(): void {
    if (this.tickerHandle === null) return;
    this.recorder.close(this.library.programHash);
    this.tickerHandle.cancel();
    this.tickerHandle = null;
    (this.serviceHandle as TickerHandle).cancel();
    this.serviceHandle = null;
    (this.protocolHandle as TickerHandle).cancel();
    this.protocolHandle = null;
    (this.panelHandle as TickerHandle).cancel();
    this.panelHandle = null;
    this.outputs.safe();
  }

  /** One control tick, as the loop's timer runs it (ControlTick.run). */
  tick(): void {
    this.control.run();
  }

  /** The panel's timer: fills the view from the latest tick's results and hands it to the panel. */
  refreshPanel(): void {
    this.presenter.refresh();
  }

  /** Housekeeping's timer. */
  service(): void {
    this.housekeeping.service();
  }

  report(): RunReport {
    return buildRunReport(this.sequencer, this.safety.latchedFault, this.safety.faultTimeMs, this.library.programHash);
  }

  get stateName(): string {
    return RUN_STATE_NAMES[this.sequencer.state];
  }

  get program(): CompiledProgram | null {
    return this.sequencer.program;
  }

  // Entry points of the parts, for the host tools and tests.
  selectProgram(json: unknown): ValidationResult {
    return this.library.select(json);
  }
  storeProgram(json: unknown): ValidationResult {
    return this.library.store(json);
  }
  selectStoredProgram(name: string): string | null {
    return this.library.selectStored(name);
  }
  deleteStoredProgram(name: string): string | null {
    return this.library.deleteStored(name);
  }
  startRun(cause: number = EventCause.startRemote, origin: number = Origin.press): number {
    return this.runControl.start(cause, origin);
  }
  continueRun(cause: number = EventCause.continueRemote, origin: number = Origin.press): number {
    return this.runControl.continueRun(cause, origin);
  }
  abortRun(cause: number = EventCause.abortRemote, origin: number = Origin.press): number {
    return this.runControl.abort(cause, origin);
  }
  resetFault(cause: number = EventCause.faultResetRemote, origin: number = Origin.press): number {
    return this.runControl.resetFault(cause, origin);
  }
  addCalibration(record: CalibrationRecord, confirmedAtPress = false): string | null {
    return this.calibration.add(record, confirmedAtPress);
  }
  setRemoteFaultReset(mode: string): string | null {
    return this.guard.setRemoteFaultReset(mode);
  }
  remoteFaultResetMode(): 'none' | 'process' {
    return this.guard.remoteFaultResetMode();
  }
  reportStore(status: StatusModel): void {
    this.integrity.report(status);
  }

  get trajectory(): SetpointTrajectory {
    return this.control.trajectory;
  }
  get samples(): SampleBuffer {
    return this.recorder.samples;
  }
  get panelView(): PanelView {
    return this.presenter.view;
  }
  get programHash(): number {
    return this.library.programHash;
  }
  get runId(): number {
    return this.recorder.runId;
  }
  get runOwner(): number {
    return this.runControl.runOwner;
  }
  get storeMount(): StoreMountReport | null {
    return this.integrity.mount;
  }
  get calibrationLost(): boolean {
    return this.integrity.calibrationLost;
  }
  get storeTestCode(): number {
    return this.integrity.testCode;
  }
  get calibrationFromStore(): boolean {
    return this.calibration.fromStore;
  }
  get calAuthority(): CalibrationAuthority {
    return this.calibration.authority;
  }
  get commissionedCalibration(): LoadCellCalibration {
    return this.calibration.commissioned;
  }
  set commissionedCalibration(calibration: LoadCellCalibration) {
    this.calibration.commissioned = calibration;
  }
  get estop(): Debounced {
    return this.interlocks.estop;
  }
  get guardOpen(): Debounced {
    return this.interlocks.guardOpen;
  }
  get booted(): boolean {
    return this.guard.booted;
  }
}
