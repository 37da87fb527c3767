import { CRC_BYTES } from './record-frame';
import type { RunHeader, SampleBatch, SampleSegment } from './run-journal-format';
import { HEADER_BYTES, MAX_RECORD_SAMPLES, MAX_REFERENCE_BYTES, MAX_VERSION_BYTES, REFERENCE_AT, REFERENCE_LENGTH_AT, SAMPLES_AT, SAMPLES_V1_AT, SAMPLE_COUNT_AT, STARTED_AT, TYPE_RUN_HEADER_V1, TYPE_SAMPLES_V1, VERSION_AT, WORST_ERROR_AT, runHeaderBytes, samplesBytes } from './run-journal-format';
import { readUtf8, unpairedSurrogateIndex, utf8Length, writeUtf8 } from '../bytes/utf8';

/**
 * The run journal's SAMPLES (both forms) and RUN_HEADER payloads (layouts in
 * src/store/run-journal-format.ts): written into the journal's one record buffer, read back
 * from a block.
 */

/**
 * A SAMPLES payload into the record buffer, the pressures and the setpoints as 16-bit codes
 * over their own range each; returns the record's length.
 */
export function encodeSamples(bytes: Uint8Array, view: DataView, batch: SampleBatch): number {
  const count = batch.count;
  if (!(Number.isInteger(count) && count >= 1 && count <= MAX_RECORD_SAMPLES)) throw new RangeError(`run journal: ${count} samples is not 1..${MAX_RECORD_SAMPLES}`);
  view.setFloat64(HEADER_BYTES, batch.startMs, true);
  view.setFloat32(HEADER_BYTES + 8, batch.intervalMs, true);
  view.setFloat32(HEADER_BYTES + 20, encodeCodes(view, batch.values, batch.from, count, HEADER_BYTES + 12, SAMPLES_AT), true);
  view.setUint8(40, batch.step);
  view.setUint8(41, batch.state);
  view.setUint16(SAMPLE_COUNT_AT, count, true);
  view.setFloat32(44, batch.targetMPa, true);
  view.setFloat32(48, batch.kNPerMPa, true);
  encodeCodes(view, batch.setpoints, batch.from, count, 52, SAMPLES_AT + 2 * count);
  const length = samplesBytes(count);
  bytes.fill(0, SAMPLES_AT + 4 * count, length - CRC_BYTES);
  return length;
}

/** `count` values of a ring from `from` as codes at `codesAt`, base and step at `scaleAt`; returns the largest. */
function encodeCodes(view: DataView, values: Float32Array, from: number, count: number, scaleAt: number, codesAt: number): number {
  const ring = values.length;
  let min = Infinity;
  let max = -Infinity;
  for (let i = 0; i < count; i++) {
    const v = values[(from + i) % ring];
    if (v < min) min = v;
    if (v > max) max = v;
  }
  const base = Math.fround(min);
  const perCode = Math.fround((max - base) / 65535);
  view.setFloat32(scaleAt, base, true);
  view.setFloat32(scaleAt + 4, perCode, true);
  for (let i = 0; i < count; i++) {
    const code = perCode > 0 ? Math.round((values[(from + i) % ring] - base) / perCode) : 0;
    view.setUint16(codesAt + 2 * i, code < 0 ? 0 : code > 65535 ? 65535 : code, true);
  }
  return max;
}

function decodeCodes(view: DataView, count: number, scaleAt: number, codesAt: number): Float64Array {
  const base = view.getFloat32(scaleAt, true);
  const perCode = view.getFloat32(scaleAt + 4, true);
  const values = new Float64Array(count);
  for (let k = 0; k < count; k++) values[k] = base + view.getUint16(codesAt + 2 * k, true) * perCode;
  return values;
}

/** The SAMPLES or SAMPLES_V1 record at `at` (allocates). */
export function readSamples(block: Uint8Array, view: DataView, at: number): SampleSegment {
  const count = view.getUint16(at + SAMPLE_COUNT_AT, true);
  const p = at + HEADER_BYTES;
  const firstForm = block[at + 2] === TYPE_SAMPLES_V1;
  return {
    startMs: view.getFloat64(p, true),
    intervalMs: view.getFloat32(p + 8, true),
    peakMPa: view.getFloat32(p + 20, true),
    step: block[at + 40],
    state: block[at + 41],
    pressuresMPa: decodeCodes(view, count, p + 12, at + (firstForm ? SAMPLES_V1_AT : SAMPLES_AT)),
    setpointsMPa: firstForm ? null : decodeCodes(view, count, at + 52, at + SAMPLES_AT + 2 * count),
    targetMPa: firstForm ? NaN : view.getFloat32(at + 44, true),
    kNPerMPa: firstForm ? NaN : view.getFloat32(at + 48, true),
  };
}

/**
 * A RUN_HEADER payload into the record buffer (a version of 1..16 printable ASCII characters, a
 * reference of at most MAX_REFERENCE_BYTES of UTF-8); returns the record's length.
 */
