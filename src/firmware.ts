import type { Board, PressLimits } from '../hal/board';
import type { PanelView } from '../hal/panel';
import { blankPanelView } from '../hal/panel';
import type { TickerHandle } from '../hal/clock';
import type { LoadCellCalibration } from './loadcell/calibration';
import { LoadCellPipeline } from './loadcell/pipeline';
import { loadCellNoiseKN } from './loadcell/plausibility';
import { SetpointTrajectory } from './control/trajectory';
import type { ControllerTuning } from './control/controller';
import { DEFAULT_TUNING, PressureController } from './control/controller';
import { LoopTiming } from './control/loop-timing';
import { Correction, StaticHold } from './control/static-hold';
import { StepKind } from './programs/compile';
import { OnOffController } from './control/on-off';
import type { ControlLawName, PressureLaw } from './control/pressure-law';
import type { CompiledProgram } from './programs/compile';
import { compileProgram } from './programs/compile';
import type { DeviceCapabilities } from './programs/program';
import type { ValidationResult } from './programs/validate';
import { validateProgram } from './programs/validate';
import { Sequencer } from './runner/sequencer';
import { Demand, RUN_STATE_NAMES, RunState } from './runner/run-state';
import type { RunReport } from './runner/report';
import { buildRunReport } from './runner/report';
import { SafetySupervisor } from './safety/supervisor';
import { FaultCode, faultLabel, faultPrompt, faultRemoteResettable, pressOnlyResetNotice } from './safety/faults';
import { EventCause, Origin, Refusal, refusalNotice } from './runner/run-events';
import { Debounced } from './operator/debounce';
import { ResetReason } from '../hal/system';
import type { RunJournal } from './store/run-journal';
import { RunOutcome, StepSummary } from './store/run-journal';
import { crc32 } from './bytes/crc32';
import { encodeProgram } from './programs/codec';
import type { Program } from './programs/program';
import { StoreFullError } from './store/object-store';
import type { StoreMountReport } from './store/press-store';
import { DEFAULT_OBJECT_BLOCKS, PressStore, StoreFlag, storeLayout } from './store/press-store';
import { DEVICE_ERROR_MESSAGES, DeviceError } from './protocol/device-errors';
import type { StatusModel } from './protocol/status';
import type { CalibrationRecord } from './store/calibration-record';
import { calibrationRecordError } from './store/calibration-record';
import { SampleBuffer } from './store/sample-buffer';
import type { CommandTable } from './protocol/command-table';
import { createDeviceCommandTable } from './protocol/device-commands';
import { ScpiSession } from './protocol/session';
import { SerialLink } from './protocol/serial-link';
import { forceKNToPressureMPa, pressureMPaToForceKN } from './units';
import {
  AT_PRESS_HOLD_MS,
  CODE_HASH_SETTING,
  CODE_SALT_SETTING,
  COMMISSIONED_SPAN_SETTING,
  COMMISSIONED_TARE_SETTING,
  CalibrationAuthority,
  PendingKind,
  WRONG_CODES_SETTING,
  hashCode,
  calibrationBandError,
} from './loadcell/calibration-authority';

/**
 * The setpoint may lead the measured pressure by this fraction of the target (at least the
 * minimum): less than the 1 % ramp-tracking budget, more than the loop's own lag at the
 * programmed rate.
 */
const GOVERNOR_LEAD_FRACTION = 0.006;
const GOVERNOR_MIN_LEAD_MPA = 0.25;
/** A maintain step starts a correction when the pressure has drifted this fraction of its band. */
const MAINTAIN_TRIGGER_FRACTION = 0.5;
/** Averaging time of the pressure that static-hold decisions are made on, s. */
const HOLD_FILTER_S = 0.5;
/** Debounce: buttons settle both ways in 20 ms; e-stop and guard act on the first open reading and settle 50 / 200 ms when closing. */
const BUTTON_SETTLE_MS = 20;
const ESTOP_RELEASE_SETTLE_MS = 50;
const GUARD_CLOSE_SETTLE_MS = 200;
/** Holding Stop this long clears a latched fault (a deliberate act, not the panic press that came with the fault). */
const FAULT_RESET_HOLD_MS = 2000;
/** Holding Continue this long while idle accepts what the store's mount reported (a lost calibration too): a deliberate act at the press. */
const STORE_ACCEPT_HOLD_MS = 3000;
/**
 * The device setting that says which latched faults the protocol may clear: 'none' (the
 * default: every fault resets only at the press) or 'process' (503 and 601, see
 * faultRemoteResettable). Any other value counts as 'none'. No protocol command writes it.
 */
export const REMOTE_FAULT_RESET_SETTING = 'remote_fault_reset';
export const REMOTE_FAULT_RESET_MODES: readonly string[] = Object.freeze(['none', 'process']);
/** The largest origin an event's 16-bit detail holds; later session ids are recorded as this. */
const MAX_ORIGIN_DETAIL = 65535;
/** How long a refused action's notice stays on the panel, ms. */
const NOTICE_MS = 3000;
/** Housekeeping (flash erase-ahead) runs this often, outside the control tick, ms. */
const SERVICE_PERIOD_MS = 500;
/** The serial port's protocol session is serviced about this often (a whole number of loop periods, so it wakes with the loop), ms. */
const PROTOCOL_PERIOD_MS = 10;
/** A serial client quiet this long in the middle of a message loses the partial message (src/protocol/serial-link.ts), ms. */
const PROTOCOL_IDLE_CLEAR_MS = 1000;
/** Bytes the protocol reads from the serial port per service call at most. */
const PROTOCOL_CHUNK_BYTES = 256;
/** Output leases granted around a flash write or erase, which stalls the loop for tens of ms on the chip. */
const FLASH_LEASE_MS = 250;
/** The run log's open segment is written at least this often: what a power cut can cost, ms. */
const LOG_FLUSH_AGE_MS = 60_000;
/** A run's samples may take this share of the run log; beyond half of it the interval doubles (src/store/sample-buffer.ts). */
const RUN_LOG_SHARE = 0.5;
/** Flash bytes a sample takes on average in a full SAMPLES record. */
const LOG_BYTES_PER_SAMPLE = 2.2;

