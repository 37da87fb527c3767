import type { FlashPartition } from '../../hal/flash';
import type { Program } from '../programs/program';
import { decodeProgram, encodeProgram } from '../programs/codec';
import type { MountReport } from './object-store';
import { ObjectStore } from './object-store';
import { RunJournal } from './run-journal';
import type { CalibrationRecord } from './calibration-record';
import { MAX_CALIBRATION_HISTORY, decodeCalibrationHistory, encodeCalibrationHistory, evictionIndex } from './calibration-record';
import type { Settings } from './settings-codec';
import { decodeSettings, encodeSettings } from './settings-codec';

/** Object kinds in the object store. */
export const ObjectKind = Object.freeze({ program: 1, calibration: 2, settings: 3 } as const);
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

  /** Boot time: scans both areas (may erase a damaged block and repair a missing copy). */
  mount(): MountReport {
    this.journal.mount();
    return this.objects.mount();
  }

  programNames(): string[] {
    return this.objects.keys(ObjectKind.program);
  }

  hasProgram(name: string): boolean {
    return this.objects.has(ObjectKind.program, name);
  }

  /** Stores a validated program under its name, replacing one of that name. Throws StoreFullError (nothing written) when it does not fit. */
  saveProgram(program: Program): Uint8Array {
    const bytes = encodeProgram(program);
    this.objects.put(ObjectKind.program, program.name, bytes);
    return bytes;
  }

  /** The stored program, decoded (its own CRC checked too); null when there is none. */
  loadProgram(name: string): LoadedProgram | null {
    const bytes = this.objects.get(ObjectKind.program, name);
    if (bytes === null) return null;
    const decoded = decodeProgram(bytes);
    return decoded.ok ? { ok: true, program: decoded.program, bytes } : { ok: false, error: `program "${name}": ${decoded.error}` };
  }

  deleteProgram(name: string): boolean {
    return this.objects.remove(ObjectKind.program, name);
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
