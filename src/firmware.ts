import type { Board, PressLimits } from '../hal/board';
import type { PanelView } from '../hal/panel';
import type { TickerHandle } from '../hal/clock';
import type { LoadCellCalibration } from './loadcell/calibration';
import { LoadCellPipeline } from './loadcell/pipeline';
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
import { faultName } from './safety/faults';

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
  /** Panel refresh divider: the panel is redrawn every N ticks. */
  panelEveryTicks: number;
  panelPromptChars: number;
  maxSteps: number;
  maxRunSteps: number;
  programSlotBytes: number;
}

export function defaultFirmwareConfig(calibration: LoadCellCalibration): FirmwareConfig {
  return {
    loopRateHz: 100,
    calibration,
    tuning: DEFAULT_TUNING,
    controlLaw: 'pi',
    staleAfterMs: 250,
    leasePeriods: 3,
    panelEveryTicks: 10,
    panelPromptChars: 80,
    maxSteps: 64,
    maxRunSteps: 256,
    programSlotBytes: 8192,
  };
}

/** What programs are validated against: the board's limits and the firmware's configuration. */
export function deviceCapabilities(limits: PressLimits, config: FirmwareConfig): DeviceCapabilities {
  return {
    maxForceKN: limits.maxForceKN,
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
 * safety supervisor (may override) → actuators with leases → panel. The tick allocates
 * nothing.
 */
export class PressFirmware {
  readonly capabilities: DeviceCapabilities;
  readonly loadCell: LoadCellPipeline;
  readonly sequencer = new Sequencer();
  readonly trajectory = new SetpointTrajectory(1.0, 0.2);
  readonly controller: PressureLaw;
  readonly safety: SafetySupervisor;
  readonly timing: LoopTiming;
  readonly periodMs: number;
  /** The view handed to the panel, reused every refresh. */
  readonly panelView: PanelView = {
    state: 'IDLE',
    programName: '',
    stepIndex: 0,
    stepCount: 0,
    stepType: '',
    pressureMPa: 0,
    targetMPa: 0,
    stepTimeLeftS: 0,
    prompt: '',
    lastFault: '',
  };

  private tickerHandle: TickerHandle | null = null;
  private readonly leaseMs: number;
  private previousContinue = false;
  private previousStart = false;
  private previousStop = false;
  readonly staticHold = new StaticHold();
  /** The measured pressure averaged over HOLD_FILTER_S, for static-hold decisions. */
  private holdPressureMPa = 0;
  /** dP/dt of the averaged pressure, itself averaged over HOLD_FILTER_S: MPa/s, for "ready". */
  settledRateMPaPerS = 0;
  private lastDemand: number = Demand.dump;
  private lastStepIndex = -1;

  constructor(readonly board: Board, readonly config: FirmwareConfig) {
    if (!(config.loopRateHz >= 50 && config.loopRateHz <= 1000)) {
      throw new RangeError(`loopRateHz: ${config.loopRateHz} is out of range (50 to 1000 Hz)`);
    }
    this.periodMs = 1000 / config.loopRateHz;
    this.leaseMs = this.periodMs * config.leasePeriods;
    this.capabilities = deviceCapabilities(board.limits, config);
    this.loadCell = new LoadCellPipeline(board.loadCell, config.calibration, 1, config.staleAfterMs, { capacityKN: board.limits.loadCellCapacityKN });
    this.controller = config.controlLaw === 'on-off' ? new OnOffController() : new PressureController(config.tuning);
    this.safety = new SafetySupervisor(board.limits.maxForceKN);
    this.timing = new LoopTiming(this.periodMs);
  }

  /** Validates and selects a program (JSON already parsed). Nothing changes when it is invalid. */
  selectProgram(json: unknown): ValidationResult {
    const result = validateProgram(json, this.capabilities);
    if (result.ok && !this.sequencer.active) {
      const compiled = compileProgram(result.program, this.board.limits.maxForceKN);
      this.sequencer.load(compiled);
      this.loadCell.dieAreaMm2 = compiled.dieAreaMm2;
      this.safety.tripPressureMPa = compiled.ceilingMPa;
    }
    return result;
  }

  get program(): CompiledProgram | null {
    return this.sequencer.program;
  }

  /** Starts the fixed-rate loop on the board's ticker. */
  start(): void {
    if (this.tickerHandle !== null) return;
    this.board.pump.safe();
    this.board.releaseValve.safe();
    this.tickerHandle = this.board.ticker.repeat(this.periodMs, () => this.tick());
  }

  stop(): void {
    if (this.tickerHandle === null) return;
    this.tickerHandle.cancel();
    this.tickerHandle = null;
    this.board.pump.safe();
    this.board.releaseValve.safe();
  }

  /** Starts the selected program (the Start button does the same). */
  startRun(): boolean {
    if (this.safety.tripped || this.sequencer.program === null || this.sequencer.active) return false;
    this.controller.reset();
    this.trajectory.reset(this.loadCell.pressureMPa);
    this.lastStepIndex = -1;
    return this.sequencer.start(this.board.clock.nowMs(), this.loadCell.pressureMPa);
  }

  continueRun(): boolean {
    return this.sequencer.continueRun(this.board.clock.nowMs(), this.loadCell.pressureMPa);
  }

  abortRun(): void {
    this.sequencer.abort(this.board.clock.nowMs());
  }

  /** Clears a latched fault (explicit operator or protocol action). */
  resetFault(): void {
    this.safety.reset();
    if (this.sequencer.state === RunState.fault) this.sequencer.state = RunState.idle;
  }

  report(): RunReport {
    return buildRunReport(this.sequencer, this.safety.latchedFault, this.safety.faultTimeMs);
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

    this.readButtons(nowMs, pressure);
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
    if (this.safety.check(nowMs, pressure, cell.forceKN, cell.fault, board.inputs.estop)) {
      pumpLevel = 0;
      releaseLevel = 1;
      if (seq.state !== RunState.fault) seq.fault(nowMs);
    }
    board.pump.command(pumpLevel, this.leaseMs);
    board.releaseValve.command(releaseLevel, this.leaseMs);

    if (this.timing.ticks % this.config.panelEveryTicks === 0) this.refreshPanel(nowMs, pressure);
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

  private readButtons(nowMs: number, pressureMPa: number): void {
    const inputs = this.board.inputs;
    const start = inputs.startPressed;
    const cont = inputs.continuePressed;
    const stop = inputs.stopPressed;
    if (start && !this.previousStart) this.startRun();
    if (cont && !this.previousContinue) this.sequencer.continueRun(nowMs, pressureMPa);
    if (stop && !this.previousStop) this.sequencer.abort(nowMs);
    this.previousStart = start;
    this.previousContinue = cont;
    this.previousStop = stop;
  }

  private refreshPanel(nowMs: number, pressureMPa: number): void {
    const view = this.panelView;
    const seq = this.sequencer;
    const program = seq.program;
    view.state = RUN_STATE_NAMES[seq.state];
    view.programName = program === null ? '' : program.name;
    view.stepIndex = seq.stepIndex + 1;
    view.stepCount = program === null ? 0 : program.stepCount;
    view.stepType = program === null || seq.stepIndex < 0 ? '' : program.labels[seq.stepIndex] || program.typeNames[seq.stepIndex];
    view.pressureMPa = pressureMPa;
    view.targetMPa = seq.targetMPa;
    view.stepTimeLeftS = seq.stepTimeLeftS(nowMs);
    view.prompt = program !== null && seq.state === RunState.waiting ? program.prompts[seq.stepIndex] : '';
    view.lastFault = faultName(this.safety.latchedFault);
    const panel = this.board.panel;
    panel.show(view);
    panel.setStatus(seq.state); // StatusPattern numbers follow RunState
  }
}
