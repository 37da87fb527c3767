/**
 * The press's SCPI commands (docs/protocol.md, "Device commands") bound to the press's port
 * (src/protocol/press-port.ts):
 * measurement, the program store, runs, faults, the run log and calibration. One table per
 * firmware, shared by every session. Handlers run outside the control tick; the ones that
 * start, continue or abort a run only change what the next tick reads.
 */
import type { PressPort } from './press-port';
import { parseJson, formatJsonError } from '../json/parse-json';
import { readUtf8, utf8Bytes } from '../bytes/utf8';
import { formatValidationError } from '../programs/validate';
import { EventCause, Origin, REFUSAL_NAMES, Refusal } from '../runner/run-events';
import { faultLabel, faultMessage } from '../safety/faults';
import { RunOutcome } from '../store/run-journal';
import { CommandTable } from './command-table';
import { DEVICE_ERROR_MESSAGES, DeviceError } from './device-errors';
import { deviceFail, refuseWhenBusy } from './device-fail';
import { fail } from './errors';
import { block, integer, numeric, optional, string } from './parameters';
import { chars, fixed } from './response';
import type { DeviceIdentity } from './standard-commands';
import { registerStandardCommands } from './standard-commands';
import { registerClockCommands } from './clock-commands';
import { OUTCOME_NAMES, registerLogCommands } from './log-commands';
export { LOG_BYTES_PER_ANSWER, LOG_ROWS_PER_ANSWER, MAX_LOG_CATALOG } from './log-commands';
import { deepFreeze } from '../frozen';
import { FIRMWARE_VERSION } from '../firmware-version';
import {
  LOCKOUT_WRONG_CODES,
  MAX_CODE,
  MIN_CODE,
  PendingKind,
  hashCode,
  calibrationBandError,
} from '../loadcell/calibration-authority';
import type { CalibrationRecord } from '../store/calibration-record';
import { calibrationRecordError } from '../store/calibration-record';
import { isProgramName } from '../text/chars';

/** The largest program upload, bytes of JSON (a program's flash slot is 8 KB encoded). */
export const MAX_PROGRAM_JSON_BYTES = 16384;

export const DEFAULT_IDENTITY: DeviceIdentity = Object.freeze({ manufacturer: 'Lab Press Works', model: 'LP-20', serialNumber: 'SN0000', firmwareVersion: FIRMWARE_VERSION });


const programName = deepFreeze(string({ maxChars: 32, accepts: (text) => isProgramName(text, 32), describe: '1-32 letters, digits, ".", "_" and "-"' }));

function ownerText(owner: number): string {
  return owner === Origin.press ? 'the press (started with its Start button)' : `connection ${owner}`;
}

function refusal(code: number): void {
  if (code !== 0) deviceFail(DeviceError.refused, REFUSAL_NAMES[code] ?? `refusal ${code}`);
}

export interface DeviceCommandOptions {
  identity?: DeviceIdentity;
}

