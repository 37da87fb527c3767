import type { CompiledProgram } from '../programs/compile';
import { HoldMode, StepKind } from '../programs/compile';
import { Demand, RunState } from './run-state';
import { StepStats } from './step-stats';

/** Rate used to settle the setpoint onto a hold or prompt level, MPa/s. */
const HOLD_SETTLE_RATE_MPA_PER_S = 5;
/**
 * A hold's time counts from "ready": the pressure in the band and settled, |dP/dt| below
 * this fraction of the target per second (at least the minimum) — or from this long after
 * the hold began, whichever comes first, so a press that never settles still moves on.
 */
const READY_RATE_FRACTION_PER_S = 0.002;
const READY_MIN_RATE_MPA_PER_S = 0.02;
const READY_TIMEOUT_MS = 10_000;
/** A release to this pressure or less ends with the release valve wide open. */
const ZERO_LEVEL_MPA = 0.5;

/**
 * Walks a compiled program step by step. Steps advance on measurement ("null pacing"): a
 * ramp ends when the measured pressure enters its band, a release when it falls to its
 * level, a hold when its time is up, a prompt when the operator presses Continue.
 */
export class Sequencer {
  state: number = RunState.idle;
  program: CompiledProgram | null = null;
  stats: StepStats | null = null;
  stepIndex = -1;
  stepStartMs = 0;
  /**
   * Hold steps: when the press became ready (in band and settled); maintain steps: when the
   * pressure first entered the band. -1 before; the step's time counts from here.
   */
  arrivedMs = -1;
  runStartMs = 0;
  runEndMs = 0;
  peakMPa = 0;
  /** This tick's demand on the controller. */
  demand: number = Demand.idle;
  targetMPa = 0;
  rateMPaPerS = 0;
  bandMPa = 0;

  load(program: CompiledProgram): void {
    this.program = program;
    this.stats = new StepStats(program.stepCount);
    this.state = RunState.idle;
    this.stepIndex = -1;
  }

  get active(): boolean {
    return this.state === RunState.running || this.state === RunState.waiting || this.state === RunState.paused;
  }

  start(nowMs: number, pressureMPa: number): boolean {
    const program = this.program;
    if (program === null || this.active) return false;
    if (this.state !== RunState.idle) this.stats = new StepStats(program.stepCount);
    this.runStartMs = nowMs;
    this.peakMPa = pressureMPa;
    this.state = RunState.running;
    this.enterStep(0, nowMs, pressureMPa);
    return true;
  }

  /** Operator answered a prompt. */
  continueRun(nowMs: number, pressureMPa: number): boolean {
    if (this.state !== RunState.waiting) return false;
    this.state = RunState.running;
    this.enterStep(this.stepIndex + 1, nowMs, pressureMPa);
    return true;
  }

  abort(nowMs: number): void {
    if (!this.active) return;
    this.finish(RunState.aborted, nowMs);
  }

  fault(nowMs: number): void {
    if (this.state === RunState.fault) return;
    if (this.active) this.finish(RunState.fault, nowMs);
    else this.state = RunState.fault;
  }

