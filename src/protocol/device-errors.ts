/**
 * The press's own error codes (positive, SCPI-1999 Vol. 2 §21.8: device-defined). They set
 * DDE in the Event Status Register. The detail after ';' says what exactly was wrong.
 */
export const DeviceError = Object.freeze({
  /** PROG:DEF: the program failed validation or is not JSON; one entry per validator message. */
  programRejected: 101,
  /** A program or calibration could not be written: the store is full or not mounted. */
  storeFailed: 102,
  /** The press's state does not allow it now (a run in progress, a latched fault, …): the refusal. */
  refused: 103,
  /** No stored program of that name. */
  noSuchProgram: 104,
  /** CAL:DEF: the calibration record is not acceptable. */
  calibrationRejected: 105,
  /** LOG:DATA?: no run of that number in the log. */
  noSuchRun: 106,
  /** LOG:DATA?, LOG:HEAD?, LOG:STEP?: a record of the run passed its CRC but makes no sense (the detail names it). */
  runDamaged: 108,
  /** CAL:UNL: wrong unlock code. */
  wrongCode: 107,
  /** Queued at power-on and in every session opened after it: the store's mount found damage or loss (the detail says what). */
  storeDamaged: 120,
  /** Queued with 120 when the calibration history was lost: runs are refused until that is accepted at the press. */
  calibrationLost: 121,
  /** ABOR or PROG:CONT from a session that did not start the run (ABOR:FORCe or the Stop button stops it). */
  notOwner: 115,
  /** SYST:FAUL:CLE: the latched fault resets only at the press (setting remote_fault_reset). */
  resetAtPress: 116,
  /** CAL:UNL: the press has no commissioned calibration code. */
  noCalibrationCode: 110,
  /** CAL:UNL: too many wrong codes; the detail says when the next attempt is checked. */
  calibrationBackoff: 111,
  /** CAL:UNL: locked out after too many wrong codes, until a code is commissioned at the press. */
  calibrationLockedOut: 112,
  /** CAL:DEF/CAL:COMM: waits for a confirmation at the press (Continue held 3 s). */
  confirmAtPress: 113,
  /** CAL:COMM: the code is not acceptable, or the press is busy. */
  commissioningRefused: 114,
} as const);

export const DEVICE_ERROR_MESSAGES: Readonly<Record<number, string>> = Object.freeze({
  101: 'Program rejected',
  102: 'Store failed',
  103: 'Refused',
  104: 'No such program',
  105: 'Calibration rejected',
  106: 'No such run',
  107: 'Wrong unlock code',
  108: 'Run record damaged',
  120: 'Store damaged',
  121: 'Calibration lost',
  115: 'Run owned by another connection',
  116: 'Reset at the press',
  110: 'No calibration code',
  111: 'Calibration unlock backing off',
  112: 'Calibration unlock locked out',
  113: 'Confirm at the press',
  114: 'Commissioning refused',
});
