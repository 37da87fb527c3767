/**
 * All the protocol may touch of the press (docs/architecture.md, "The protocol port"): what it
 * reads, the actions it asks for, and nothing else — no board, no flash, no sequencer. The
 * press implements it (src/press/protocol-port.ts); the device commands are written against it
 * alone, so the protocol cannot reach past the load-cell pipeline, the run rules or the store's
 * guard, and there is no import from the protocol back into the press.
 */
import type { CalibrationAuthority } from '../loadcell/calibration-authority';
import type { LoadCellCalibration } from '../loadcell/calibration';
import type { ValidationResult } from '../programs/validate';
import type { CalibrationRecord } from '../store/calibration-record';
import type { LoadedProgram } from '../store/press-store';
import type { JournalRun, RunLog } from '../store/run-journal';
import type { WallClock } from '../time/wall-clock';
import type { StatusModel } from './status';

/** What became of a program sent to be stored: its validation, then whether the store took it. */
export interface ProgramDefinition {
  checked: ValidationResult;
  /** Valid, but a run holds the press: nothing was written. */
  refusedBusy: boolean;
  /** Valid, but the store could not take it (not mounted, full): why. Null when stored. */
  storeError: string | null;
}

export interface PressPort {
  nowMs(): number;

  // Measurement, through the load-cell pipeline.
  readonly forceKN: number;
  readonly pressureMPa: number;
  /** The converter counts behind the force now (the mean the last tick averaged; NaN before the first conversion). */
  readonly rawCounts: number;

  // Programs.
  /** True while a run (or the let-down after one) holds the press: flash scans and writes wait. */
  readonly busy: boolean;
  programNames(): string[];
  hasProgram(name: string): boolean;
  /** Validates once and stores. */
  defineProgram(json: unknown): ProgramDefinition;
  storedProgram(name: string): LoadedProgram | null;
  /** Warnings against this press now; null when none is stored under the name, a string when it cannot be read. */
  storedWarnings(name: string): string[] | string | null;
  /** When the stored program was stored, seconds since 1970 UTC: 0 when not known, null when there is no such program. */
  programDateS(name: string): number | null;
  deleteProgram(name: string): string | null;
  selectProgram(name: string): string | null;
  /** The selected program's name, or null. */
  readonly selectedProgramName: string | null;

  /** The calendar clock the host sets (SYST:DATE, SYST:TIME). */
  readonly wallClock: WallClock;

  // Runs: numbers are Refusal codes (0: done).
  startRun(origin: number): number;
  abortRun(cause: number, origin: number): number;
  continueRun(origin: number): number;
  readonly runOwner: number;
  readonly stateName: string;
  /** 1-based step, of stepCount; 0 when none. */
  readonly stepNumber: number;
  readonly stepCount: number;
  /** Time left in the step, s (0 outside a run, NaN for a step without a timer: ramps, releases, prompts). */
  readonly stepTimeLeftS: number;
  readonly stepName: string;
  /** How the selected program's last run ended (RunOutcome): open while a run is on, and before one has ended since the selection. */
  readonly runOutcome: number;
  /** The steps of that run outside tolerance, with their figures ('' when none). */
  readonly outsideTolerance: string;
  /** The step's setpoint (where the law steers the pressure now), target and band, MPa; NaN outside a run. */
  readonly setpointMPa: number;
  readonly stepTargetMPa: number;
  readonly stepBandMPa: number;
  /** The prompt the run waits on ('' when it does not wait). */
  readonly prompt: string;

  // Faults.
  readonly latchedFault: number;
  resetFault(origin: number): number;
  remoteFaultResetSetting(): number | string | undefined;

  // The store's integrity and the run log.
  readonly storeTestCode: number;
  readonly storeSummary: string;
  reportStore(status: StatusModel): void;
  runs(limit: number): JournalRun[];
  runLog(runId: number): RunLog | null;
  /** The step labels (label, else type) of the program a run ran, by step index, when the loaded program is that very version (its program_hash); else empty: never another version's. */
  runStepLabels(log: RunLog): string[];

  // Calibration.
  readonly calibrationAuthority: CalibrationAuthority;
  readonly loadCellCapacityKN: number;
  readonly commissionedCalibration: LoadCellCalibration;
  /** The calibration in force, and its record when it came from the store's history. */
  readonly calibrationInForce: LoadCellCalibration;
  readonly calibrationRecordInForce: CalibrationRecord | null;
  /** The commissioned code's salt and hash, or null when none is. */
  storedCode(): { salt: number; hash: number } | null;
  saveWrongCodes(count: number): string | null;
  calibrationEvent(cause: number, detail: number): void;
  addCalibration(record: CalibrationRecord): string | null;
}
