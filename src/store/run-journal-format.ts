import { ALIGN_BYTES, CRC_BYTES, RecordFrame, alignUp } from './record-frame';

/**
 * The run journal's records (src/store/record-frame.ts), little-endian:
 *
 *   magic "RJ" · type u8 · length/4 u8 (whole record) · seq u32 · bootCount u32 · runId u32
 *   BOOT       resetReason u16 · store flags u16                                     24 B
 *   FLAGS      0 u16 · store flags u16 (the flags changed between boots)             24 B
 *   RUN_START  programHash u32 · startMs f64 · name length u8 · ASCII name · 0 pad    36..68 B
 *   RUN_END    outcome u8 · 0 u8 · faultCode u16 · endMs f64 · peakMPa f32            36 B
 *   SAMPLES    startMs f64 · intervalMs f32 · baseMPa f32 · mpaPerCode f32 · peakMPa f32
 *              step u8 · state u8 · count u16 · count × u16 code · 0 pad               48..556 B
 *   STEP       step u16 · kind u8 · tolerance u8 · targetMPa f32 · reachedMPa f32 · peakMPa f32
 *              holdErrorP99MPa f32 · startS f32 · durationS f32 · inBandPermille u16 · 0 u16  52 B
 *   CRC-32 u32 of every byte before it
 *
 * A STEP record of 48 B is the first form, written before steps had a tolerance verdict: its
 * tolerance byte is 0 (not judged), and it ends after durationS. Both forms are read.
 *
 * A sample's pressure is baseMPa + code · mpaPerCode. Every record carries the boot count and a
 * run id (a BOOT: the last run begun); mount takes the largest of each, so neither counter goes
 * back when the blocks of older records are erased.
 */

/** How a run ended; completedOutsideTolerance: every step completed, one or more hold or maintain steps outside tolerance (src/runner/tolerance.ts). */
export const RunOutcome = Object.freeze({ open: 0, completed: 1, aborted: 2, fault: 3, interrupted: 4, completedOutsideTolerance: 5 } as const);

export interface JournalRun {
  /** 1, 2, 3… across boots, never reused. */
  runId: number;
  /** Boot in which the run started. */
  bootCount: number;
  programName: string;
  programHash: number;
  /** Device uptime at the start, in that boot. */
  startMs: number;
  /** RunOutcome; open when no end record was found. */
  outcome: number;
  faultCode: number;
  /** Uptime at the end; 0 for open and interrupted runs. */
  endMs: number;
  /** NaN for open and interrupted runs. */
  peakMPa: number;
}

/** The summary of one step of a run, as the runner saw it at the end of the run. */
export interface StepRecord {
  step: number;
  /** StepKind (src/programs/compile.ts). */
  kind: number;
  targetMPa: number;
  /** End pressure (ramp, release, wait) or mean over the step (hold, maintain). */
  reachedMPa: number;
  peakMPa: number;
  /** NaN where the step keeps no hold error. */
  holdErrorP99MPa: number;
  /** From the start of the run. */
  startS: number;
  durationS: number;
  /** ToleranceFlag bits (src/runner/tolerance.ts); 0 for a step not judged, and in a record of the first form. */
  tolerance: number;
  /** Share of the step's time at pressure inside its band, ‰; NaN where the step keeps none, and in a record of the first form. */
  inBandPermille: number;
}

/** A step summary to append (RunJournal.appendStep): created once by the writer and filled for each step. */
export class StepSummary implements StepRecord {
  runId = 0;
  step = 0;
  kind = 0;
  targetMPa = NaN;
  reachedMPa = NaN;
  peakMPa = NaN;
  holdErrorP99MPa = NaN;
  startS = NaN;
  durationS = NaN;
  tolerance = 0;
  inBandPermille = NaN;
}

/** Consecutive samples of one step and state. */
export interface SampleSegment {
  /** Uptime of the first sample. */
  startMs: number;
  intervalMs: number;
  step: number;
  /** RunState. */
  state: number;
  peakMPa: number;
  pressuresMPa: Float64Array;
}

/**
 * Samples to append (RunJournal.appendSamples): `count` pressures (MPa) of one step and state,
 * taken every `intervalMs` from `startMs`, read from values[from…] (a ring of values.length).
 * Created once by the writer over its ring and filled for each batch.
 */
