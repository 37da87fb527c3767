/**
 * The run log's queries (docs/protocol.md, "Device commands"): the catalog, a run's samples and
 * step summaries as CSV a page at a time, its row count and its header. Refused during a run
 * (the journal is being written); a record that passed its CRC but makes no sense is reported
 * (108), not guessed at.
 */
import type { PressPort } from './press-port';
import type { CommandTable } from './command-table';
import { DeviceError } from './device-errors';
import { deviceFail, refuseWhenBusy } from './device-fail';
import { integer, optional } from './parameters';
import type { ResponseValue } from './response';
import { chars, fixed } from './response';
import { runLogCsv, runLogDamage, runLogRowCount, runStepsCsv } from './run-log-csv';
import { utf8Bytes } from '../bytes/utf8';
import { RunOutcome } from '../store/run-journal';
import type { RunLog } from '../store/run-journal';
import { dieDiameterMm } from '../units';
import { deepFreeze } from '../frozen';

/** Rows of run-log CSV in one LOG:DATA? answer at most (≈ 50 bytes a row with a short label)… */
export const LOG_ROWS_PER_ANSWER = 400;
/** …and bytes (LOG:DATA?, LOG:STEP?): a long label makes long rows, and the answer must fit the 18 KiB output buffer. */
export const LOG_BYTES_PER_ANSWER = 16384;
/** Runs LOG:CATalog? lists at most. */
export const MAX_LOG_CATALOG = 100;

export const OUTCOME_NAMES: Record<number, string> = deepFreeze({
  [RunOutcome.open]: 'OPEN',
  [RunOutcome.completed]: 'COMPLETED',
  [RunOutcome.aborted]: 'ABORTED',
  [RunOutcome.fault]: 'FAULT',
  [RunOutcome.interrupted]: 'INTERRUPTED',
  [RunOutcome.completedOutsideTolerance]: 'OUTSIDE_TOL',
});

export function registerLogCommands(table: CommandTable, press: PressPort): void {
  // One spec each, shared by the queries: the table is built on the chip's fixed heap. Made
  // here, not at module level: a preloaded module's objects are frozen, and a spec's closure
  // holds arrays that freezing does not reach.
  const runNumber = integer({ min: 1 });
  const firstRowOf = optional(integer({ min: 0 }), 0);
  table.query('LOG:CATalog?', [optional(integer({ min: 1, max: MAX_LOG_CATALOG }), 20)], ([limit]) => {
    refuseWhenBusy(press);
    const out: ResponseValue[] = [];
    for (const run of press.runs(limit)) out.push(run.runId, run.programName, chars(OUTCOME_NAMES[run.outcome] ?? 'UNKNOWN'), fixed(run.peakMPa, 2));
    return out.length === 0 ? '' : out;
  });
  // A run's log as the journal holds it; a record that passed its CRC but makes no sense is reported, not guessed at.
  const readableLog = (runId: number): RunLog => {
    refuseWhenBusy(press);
    const log = press.runLog(runId);
    if (log === null) deviceFail(DeviceError.noSuchRun, String(runId));
    const damage = runLogDamage(log);
    if (damage.length > 0) deviceFail(DeviceError.runDamaged, `run ${runId}: ${damage.join('; ')}`);
    return log;
  };
  table.query('LOG:DATA?', [runNumber, firstRowOf], ([runId, firstRow]) => {
    const log = readableLog(runId);
    return utf8Bytes(runLogCsv(log, firstRow, LOG_ROWS_PER_ANSWER, press.runStepLabels(log), LOG_BYTES_PER_ANSWER));
  });
  table.query('LOG:ROWS?', [runNumber], ([runId]) => {
    refuseWhenBusy(press);
    const log = press.runLog(runId);
    if (log === null) deviceFail(DeviceError.noSuchRun, String(runId));
    return runLogRowCount(log);
  });
  table.query('LOG:HEADer?', [runNumber], ([runId]) => {
    const log = readableLog(runId);
    const header = log.header;
    if (header === null || !log.startFound) deviceFail(DeviceError.noSuchRun, `run ${runId} has no header in the log (begun by earlier firmware, or aged out)`);
    const run = log.run;
    const hash = (run.programHash >>> 0).toString(16).padStart(8, '0');
    const dateS = Number.isFinite(header.calibrationDateS) ? header.calibrationDateS : 0;
    const startedAtS = Number.isFinite(header.startedAtS) ? header.startedAtS : 0;
    return [runId, run.programName, hash, fixed(dieDiameterMm(header.dieAreaMm2), 3), fixed(header.dieAreaMm2, 3), dateS, header.tareCounts, header.kNPerCount, header.firmwareVersion, header.calibrationReference, fixed(header.calibrationWorstErrorPercent, 3), startedAtS];
  });
  table.query('LOG:STEPs?', [runNumber, firstRowOf], ([runId, firstRow]) => {
    const log = readableLog(runId);
    return utf8Bytes(runStepsCsv(log, press.runStepLabels(log), firstRow, LOG_BYTES_PER_ANSWER));
  });
}
