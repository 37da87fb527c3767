import type { Board } from '../../hal/board';
import type { LoopTiming } from '../control/loop-timing';
import { ControlDemand } from '../control/control-demand';
import type { DelayCompensation } from '../control/delay-compensation';
import type { PressureLaw } from '../control/pressure-law';
import { Correction, StaticHold } from '../control/static-hold';
import type { StrokeDelivery } from '../control/stroke-delivery';
import { SetpointTrajectory } from '../control/trajectory';
import type { LoadCellPipeline } from '../loadcell/pipeline';
import { StepKind } from '../programs/compile';
import { Demand, RunState } from '../runner/run-state';
import type { Sequencer } from '../runner/sequencer';
import { SafetyInputs } from '../safety/safety-inputs';
import type { SafetySupervisor } from '../safety/supervisor';
import { forceKNToPressureMPa } from '../units';
import type { BenchInputs } from './bench-inputs';
import type { Debounced } from '../operator/debounce';
import type { SampleBuffer } from '../store/sample-buffer';
import { latchFault } from './latch-fault';
import type { PressOutputs } from './outputs';
import type { RunStartHooks } from './run-control';
import type { RunRecorder } from './run-recorder';

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

/**
 * The fixed-rate control tick. In order: sample → filter → plausibility → the bench inputs
 * → setpoint from the sequencer → the control law's demand → the safety supervisor (which
 * may override) → actuators with leases → the run log's sample → the watchdog. It allocates
 * nothing and never touches the panel or the flash.
 */
export class ControlTick implements RunStartHooks {
  readonly trajectory = new SetpointTrajectory();
  /** What the tick asks of the control law, filled in place every tick. */
  readonly controlDemand = new ControlDemand();
  /** What the tick hands the safety supervisor, filled in place every tick. */
  readonly safetyInputs = new SafetyInputs();
  readonly staticHold = new StaticHold();
  /** dP/dt of the averaged pressure, itself averaged over HOLD_FILTER_S: MPa/s, for "ready". */
  settledRateMPaPerS = 0;
  /** The demand the last tick acted on: housekeeping erases flash only while it is idle. */
  lastDemand: number = Demand.dump;
  /** The measured pressure averaged over HOLD_FILTER_S, for static-hold decisions. */
  private holdPressureMPa = 0;
  private lastStepIndex = -1;
  private wasActive = false;
  private readonly onOff: boolean;
  /** The board's character changes something: stroke delivery or delay compensation. */
  private readonly characterized: boolean;
  /** The bench's switches (connect()): they act through run control, which knows this tick by its RunStartHooks. */
  private inputs!: BenchInputs;
  private estop!: Debounced;
  private guardOpen!: Debounced;
  private readonly samples: SampleBuffer;

  constructor(
    private readonly board: Board,
    private readonly timing: LoopTiming,
    private readonly loadCell: LoadCellPipeline,
    private readonly sequencer: Sequencer,
    private readonly controller: PressureLaw,
    private readonly safety: SafetySupervisor,
    private readonly outputs: PressOutputs,
    private readonly recorder: RunRecorder,
    onOffLaw: boolean,
    /** A piston pump's delivery in strokes (null: the pump runs at the law's level). */
    private readonly strokes: StrokeDelivery | null = null,
    /** Age of a conversion when it arrives, s (the board's character; 0 when not known). */
    private readonly conversionAgeS = 0,
    /** A slow converter's reading brought up to now for the law (null: the law sees the measurement). */
    private readonly delay: DelayCompensation | null = null,
  ) {
    this.onOff = onOffLaw;
    this.characterized = strokes !== null || delay !== null;
    this.samples = recorder.samples;
  }

  connect(inputs: BenchInputs): void {
    this.inputs = inputs;
    this.estop = inputs.interlocks.estop;
    this.guardOpen = inputs.interlocks.guardOpen;
  }

  /** A run starts: the law and the setpoint start from the pressure now, and the first step is new. */
  runStarting(pressureMPa: number): void {
    this.controller.reset();
    this.trajectory.reset(pressureMPa);
    this.lastStepIndex = -1;
    this.wasActive = true;
  }

  /** A paused run resumes: the setpoint starts again from the pressure now. */
  resumed(pressureMPa: number): void {
    this.trajectory.reset(pressureMPa);
  }

