import type { CompiledProgram } from '../programs/compile';
import { HoldMode, StepKind } from '../programs/compile';
import { Demand, RunState } from './run-state';
import { EventCause, RunEvents } from './run-events';
import { StepStats } from './step-stats';
import { OUTSIDE_TOLERANCE, isJudgedKind, judgeStep } from './tolerance';
import { HoldReadiness, RELEASE_STALL_MS, STEP_STALL_MS, stallWindowMs } from './step-timing';

/** Rate used to settle the setpoint onto a hold or prompt level, MPa/s. */
const HOLD_SETTLE_RATE_MPA_PER_S = 5;
/** A release to this pressure or less ends with the release valve wide open. */
const ZERO_LEVEL_MPA = 0.5;
/** Events the ring keeps: enough for a run of maxRunSteps steps with its prompts and pauses. */
const EVENT_CAPACITY = 1024;

/**
 * Walks a compiled program step by step. Steps advance on measurement ("null pacing"): a
 * ramp ends when the measured pressure enters its band, a release when it falls to its
 * level, a hold when its time is up, a prompt when the operator presses Continue. Every
 * change of state or step is an event with its time and cause. After Stop, and after a
 * fault that unloads, the load comes down at the program's release rate.
 */
export class Sequencer {
  state: number = RunState.idle;
  readonly events = new RunEvents(EVENT_CAPACITY);
  /** Number of the first event of the current (or last) run. */
  runFirstEvent = 0;
  /** Letting the load down at unloadRateMPaPerS after Stop or an unloading fault. */
  unloading = false;
  /** The step must have come closer to its target by then (ms), or it has stalled; Infinity for steps without a deadline. */
  deadlineMs = Infinity;
  /** As of the last update(): a ramp or a maintain step's approach has stalled (a release to zero ends instead). */
  overdue = false;
  /** Closest the step has come to its target, MPa. */
  private bestDistanceMPa = Infinity;
  /** When the run was paused, ms. */
  pausedAtMs = 0;
  program: CompiledProgram | null = null;
  stats: StepStats | null = null;
  stepIndex = -1;
  stepStartMs = 0;
  /**
   * Hold steps: when the press became ready (in band and settled); maintain steps: when the
   * pressure first entered the band. -1 before; the step's time counts from here.
   */
  arrivedMs = -1;
  /** When a hold becomes ready, and whether it settled in its band first. */
  private readonly readiness = new HoldReadiness();
  runStartMs = 0;
  runEndMs = 0;
  /** The state the last run of the loaded program ended in (COMPLETE, ABORTED, FAULT); idle while none has ended. */
  runResult: number = RunState.idle;
  /** Steps of the current (or last) run that ended outside tolerance (src/runner/tolerance.ts); a COMPLETE run with any is "completed outside tolerance". */
  stepsOutsideTolerance = 0;
  peakMPa = 0;
  /** This tick's demand on the controller. */
  demand: number = Demand.idle;
  targetMPa = 0;
  rateMPaPerS = 0;
  bandMPa = 0;

  /** Takes a program; not while a run is in progress (the caller checks). */
  load(program: CompiledProgram, nowMs: number): void {
    this.program = program;
    this.stats = new StepStats(program.stepCount);
    this.stepIndex = -1;
    this.unloading = false;
    this.forgetResult();
    const from = this.state;
    if (from === RunState.complete || from === RunState.aborted) this.state = RunState.idle;
    this.events.record(nowMs, EventCause.programSelected, from, this.state, -1, 0, 0);
  }

  /** Lets go of the program (its stored copy was deleted); not while a run is in progress (the caller checks). */
  unloadProgram(nowMs: number): void {
    if (this.program === null) return;
    this.program = null;
    this.stats = null;
    this.stepIndex = -1;
    this.unloading = false;
    this.forgetResult();
    const from = this.state;
    if (from === RunState.complete || from === RunState.aborted) this.state = RunState.idle;
    this.events.record(nowMs, EventCause.programDeselected, from, this.state, -1, 0, 0);
  }

  /** A result belongs to the program that ran: selecting another, or none, leaves no result. */
  private forgetResult(): void {
    this.runResult = RunState.idle;
    this.stepsOutsideTolerance = 0;
  }

  get active(): boolean {
    return this.state === RunState.running || this.state === RunState.waiting || this.state === RunState.paused;
  }

  /** Records a state change (or a step change within a state) as an event. */
  private transition(to: number, cause: number, nowMs: number, pressureMPa: number, detail: number): void {
    this.events.record(nowMs, cause, this.state, to, this.stepIndex, pressureMPa, detail);
    this.state = to;
  }

  /** Starts the loaded program; the caller has checked the interlocks. `by` (here and below): who acted, the event's detail (0 the press, > 0 a protocol session). */
  start(nowMs: number, pressureMPa: number, cause: number, by = 0): boolean {
    const program = this.program;
    if (program === null || this.active || this.state === RunState.fault) return false;
    if (this.stats === null || this.stats.started[0] === 1) this.stats = new StepStats(program.stepCount);
    this.runStartMs = nowMs;
    this.runEndMs = nowMs;
    this.runResult = RunState.idle;
    this.stepsOutsideTolerance = 0;
    this.peakMPa = pressureMPa;
    this.unloading = false;
    this.runFirstEvent = this.events.count;
    this.stepIndex = -1;
    this.transition(RunState.running, cause, nowMs, pressureMPa, by);
    this.enterStep(0, nowMs, pressureMPa);
    return true;
  }