export interface FirmwareConfig {
  /** Control loop rate, 50–1000 Hz. */
  loopRateHz: number;
  calibration: LoadCellCalibration;
  tuning: ControllerTuning;
  /** The control law: 'pi' (the press's own) or 'on-off' (the commercial baseline, for comparison). */
  controlLaw: ControlLawName;
  /** Longest gap between load-cell samples before the reading counts as stale, ms. */
  staleAfterMs: number;
  /** Actuator leases last this many loop periods. */
  leasePeriods: number;
  /** The panel is refreshed from its own timer about this often (a whole number of loop periods), ms. */
  panelPeriodMs: number;
  panelPromptChars: number;
  maxSteps: number;
  maxRunSteps: number;
  programSlotBytes: number;
  /** Erase blocks at the start of the flash partition that hold programs, calibration and settings; the run log takes the rest. */
  storeObjectBlocks: number;
  /** Load-cell noise above which the reading is not trusted, kN (undefined: the pipeline's default). */
  noiseLimitKN?: number;
}

export function defaultFirmwareConfig(calibration: LoadCellCalibration): FirmwareConfig {
  return {
    loopRateHz: 100,
    calibration,
    tuning: DEFAULT_TUNING,
    controlLaw: 'pi',
    staleAfterMs: 250,
    leasePeriods: 3,
    panelPeriodMs: 100,
    panelPromptChars: 80,
    maxSteps: 64,
    maxRunSteps: 256,
    programSlotBytes: 8192,
    storeObjectBlocks: DEFAULT_OBJECT_BLOCKS,
  };
}

/** What programs are validated against: the board's limits and the firmware's configuration. */
export function deviceCapabilities(limits: PressLimits, config: FirmwareConfig): DeviceCapabilities {
  return {
    maxForceKN: limits.maxForceKN,
    loadCellCapacityKN: limits.loadCellCapacityKN,
    loadCellNoiseKN: loadCellNoiseKN(limits.loadCellCapacityKN, config.noiseLimitKN),
    maxRateMPaPerS: limits.maxRateMPaPerS,
    maxSteps: config.maxSteps,
    maxRunSteps: config.maxRunSteps,
    panelPromptChars: config.panelPromptChars,
    programSlotBytes: config.programSlotBytes,
  };
}

/**
 * The firmware: composes the load-cell pipeline, sequencer, controller and safety
 * supervisor over a Board, and runs them from a fixed-rate tick. One tick, in order:
 * sample → filter → plausibility → setpoint from the runner → controller demand →
 * safety supervisor (may override) → actuators with leases. The tick allocates nothing
 * and never touches the panel: its I/O (an I2C display on the board) runs from its own timer.
 */
export class PressFirmware {
  readonly capabilities: DeviceCapabilities;
  readonly loadCell: LoadCellPipeline;
  readonly sequencer = new Sequencer();
  readonly trajectory = new SetpointTrajectory(1.0, 0.2);
  readonly controller: PressureLaw;
  readonly safety: SafetySupervisor;
  readonly timing: LoopTiming;
  readonly store: PressStore;
  readonly journal: RunJournal;
  /** The run log's samples between the tick and the flash. */
  readonly samples = new SampleBuffer();
  readonly periodMs: number;
  /** The view handed to the panel, reused every refresh. */
  readonly panelView: PanelView = blankPanelView();
  /** Debounced inputs, read once per tick. */
  readonly estop = new Debounced(0, ESTOP_RELEASE_SETTLE_MS);
  readonly guardOpen = new Debounced(0, GUARD_CLOSE_SETTLE_MS);
  readonly startButton = new Debounced(BUTTON_SETTLE_MS, BUTTON_SETTLE_MS);
  readonly stopButton = new Debounced(BUTTON_SETTLE_MS, BUTTON_SETTLE_MS);
  readonly continueButton = new Debounced(BUTTON_SETTLE_MS, BUTTON_SETTLE_MS);
  readonly staticHold = new StaticHold();
  /** dP/dt of the averaged pressure, itself averaged over HOLD_FILTER_S: MPa/s, for "ready". */
  settledRateMPaPerS = 0;
  /** CRC-32 of the selected program's encoded bytes before their own CRC (that CRC itself): the run record names the exact program run. */
  programHash = 0;
  /** Who started the current (or last) run: Origin.press (0) or the protocol session's id. */
  runOwner: number = Origin.press;
  /** Journal id of the current (or last) run; -1 when it could not be recorded. */
  runId = -1;
  /** The run that a power loss or reset left open, found at boot (null when none). */
  interruptedRun: ReturnType<RunJournal['recordBoot']> = null;
  /** What the store found at boot (null before boot): the press's integrity state until the next boot (docs/storage.md). */
  storeMount: StoreMountReport | null = null;
  /** The calibration history was lost at boot and nobody has accepted that at the press: runs are refused. */
  calibrationLost = false;
  /** The store report was accepted at the press (Continue held while idle); the panel stops showing it. */
  storeReportAccepted = false;
  /** The calibration in force came from the store's history (false: the configured default). */
  calibrationFromStore = false;
  /** Who may change the calibration: code, back-off, per-connection unlock, requests waiting for the press. */
  readonly calAuthority = new CalibrationAuthority();
  booted = false;
  /** The SCPI commands (docs/protocol.md), shared by every session: the serial port's and, in the simulator, TCP connections'. */
  readonly commandTable: CommandTable;
  /** The protocol on board.serial, serviced from its own timer, never from the tick. */
  readonly serialLink: SerialLink;

  private tickerHandle: TickerHandle | null = null;
  private serviceHandle: TickerHandle | null = null;
  private protocolHandle: TickerHandle | null = null;
  private panelHandle: TickerHandle | null = null;
  private readonly leaseMs: number;
  /** The measured pressure averaged over HOLD_FILTER_S, for static-hold decisions. */
  private holdPressureMPa = 0;
  private lastDemand: number = Demand.dump;
  private lastStepIndex = -1;
  /** Levels the outputs were driven at by the last tick: what the safety supervisor judges the hydraulics against. */
  private drivenPumpLevel = 0;
  private drivenReleaseLevel = 1;
  private wasActive = false;
  /** The Stop press that reset a fault must be let go before it can do anything else. */
  private stopConsumed = false;
  /** The Continue hold that confirmed a calibration request must be let go before it accepts anything else. */
  private continueConsumed = false;
  private notice = '';
  private noticeUntilMs = 0;
  /** The store report was accepted in a tick: its flash write (a readable, empty history) waits for housekeeping. */
  private storeAcceptPending = false;
  /** What the panel shows while idle about the store's report (built at boot). */
  private storePrompt = '';
  /** Run whose step summaries are still to be written to the run log (0: none). */
  private summaryRunId = 0;
  private readonly runSampleBudget: number;