  /** Called every tick with the measured pressure and its settled rate; sets demand, target, rate. */
  update(nowMs: number, pressureMPa: number, settledRateMPaPerS: number): void {
    if (pressureMPa > this.peakMPa && this.active) this.peakMPa = pressureMPa;
    const program = this.program;
    if (program === null || !this.active) {
      this.setRestingDemand();
      return;
    }
    const i = this.stepIndex;
    const stats = this.stats as StepStats;
    const target = program.targetMPa[i];
    stats.sample((nowMs - this.runStartMs) / 1000, pressureMPa, target);
    const elapsedS = (nowMs - this.stepStartMs) / 1000;
    this.targetMPa = target;
    this.bandMPa = program.bandMPa[i];
    switch (program.kind[i]) {
      case StepKind.ramp:
        this.demand = Demand.track;
        this.rateMPaPerS = program.rateMPaPerS[i];
        if (pressureMPa >= target - this.bandMPa) this.advance(nowMs, pressureMPa);
        break;
      case StepKind.hold:
        this.demand = program.holdMode[i] === HoldMode.static ? Demand.staticHold : Demand.track;
        this.rateMPaPerS = HOLD_SETTLE_RATE_MPA_PER_S;
        if (this.arrivedMs < 0) {
          const error = pressureMPa > target ? pressureMPa - target : target - pressureMPa;
          const rate = settledRateMPaPerS > 0 ? settledRateMPaPerS : -settledRateMPaPerS;
          const rateLimit = READY_RATE_FRACTION_PER_S * target > READY_MIN_RATE_MPA_PER_S ? READY_RATE_FRACTION_PER_S * target : READY_MIN_RATE_MPA_PER_S;
          if ((error <= this.bandMPa && rate <= rateLimit) || nowMs - this.stepStartMs >= READY_TIMEOUT_MS) this.arrivedMs = nowMs;
        }
        if (this.arrivedMs >= 0 && (nowMs - this.arrivedMs) / 1000 >= program.durationS[i]) this.advance(nowMs, pressureMPa);
        break;
      case StepKind.release:
        this.demand = Demand.track;
        this.rateMPaPerS = program.rateMPaPerS[i];
        if (target <= ZERO_LEVEL_MPA && this.reachedZero(pressureMPa)) this.demand = Demand.dump;
        if (pressureMPa <= target + this.bandMPa) this.advance(nowMs, pressureMPa);
        break;
      case StepKind.prompt:
        this.state = RunState.waiting;
        this.demand = target <= ZERO_LEVEL_MPA ? Demand.dump : Demand.track;
        this.rateMPaPerS = HOLD_SETTLE_RATE_MPA_PER_S;
        break;
      case StepKind.wait:
        // Hands off: pump off, release closed, the load left to itself (relaxation, creep).
        this.demand = target <= ZERO_LEVEL_MPA ? Demand.dump : Demand.idle;
        this.rateMPaPerS = 0;
        if (elapsedS >= program.durationS[i]) this.advance(nowMs, pressureMPa);
        break;
      case StepKind.maintain:
        this.rateMPaPerS = program.rateMPaPerS[i];
        if (this.arrivedMs < 0) {
          this.demand = Demand.track;
          if (pressureMPa >= target - this.bandMPa && pressureMPa <= target + this.bandMPa) {
            this.arrivedMs = nowMs;
            stats.trackErrorFromNow();
          }
        } else {
          this.demand = Demand.staticHold;
          if ((nowMs - this.arrivedMs) / 1000 >= program.durationS[i]) this.advance(nowMs, pressureMPa);
        }
        break;
    }
  }

  /** Seconds left in the current step, when the step has a duration (NaN otherwise). */
  stepTimeLeftS(nowMs: number): number {
    const program = this.program;
    if (program === null || !this.active) return NaN;
    const kind = program.kind[this.stepIndex];
    const duration = program.durationS[this.stepIndex];
    let left: number;
    if (kind === StepKind.wait) left = duration - (nowMs - this.stepStartMs) / 1000;
    else if (kind === StepKind.hold || kind === StepKind.maintain) left = this.arrivedMs < 0 ? duration : duration - (nowMs - this.arrivedMs) / 1000;
    else return NaN;
    return left > 0 ? left : 0;
  }

  private reachedZero(pressureMPa: number): boolean {
    return pressureMPa <= ZERO_LEVEL_MPA;
  }

  private advance(nowMs: number, pressureMPa: number): void {
    const next = this.stepIndex + 1;
    if (next >= (this.program as CompiledProgram).stepCount) {
      this.finish(RunState.complete, nowMs);
      return;
    }
    this.enterStep(next, nowMs, pressureMPa);
  }

  private enterStep(index: number, nowMs: number, pressureMPa: number): void {
    const stats = this.stats as StepStats;
    stats.end();
    this.stepIndex = index;
    this.stepStartMs = nowMs;
    this.arrivedMs = -1;
    const program = this.program as CompiledProgram;
    stats.begin(index, (nowMs - this.runStartMs) / 1000, pressureMPa, program.kind[index] === StepKind.hold);
  }

  private finish(state: number, nowMs: number): void {
    (this.stats as StepStats).end();
    this.state = state;
    this.runEndMs = nowMs;
    this.setRestingDemand();
  }

  /**
   * Outside a run the release stays open, except after a program that completed at
   * pressure (a stack-pressure fixture): then pump off and release closed keep the load.
   */
  private setRestingDemand(): void {
    const program = this.program;
    this.rateMPaPerS = 0;
    const keepsLoad = this.state === RunState.complete && program !== null && program.targetMPa[program.stepCount - 1] > ZERO_LEVEL_MPA;
    this.demand = keepsLoad ? Demand.idle : Demand.dump;
  }
}
