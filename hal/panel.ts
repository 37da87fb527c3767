/** What the operator panel shows; the firmware fills one preallocated instance. */
export interface PanelView {
  /** Runner state as the protocol names it: IDLE, RUNNING, WAITING, PAUSED, COMPLETE, ABORTED, FAULT. */
  state: string;
  /** Name of the selected program ('' when none). */
  programName: string;
  /** 1-based step number, 0 before the first step. */
  stepIndex: number;
  stepCount: number;
  /** The step's label, or its type. */
  stepType: string;
  pressureMPa: number;
  targetMPa: number;
  /** Seconds left in a timed step (hold, wait, maintain); NaN for steps without a duration. */
  stepTimeLeftS: number;
  /** What the operator is asked to do: the program's prompt, or the instruction while paused, refused or faulted. */
  prompt: string;
  /** The latched fault as "<code> <NAME>", '' when none. */
  lastFault: string;
}

/** A view with nothing to show yet: the firmware and the simulated panel each start from one. */
export function blankPanelView(): PanelView {
  return { state: 'IDLE', programName: '', stepIndex: 0, stepCount: 0, stepType: '', pressureMPa: 0, targetMPa: 0, stepTimeLeftS: Number.NaN, prompt: '', lastFault: '' };
}

/** Status LED and buzzer patterns, one per runner state. */
export const StatusPattern = Object.freeze({
  idle: 0,
  running: 1,
  waiting: 2,
  paused: 3,
  complete: 4,
  aborted: 5,
  fault: 6,
} as const);

export interface StatusSignal {
  /** LED on time and off time of one blink period, ms (off 0 = steady on, on 0 = dark). */
  ledOnMs: number;
  ledOffMs: number;
  /** Buzzer: beeps when the state is entered (0 = silent), then one beep every repeatMs (0 = no repeat). */
  beepsOnEntry: number;
  beepRepeatMs: number;
}

/**
 * What each pattern looks and sounds like. Board drivers and the simulator's terminal panel
 * both read this table, so a pattern means the same on the bench and on the screen.
 */
export const STATUS_SIGNALS: readonly StatusSignal[] = Object.freeze([
  /* idle     */ Object.freeze({ ledOnMs: 0, ledOffMs: 1000, beepsOnEntry: 0, beepRepeatMs: 0 }),
  /* running  */ Object.freeze({ ledOnMs: 1000, ledOffMs: 0, beepsOnEntry: 0, beepRepeatMs: 0 }),
  /* waiting  */ Object.freeze({ ledOnMs: 500, ledOffMs: 500, beepsOnEntry: 2, beepRepeatMs: 30_000 }),
  /* paused   */ Object.freeze({ ledOnMs: 250, ledOffMs: 750, beepsOnEntry: 1, beepRepeatMs: 10_000 }),
  /* complete */ Object.freeze({ ledOnMs: 100, ledOffMs: 1900, beepsOnEntry: 3, beepRepeatMs: 0 }),
  /* aborted  */ Object.freeze({ ledOnMs: 100, ledOffMs: 900, beepsOnEntry: 1, beepRepeatMs: 0 }),
  /* fault    */ Object.freeze({ ledOnMs: 100, ledOffMs: 100, beepsOnEntry: 5, beepRepeatMs: 2_000 }),
]);

export interface OperatorPanel {
  /**
   * Called from the firmware's panel timer (about 10 Hz, never from the control tick) with the
   * current view. May do bus I/O, but a bounded amount per call: it runs between ticks.
   */
  show(view: PanelView): void;
  /** LED / buzzer pattern, one of StatusPattern; called with every refresh, acted on when it changes. */
  setStatus(pattern: number): void;
}
