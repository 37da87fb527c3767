import { ALIGN_BYTES, CRC_BYTES, RecordFrame, alignUp } from './record-frame';
import { RunOutcome } from './run-log-shapes';
import type { JournalRun, StepRecord, StepSummary } from './run-log-shapes';

/**
 * The run journal's records (src/store/record-frame.ts), little-endian:
 *
 *   magic "RJ" · type u8 · length/4 u8 (whole record) · seq u32 · bootCount u32 · runId u32
 *   BOOT       resetReason u16 · store flags u16                                     24 B
 *   FLAGS      0 u16 · store flags u16 (the flags changed between boots)             24 B
 *   RUN_START  programHash u32 · startMs f64 · name length u8 · ASCII name · 0 pad    36..68 B
 *   RUN_END    outcome u8 · 0 u8 · faultCode u16 · endMs f64 · peakMPa f32            36 B
 *   RUN_HEADER dieAreaMm2 f32 · reference length u16 · 0 u16 · calibration dateS f64
 *              (NaN: the configuration's) · tareCounts f64 · kNPerCount f64 · firmware version
 *              16 B ASCII, 0 pad · worst error % f32 (NaN: none) · 0 u32 · startedAtS f64 (UTC s
 *              since 1970; NaN: the clock was not set) · calibration reference UTF-8 · 0 pad  84..340 B
 *   RUN_HEADER_V1 (type 8, the first form) as RUN_HEADER up to the firmware version   68 B
 *   SAMPLES    startMs f64 · intervalMs f32 · baseMPa f32 · mpaPerCode f32 · peakMPa f32
 *              step u8 · state u8 · count u16 · targetMPa f32 · kNPerMPa f32
 *              setpointBaseMPa f32 · setpointMPaPerCode f32
 *              count × u16 pressure code · count × u16 setpoint code · 0 pad          68..576 B
 *   SAMPLES_V1 (type 4, the first form: pressure only) as SAMPLES up to count, then
 *              count × u16 pressure code · 0 pad                                       48..556 B
 *   STEP       step u16 · kind u8 · tolerance u8 · targetMPa f32 · reachedMPa f32 · peakMPa f32
 *              holdErrorP99MPa f32 · startS f32 · durationS f32 · inBandPermille u16 · 0 u16  52 B
 *   CRC-32 u32 of every byte before it
 *
 * A STEP record of 48 B is the first form, written before steps had a tolerance verdict: its
 * tolerance byte is 0 (not judged), and it ends after durationS. Both forms are read.
 *
 * A RUN_HEADER_V1 record is the first form of RUN_HEADER, written before headers named the
 * calibration's reference and worst error and the run's start date: read with those unknown
 * ('' and NaN).
 *
 * A SAMPLES_V1 record is the first form of SAMPLES, written before samples carried their
 * setpoint, target and force: read with those unknown (NaN). A sample's force is its pressure
 * times the record's kNPerMPa (the die's area / 1000: pressure is force over the die's area,
 * src/units.ts, and the die does not change during a run).
 *
 * A sample's pressure is baseMPa + code · mpaPerCode. Every record carries the boot count and a
 * run id (a BOOT: the last run begun); mount takes the largest of each, so neither counter goes
 * back when the blocks of older records are erased.
 */

export { RunHeaderFields, RunOutcome, SampleBatch, StepSummary } from './run-log-shapes';
export type { JournalRun, RunHeader, RunLog, SampleSegment, StepRecord } from './run-log-shapes';

