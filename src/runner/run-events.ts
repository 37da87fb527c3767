/**
 * Who acts on a run or a fault: the press itself (its buttons and e-stop, or code in the
 * firmware's own process such as a commissioning tool) is 0; a protocol session is its
 * CommandContext.sessionId (1, 2, …). Recorded as the event's detail.
 */
export const Origin = Object.freeze({ press: 0 } as const);

/** Why something happened. Numbers are stable: run records and the protocol carry them. */
export const EventCause = Object.freeze({
  boot: 1,
  startButton: 2,
  startRemote: 3,
  stepDone: 4,
  prompt: 5,
  continueButton: 6,
  continueRemote: 7,
  guardOpened: 8,
  guardClosed: 9,
  stopButton: 10,
  abortRemote: 11,
  fault: 12,
  faultResetButton: 13,
  faultResetRemote: 14,
  unloaded: 15,
  completed: 16,
  refused: 17,
  interruptedRunFound: 18,
  programSelected: 19,
  /** Boot: the store's mount found damage or loss (detail: damaged blocks + lost keys, at most 65535). */
  storeDamaged: 50,
  /** Boot: the calibration history was lost; runs are refused until the loss is accepted at the press. */
  calibrationLost: 51,
  /** Continue held at the press: the store report (and a lost calibration) accepted. */
  storeLossAccepted: 52,
  /** The selected program's stored copy was deleted: nothing is selected now. */
  programDeselected: 53,
  /** ABOR:FORCe stopped a run (the detail: the session that did). */
  abortForced: 40,
  /** ABOR from a session that does not own the run was refused (detail: that session). */
  abortRefusedNotOwner: 41,
  /** PROG:CONT from a session that does not own the run was refused (detail: that session). */
  continueRefusedNotOwner: 42,
  /** SYST:FAUL:CLE of a fault that resets only at the press was refused (detail: that session). */
  faultResetRefusedRemote: 43,
  /** Calibration authority (detail: the session id, or a count). */
  calUnlocked: 30,
  calWrongCode: 31,
  calUnlockRefused: 32,
  calLockedOut: 33,
  calCommissionRequested: 34,
  calCodeCommissioned: 35,
  calDefined: 36,
  calDefineRefused: 37,
  calConfirmRequested: 38,
  calConfirmedAtPress: 39,
} as const);

export const EVENT_CAUSE_NAMES: Record<number, string> = Object.freeze({
  1: 'boot',
  2: 'start-button',
  3: 'start-remote',
  4: 'step-done',
  5: 'prompt',
  6: 'continue-button',
  7: 'continue-remote',
  8: 'guard-opened',
  9: 'guard-closed',
  10: 'stop-button',
  11: 'abort-remote',
  12: 'fault',
  13: 'fault-reset-button',
  14: 'fault-reset-remote',
  15: 'unloaded',
  16: 'completed',
  17: 'refused',
  18: 'interrupted-run-found',
  19: 'program-selected',
  50: 'store-damaged',
  51: 'calibration-lost',
  52: 'store-loss-accepted',
  53: 'program-deselected',
  40: 'abort-forced',
  41: 'abort-refused-not-owner',
  42: 'continue-refused-not-owner',
  43: 'fault-reset-refused-remote',
  30: 'cal-unlocked',
  31: 'cal-wrong-code',
  32: 'cal-unlock-refused',
  33: 'cal-locked-out',
  34: 'cal-commission-requested',
  35: 'cal-code-commissioned',
  36: 'cal-defined',
  37: 'cal-define-refused',
  38: 'cal-confirm-requested',
  39: 'cal-confirmed-at-press',
});

/** Why a Start, Continue or fault reset was refused (the detail of a `refused` event). */
export const Refusal = Object.freeze({
  noProgram: 1,
  busy: 2,
  faultLatched: 3,
  guardOpen: 4,
  estop: 5,
  unloading: 6,
  notWaiting: 7,
  noFault: 8,
  /** The calibration history was lost at boot and nobody has accepted that at the press yet. */
  calibrationLost: 40,
  /** ABOR or PROG:CONT from a session that did not start the run. */
  notOwner: 30,
  /** SYST:FAUL:CLE of a fault the setting remote_fault_reset does not let the protocol clear. */
  resetAtPress: 31,
} as const);