  run(): void {
    const board = this.board;
    const nowMs = board.clock.nowMs();
    const dtS = this.timing.tick(nowMs);
    const cell = this.loadCell;
    cell.update(nowMs);
    const pressure = cell.pressureMPa;
    // What the law acts on: the measurement, or with a slow converter the pressure now as
    // predicted from it. The supervisor, the sequencer and the log keep the measurement.
    let lawPressure = pressure;
    let presentPressure = pressure;
    if (this.characterized) {
      const strokes = this.strokes;
      const delay = this.delay;
      const fresh = cell.samplesThisTick > 0;
      const outputs = this.outputs;
      if (strokes !== null) strokes.advance(outputs.drivenPumpLevel, dtS, pressure, fresh, this.conversionAgeS + (nowMs - cell.lastSampleMs) / 1000, cell.dieAreaMm2);
      if (delay !== null) {
        delay.update(nowMs, dtS, pressure, fresh, cell.lastSampleMs, outputs.drivenPumpLevel, strokes !== null ? strokes.flow : -1, outputs.drivenReleaseLevel, cell.dieAreaMm2);
        lawPressure = delay.lawMPa;
        presentPressure = delay.predictedMPa;
      }
    }

    const holdWeight = dtS / (HOLD_FILTER_S + dtS);
    const previousHold = this.holdPressureMPa;
    this.holdPressureMPa += (pressure - previousHold) * holdWeight;
    this.settledRateMPaPerS += ((this.holdPressureMPa - previousHold) / dtS - this.settledRateMPaPerS) * holdWeight;

    this.inputs.read(nowMs, dtS * 1000, pressure);
    const seq = this.sequencer;
    seq.update(nowMs, pressure, this.settledRateMPaPerS);
    if (seq.stepIndex !== this.lastStepIndex) {
      this.lastStepIndex = seq.stepIndex;
      this.controller.resetIntegral();
      this.staticHold.reset(true);
    }

    const controller = this.controller;
    const trajectory = this.trajectory;
    const guardOpen = this.guardOpen.state;
    let demand = seq.demand;
    // A prompt held at pressure rests while the guard is open (a layer is going in): no pumping, no integral wind-up.
    if (seq.state === RunState.waiting && demand !== Demand.dump && guardOpen) demand = Demand.idle;
    if (demand === Demand.staticHold) demand = this.onOff ? Demand.track : this.staticHoldDemand(nowMs);
    if (demand === Demand.track) {
      if (this.lastDemand !== Demand.track) trajectory.reset(presentPressure);
      const target = seq.targetMPa;
      const leadMPa = GOVERNOR_LEAD_FRACTION * (target > 0 ? target : -target);
      trajectory.update(target, seq.rateMPaPerS, dtS, presentPressure, leadMPa > GOVERNOR_MIN_LEAD_MPA ? leadMPa : GOVERNOR_MIN_LEAD_MPA);
      const controlDemand = this.controlDemand;
      controlDemand.targetMPa = target;
      controlDemand.bandMPa = seq.bandMPa;
      controlDemand.programmedRateMPaPerS = seq.rateMPaPerS;
      controlDemand.setpointMPa = trajectory.setpointMPa;
      controlDemand.feedForwardRateMPaPerS = trajectory.rateMPaPerS;
      controlDemand.pressureMPa = lawPressure;
      controlDemand.dtS = dtS;
      controlDemand.governed = trajectory.governed;
      controller.track(controlDemand);
    } else if (demand === Demand.dump) {
      trajectory.reset(presentPressure);
      controller.dump(lawPressure, dtS);
    } else {
      trajectory.reset(presentPressure);
      controller.idle(lawPressure, dtS);
    }
    this.lastDemand = demand;

    let pumpLevel = controller.pumpLevel;
    let releaseLevel = controller.releaseLevel;
    // A static correction moves one way only: a top-up never bleeds, a bleed never pumps.
    // (The on/off law has no static corrections: it switches about its setpoint both ways.)
    if (!this.onOff && seq.demand === Demand.staticHold && demand === Demand.track) {
      if (this.staticHold.correction === Correction.up) releaseLevel = 0;
      else pumpLevel = 0;
    }
    // Unloading after Stop lets the load down; nothing pumps.
    if (seq.unloading) pumpLevel = 0;
    const strokes = this.strokes;
    if (strokes !== null) pumpLevel = strokes.command(pumpLevel);

    const safety = this.safety;
    const outputs = this.outputs;
    const program = seq.program;
    const stepLimitMPa = program !== null && seq.active ? program.limitMPa[seq.stepIndex] : Infinity;
    const oil = board.oilPressure;
    const oilForceKN = oil === undefined || !oil.read() ? NaN : (oil.pressureMPa * oil.ramAreaMm2) / 1000;
    const safetyInputs = this.safetyInputs;
    safetyInputs.nowMs = nowMs;
    safetyInputs.gapMs = this.timing.lastPeriodMs;
    safetyInputs.pressureMPa = pressure;
    safetyInputs.forceKN = cell.forceKN;
    safetyInputs.rawCounts = cell.rawCounts;
    safetyInputs.oilForceKN = oilForceKN;
    safetyInputs.sensorFault = cell.fault;
    safetyInputs.estop = this.estop.state;
    safetyInputs.stepLimitMPa = stepLimitMPa;
    safetyInputs.stepOverdue = seq.overdue;
    safetyInputs.drivenPumpLevel = outputs.drivenPumpLevel;
    safetyInputs.drivenReleaseLevel = outputs.drivenReleaseLevel;
    if (safety.check(safetyInputs)) {
      if (seq.state !== RunState.fault) latchFault(safety, seq, safety.latchedFault, nowMs, safety.judgedOnCommissioned ? forceKNToPressureMPa(safety.commissioned.commissionedKN, cell.dieAreaMm2) : pressure);
      pumpLevel = 0;
      if (!seq.unloading) releaseLevel = 1;
    }
    // The guard interlock: nothing pumps with the guard open, whatever the state.
    if (guardOpen) pumpLevel = 0;
    const state = seq.state;
    const pumpPowered = (state === RunState.running || state === RunState.waiting) && !safety.tripped && !guardOpen;
    outputs.drive(pumpPowered, pumpLevel, releaseLevel);

    const active = seq.active;
    if (active && program !== null) this.samples.tick(nowMs, pressure, trajectory.setpointMPa, seq.targetMPa, seq.stepIndex, seq.state, program.logIntervalS[seq.stepIndex] * 1000);
    if (this.wasActive && !active) this.recorder.end(nowMs);
    this.wasActive = active;

    // Fed only by a tick that ran to its outputs on a fresh reading, or that is deliberately holding the safe state.
    if (cell.samplesThisTick > 0 || safety.tripped) board.system.feedWatchdog();
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
}