/** A fresh table bound to the press's port: the common commands and the press's own. */
export function createDeviceCommandTable(press: PressPort, options: DeviceCommandOptions = {}): CommandTable {
  const table = new CommandTable();
  const auth = press.calibrationAuthority;
  const calibrationLocked = { locked: (context: { sessionId: number }) => !auth.isUnlocked(context.sessionId, press.nowMs()) };

  registerStandardCommands(table, {
    identity: options.identity ?? DEFAULT_IDENTITY,
    // The session's own reset state: its calibration unlock ended. A run is not stopped, not even
    // this session's own (a deviation from IEEE 488.2, docs/protocol.md): scripts open with *RST,
    // and on the serial port every client is the same session. ABOR stops a run.
    reset: (context) => {
      auth.lock(context.sessionId);
    },
    // A latched fault's code, else the store's (121 calibration lost, 120 store damaged), else 0.
    selfTest: () => press.latchedFault || press.storeTestCode,
  });
  // Every session opened after the boot is told once what the boot's mount found (the serial port's at boot).
  table.powerOnReport = (status) => press.reportStore(status);
  table.query('SYSTem:STORage?', [], () => [press.storeTestCode, press.storeSummary]);

  // Measurement.
  table.query('MEASure:FORCe?', [], () => fixed(press.forceKN, 3));
  table.query('MEASure:PRESsure?', [], () => {
    if (press.selectedProgramName === null) fail(-221, 'no program selected: the pressure is taken over the selected program\'s die');
    return fixed(press.pressureMPa, 2);
  });

  // The program store.
  table.query('PROGram:CATalog?', [], () => {
    const names = press.programNames();
    return names.length === 0 ? '' : names;
  });
  table.command('PROGram:DEFine', [programName, block({ maxBytes: MAX_PROGRAM_JSON_BYTES })], ([name, bytes], context) => {
    const text = readUtf8(bytes, 0, bytes.length);
    if (text === null) deviceFail(DeviceError.programRejected, 'the block is not UTF-8 text');
    const parsed = parseJson(text);
    if (!parsed.ok) deviceFail(DeviceError.programRejected, `not JSON: ${formatJsonError(parsed)}`);
    const json = parsed.value as { name?: unknown };
    if (typeof json === 'object' && json !== null && json.name !== name) {
      deviceFail(DeviceError.programRejected, `the program's "name" (${JSON.stringify(json.name)}) is not "${name}"`);
    }
    const defined = press.defineProgram(json);
    const checked = defined.checked;
    if (!checked.ok) {
      for (const error of checked.errors) context.report(DeviceError.programRejected, formatValidationError(error), DEVICE_ERROR_MESSAGES[DeviceError.programRejected]);
      return;
    }
    if (defined.refusedBusy) deviceFail(DeviceError.refused, REFUSAL_NAMES[Refusal.busy]);
    if (defined.storeError !== null) deviceFail(DeviceError.storeFailed, defined.storeError);
  });
  table.query('PROGram:DEFine?', [programName], ([name]) => {
    const loaded = press.storedProgram(name);
    if (loaded === null) deviceFail(DeviceError.noSuchProgram, name);
    if (!loaded.ok) fail(-250, `${name}: ${loaded.error}`);
    return utf8Bytes(JSON.stringify(loaded.program));
  });
  // What the validator warned about when the program would be checked against this press now (a level or band the load cell cannot resolve, …): not errors, so PROG:DEF stores the program and says nothing.
  table.query('PROGram:WARNings?', [programName], ([name]) => {
    const warnings = press.storedWarnings(name);
    if (warnings === null) deviceFail(DeviceError.noSuchProgram, name);
    if (typeof warnings === 'string') fail(-250, `${name}: ${warnings}`);
    return warnings.length === 0 ? '' : warnings;
  });
  table.command('PROGram:DELete', [programName], ([name]) => {
    refuseWhenBusy(press);
    if (!press.hasProgram(name)) deviceFail(DeviceError.noSuchProgram, name);
    const problem = press.deleteProgram(name);
    if (problem !== null) deviceFail(DeviceError.storeFailed, problem);
  });
  table.command('PROGram:SELect', [programName], ([name]) => {
    refuseWhenBusy(press);
    if (!press.hasProgram(name)) deviceFail(DeviceError.noSuchProgram, name);
    const problem = press.selectProgram(name);
    if (problem !== null) deviceFail(DeviceError.programRejected, problem);
  });
  table.query('PROGram:SELect?', [], () => press.selectedProgramName ?? '');
  registerClockCommands(table, press, programName);

  // Runs.
  // A run belongs to the session that started it (or to the press): docs/protocol.md, "Who may stop a run".
  table.command('INITiate[:IMMediate]', [], (_args, context) => refusal(press.startRun(context.sessionId)));
  table.command('ABORt', [], (_args, context) => {
    if (press.abortRun(EventCause.abortRemote, context.sessionId) === Refusal.notOwner) {
      deviceFail(DeviceError.notOwner, `run owned by ${ownerText(press.runOwner)}; ABOR:FORC or the Stop button at the press stops it`);
    }
  });
  table.command('ABORt:FORCe', [], (_args, context) => {
    press.abortRun(EventCause.abortForced, context.sessionId);
  });
  table.command('PROGram:CONTinue', [], (_args, context) => {
    const code = press.continueRun(context.sessionId);
    if (code === Refusal.notOwner) deviceFail(DeviceError.notOwner, `run owned by ${ownerText(press.runOwner)}; only it or the Continue button at the press continues it`);
    refusal(code);
  });
  table.query('PROGram:OWNer?', [], (_args, context) => [press.runOwner, context.sessionId]);
  table.query('PROGram:STATe?', [], () => chars(press.stateName));
  table.query('PROGram:STEP?', [], () => {
    const leftS = press.stepTimeLeftS;
    return [press.stepNumber, press.stepCount, fixed(Number.isFinite(leftS) ? leftS : -1, 1), press.stepName];
  });
  table.query('PROGram:PROMpt?', [], () => press.prompt);
  // What the live plot draws beside the pressure: 9.91E+37 for each outside a run.
  table.query('PROGram:SETPoint?', [], () => [fixed(press.setpointMPa, 2), fixed(press.stepTargetMPa, 2), fixed(press.stepBandMPa, 2)]);
  // How the last run ended, in the run log's words: NONE while a run is on or none has ended since the selection.
  table.query('PROGram:RESult?', [], () => {
    const outcome = press.runOutcome;
    return [chars(outcome === RunOutcome.open ? 'NONE' : (OUTCOME_NAMES[outcome] ?? 'UNKNOWN')), press.outsideTolerance];
  });

  // Faults.
  table.query('SYSTem:FAULt?', [], () => {
    const code = press.latchedFault;
    return [code, code === 0 ? 'No fault' : `${faultLabel(code)}: ${faultMessage(code)}`];
  });
  table.command('SYSTem:FAULt:CLEar', [], (_args, context) => {
    const fault = press.latchedFault;
    const code = press.resetFault(context.sessionId);
    if (code === Refusal.resetAtPress) {
      const setting = press.remoteFaultResetSetting();
      const why = setting === undefined ? 'setting remote_fault_reset is unset (none)' : setting === 'none' || setting === 'process' ? `setting remote_fault_reset is ${setting}` : `setting remote_fault_reset is ${JSON.stringify(setting)}, not none or process: treated as none`;
      deviceFail(DeviceError.resetAtPress, `${faultLabel(fault)} must be reset at the press: hold Stop 2 s (${why})`);
    }
    refusal(code);
  });

  registerLogCommands(table, press);

  // Calibration (docs/load-cell.md, "Calibration authority"): reading is free; changing it needs
  // this connection's unlock with the code commissioned at the press, and a span in the band
  // around the commissioned one unless the change is confirmed at the press.
  const refusedUnlock = (nowMs: number): void => {
    if (!auth.noteRefused(nowMs)) return;
    press.calibrationEvent(EventCause.calUnlockRefused, auth.refusedUnlogged);
    auth.refusalLogged(nowMs);
  };
  table.command('CALibration:UNLock', [integer({ min: 0, max: MAX_CODE })], ([code], context) => {
    const session = context.sessionId;
    // Flash is written only on an idle press, and the count is written for every wrong code.
    refuseWhenBusy(press);
    const stored = press.storedCode();
    const nowMs = press.nowMs();
    if (stored === null) {
      refusedUnlock(nowMs);
      deviceFail(DeviceError.noCalibrationCode, 'no calibration code commissioned: commission one at the press (CAL:COMM, then hold Continue 3 s)');
    }
    if (auth.lockedOut) {
      refusedUnlock(nowMs);
      deviceFail(DeviceError.calibrationLockedOut, `${auth.wrongCodes} wrong codes: commission a code again at the press`);
    }
    const waitMs = auth.waitMs(nowMs);
    if (waitMs > 0) {
      refusedUnlock(nowMs);
      deviceFail(DeviceError.calibrationBackoff, `${auth.wrongCodes} wrong codes: the next code is checked in ${Math.ceil(waitMs / 1000)} s`);
    }
    if (hashCode(stored.salt, code) !== stored.hash) {
      auth.recordWrongCode(nowMs);
      press.saveWrongCodes(auth.wrongCodes);
      press.calibrationEvent(EventCause.calWrongCode, auth.wrongCodes);
      if (auth.lockedOut) press.calibrationEvent(EventCause.calLockedOut, auth.wrongCodes);
      deviceFail(DeviceError.wrongCode, `wrong code (${auth.wrongCodes} of ${LOCKOUT_WRONG_CODES} before lockout)`);
    }
    const hadWrongCodes = auth.wrongCodes > 0;
    auth.unlock(session, nowMs);
    if (hadWrongCodes) press.saveWrongCodes(0);
    press.calibrationEvent(EventCause.calUnlocked, session);
  });
  table.command('CALibration:LOCK', [], (_, context) => {
    auth.lock(context.sessionId);
  });
  table.query('CALibration:LOCK?', [], (_, context) => !auth.isUnlocked(context.sessionId, press.nowMs()));
  table.command('CALibration:COMMission', [integer({ min: 0, max: MAX_CODE })], ([code], context) => {
    if (code < MIN_CODE) deviceFail(DeviceError.commissioningRefused, `a calibration code has six digits (${MIN_CODE} to ${MAX_CODE})`);
    if (press.busy) deviceFail(DeviceError.commissioningRefused, REFUSAL_NAMES[Refusal.busy]);
    const nowMs = press.nowMs();
    const waiting = auth.requestRefusal(nowMs);
    if (waiting !== null) deviceFail(DeviceError.commissioningRefused, waiting);
    auth.request(PendingKind.commissionCode, context.sessionId, nowMs, code, null, `New calibration code ${code} requested: hold Continue 3 s to accept it`);
    press.calibrationEvent(EventCause.calCommissionRequested, context.sessionId);
    deviceFail(DeviceError.confirmAtPress, 'hold Continue 3 s at the press within 60 s to commission the code');
  });
  table.query('CALibration:PENDing?', [], () => chars(auth.pending === PendingKind.commissionCode ? 'CODE' : auth.pending === PendingKind.calibration ? 'CALIBRATION' : 'NONE'));
  table.query('CALibration:RAW?', [], () => {
    const counts = press.rawCounts;
    if (counts !== counts) fail(-230, 'no conversion from the load cell yet');
    return Math.round(counts);
  });
  table.query('CALibration:DATA?', [], () => {
    const record = press.calibrationRecordInForce;
    const cal = press.calibrationInForce;
    return [record === null ? 0 : record.dateS, record === null ? 'factory default' : record.reference, cal.tareCounts, cal.kNPerCount, record === null ? NaN : record.worstErrorPercent];
  });
  table.query('CALibration:COMMission?', [], () => [press.commissionedCalibration.tareCounts, press.commissionedCalibration.kNPerCount]);
  table.command(
    'CALibration:DEFine',
    [numeric({ min: 0 }), string({ maxChars: 64 }), numeric(), numeric(), optional(numeric({ min: 0 }), NaN)],
    ([dateS, reference, tareCounts, kNPerCount, worstErrorPercent], context) => {
      refuseWhenBusy(press);
      const record: CalibrationRecord = { dateS, reference, calibration: { tareCounts, kNPerCount }, worstErrorPercent };
      const invalid = calibrationRecordError(record);
      if (invalid !== null) {
        press.calibrationEvent(EventCause.calDefineRefused, context.sessionId);
        deviceFail(DeviceError.calibrationRejected, invalid);
      }
      const band = calibrationBandError(record.calibration, press.commissionedCalibration, press.loadCellCapacityKN);
      auth.lock(context.sessionId);
      if (band !== null) {
        const nowMs = press.nowMs();
        const waiting = auth.requestRefusal(nowMs);
        if (waiting !== null) deviceFail(DeviceError.calibrationRejected, `${band}; ${waiting}`);
        const spanPercent = (kNPerCount / press.commissionedCalibration.kNPerCount - 1) * 100;
        auth.request(PendingKind.calibration, context.sessionId, nowMs, 0, record, `Calibration outside the band requested (span ${spanPercent >= 0 ? '+' : ''}${spanPercent.toFixed(1)} %): hold Continue 3 s to accept it`);
        press.calibrationEvent(EventCause.calConfirmRequested, context.sessionId);
        deviceFail(DeviceError.confirmAtPress, `${band}: not in force; hold Continue 3 s at the press within 60 s to accept it`);
      }
      const problem = press.addCalibration(record);
      if (problem !== null) deviceFail(DeviceError.calibrationRejected, problem);
    },
    calibrationLocked,
  );
  return table;
}