  constructor(readonly board: Board, readonly config: FirmwareConfig) {
    if (!(config.loopRateHz >= 50 && config.loopRateHz <= 1000)) {
      throw new RangeError(`loopRateHz: ${config.loopRateHz} is out of range (50 to 1000 Hz)`);
    }
    this.periodMs = 1000 / config.loopRateHz;
    this.leaseMs = this.periodMs * config.leasePeriods;
    this.capabilities = deviceCapabilities(board.limits, config);
    const capacityKN = board.limits.loadCellCapacityKN;
    this.loadCell = new LoadCellPipeline(board.loadCell, config.calibration, 1, config.staleAfterMs, { capacityKN, noiseLimitKN: config.noiseLimitKN });
    this.controller = config.controlLaw === 'on-off' ? new OnOffController() : new PressureController(config.tuning, config.loopRateHz);
    this.safety = new SafetySupervisor(board.limits.maxForceKN, capacityKN, this.leaseMs, config.calibration, board.oilPressure ?? null);
    this.timing = new LoopTiming(this.periodMs);
    this.store = new PressStore(board.flash, storeLayout(board.flash, config.storeObjectBlocks));
    this.journal = this.store.journal;
    this.runSampleBudget = Math.floor((this.store.layout.logBlocks * board.flash.blockLength * RUN_LOG_SHARE) / LOG_BYTES_PER_SAMPLE);
    this.commandTable = createDeviceCommandTable(this);
    this.serialLink = new SerialLink(board.serial, new ScpiSession(this.commandTable), PROTOCOL_CHUNK_BYTES, PROTOCOL_IDLE_CLEAR_MS);
  }

  /** Validates and selects a program (JSON already parsed) without storing it. Nothing changes when it is invalid or a run is in progress. */
  selectProgram(json: unknown): ValidationResult {
    const result = validateProgram(json, this.capabilities);
    if (result.ok && !this.sequencer.active) this.load(result.program, encodeProgram(result.program));
    return result;
  }

  /**
   * Validates a program and stores it in flash under its name, replacing one of that name: the
   * old one stays in force until the new one is wholly written. Refused during a run (flash
   * writes stall the loop) and when the flash is full; the errors say why.
   */
  storeProgram(json: unknown): ValidationResult {
    const result = validateProgram(json, this.capabilities);
    if (!result.ok) return result;
    const refusal = this.storageRefusal();
    if (refusal !== null) return { ok: false, program: null, errors: [{ path: '', message: refusal }], warnings: result.warnings };
    try {
      this.withOutputsHeldForFlash(() => this.store.saveProgram(result.program));
    } catch (error) {
      if (error instanceof StoreFullError) return { ok: false, program: null, errors: [{ path: '', message: error.message }], warnings: result.warnings };
      throw error;
    }
    // A redefined selected program: the next run is the new version, read back and checked as PROG:SEL does.
    const selected = this.sequencer.program;
    if (selected !== null && selected.name === result.program.name && this.selectStoredProgram(selected.name) !== null) this.deselectProgram();
    return result;
  }

  /** Selects a stored program by name. Returns null, or why it cannot. */
  selectStoredProgram(name: string): string | null {
    if (this.sequencer.active || this.sequencer.unloading) return 'a run is in progress';
    const loaded = this.store.loadProgram(name);
    if (loaded === null) return `no program named "${name}" is stored`;
    if (!loaded.ok) return loaded.error;
    // Checked again against this press: the limits may have changed since it was stored.
    const result = validateProgram(loaded.program, this.capabilities);
    if (!result.ok) return `program "${name}" no longer fits this press: ${result.errors.map((e) => (e.path === '' ? e.message : `${e.path}: ${e.message}`)).join('; ')}`;
    this.load(result.program, loaded.bytes);
    return null;
  }

  /** Deletes a stored program; when it is the selected one, nothing is selected after. Returns null, or why it cannot. */
  deleteStoredProgram(name: string): string | null {
    const refusal = this.storageRefusal();
    if (refusal !== null) return refusal;
    if (!this.store.hasProgram(name)) return `no program named "${name}" is stored`;
    this.withOutputsHeldForFlash(() => this.store.deleteProgram(name));
    const selected = this.sequencer.program;
    if (selected !== null && selected.name === name) this.deselectProgram();
    return null;
  }

  /** Nothing selected: a Start is refused "no program selected" until a program is selected. */
  private deselectProgram(): void {
    if (this.summaryRunId !== 0 && !this.sequencer.active) this.writeStepSummaries();
    this.sequencer.unloadProgram(this.board.clock.nowMs());
    this.programHash = 0;
  }

  /**
   * Adds a load-cell calibration to the history and puts it in force. Returns null, or why it
   * cannot. A span outside the band around the commissioned one needs `confirmedAtPress`; such a
   * change becomes the commissioned calibration.
   */
  addCalibration(record: CalibrationRecord, confirmedAtPress = false): string | null {
    const nowMs = this.board.clock.nowMs();
    const problem = this.calibrationProblem(record, confirmedAtPress);
    if (problem !== null) {
      this.calibrationEvent(EventCause.calDefineRefused, 0);
      return problem;
    }
    try {
      this.withOutputsHeldForFlash(() => {
        this.store.addCalibration(record);
        if (confirmedAtPress) this.saveSettings([COMMISSIONED_TARE_SETTING, record.calibration.tareCounts], [COMMISSIONED_SPAN_SETTING, record.calibration.kNPerCount]);
      });
    } catch (error) {
      if (error instanceof StoreFullError) return error.message;
      throw error;
    }
    this.loadCell.calibration = record.calibration;
    this.calibrationFromStore = true;
    if (confirmedAtPress) this.commissionedCalibration = record.calibration;
    this.sequencer.events.record(nowMs, confirmedAtPress ? EventCause.calConfirmedAtPress : EventCause.calDefined, this.sequencer.state, this.sequencer.state, -1, 0, this.store.calibrationHistory().length);
    return null;
  }

  /** Why a calibration cannot go in force now, or null (the band only when not confirmed at the press). */
  calibrationProblem(record: CalibrationRecord, confirmedAtPress: boolean): string | null {
    const invalid = calibrationRecordError(record);
    if (invalid !== null) return invalid;
    if (!confirmedAtPress) {
      const band = calibrationBandError(record.calibration, this.commissionedCalibration, this.board.limits.loadCellCapacityKN);
      if (band !== null) return `${band}: confirm it at the press`;
    }
    return this.storageRefusal();
  }

