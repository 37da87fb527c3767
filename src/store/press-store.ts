import type { FlashPartition } from '../../hal/flash';
import type { Program } from '../programs/program';
import { decodeProgram, encodeProgram } from '../programs/codec';
import type { MountReport } from './object-store';
import { ObjectStore, StoreFullError } from './object-store';
import { RunJournal } from './run-journal';
import type { CalibrationRecord } from './calibration-record';
import { MAX_CALIBRATION_HISTORY, decodeCalibrationHistory, encodeCalibrationHistory, evictionIndex } from './calibration-record';
import type { Settings } from './settings-codec';
import { decodeSettings, encodeSettings } from './settings-codec';
import { decodeProgramDate, encodeProgramDate, storedProgramHash } from './program-date-record';

/** Object kinds in the object store. */
export const ObjectKind = Object.freeze({ program: 1, calibration: 2, settings: 3, programDate: 4 } as const);
const CALIBRATION_KEY = 'loadcell';
const SETTINGS_KEY = 'device';

/** Where the two areas of the partition are: the object store first, the run log after it. */
export interface StoreLayout {
  objectFirstBlock: number;
  objectBlocks: number;
  logFirstBlock: number;
  logBlocks: number;
}

/**
 * Blocks of the object store by default: 32 programs of 8 KB, both copies, the calibration
 * history and the settings, plus the reserve garbage collection needs (docs/storage.md).
 */
export const DEFAULT_OBJECT_BLOCKS = 160;
/** The run log needs at least this many blocks. */
export const MIN_LOG_BLOCKS = 4;

/** The object store takes `objectBlocks` at the start of the partition, the run log the rest. */
export function storeLayout(flash: FlashPartition, objectBlocks = DEFAULT_OBJECT_BLOCKS): StoreLayout {
  const blocks = Math.floor(flash.byteLength / flash.blockLength);
  if (blocks < objectBlocks + MIN_LOG_BLOCKS) {
    throw new RangeError(`store: the partition has ${blocks} blocks of ${flash.blockLength} B; it needs ${objectBlocks} for programs and at least ${MIN_LOG_BLOCKS} for the run log`);
  }
  return { objectFirstBlock: 0, objectBlocks, logFirstBlock: objectBlocks, logBlocks: blocks - objectBlocks };
}

/** Bits of the run journal's store flags (RunJournal.storeFlags). */
export const StoreFlag = Object.freeze({
  /** A calibration from the store's history is in force: its history missing at boot means it was lost. */
  calibrated: 1,
} as const);

/** none: never calibrated (or the loss was accepted at the press); intact: a history is in force; lost: a history was kept and cannot be read. */
export type CalibrationState = 'none' | 'intact' | 'lost';

/** What a boot-time mount found: what is damaged and what was lost (docs/storage.md, "What a mount reports"). */
export interface StoreMountReport {
  objects: MountReport;
  /** Run-log blocks with damaged bytes (their records are left out of the log). */
  logBlocksDamaged: number;
  /** Programs whose newest version could not be read (names that could still be read). */
  programsLost: string[];
  calibration: CalibrationState;
  settingsLost: boolean;
  /** Anything above: damage found or something lost. */
  damaged: boolean;
  /** One line for people: '' when nothing was found. */
  summary: string;
}

function plural(count: number, one: string, many: string): string {
  return `${count} ${count === 1 ? one : many}`;
}

/** E.g. "1 block unreadable, 2 programs lost (a, b), calibration history unreadable". */
export function describeMount(report: StoreMountReport): string {
  const parts: string[] = [];
  const objects = report.objects;
  if (objects.blocksDamaged > 0) parts.push(`${plural(objects.blocksDamaged, 'block', 'blocks')} of programs, calibration and settings unreadable`);
  const lostPrograms = objects.lost.filter((lost) => lost.kind === ObjectKind.program);
  if (lostPrograms.length > 0) {
    const names = lostPrograms.map((lost) => (lost.deletion ? `${lost.key} (its deletion)` : lost.olderInForce ? `${lost.key} (an older version in force)` : lost.key));
    parts.push(`${plural(lostPrograms.length, 'program', 'programs')} lost (${names.join(', ')})`);
  }
  if (report.calibration === 'lost') parts.push('calibration history unreadable: factory default in force');
  const lostDates = objects.lost.filter((lost) => lost.kind === ObjectKind.programDate).length;
  if (lostDates > 0) parts.push(`${plural(lostDates, 'program date', 'program dates')} lost (not known now)`);
  if (report.settingsLost) parts.push('settings lost');
  if (report.logBlocksDamaged > 0) parts.push(`${plural(report.logBlocksDamaged, 'run-log block', 'run-log blocks')} damaged`);
  if (parts.length > 0 && lostPrograms.length === 0 && objects.blocksDamaged > 0) parts.push('what they held is not known');
  return parts.join(', ');
}

export type LoadedProgram = { ok: true; program: Program; bytes: Uint8Array } | { ok: false; error: string };

/**
 * The press's storage: programs, the load-cell calibration history and the device settings in the
 * object store; run records and their samples in the run journal. Writes stall the CPU on the
 * chip (flash programming, erases), so the firmware calls the writers outside the control tick.
 */
export class PressStore {
  readonly objects: ObjectStore;
  readonly journal: RunJournal;

  constructor(flash: FlashPartition, readonly layout: StoreLayout) {
    this.objects = new ObjectStore(flash, layout.objectFirstBlock, layout.objectBlocks);
    this.journal = new RunJournal(flash, layout.logFirstBlock, layout.logBlocks);
  }

