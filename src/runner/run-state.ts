/** Runner states; the names are the ones the protocol and the panel show. */
export const RunState = Object.freeze({
  idle: 0,
  running: 1,
  waiting: 2,
  paused: 3,
  complete: 4,
  aborted: 5,
  fault: 6,
} as const);

export const RUN_STATE_NAMES = Object.freeze(['IDLE', 'RUNNING', 'WAITING', 'PAUSED', 'COMPLETE', 'ABORTED', 'FAULT']);

/** What the runner asks of the controller this tick. */
export const Demand = Object.freeze({
  /** Pump off, release closed: keep whatever is in the die. */
  idle: 0,
  /** Track targetMPa, moving the setpoint at most at rateMPaPerS. */
  track: 1,
  /** Static hold: outputs off inside the band, top up / bleed only when leaving it. */
  staticHold: 2,
  /** Pump off, release fully open. */
  dump: 3,
} as const);