  /** Answers a prompt (next step), or resumes a paused run where it stopped. */
  continueRun(nowMs: number, pressureMPa: number, cause: number, by = 0): boolean {
    if (this.state === RunState.waiting) {
      this.transition(RunState.running, cause, nowMs, pressureMPa, by);
      this.advance(nowMs, pressureMPa);
      return true;
    }
    if (this.state === RunState.paused) {
      // The step's clocks stand still while paused: a hold or wait serves only its remaining time.
      const pausedMs = nowMs - this.pausedAtMs;
      this.stepStartMs += pausedMs;
      if (this.arrivedMs >= 0) this.arrivedMs += pausedMs;
      this.deadlineMs += pausedMs;
      this.transition(RunState.running, cause, nowMs, pressureMPa, by);
      return true;
    }
    return false;
  }

  /** Guard opened: a running step stops where it is (pump off, load kept) until Continue. */
  pause(nowMs: number, pressureMPa: number, cause: number): boolean {
    if (this.state !== RunState.running) return false;
    this.pausedAtMs = nowMs;
    this.transition(RunState.paused, cause, nowMs, pressureMPa, 0);
    this.setRestingDemand();
    return true;
  }

  /** Stop: the run ends ABORTED and the load comes down at the program's release rate. */
  abort(nowMs: number, pressureMPa: number, cause: number, by = 0): boolean {
    if (!this.active) return false;
    this.finish(RunState.aborted, cause, nowMs, pressureMPa, by);
    this.unloading = pressureMPa > ZERO_LEVEL_MPA;
    this.setRestingDemand();
    return true;
  }

  /** A latched fault ends the run; `unload` lets the load down under control instead of dumping it. */
  fault(nowMs: number, pressureMPa: number, code: number, unload: boolean): void {
    if (this.state === RunState.fault) return;
    if (this.active) this.finish(RunState.fault, EventCause.fault, nowMs, pressureMPa, code);
    else this.transition(RunState.fault, EventCause.fault, nowMs, pressureMPa, code);
    this.unloading = unload && pressureMPa > ZERO_LEVEL_MPA;
    this.setRestingDemand();
  }

  /** The latched fault was cleared: back to IDLE, the program still selected, nothing started. */
  resetFault(nowMs: number, pressureMPa: number, cause: number, by = 0): void {
    if (this.state !== RunState.fault) return;
    this.unloading = false;
    this.transition(RunState.idle, cause, nowMs, pressureMPa, by);
    this.setRestingDemand();
  }

  /** Called every tick with the measured pressure and its settled rate; sets demand, target, rate. */
  update(nowMs: number, pressureMPa: number, settledRateMPaPerS: number): void {
    if (pressureMPa > this.peakMPa && this.active) this.peakMPa = pressureMPa;
    const program = this.program;
    if (this.unloading && pressureMPa <= ZERO_LEVEL_MPA) {
      this.unloading = false;
      this.events.record(nowMs, EventCause.unloaded, this.state, this.state, -1, pressureMPa, 0);
    }
    if (program === null || (this.state !== RunState.running && this.state !== RunState.waiting)) {
      if (this.state === RunState.paused) (this.stats as StepStats).sample((nowMs - this.runStartMs) / 1000, pressureMPa, this.targetMPa, this.bandMPa);
      this.setRestingDemand();
      this.overdue = false;
      return;
    }
    const i = this.stepIndex;
    const stats = this.stats as StepStats;
    const target = program.targetMPa[i];
    this.targetMPa = target;
    this.bandMPa = program.bandMPa[i];
    stats.sample((nowMs - this.runStartMs) / 1000, pressureMPa, target, this.bandMPa);
    const elapsedS = (nowMs - this.stepStartMs) / 1000;
    switch (program.kind[i]) {
      case StepKind.ramp:
        this.demand = Demand.track;
        this.rateMPaPerS = program.rateMPaPerS[i];
        this.noteProgress(nowMs, target - pressureMPa, stallWindowMs(STEP_STALL_MS, this.bandMPa, this.rateMPaPerS));
        if (pressureMPa >= target - this.bandMPa) this.advance(nowMs, pressureMPa);
        break;
      case StepKind.hold:
        this.demand = program.holdMode[i] === HoldMode.static ? Demand.staticHold : Demand.track;
        this.rateMPaPerS = HOLD_SETTLE_RATE_MPA_PER_S;
        if (this.arrivedMs < 0 && this.readiness.ready(nowMs - this.stepStartMs, pressureMPa, settledRateMPaPerS, target, this.bandMPa)) {
          this.arrivedMs = nowMs;
          stats.trackErrorFromNow();
        }
        if (this.arrivedMs >= 0 && (nowMs - this.arrivedMs) / 1000 >= program.durationS[i]) this.advance(nowMs, pressureMPa);
        break;
      case StepKind.release:
        this.demand = Demand.track;
        this.rateMPaPerS = program.rateMPaPerS[i];
        if (target <= ZERO_LEVEL_MPA) {
          if (pressureMPa <= ZERO_LEVEL_MPA) this.demand = Demand.dump;
          this.noteProgress(nowMs, pressureMPa - target, stallWindowMs(RELEASE_STALL_MS, this.bandMPa, this.rateMPaPerS));
          if (nowMs > this.deadlineMs) {
            this.advance(nowMs, pressureMPa);
            break;
          }
        }
        if (pressureMPa <= target + this.bandMPa) this.advance(nowMs, pressureMPa);
        break;
      case StepKind.prompt:
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
          this.noteProgress(nowMs, target > pressureMPa ? target - pressureMPa : pressureMPa - target, stallWindowMs(STEP_STALL_MS, this.bandMPa, this.rateMPaPerS));
          if (pressureMPa >= target - this.bandMPa && pressureMPa <= target + this.bandMPa) {
            this.arrivedMs = nowMs;
            this.deadlineMs = Infinity;
            stats.trackErrorFromNow();
          }
        } else {
          this.demand = Demand.staticHold;
          if ((nowMs - this.arrivedMs) / 1000 >= program.durationS[i]) this.advance(nowMs, pressureMPa);
        }
        break;
    }
    this.overdue = this.state === RunState.running && nowMs > this.deadlineMs;
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