  /**
   * Boot time: scans both areas (may erase a damaged block, seal a torn write and repair a
   * missing copy) and says what was found damaged or lost.
   */
  mount(): StoreMountReport {
    this.journal.mount();
    const objects = this.objects.mount();
    const lostOf = (kind: number) => objects.lost.filter((lost) => lost.kind === kind);
    const programsLost = lostOf(ObjectKind.program).map((lost) => lost.key);
    let calibration: CalibrationState = 'none';
    const calibrationBytes = this.objects.get(ObjectKind.calibration, CALIBRATION_KEY);
    if (calibrationBytes !== null) {
      const decoded = decodeCalibrationHistory(calibrationBytes);
      calibration = !decoded.ok ? 'lost' : decoded.records.length > 0 ? 'intact' : 'none';
    } else if (lostOf(ObjectKind.calibration).length > 0 || (this.journal.storeFlags & StoreFlag.calibrated) !== 0) {
      calibration = 'lost';
    }
    const settingsBytes = this.objects.get(ObjectKind.settings, SETTINGS_KEY);
    const settingsLost = lostOf(ObjectKind.settings).length > 0 || (settingsBytes !== null && !decodeSettings(settingsBytes).ok);
    const report: StoreMountReport = {
      objects,
      logBlocksDamaged: this.journal.blocksDamaged,
      programsLost,
      calibration,
      settingsLost,
      damaged: false,
      summary: '',
    };
    report.damaged = objects.blocksDamaged > 0 || objects.lost.length > 0 || calibration === 'lost' || settingsLost || report.logBlocksDamaged > 0;
    report.summary = describeMount(report);
    return report;
  }

  programNames(): string[] {
    return this.objects.keys(ObjectKind.program);
  }

  hasProgram(name: string): boolean {
    return this.objects.has(ObjectKind.program, name);
  }

  /**
   * Stores a validated program under its name, replacing one of that name, then the date it was
   * stored (seconds since 1970 UTC; 0: not known, and any older date goes). Throws StoreFullError
   * (nothing written) when the program does not fit.
   */
  saveProgram(program: Program, dateS = 0): Uint8Array {
    const bytes = encodeProgram(program);
    this.objects.put(ObjectKind.program, program.name, bytes);
    if (dateS > 0) {
      try {
        this.objects.put(ObjectKind.programDate, program.name, encodeProgramDate(dateS, storedProgramHash(bytes)));
      } catch (error) {
        // Only a new date can fail for room (one replaced takes no more): the program is stored, its date not known.
        if (!(error instanceof StoreFullError)) throw error;
      }
    } else {
      this.objects.remove(ObjectKind.programDate, program.name);
    }
    return bytes;
  }

  /** When the stored program of that name was stored, seconds since 1970 UTC: 0 when not known; null when there is no such program. */
  programDateS(name: string): number | null {
    const bytes = this.objects.get(ObjectKind.program, name);
    if (bytes === null) return this.objects.has(ObjectKind.program, name) ? 0 : null;
    const date = this.objects.get(ObjectKind.programDate, name);
    return date === null ? 0 : decodeProgramDate(date, storedProgramHash(bytes));
  }

  /** The stored program, decoded (its own CRC checked too); null when there is none. */
  loadProgram(name: string): LoadedProgram | null {
    const bytes = this.objects.get(ObjectKind.program, name);
    if (bytes === null) return null;
    const decoded = decodeProgram(bytes);
    return decoded.ok ? { ok: true, program: decoded.program, bytes } : { ok: false, error: `program "${name}": ${decoded.error}` };
  }

  /** Deletes a program and its date. False when there was no such program. */
  deleteProgram(name: string): boolean {
    const removed = this.objects.remove(ObjectKind.program, name);
    this.objects.remove(ObjectKind.programDate, name);
    return removed;
  }

  /** Every calibration kept, oldest first; the last one is in force. */
  calibrationHistory(): CalibrationRecord[] {
    const bytes = this.objects.get(ObjectKind.calibration, CALIBRATION_KEY);
    if (bytes === null) return [];
    const decoded = decodeCalibrationHistory(bytes);
    return decoded.ok ? decoded.records : [];
  }

  currentCalibration(): CalibrationRecord | null {
    const history = this.calibrationHistory();
    return history.length === 0 ? null : history[history.length - 1];
  }

  /** Adds a calibration; it is in force from now on. The history drops its oldest beyond MAX_CALIBRATION_HISTORY. */
  addCalibration(record: CalibrationRecord): void {
    const history = this.calibrationHistory();
    history.push(record);
    while (history.length > MAX_CALIBRATION_HISTORY) history.splice(evictionIndex(history), 1);
    this.objects.put(ObjectKind.calibration, CALIBRATION_KEY, encodeCalibrationHistory(history));
    // Kept in the run log too: a history that goes missing later is then known as lost.
    this.journal.setStoreFlags(this.journal.storeFlags | StoreFlag.calibrated);
  }

  /** Stores an empty calibration history: no calibration, on purpose (the loss of one was accepted at the press). */
  resetCalibrationHistory(): void {
    this.objects.put(ObjectKind.calibration, CALIBRATION_KEY, encodeCalibrationHistory([]));
  }

  settings(): Settings {
    const bytes = this.objects.get(ObjectKind.settings, SETTINGS_KEY);
    if (bytes === null) return new Map();
    const decoded = decodeSettings(bytes);
    return decoded.ok ? decoded.settings : new Map();
  }

  saveSettings(settings: Settings): void {
    this.objects.put(ObjectKind.settings, SETTINGS_KEY, encodeSettings(settings));
  }
}