export function encodeHeader(bytes: Uint8Array, view: DataView, header: RunHeader): number {
  checkHeader(header);
  const version = header.firmwareVersion;
  const referenceBytes = utf8Length(header.calibrationReference);
  view.setFloat32(HEADER_BYTES, header.dieAreaMm2, true);
  view.setUint16(REFERENCE_LENGTH_AT, referenceBytes, true);
  view.setUint16(REFERENCE_LENGTH_AT + 2, 0, true);
  view.setFloat64(HEADER_BYTES + 8, header.calibrationDateS, true);
  view.setFloat64(HEADER_BYTES + 16, header.tareCounts, true);
  view.setFloat64(HEADER_BYTES + 24, header.kNPerCount, true);
  bytes.fill(0, VERSION_AT, VERSION_AT + MAX_VERSION_BYTES);
  for (let i = 0; i < version.length; i++) bytes[VERSION_AT + i] = version.charCodeAt(i);
  view.setFloat32(WORST_ERROR_AT, header.calibrationWorstErrorPercent, true);
  view.setUint32(WORST_ERROR_AT + 4, 0, true);
  view.setFloat64(STARTED_AT, header.startedAtS, true);
  writeUtf8(header.calibrationReference, bytes, REFERENCE_AT);
  const length = runHeaderBytes(referenceBytes);
  bytes.fill(0, REFERENCE_AT + referenceBytes, length - CRC_BYTES);
  return length;
}

/** Throws a RangeError for a header that cannot be written as it is. */
export function checkHeader(header: RunHeader): void {
  const version = header.firmwareVersion;
  if (version.length < 1 || version.length > MAX_VERSION_BYTES) throw new RangeError(`run journal: firmware version "${version}" is not 1..${MAX_VERSION_BYTES} characters`);
  for (let i = 0; i < version.length; i++) {
    const code = version.charCodeAt(i);
    if (code < 0x21 || code > 0x7e) throw new RangeError(`run journal: firmware version "${version}" is not printable ASCII`);
  }
  const reference = header.calibrationReference;
  if (unpairedSurrogateIndex(reference) >= 0 || utf8Length(reference) > MAX_REFERENCE_BYTES) throw new RangeError(`run journal: calibration reference is not text of at most ${MAX_REFERENCE_BYTES} UTF-8 bytes`);
}

/** The RUN_HEADER record (either form) at `at`, or what is wrong with its content (allocates). */
export function readHeader(block: Uint8Array, view: DataView, at: number): RunHeader | string {
  let version = '';
  let end = MAX_VERSION_BYTES;
  for (let i = 0; i < MAX_VERSION_BYTES; i++) {
    const code = block[at + VERSION_AT + i];
    if (code === 0 && end === MAX_VERSION_BYTES) end = i;
    else if (i >= end ? code !== 0 : code < 0x21 || code > 0x7e) return `firmware version byte ${i} is 0x${code.toString(16).padStart(2, '0')}`;
    if (i < end) version += String.fromCharCode(code);
  }
  if (version.length === 0) return 'no firmware version';
  const dieAreaMm2 = view.getFloat32(at + HEADER_BYTES, true);
  if (!(dieAreaMm2 > 0 && dieAreaMm2 < Infinity)) return `die area ${dieAreaMm2} mm²`;
  const kNPerCount = view.getFloat64(at + HEADER_BYTES + 24, true);
  if (!(kNPerCount > 0 && kNPerCount < Infinity)) return `span ${kNPerCount} kN per count`;
  const tareCounts = view.getFloat64(at + HEADER_BYTES + 16, true);
  if (!Number.isFinite(tareCounts)) return `tare ${tareCounts} counts`;
  const header: RunHeader = { dieAreaMm2, calibrationDateS: view.getFloat64(at + HEADER_BYTES + 8, true), tareCounts, kNPerCount, calibrationReference: '', calibrationWorstErrorPercent: NaN, firmwareVersion: version, startedAtS: NaN };
  if (block[at + 2] === TYPE_RUN_HEADER_V1) return header;
  const referenceBytes = view.getUint16(at + REFERENCE_LENGTH_AT, true);
  const reference = readUtf8(block, at + REFERENCE_AT, at + REFERENCE_AT + referenceBytes);
  if (reference === null) return 'the calibration reference is not UTF-8 text';
  const worstErrorPercent = view.getFloat32(at + WORST_ERROR_AT, true);
  if (!(Number.isNaN(worstErrorPercent) || (worstErrorPercent >= 0 && worstErrorPercent < Infinity))) return `worst error ${worstErrorPercent} %`;
  const startedAtS = view.getFloat64(at + STARTED_AT, true);
  if (!(Number.isNaN(startedAtS) || (startedAtS >= 0 && startedAtS < Infinity))) return `start date ${startedAtS} s`;
  header.calibrationReference = reference;
  header.calibrationWorstErrorPercent = worstErrorPercent;
  header.startedAtS = startedAtS;
  return header;
}