  /** Moves the stall deadline on whenever the step has come a band closer to its target. */
  private noteProgress(nowMs: number, distanceMPa: number, stallMs: number): void {
    if (distanceMPa <= this.bestDistanceMPa - this.bandMPa) {
      this.bestDistanceMPa = distanceMPa;
      this.deadlineMs = nowMs + stallMs;
    }
  }

  private advance(nowMs: number, pressureMPa: number): void {
    this.closeStep();
    const next = this.stepIndex + 1;
    if (next >= (this.program as CompiledProgram).stepCount) {
      this.finish(RunState.complete, EventCause.completed, nowMs, pressureMPa, 0);
      return;
    }
    this.events.record(nowMs, EventCause.stepDone, this.state, this.state, this.stepIndex, pressureMPa, 0);
    this.enterStep(next, nowMs, pressureMPa);
  }

  /** The step ran to its end: its statistics close and a hold or maintain step gets its tolerance verdict. */
  private closeStep(): void {
    const stats = this.stats as StepStats;
    const i = this.stepIndex;
    stats.end();
    const program = this.program as CompiledProgram;
    const kind = program.kind[i];
    if (!isJudgedKind(kind)) return;
    const verdict = judgeStep(kind, stats.errorP99MPa[i], stats.inBandPermille[i], program.bandMPa[i], this.readiness.settled);
    stats.tolerance[i] = verdict;
    if ((verdict & OUTSIDE_TOLERANCE) !== 0) this.stepsOutsideTolerance++;
  }

  private enterStep(index: number, nowMs: number, pressureMPa: number): void {
    const stats = this.stats as StepStats;
    this.stepIndex = index;
    this.stepStartMs = nowMs;
    this.arrivedMs = -1;
    this.readiness.reset();
    const program = this.program as CompiledProgram;
    const kind = program.kind[index];
    // A hold tracks its error from ready on, a maintain step from arrival (trackErrorFromNow).
    stats.begin(index, (nowMs - this.runStartMs) / 1000, pressureMPa, false);
    this.targetMPa = program.targetMPa[index];
    this.bestDistanceMPa = Infinity;
    this.deadlineMs = Infinity;
    if (kind === StepKind.prompt) this.transition(RunState.waiting, EventCause.prompt, nowMs, pressureMPa, 0);
  }

  private finish(state: number, cause: number, nowMs: number, pressureMPa: number, detail: number): void {
    (this.stats as StepStats).end();
    this.runEndMs = nowMs;
    this.runResult = state;
    this.deadlineMs = Infinity;
    this.transition(state, cause, nowMs, pressureMPa, detail);
    this.setRestingDemand();
  }

  /**
   * Outside a run the release stays open, except after a program that completed at
   * pressure (a stack-pressure fixture): then pump off and release closed keep the load.
   * A paused run keeps its load too. While unloading, the load comes down at the program's
   * release rate.
   */
  private setRestingDemand(): void {
    const program = this.program;
    if (this.unloading && program !== null) {
      this.demand = Demand.track;
      this.targetMPa = 0;
      this.bandMPa = ZERO_LEVEL_MPA;
      this.rateMPaPerS = program.unloadRateMPaPerS;
      return;
    }
    this.rateMPaPerS = 0;
    const keepsLoad = this.state === RunState.paused || (this.state === RunState.complete && program !== null && program.targetMPa[program.stepCount - 1] > ZERO_LEVEL_MPA);
    this.demand = keepsLoad ? Demand.idle : Demand.dump;
  }
}