  /** A calibration-authority event in the event log (detail: a session id or a count). */
  calibrationEvent(cause: number, detail: number): void {
    const seq = this.sequencer;
    seq.events.record(this.board.clock.nowMs(), cause, seq.state, seq.state, -1, 0, detail > 65535 ? 65535 : detail);
  }

  /** Stores a new calibration code as a salted hash (after the hold at the press). Returns null, or why it cannot. */
  commissionCode(code: number): string | null {
    const refusal = this.storageRefusal();
    if (refusal !== null) return refusal;
    const salt = (Math.imul(this.board.clock.nowMs() >>> 0, 0x9e3779b1) ^ this.board.loadCell.counts) >>> 0;
    this.withOutputsHeldForFlash(() => this.saveSettings([CODE_SALT_SETTING, salt], [CODE_HASH_SETTING, hashCode(salt, code)], [WRONG_CODES_SETTING, 0]));
    this.calAuthority.commissioned();
    this.calibrationEvent(EventCause.calCodeCommissioned, 0);
    return null;
  }

  /** Keeps the wrong-code count in flash (at most LOCKOUT_WRONG_CODES writes before a commissioning at the press). */
  saveWrongCodes(count: number): string | null {
    const refusal = this.storageRefusal();
    if (refusal !== null) return refusal;
    this.withOutputsHeldForFlash(() => this.saveSettings([WRONG_CODES_SETTING, count]));
    return null;
  }

  private saveSettings(...entries: [string, number][]): void {
    const settings = this.store.settings();
    for (const [key, value] of entries) settings.set(key, value);
    this.store.saveSettings(settings);
  }

  /** Acts on a request confirmed at the press (outside the tick: it writes flash), or drops one that expired. */
  private serviceCalibrationRequest(nowMs: number): void {
    const auth = this.calAuthority;
    if (auth.pending === PendingKind.none) return;
    if (!auth.pressConfirmed) {
      if (nowMs >= auth.pendingUntilMs) auth.clearRequest();
      return;
    }
    const kind = auth.pending;
    const code = auth.pendingCode;
    const record = auth.pendingRecord;
    auth.clearRequest();
    const problem = kind === PendingKind.commissionCode ? this.commissionCode(code) : this.addCalibration(record as CalibrationRecord, true);
    this.notice = problem === null ? (kind === PendingKind.commissionCode ? CODE_COMMISSIONED_NOTICE : CALIBRATION_CONFIRMED_NOTICE) : CALIBRATION_FAILED_NOTICE;
    this.noticeUntilMs = nowMs + NOTICE_MS;
  }

  private load(program: Program, storedBytes: Uint8Array): void {
    const compiled = compileProgram(program, this.capabilities);
    // The summaries of the run before belong to the program it ran.
    if (this.summaryRunId !== 0 && !this.sequencer.active) this.writeStepSummaries();
    // The encoded program ends in the CRC-32 of the bytes before it: the CRC of the whole is a constant residue.
    this.programHash = crc32(storedBytes, 0, storedBytes.length - 4);
    this.sequencer.load(compiled, this.board.clock.nowMs());
    this.loadCell.dieAreaMm2 = compiled.dieAreaMm2;
    this.safety.tripPressureMPa = compiled.ceilingMPa;
    this.safety.commissioned.setProgramLimitKN(pressureMPaToForceKN(compiled.ceilingMPa, compiled.dieAreaMm2));
  }

  /**
   * The calibration the press was commissioned with (the configuration's, or a change
   * confirmed at the press): the safety supervisor judges the raw counts through it, whatever
   * calibration is in force. Throws a RangeError for a tare or span that is not a usable number.
   */
  get commissionedCalibration(): LoadCellCalibration {
    return this.safety.commissioned.commissioned;
  }

  set commissionedCalibration(calibration: LoadCellCalibration) {
    this.safety.commissioned.commission(calibration);
  }

  /** Why the object store cannot be written now, or null. */
  private storageRefusal(): string | null {
    if (!this.booted) return 'the store is not mounted yet';
    if (this.sequencer.active || this.sequencer.unloading) return 'a run is in progress: programs, calibration and settings are written while the press is idle';
    return null;
  }