export const REFUSAL_NAMES: Record<number, string> = Object.freeze({
  1: 'no program selected',
  2: 'a run is in progress',
  3: 'a fault is latched: reset it first',
  4: 'the guard is open',
  5: 'the emergency stop is pressed',
  6: 'the press is still letting the load down',
  7: 'no prompt is waiting for an answer',
  8: 'no fault is latched',
  40: 'the calibration was lost: accept it at the press (hold Continue 3 s)',
  30: 'the run belongs to another connection',
  31: 'this fault resets only at the press: hold Stop 2 s',
});

const NOTICES: Readonly<Record<number, string>> = Object.freeze(Object.fromEntries(Object.keys(REFUSAL_NAMES).map((key) => [key, `Refused: ${REFUSAL_NAMES[Number(key)]}`])));

/** The panel's notice for a refused action (built once, so refusing allocates nothing). */
export function refusalNotice(refusal: number): string {
  return NOTICES[refusal] ?? 'Refused';
}

export interface RunEvent {
  t_ms: number;
  cause: string;
  from: string;
  to: string;
  /** 1-based step, 0 outside a step. */
  step: number;
  pressure_MPa: number;
  /** Fault code for fault events, the refusal for refused ones, the reset reason at boot; for a start, continue, stop or fault reset who did it (0 the press, > 0 the protocol session); 0 otherwise. */
  detail: number;
}

/**
 * The device's event log: every runner transition and every refused action, with its time,
 * cause, the step and the pressure. A ring of typed arrays filled without allocating; the
 * oldest events are overwritten once it is full (`lost` counts them).
 */
export class RunEvents {
  readonly timeMs: Float64Array;
  readonly cause: Uint8Array;
  readonly fromState: Uint8Array;
  readonly toState: Uint8Array;
  readonly step: Int16Array;
  readonly pressureMPa: Float32Array;
  readonly detail: Uint16Array;
  /** Events recorded since start-up; the newest has number count − 1. */
  count = 0;

  constructor(readonly capacity: number) {
    this.timeMs = new Float64Array(capacity);
    this.cause = new Uint8Array(capacity);
    this.fromState = new Uint8Array(capacity);
    this.toState = new Uint8Array(capacity);
    this.step = new Int16Array(capacity);
    this.pressureMPa = new Float32Array(capacity);
    this.detail = new Uint16Array(capacity);
  }

  record(timeMs: number, cause: number, fromState: number, toState: number, stepIndex: number, pressureMPa: number, detail: number): void {
    const slot = this.count % this.capacity;
    this.timeMs[slot] = timeMs;
    this.cause[slot] = cause;
    this.fromState[slot] = fromState;
    this.toState[slot] = toState;
    this.step[slot] = stepIndex + 1;
    this.pressureMPa[slot] = pressureMPa;
    this.detail[slot] = detail;
    this.count++;
  }

  /** Events overwritten before anyone read them. */
  get lost(): number {
    return this.count > this.capacity ? this.count - this.capacity : 0;
  }

  /** Events from number `first` on that are still in the ring, oldest first (reports; allocates). */
  list(first: number, stateNames: readonly string[]): RunEvent[] {
    const out: RunEvent[] = [];
    const oldest = this.count - this.capacity > first ? this.count - this.capacity : first;
    for (let n = oldest < 0 ? 0 : oldest; n < this.count; n++) {
      const slot = n % this.capacity;
      out.push({
        t_ms: this.timeMs[slot],
        cause: EVENT_CAUSE_NAMES[this.cause[slot]] ?? String(this.cause[slot]),
        from: stateNames[this.fromState[slot]],
        to: stateNames[this.toState[slot]],
        step: this.step[slot],
        pressure_MPa: this.pressureMPa[slot],
        detail: this.detail[slot],
      });
    }
    return out;
  }
}