export class SampleBatch {
  runId = 0;
  startMs = 0;
  intervalMs = 0;
  step = 0;
  /** RunState. */
  state = 0;
  from = 0;
  count = 0;

  constructor(readonly values: Float32Array) {}
}

export interface RunLog {
  /** Start and end as far as they are still in the journal. */
  run: JournalRun;
  /** False when the start record has aged out (name, hash and start time unknown). */
  startFound: boolean;
  steps: StepRecord[];
  segments: SampleSegment[];
}

export const TYPE_BOOT = 1;
export const TYPE_RUN_START = 2;
export const TYPE_RUN_END = 3;
export const TYPE_SAMPLES = 4;
export const TYPE_STEP = 5;
export const TYPE_FLAGS = 6;
export const HEADER_BYTES = 16;
export const BOOT_BYTES = 24;
export const END_BYTES = 36;
export const STEP_BYTES = 52;
/** A STEP record of the first form (no tolerance verdict, no share in band). */
export const STEP_V1_BYTES = 48;
/** The share in band of a step that keeps none, in a STEP record. */
const NO_PERMILLE = 0xffff;
/** Offsets in a record: the sample count, the first sample code, a start's name length. */
export const SAMPLE_COUNT_AT = 42;
export const SAMPLES_AT = 44;
export const NAME_LENGTH_AT = 28;
/** Samples in one SAMPLES record at most. */
export const MAX_RECORD_SAMPLES = 256;
export const MAX_SAMPLES_BYTES = samplesBytes(MAX_RECORD_SAMPLES);
export const MAX_NAME_BYTES = 32;
const MAX_START_BYTES = startBytes(MAX_NAME_BYTES);
/** Erased room one more run (start + end), a full SAMPLES record and the next boot need. */
export const RESERVE_BYTES = MAX_START_BYTES + MAX_SAMPLES_BYTES + END_BYTES + BOOT_BYTES;

export function startBytes(nameLength: number): number {
  return alignUp(NAME_LENGTH_AT + 1 + nameLength) + CRC_BYTES;
}

export function samplesBytes(count: number): number {
  return alignUp(SAMPLES_AT + 2 * count) + CRC_BYTES;
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
    else if (type === TYPE_SAMPLES) {
      const count = at + SAMPLES_AT <= block.length ? view.getUint16(at + SAMPLE_COUNT_AT, true) : 0;
      if (count >= 1 && count <= MAX_RECORD_SAMPLES) expected = samplesBytes(count);
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

/** A SAMPLES payload into the record buffer, the pressures as 16-bit codes over their own range; returns the record's length. */
export function encodeSamples(bytes: Uint8Array, view: DataView, batch: SampleBatch): number {
  const count = batch.count;
  if (!(Number.isInteger(count) && count >= 1 && count <= MAX_RECORD_SAMPLES)) throw new RangeError(`run journal: ${count} samples is not 1..${MAX_RECORD_SAMPLES}`);
  const values = batch.values;
  const from = batch.from;
  const ring = values.length;
  let min = Infinity;
  let max = -Infinity;
  for (let i = 0; i < count; i++) {
    const v = values[(from + i) % ring];
    if (v < min) min = v;
    if (v > max) max = v;
  }
  const base = Math.fround(min);
  const mpaPerCode = Math.fround((max - base) / 65535);
  view.setFloat64(HEADER_BYTES, batch.startMs, true);
  view.setFloat32(HEADER_BYTES + 8, batch.intervalMs, true);
  view.setFloat32(HEADER_BYTES + 12, base, true);
  view.setFloat32(HEADER_BYTES + 16, mpaPerCode, true);
  view.setFloat32(HEADER_BYTES + 20, max, true);
  view.setUint8(40, batch.step);
  view.setUint8(41, batch.state);
  view.setUint16(SAMPLE_COUNT_AT, count, true);
  for (let i = 0; i < count; i++) {
    const code = mpaPerCode > 0 ? Math.round((values[(from + i) % ring] - base) / mpaPerCode) : 0;
    view.setUint16(SAMPLES_AT + 2 * i, code < 0 ? 0 : code > 65535 ? 65535 : code, true);
  }
  const length = samplesBytes(count);
  bytes.fill(0, SAMPLES_AT + 2 * count, length - CRC_BYTES);
  return length;
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