export const TYPE_BOOT = 1;
export const TYPE_RUN_START = 2;
export const TYPE_RUN_END = 3;
/** SAMPLES of the first form (pressure only): read, no longer written. */
export const TYPE_SAMPLES_V1 = 4;
export const TYPE_STEP = 5;
export const TYPE_FLAGS = 6;
export const TYPE_SAMPLES = 7;
/** RUN_HEADER of the first form: read, no longer written. */
export const TYPE_RUN_HEADER_V1 = 8;
export const TYPE_RUN_HEADER = 9;
export const HEADER_BYTES = 16;
export const BOOT_BYTES = 24;
export const END_BYTES = 36;
export const STEP_BYTES = 52;
/** A STEP record of the first form (no tolerance verdict, no share in band). */
export const STEP_V1_BYTES = 48;
/** The share in band of a step that keeps none, in a STEP record. */
const NO_PERMILLE = 0xffff;
export const RUN_HEADER_V1_BYTES = 68;
/** A RUN_HEADER's calibration reference, UTF-8 bytes at most (64 characters: src/store/calibration-record.ts). */
export const MAX_REFERENCE_BYTES = 256;
/** Offsets in a record: the sample count, the first sample code (each form), a start's name length, a header's firmware version. */
export const SAMPLE_COUNT_AT = 42;
export const SAMPLES_V1_AT = 44;
export const SAMPLES_AT = 60;
export const NAME_LENGTH_AT = 28;
export const VERSION_AT = 48;
/** In a RUN_HEADER: the reference's length, the worst error, the start date, the reference. */
export const REFERENCE_LENGTH_AT = 20;
export const WORST_ERROR_AT = 64;
export const STARTED_AT = 72;
export const REFERENCE_AT = 80;
export const MAX_VERSION_BYTES = 16;
/** Samples in one SAMPLES record at most (the RAM segments hold as many: src/store/sample-buffer.ts). */
export const MAX_RECORD_SAMPLES = 128;
/** Samples in one SAMPLES_V1 record at most. */
const MAX_V1_RECORD_SAMPLES = 256;
export const MAX_SAMPLES_BYTES = samplesBytes(MAX_RECORD_SAMPLES);
export const MAX_NAME_BYTES = 32;
const MAX_START_BYTES = startBytes(MAX_NAME_BYTES);
export const MAX_RUN_HEADER_BYTES = runHeaderBytes(MAX_REFERENCE_BYTES);
/** Erased room one more run (start, header and end), a full SAMPLES record and the next boot need. */
export const RESERVE_BYTES = MAX_START_BYTES + MAX_RUN_HEADER_BYTES + MAX_SAMPLES_BYTES + END_BYTES + BOOT_BYTES;

/** A RUN_HEADER record with a reference of `referenceBytes`. */
export function runHeaderBytes(referenceBytes: number): number {
  return alignUp(REFERENCE_AT + referenceBytes) + CRC_BYTES;
}

export function startBytes(nameLength: number): number {
  return alignUp(NAME_LENGTH_AT + 1 + nameLength) + CRC_BYTES;
}

export function samplesBytes(count: number): number {
  return alignUp(SAMPLES_AT + 4 * count) + CRC_BYTES;
}

function samplesV1Bytes(count: number): number {
  return alignUp(SAMPLES_V1_AT + 2 * count) + CRC_BYTES;
}

class JournalFrame extends RecordFrame {
  constructor() {
    // The smallest record is a BOOT; every word of a block is scanned.
    super(0x52, 0x4a, HEADER_BYTES, BOOT_BYTES, ALIGN_BYTES);
  }

  checkedLength(block: Uint8Array, view: DataView, at: number): number {
    const type = block[at + 2];
    let expected = 0;
    if (type === TYPE_BOOT || type === TYPE_FLAGS) expected = BOOT_BYTES;
    else if (type === TYPE_RUN_END) expected = END_BYTES;
    else if (type === TYPE_STEP) expected = block[at + 3] * ALIGN_BYTES === STEP_V1_BYTES ? STEP_V1_BYTES : STEP_BYTES;
    else if (type === TYPE_RUN_HEADER_V1) expected = RUN_HEADER_V1_BYTES;
    else if (type === TYPE_RUN_HEADER) {
      const referenceBytes = at + REFERENCE_LENGTH_AT + 2 <= block.length ? view.getUint16(at + REFERENCE_LENGTH_AT, true) : MAX_REFERENCE_BYTES + 1;
      if (referenceBytes <= MAX_REFERENCE_BYTES) expected = runHeaderBytes(referenceBytes);
    }
    else if (type === TYPE_SAMPLES || type === TYPE_SAMPLES_V1) {
      const count = at + SAMPLES_V1_AT <= block.length ? view.getUint16(at + SAMPLE_COUNT_AT, true) : 0;
      if (type === TYPE_SAMPLES && count >= 1 && count <= MAX_RECORD_SAMPLES) expected = samplesBytes(count);
      else if (type === TYPE_SAMPLES_V1 && count >= 1 && count <= MAX_V1_RECORD_SAMPLES) expected = samplesV1Bytes(count);
    } else if (type === TYPE_RUN_START) {
      const nameLength = block[at + NAME_LENGTH_AT];
      if (nameLength >= 1 && nameLength <= MAX_NAME_BYTES) expected = startBytes(nameLength);
    }
    return block[at + 3] * ALIGN_BYTES === expected ? expected : 0;
  }

  declaredLength(block: Uint8Array, _view: DataView, at: number): number {
    return block[at + 3] * ALIGN_BYTES;
  }
}

export const JOURNAL_FRAME: RecordFrame = Object.freeze(new JournalFrame());