  /**
   * A flash write or erase stalls the CPU on the chip: the outputs get a lease long enough to
   * cover it (pump off, release valve where it is), and the loop's timing restarts afterwards
   * instead of reading the gap as a stall.
   */
  private withOutputsHeldForFlash(write: () => void): void {
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

  get program(): CompiledProgram | null {
    return this.sequencer.program;
  }

  /**
   * Start-up, before the loop runs: reads the journal, records the boot, and when a run was
   * left open by a power loss or reset, marks it interrupted and latches a fault so the
   * operator sees it. Nothing moves and nothing resumes.
   */
  boot(): void {
    if (this.booted) return;
    this.booted = true;
    const board = this.board;
    board.pump.safe();
    board.pumpPower.safe();
    board.releaseValve.safe();
    const nowMs = board.clock.nowMs();
    const resetReason = board.system.resetReason;
    const seq = this.sequencer;
    seq.events.record(nowMs, EventCause.boot, seq.state, seq.state, -1, 0, resetReason);
    const mount = this.store.mount();
    this.storeMount = mount;
    const settings = this.store.settings();
    const commissionedTare = settings.get(COMMISSIONED_TARE_SETTING);
    const commissionedSpan = settings.get(COMMISSIONED_SPAN_SETTING);
    if (typeof commissionedTare === 'number' && typeof commissionedSpan === 'number') {
      const commissioned = { tareCounts: commissionedTare, kNPerCount: commissionedSpan };
      if (calibrationRecordError({ dateS: 0, reference: 'commissioned', calibration: commissioned, worstErrorPercent: NaN }) === null) this.commissionedCalibration = commissioned;
    }
    const wrongCodes = settings.get(WRONG_CODES_SETTING);
    if (typeof wrongCodes === 'number' && wrongCodes > 0) this.calAuthority.restoreWrongCodes(Math.min(Math.floor(wrongCodes), 255), nowMs);
    const calibration = this.store.currentCalibration();
    if (calibration !== null) {
      this.loadCell.calibration = calibration.calibration;
      this.calibrationFromStore = true;
    }
    // A lost history is never a silent fall-back to the factory default: runs wait for someone at the press.
    this.calibrationLost = mount.calibration === 'lost';
    if (mount.damaged) {
      const objects = mount.objects;
      seq.events.record(nowMs, EventCause.storeDamaged, seq.state, seq.state, -1, 0, Math.min(0xffff, objects.blocksDamaged + objects.lost.length + mount.logBlocksDamaged));
      this.storePrompt = this.calibrationLost ? CALIBRATION_LOST_PROMPT : `Store damaged: ${mount.summary}. Hold Continue 3 s to accept`;
      this.reportStore(this.serialLink.session.status);
    }
    if (this.calibrationLost) seq.events.record(nowMs, EventCause.calibrationLost, seq.state, seq.state, -1, 0, 0);
    this.interruptedRun = this.journal.recordBoot(resetReason);
    this.journal.setStoreFlags(this.calibrationFromStore || this.calibrationLost ? StoreFlag.calibrated : 0);
    if (this.interruptedRun !== null) seq.events.record(nowMs, EventCause.interruptedRunFound, seq.state, seq.state, -1, 0, this.interruptedRun.runId % 65536);
    if (resetReason === ResetReason.watchdog) this.latchFault(FaultCode.watchdogReset, nowMs, 0);
    else if (this.interruptedRun !== null) this.latchFault(FaultCode.runInterrupted, nowMs, 0);
  }

  /** *TST?'s code for the store (docs/protocol.md): 121 a lost calibration not yet accepted, 120 damage or loss found at boot, else 0. */
  get storeTestCode(): number {
    if (this.calibrationLost) return DeviceError.calibrationLost;
    return this.storeMount !== null && this.storeMount.damaged ? DeviceError.storeDamaged : 0;
  }

  /** Queues what the boot's mount found in a session's error queue (power-on, and every session opened after it). */
  reportStore(status: StatusModel): void {
    const mount = this.storeMount;
    if (mount === null || !mount.damaged) return;
    status.report(DeviceError.storeDamaged, mount.summary, DEVICE_ERROR_MESSAGES[DeviceError.storeDamaged]);
    if (this.calibrationLost) status.report(DeviceError.calibrationLost, 'factory default in force: runs are refused until the loss is accepted at the press (hold Continue 3 s while idle)', DEVICE_ERROR_MESSAGES[DeviceError.calibrationLost]);
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
    this.tickerHandle = ticker.repeat(this.periodMs, () => this.tick());
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
    if (this.summaryRunId !== 0 && !this.sequencer.active) this.writeStepSummaries();
    this.samples.end();
    this.samples.flush(this.journal, this.board.clock.nowMs(), 0);
    this.tickerHandle.cancel();
    this.tickerHandle = null;
    (this.serviceHandle as TickerHandle).cancel();
    this.serviceHandle = null;
    (this.protocolHandle as TickerHandle).cancel();
    this.protocolHandle = null;
    (this.panelHandle as TickerHandle).cancel();
    this.panelHandle = null;
    this.board.pump.safe();
    this.board.pumpPower.safe();
    this.board.releaseValve.safe();
  }

  /**
   * Housekeeping outside the control tick: writes the run log's samples and, after a run, its
   * step summaries; erases the next run-log block when it is needed and the press is quiet
   * (idle, or nothing pumping), or when the samples held in RAM are about to overflow.
   */
  service(): void {
    const journal = this.journal;
    const seq = this.sequencer;
    const nowMs = this.board.clock.nowMs();
    this.samples.flush(journal, nowMs, LOG_FLUSH_AGE_MS);
    if (this.summaryRunId !== 0 && !seq.active) this.writeStepSummaries();
    if (this.storeAcceptPending && !seq.active && !seq.unloading) this.writeStoreAccepted();
    this.serviceCalibrationRequest(nowMs);
    if (!journal.needsErase) return;
    const quiet = (!seq.active && !seq.unloading) || this.lastDemand === Demand.idle;
    if (!quiet && this.samples.segmentsHeld < SampleBuffer.SEGMENTS - 1) return;
    this.eraseLogAhead();
    this.samples.flush(journal, nowMs, LOG_FLUSH_AGE_MS);
  }

  /**
   * After the report was accepted, the store records the acceptance, so the next boot reports
   * only new damage: each lost key gets a whole newest version, the unreadable bytes left in use
   * are zeroed, and an empty history is stored where none is readable (a press on its factory
   * default on purpose is then known from one that lost its history).
   */
  private writeStoreAccepted(): void {
    this.storeAcceptPending = false;
    const store = this.store;
    const journal = this.journal;
    const mount = this.storeMount;
    this.withOutputsHeldForFlash(() => {
      try {
        if (mount !== null) store.objects.acceptDamage(mount.objects.lost);
        if (mount !== null && mount.calibration === 'lost' && !this.calibrationFromStore) store.resetCalibrationHistory();
      } catch (error) {
        if (!(error instanceof StoreFullError)) throw error;
      }
      journal.acceptDamage();
      journal.setStoreFlags(this.calibrationFromStore ? StoreFlag.calibrated : 0);
    });
  }

  /** Not inline in service(): XS boxes a local that a closure captures whenever the function holding it is entered, so there it cost a heap slot every 500 ms, erase or not. */
  private eraseLogAhead(): void {
    const journal = this.journal;
    this.withOutputsHeldForFlash(() => journal.eraseAhead());
  }

  /** The previous run's step summaries, from the sequencer's statistics (after the run, before the next one starts). */
  private writeStepSummaries(): void {
    const runId = this.summaryRunId;
    this.summaryRunId = 0;
    const seq = this.sequencer;
    const program = seq.program;
    const stats = seq.stats;
    if (program === null || stats === null) return;
    const steps = buildRunReport(seq, this.safety.latchedFault, this.safety.faultTimeMs, this.programHash).steps;
    const summary = new StepSummary();
    summary.runId = runId;
    for (const step of steps) {
      const nan = (value: number | null) => (value === null ? NaN : value);
      summary.step = step.index;
      summary.kind = program.kind[step.index];
      summary.targetMPa = nan(step.target_MPa);
      summary.reachedMPa = nan(step.reached_MPa);
      summary.peakMPa = nan(step.peak_MPa);
      summary.holdErrorP99MPa = nan(step.hold_error_p99_MPa);
      summary.startS = stats.startS[step.index];
      summary.durationS = nan(step.duration_s);
      if (!this.journal.appendStep(summary)) return;
    }
  }

  /** Starts the selected program; the run belongs to `origin` (docs/protocol.md, "Who may stop a run"). Returns 0, or the Refusal when it cannot start. */
  startRun(cause: number = EventCause.startRemote, origin: number = Origin.press): number {
    const seq = this.sequencer;
    const nowMs = this.board.clock.nowMs();
    const pressure = this.loadCell.pressureMPa;
    let refusal = 0;
    if (this.estop.state) refusal = Refusal.estop;
    else if (this.safety.tripped) refusal = Refusal.faultLatched;
    else if (this.calibrationLost) refusal = Refusal.calibrationLost;
    else if (seq.program === null) refusal = Refusal.noProgram;
    else if (seq.active) refusal = Refusal.busy;
    else if (seq.unloading) refusal = Refusal.unloading;
    else if (this.guardOpen.state) refusal = Refusal.guardOpen;
    if (refusal !== 0) return this.refuse(refusal, nowMs, pressure);
    this.controller.reset();
    this.trajectory.reset(pressure);
    this.lastStepIndex = -1;
    if (this.summaryRunId !== 0) this.writeStepSummaries();
    this.samples.flush(this.journal, nowMs, 0);
    if (this.samples.segmentsHeld > 0) this.samples.discard();
    seq.start(nowMs, pressure, cause, originDetail(origin));
    this.runOwner = origin;
    const program = seq.program as CompiledProgram;
    this.runId = this.journal.beginRun(program.name, this.programHash, nowMs);
    if (this.runId > 0) this.samples.begin(this.runId, nowMs, this.runSampleBudget);
    this.wasActive = true;
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
    if (this.guardOpen.state) return this.refuse(Refusal.guardOpen, nowMs, pressure);
    if (seq.state === RunState.paused) this.trajectory.reset(pressure);
    seq.continueRun(nowMs, pressure, cause, originDetail(origin));
    return 0;
  }

  /**
   * Stop: ends the run ABORTED and lets the load down at the program's release rate. The press
   * and the session that started the run may always; another session only with the cause
   * EventCause.abortForced (ABOR:FORCe), so a stray client cannot end someone's 72 h run by
   * accident. Returns 0 (stopped, or no run to stop), or Refusal.notOwner.
   */
  abortRun(cause: number = EventCause.abortRemote, origin: number = Origin.press): number {
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
    if (origin !== Origin.press && !(this.remoteFaultResetMode() === 'process' && faultRemoteResettable(fault))) {
      return this.refuseFrom(Refusal.resetAtPress, EventCause.faultResetRefusedRemote, origin, pressOnlyResetNotice(fault));
    }
    if (this.estop.state || this.board.inputs.estop) return this.refuse(Refusal.estop, nowMs, pressure);
    this.safety.reset();
    this.sequencer.resetFault(nowMs, pressure, cause, originDetail(origin));
    return 0;
  }

  /** The setting remote_fault_reset as stored (undefined when unset); reads the store, so not from the tick. */
  remoteFaultResetSetting(): number | string | undefined {
    return this.store.settings().get(REMOTE_FAULT_RESET_SETTING);
  }

  /** What the protocol may reset: 'process' only when the setting says exactly that, else 'none'. */
  remoteFaultResetMode(): 'none' | 'process' {
    return this.remoteFaultResetSetting() === 'process' ? 'process' : 'none';
  }

  /**
   * Commissioning: sets remote_fault_reset ('none' or 'process'). For code in the firmware's
   * process (a commissioning tool, the simulator's configuration); no protocol command calls it.
   * Returns null, or why it cannot.
   */
  setRemoteFaultReset(mode: string): string | null {
    if (!REMOTE_FAULT_RESET_MODES.includes(mode)) return `${REMOTE_FAULT_RESET_SETTING}: ${JSON.stringify(mode)} is not one of ${REMOTE_FAULT_RESET_MODES.join(', ')}`;
    const refusal = this.storageRefusal();
    if (refusal !== null) return refusal;
    const settings = this.store.settings();
    settings.set(REMOTE_FAULT_RESET_SETTING, mode);
    try {
      this.withOutputsHeldForFlash(() => this.store.saveSettings(settings));
    } catch (error) {
      if (error instanceof StoreFullError) return error.message;
      throw error;
    }
    return null;
  }

  report(): RunReport {
    return buildRunReport(this.sequencer, this.safety.latchedFault, this.safety.faultTimeMs, this.programHash);
  }

  get stateName(): string {
    return RUN_STATE_NAMES[this.sequencer.state];
  }

  tick(): void {
    const board = this.board;
    const nowMs = board.clock.nowMs();
    const dtS = this.timing.tick(nowMs);
    const cell = this.loadCell;
    cell.update(nowMs);
    const pressure = cell.pressureMPa;

    const holdWeight = dtS / (HOLD_FILTER_S + dtS);
    const previousHold = this.holdPressureMPa;
    this.holdPressureMPa += (pressure - previousHold) * holdWeight;
    this.settledRateMPaPerS += ((this.holdPressureMPa - previousHold) / dtS - this.settledRateMPaPerS) * holdWeight;

    this.readInputs(nowMs, dtS * 1000, pressure);
    const seq = this.sequencer;
    seq.update(nowMs, pressure, this.settledRateMPaPerS);
    if (seq.stepIndex !== this.lastStepIndex) {
      this.lastStepIndex = seq.stepIndex;
      this.controller.resetIntegral();
      this.staticHold.reset(true);
    }

    const controller = this.controller;
    const trajectory = this.trajectory;
    let demand = seq.demand;
    // A prompt held at pressure rests while the guard is open (a layer is going in): no pumping, no integral wind-up.
    if (seq.state === RunState.waiting && demand !== Demand.dump && this.guardOpen.state) demand = Demand.idle;
    if (demand === Demand.staticHold) demand = this.config.controlLaw === 'on-off' ? Demand.track : this.staticHoldDemand(nowMs);
    if (demand === Demand.track) {
      if (this.lastDemand !== Demand.track) trajectory.reset(pressure);
      const target = seq.targetMPa;
      const leadMPa = GOVERNOR_LEAD_FRACTION * (target > 0 ? target : -target);
      trajectory.update(target, seq.rateMPaPerS, dtS, pressure, leadMPa > GOVERNOR_MIN_LEAD_MPA ? leadMPa : GOVERNOR_MIN_LEAD_MPA);
      controller.track(target, seq.bandMPa, seq.rateMPaPerS, trajectory.setpointMPa, trajectory.rateMPaPerS, pressure, dtS, trajectory.governed);
    } else if (demand === Demand.dump) {
      trajectory.reset(pressure);
      controller.dump(pressure, dtS);
    } else {
      trajectory.reset(pressure);
      controller.idle(pressure, dtS);
    }
    this.lastDemand = demand;

    let pumpLevel = controller.pumpLevel;
    let releaseLevel = controller.releaseLevel;
    // A static correction moves one way only: a top-up never bleeds, a bleed never pumps.
    if (seq.demand === Demand.staticHold && demand === Demand.track) {
      if (this.staticHold.correction === Correction.up) releaseLevel = 0;
      else pumpLevel = 0;
    }
    // Unloading after Stop lets the load down; nothing pumps.
    if (seq.unloading) pumpLevel = 0;

    const safety = this.safety;
    const program = seq.program;
    const stepLimitMPa = program !== null && seq.active ? program.limitMPa[seq.stepIndex] : Infinity;
    const oil = board.oilPressure;
    const oilForceKN = oil === undefined || !oil.read() ? NaN : (oil.pressureMPa * oil.ramAreaMm2) / 1000;
    if (safety.check(nowMs, this.timing.lastPeriodMs, pressure, cell.forceKN, cell.rawCounts, oilForceKN, cell.fault, this.estop.state, stepLimitMPa, seq.overdue, this.drivenPumpLevel, this.drivenReleaseLevel)) {
      if (seq.state !== RunState.fault) this.latchFault(safety.latchedFault, nowMs, safety.judgedOnCommissioned ? forceKNToPressureMPa(safety.commissioned.commissionedKN, cell.dieAreaMm2) : pressure);
      pumpLevel = 0;
      if (!seq.unloading) releaseLevel = 1;
    }
    // The guard interlock: nothing pumps with the guard open, whatever the state.
    const guardOpen = this.guardOpen.state;
    if (guardOpen) pumpLevel = 0;
    const state = seq.state;
    const pumpPowered = (state === RunState.running || state === RunState.waiting) && !safety.tripped && !guardOpen;
    board.pumpPower.command(pumpPowered ? 1 : 0, this.leaseMs);
    board.pump.command(pumpPowered ? pumpLevel : 0, this.leaseMs);
    board.releaseValve.command(releaseLevel, this.leaseMs);
    this.drivenPumpLevel = pumpPowered ? pumpLevel : 0;
    this.drivenReleaseLevel = releaseLevel;

    const active = seq.active;
    if (active && program !== null) this.samples.tick(nowMs, pressure, seq.stepIndex, seq.state, program.logIntervalS[seq.stepIndex] * 1000);
    if (this.wasActive && !active) this.recordRunEnd(nowMs);
    this.wasActive = active;

    // Fed only by a tick that ran to its outputs on a fresh reading, or that is deliberately holding the safe state.
    if (cell.samplesThisTick > 0 || safety.tripped) board.system.feedWatchdog();
  }

  private latchFault(code: number, nowMs: number, pressureMPa: number): void {
    this.safety.latch(code, nowMs);
    this.sequencer.fault(nowMs, pressureMPa, code, this.safety.unloads);
  }

  private recordRunEnd(nowMs: number): void {
    if (this.runId < 0) return;
    this.samples.end();
    this.summaryRunId = this.runId;
    const seq = this.sequencer;
    const outcome = seq.state === RunState.complete ? RunOutcome.completed : seq.state === RunState.aborted ? RunOutcome.aborted : RunOutcome.fault;
    this.journal.endRun(this.runId, outcome, this.safety.latchedFault, nowMs, seq.peakMPa);
  }

  private refuse(refusal: number, nowMs: number, pressureMPa: number): number {
    const seq = this.sequencer;
    seq.events.record(nowMs, EventCause.refused, seq.state, seq.state, seq.stepIndex, pressureMPa, refusal);
    this.notice = refusalNotice(refusal);
    this.noticeUntilMs = nowMs + NOTICE_MS;
    return refusal;
  }

  /** A refusal of a protocol session's request, recorded with who asked (the cause names what was refused). */
  private refuseFrom(refusal: number, cause: number, origin: number, notice: string): number {
    const seq = this.sequencer;
    const nowMs = this.board.clock.nowMs();
    seq.events.record(nowMs, cause, seq.state, seq.state, seq.stepIndex, this.loadCell.pressureMPa, originDetail(origin));
    this.notice = notice;
    this.noticeUntilMs = nowMs + NOTICE_MS;
    return refusal;
  }

  /**
   * Static hold: nothing moves near the target. A hold step corrects when the pressure
   * leaves its band; a maintain step, whose band is the tolerance it must keep for days,
   * corrects at half the band so a correction lands before the edge is reached. The
   * decisions use the pressure averaged over HOLD_FILTER_S: at a few MPa the trigger is a
   * few newtons, about the converter's noise.
   */
  private staticHoldDemand(nowMs: number): number {
    const seq = this.sequencer;
    const program = seq.program;
    const isMaintain = program !== null && program.kind[seq.stepIndex] === StepKind.maintain;
    const trigger = isMaintain ? MAINTAIN_TRIGGER_FRACTION * seq.bandMPa : seq.bandMPa;
    const hold = this.staticHold;
    const before = hold.correction;
    const correcting = hold.update(nowMs, this.holdPressureMPa, seq.targetMPa, seq.bandMPa, trigger, isMaintain);
    if (correcting && before === Correction.none) this.controller.resetIntegral();
    return correcting ? Demand.track : Demand.idle;
  }

  /** Debounces the bench inputs and acts on their edges: e-stop, guard, Start, Stop (and its long press), Continue. */
  private readInputs(nowMs: number, dtMs: number, pressureMPa: number): void {
    const inputs = this.board.inputs;
    const estopRaw = inputs.estop;
    const guardOpenRaw = !inputs.guardClosed;
    const startRaw = inputs.startPressed;
    const stopRaw = inputs.stopPressed;
    const continueRaw = inputs.continuePressed;
    const estop = this.estop;
    const guard = this.guardOpen;
    const start = this.startButton;
    const stop = this.stopButton;
    const cont = this.continueButton;
    // Nearly every tick nothing changes and nothing is settling: only a held Stop needs its time.
    if (
      estopRaw === estop.state && guardOpenRaw === guard.state && startRaw === start.state && stopRaw === stop.state && continueRaw === cont.state &&
      estop.pendingMs + guard.pendingMs + start.pendingMs + stop.pendingMs + cont.pendingMs === 0
    ) {
      estop.changed = guard.changed = start.changed = stop.changed = cont.changed = false;
      if (stopRaw) {
        stop.heldMs += dtMs;
        this.checkFaultResetHold();
      }
      if (continueRaw) {
        cont.heldMs += dtMs;
        if (this.calAuthority.pending !== PendingKind.none) this.checkCalibrationHold();
        else this.checkStoreAcceptHold(nowMs, pressureMPa);
      }
      return;
    }
    const seq = this.sequencer;
    estop.update(estopRaw, dtMs);
    guard.update(guardOpenRaw, dtMs);
    if (guard.changed) {
      if (guard.state) {
        if (!seq.pause(nowMs, pressureMPa, EventCause.guardOpened)) seq.events.record(nowMs, EventCause.guardOpened, seq.state, seq.state, seq.stepIndex, pressureMPa, 0);
      } else {
        seq.events.record(nowMs, EventCause.guardClosed, seq.state, seq.state, seq.stepIndex, pressureMPa, 0);
      }
    }
    if (start.update(startRaw, dtMs) && start.changed) this.startRun(EventCause.startButton);
    // A calibration request waiting for the press takes Continue first; then the store's report, while it waits to be accepted; else Continue answers the run.
    const calibrationRequest = this.calAuthority.pending !== PendingKind.none && !seq.active && !seq.unloading;
    if (cont.update(continueRaw, dtMs)) {
      if (cont.changed && !calibrationRequest && !this.storeAcceptable()) this.continueRun(EventCause.continueButton);
      if (!calibrationRequest) this.checkStoreAcceptHold(nowMs, pressureMPa);
    }
    if (calibrationRequest) this.checkCalibrationHold();
    if (!cont.state) this.continueConsumed = false;
    stop.update(stopRaw, dtMs);
    if (!stop.state) {
      this.stopConsumed = false;
    } else if (stop.changed && seq.active) {
      seq.abort(nowMs, pressureMPa, EventCause.stopButton);
      this.stopConsumed = true;
    } else {
      this.checkFaultResetHold();
    }
  }

  /** True while the store's report is shown and the press is idle: holding Continue accepts it. */
  private storeAcceptable(): boolean {
    const seq = this.sequencer;
    return this.storePrompt !== '' && !this.storeReportAccepted && !seq.active && !seq.unloading && !this.safety.tripped;
  }

  /** Continue held STORE_ACCEPT_HOLD_MS while idle accepts the store's report and a lost calibration, once; logged. */
  private checkStoreAcceptHold(nowMs: number, pressureMPa: number): void {
    if (this.continueButton.heldMs < STORE_ACCEPT_HOLD_MS || this.continueConsumed || !this.storeAcceptable()) return;
    const seq = this.sequencer;
    this.storeReportAccepted = true;
    seq.events.record(nowMs, EventCause.storeLossAccepted, seq.state, seq.state, -1, pressureMPa, this.calibrationLost ? 1 : 0);
    this.calibrationLost = false;
    this.storeAcceptPending = true;
  }

  /** Continue held AT_PRESS_HOLD_MS on an idle press confirms the pending calibration request (acted on by service()). */
  private checkCalibrationHold(): void {
    const seq = this.sequencer;
    const cont = this.continueButton;
    if (cont.state && cont.heldMs >= AT_PRESS_HOLD_MS && !seq.active && !seq.unloading) {
      this.calAuthority.pressConfirmed = true;
      // The same hold must not go on to accept the store's report once the request is served.
      this.continueConsumed = true;
    }
  }

  /** Stop held for FAULT_RESET_HOLD_MS clears a latched fault, once per press. */
  private checkFaultResetHold(): void {
    if (!this.stopConsumed && this.safety.tripped && this.stopButton.heldMs >= FAULT_RESET_HOLD_MS) {
      this.resetFault(EventCause.faultResetButton);
      this.stopConsumed = true;
    }
  }

  /** The panel's timer: fills the view from the latest tick's results and hands it to the panel. */
  refreshPanel(): void {
    const nowMs = this.board.clock.nowMs();
    const view = this.panelView;
    const seq = this.sequencer;
    const program = seq.program;
    const state = seq.state;
    view.state = RUN_STATE_NAMES[state];
    view.programName = program === null ? '' : program.name;
    view.stepIndex = seq.stepIndex + 1;
    view.stepCount = program === null ? 0 : program.stepCount;
    view.stepType = program === null || seq.stepIndex < 0 ? '' : program.labels[seq.stepIndex] || program.typeNames[seq.stepIndex];
    view.pressureMPa = this.loadCell.pressureMPa;
    view.targetMPa = seq.targetMPa;
    view.stepTimeLeftS = state === RunState.paused ? seq.stepTimeLeftS(seq.pausedAtMs) : seq.stepTimeLeftS(nowMs);
    const fault = this.safety.latchedFault;
    const calibrationRequest = this.calAuthority.pending;
    if (nowMs < this.noticeUntilMs) view.prompt = this.notice;
    else if (calibrationRequest !== PendingKind.none && !seq.active) view.prompt = this.calAuthority.pendingPrompt;
    else if (state === RunState.waiting && program !== null) view.prompt = program.prompts[seq.stepIndex];
    else if (state === RunState.paused) view.prompt = PAUSED_PROMPT;
    else if (fault !== FaultCode.none) view.prompt = faultPrompt(fault);
    else if (seq.unloading) view.prompt = UNLOADING_PROMPT;
    else if (!this.storeReportAccepted && !seq.active) view.prompt = this.calibrationLost && this.calibrationFromStore ? CALIBRATION_HISTORY_LOST_PROMPT : this.storePrompt;
    else view.prompt = '';
    view.lastFault = faultLabel(fault);
    const panel = this.board.panel;
    panel.show(view);
    panel.setStatus(state); // StatusPattern numbers follow RunState
  }
}

/** An origin as an event's 16-bit detail. */
function originDetail(origin: number): number {
  return origin > MAX_ORIGIN_DETAIL ? MAX_ORIGIN_DETAIL : origin;
}

const CODE_COMMISSIONED_NOTICE = 'Calibration code commissioned';
const CALIBRATION_CONFIRMED_NOTICE = 'Calibration accepted at the press';
const CALIBRATION_FAILED_NOTICE = 'Calibration request failed: see the event log';
const PAUSED_PROMPT = 'Guard open: close it, then Continue to resume or Stop to let the load down';
const UNLOADING_PROMPT = 'Letting the load down';
const CALIBRATION_LOST_PROMPT = 'Calibration lost: factory default in force. Hold Continue 3 s to accept';
/** A calibration was added after the loss: the new one is in force, the loss still waits to be accepted. */
const CALIBRATION_HISTORY_LOST_PROMPT = 'Calibration history lost. Hold Continue 3 s to accept';