function readName(block: Uint8Array, at: number): string {
  let name = '';
  const length = block[at + NAME_LENGTH_AT];
  for (let i = 0; i < length; i++) name += String.fromCharCode(block[at + NAME_LENGTH_AT + 1 + i]);
  return name;
}

/** The run a RUN_START record at `at` begins, as open. */
export function runFromStart(block: Uint8Array, view: DataView, at: number): JournalRun {
  return {
    runId: view.getUint32(at + 12, true),
    bootCount: view.getUint32(at + 8, true),
    programName: readName(block, at),
    programHash: view.getUint32(at + 16, true),
    startMs: view.getFloat64(at + 20, true),
    outcome: RunOutcome.open,
    faultCode: 0,
    endMs: 0,
    peakMPa: NaN,
  };
}

/** A BOOT or FLAGS payload (a FLAGS record's reset reason is 0). */
export function encodeBoot(view: DataView, resetReason: number, flags: number): void {
  view.setUint16(HEADER_BYTES, resetReason, true);
  view.setUint16(HEADER_BYTES + 2, flags, true);
}

/** A RUN_START payload into the record buffer; returns the record's length. */
export function encodeStart(bytes: Uint8Array, view: DataView, programName: string, programHash: number, startMs: number): number {
  const nameLength = programName.length;
  if (nameLength < 1 || nameLength > MAX_NAME_BYTES) throw new RangeError(`run journal: program name "${programName}" is not 1..${MAX_NAME_BYTES} characters`);
  const length = startBytes(nameLength);
  bytes.fill(0, HEADER_BYTES, length - CRC_BYTES);
  view.setUint32(HEADER_BYTES, programHash >>> 0, true);
  view.setFloat64(HEADER_BYTES + 4, startMs, true);
  bytes[NAME_LENGTH_AT] = nameLength;
  for (let i = 0; i < nameLength; i++) {
    const code = programName.charCodeAt(i);
    if (code < 0x21 || code > 0x7e) throw new RangeError(`run journal: program name "${programName}" is not printable ASCII`);
    bytes[NAME_LENGTH_AT + 1 + i] = code;
  }
  return length;
}

export function encodeEnd(view: DataView, outcome: number, faultCode: number, endMs: number, peakMPa: number): void {
  view.setUint8(HEADER_BYTES, outcome);
  view.setUint8(HEADER_BYTES + 1, 0);
  view.setUint16(HEADER_BYTES + 2, faultCode, true);
  view.setFloat64(HEADER_BYTES + 4, endMs, true);
  view.setFloat32(HEADER_BYTES + 12, peakMPa, true);
}

export function encodeStep(view: DataView, summary: StepSummary): void {
  const permille = summary.inBandPermille;
  view.setUint16(HEADER_BYTES, summary.step, true);
  view.setUint8(HEADER_BYTES + 2, summary.kind);
  view.setUint8(HEADER_BYTES + 3, summary.tolerance);
  view.setFloat32(HEADER_BYTES + 4, summary.targetMPa, true);
  view.setFloat32(HEADER_BYTES + 8, summary.reachedMPa, true);
  view.setFloat32(HEADER_BYTES + 12, summary.peakMPa, true);
  view.setFloat32(HEADER_BYTES + 16, summary.holdErrorP99MPa, true);
  view.setFloat32(HEADER_BYTES + 20, summary.startS, true);
  view.setFloat32(HEADER_BYTES + 24, summary.durationS, true);
  view.setUint16(HEADER_BYTES + 28, permille >= 0 && permille <= 1000 ? Math.floor(permille) : NO_PERMILLE, true);
  view.setUint16(HEADER_BYTES + 30, 0, true);
}

/** A STEP record at `at`, of either form. */
export function readStep(block: Uint8Array, view: DataView, at: number): StepRecord {
  const p = at + HEADER_BYTES;
  const permille = block[at + 3] * ALIGN_BYTES >= STEP_BYTES ? view.getUint16(p + 28, true) : NO_PERMILLE;
  return {
    step: view.getUint16(p, true),
    kind: block[p + 2],
    targetMPa: view.getFloat32(p + 4, true),
    reachedMPa: view.getFloat32(p + 8, true),
    peakMPa: view.getFloat32(p + 12, true),
    holdErrorP99MPa: view.getFloat32(p + 16, true),
    startS: view.getFloat32(p + 20, true),
    durationS: view.getFloat32(p + 24, true),
    tolerance: block[p + 3],
    inBandPermille: permille === NO_PERMILLE ? NaN : permille,
  };
}
