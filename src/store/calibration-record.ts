import { ByteReader, ByteWriter, readFailure } from '../bytes/byte-stream';
import { unpairedSurrogateIndex, codePointLength } from '../bytes/utf8';
import type { LoadCellCalibration } from '../loadcell/calibration';
import { MAX_CALIBRATION_POINTS } from '../loadcell/calibration';
import { hasControlChar } from '../text/chars';

/** One calibration of the load cell, as kept in the history on the press. */
export interface CalibrationRecord {
  /** When it was made: seconds since 1970-01-01 UTC, as the host gave it (the press keeps no calendar). */
  dateS: number;
  /** The reference it was made against: instrument, serial number, certificate. */
  reference: string;
  calibration: LoadCellCalibration;
  /** Worst relative indication error over the loaded points (ISO 7500-1 q), %; NaN when not measured. */
  worstErrorPercent: number;
}

/** Calibrations the history keeps; when a new one would exceed it the oldest uncertified one goes (certifiedRecord). */
export const MAX_CALIBRATION_HISTORY = 24;
/** The converter's range (24-bit ADS1220: ±2^23 counts): a tare outside it was not measured on this press. */
export const MAX_TARE_COUNTS = 2 ** 23;
/** Spans outside this (kN per count) fit no load cell on a 24-bit converter: 1e-9 is 8 N full scale, 1 is 8 MN. */
export const MIN_SPAN_KN_PER_COUNT = 1e-9;
export const MAX_SPAN_KN_PER_COUNT = 1;
export const MAX_REFERENCE_CHARS = 64;

const MAGIC_0 = 0x43;
const MAGIC_1 = 0x48;
const VERSION = 1;

export type CalibrationHistoryResult = { ok: true; records: CalibrationRecord[] } | { ok: false; error: string };

/** What is wrong with a record, or null. */
export function calibrationRecordError(record: CalibrationRecord): string | null {
  const cal = record.calibration;
  if (!(Number.isFinite(record.dateS) && record.dateS >= 0)) return `date ${record.dateS} is not seconds since 1970`;
  if (typeof record.reference !== 'string' || unpairedSurrogateIndex(record.reference) >= 0 || hasControlChar(record.reference)) return 'the reference must be one line of text';
  if (codePointLength(record.reference) > MAX_REFERENCE_CHARS) return `the reference is longer than ${MAX_REFERENCE_CHARS} characters`;
  if (!Number.isFinite(cal.tareCounts)) return `tare ${cal.tareCounts} is not a finite number of counts`;
  if (!(Math.abs(cal.tareCounts) <= MAX_TARE_COUNTS)) return `tare ${cal.tareCounts} counts is outside the converter's range (±${MAX_TARE_COUNTS})`;
  if (!(Number.isFinite(cal.kNPerCount) && cal.kNPerCount !== 0)) return `span ${cal.kNPerCount} kN per count is not a finite, non-zero number`;
  if (cal.kNPerCount < 0) return `span ${cal.kNPerCount} kN per count is negative: compression must read as positive force`;
  if (!(cal.kNPerCount >= MIN_SPAN_KN_PER_COUNT && cal.kNPerCount <= MAX_SPAN_KN_PER_COUNT)) return `span ${cal.kNPerCount} kN per count is outside ${MIN_SPAN_KN_PER_COUNT} to ${MAX_SPAN_KN_PER_COUNT}: no load cell on this converter`;
  const at = cal.correctionAtKN;
  const by = cal.correctionKN;
  const nodes = at === undefined ? 0 : at.length;
  if ((by === undefined ? 0 : by.length) !== nodes) return 'the correction has a different number of nodes and values';
  if (nodes > MAX_CALIBRATION_POINTS) return `the correction has ${nodes} nodes, more than ${MAX_CALIBRATION_POINTS}`;
  for (let i = 0; i < nodes; i++) {
    if (!Number.isFinite((at as Float64Array)[i]) || !Number.isFinite((by as Float64Array)[i])) return `correction node ${i} is not finite`;
    if (i > 0 && !((at as Float64Array)[i] > (at as Float64Array)[i - 1])) return 'correction nodes are not in ascending order';
  }
  if (!(Number.isNaN(record.worstErrorPercent) || (Number.isFinite(record.worstErrorPercent) && record.worstErrorPercent >= 0))) return `worst error ${record.worstErrorPercent} % is not a percentage`;
  return null;
}

/**
 * A certified calibration: measured against a reference, with its worst indication error
 * (ISO 7500-1 q) recorded. The history never evicts the newest certified one.
 */
export function certifiedRecord(record: CalibrationRecord): boolean {
  return Number.isFinite(record.worstErrorPercent) && record.reference.length > 0;
}

/**
 * Index of the record to drop from a full history (oldest first, the newest, in force, never):
 * the oldest not certified, else the oldest that is not the newest certified.
 */
export function evictionIndex(records: readonly CalibrationRecord[]): number {
  let lastCertified = -1;
  for (let i = records.length - 1; i >= 0 && lastCertified < 0; i--) if (certifiedRecord(records[i])) lastCertified = i;
  for (let i = 0; i < records.length - 1; i++) if (!certifiedRecord(records[i])) return i;
  return lastCertified === 0 ? 1 : 0;
}

/**
 * magic "CH" · version u8 · count u8 · per record, oldest first: date f64 · reference (text) ·
 * tare f64 · kN per count f64 · worst error f64 · nodes u8 · nodes × (at f64, by f64).
 * The object store around it carries the CRC.
 */
export function encodeCalibrationHistory(records: readonly CalibrationRecord[]): Uint8Array {
  if (records.length > MAX_CALIBRATION_HISTORY) throw new RangeError(`${records.length} calibrations are more than the ${MAX_CALIBRATION_HISTORY} the history keeps`);
  const out = new ByteWriter(64 + 128 * records.length);
  out.u8(MAGIC_0);
  out.u8(MAGIC_1);
  out.u8(VERSION);
  out.u8(records.length);
  records.forEach((record, index) => {
    const error = calibrationRecordError(record);
    if (error !== null) throw new RangeError(`calibration ${index}: ${error}`);
    const cal = record.calibration;
    const nodes = cal.correctionAtKN?.length ?? 0;
    out.f64(record.dateS);
    out.text(record.reference);
    out.f64(cal.tareCounts);
    out.f64(cal.kNPerCount);
    out.f64(record.worstErrorPercent);
    out.u8(nodes);
    for (let i = 0; i < nodes; i++) {
      out.f64((cal.correctionAtKN as Float64Array)[i]);
      out.f64((cal.correctionKN as Float64Array)[i]);
    }
  });
  return out.toBytes();
}

/** Decodes a history; never throws, every record is checked again. */
export function decodeCalibrationHistory(bytes: Uint8Array): CalibrationHistoryResult {
  const input = new ByteReader(bytes, 0, bytes.length);
  try {
    if (input.u8() !== MAGIC_0 || input.u8() !== MAGIC_1) return { ok: false, error: 'byte 0: not a calibration history (magic)' };
    const version = input.u8();
    if (version !== VERSION) return { ok: false, error: `byte 2: calibration history version ${version} is not ${VERSION}` };
    const count = input.u8();
    if (count > MAX_CALIBRATION_HISTORY) return { ok: false, error: `byte 3: ${count} calibrations are more than ${MAX_CALIBRATION_HISTORY}` };
    const records: CalibrationRecord[] = [];
    for (let r = 0; r < count; r++) {
      const at = input.offset;
      const dateS = input.f64();
      const reference = input.text();
      const tareCounts = input.f64();
      const kNPerCount = input.f64();
      const worstErrorPercent = input.f64();
      const nodes = input.u8();
      if (nodes > MAX_CALIBRATION_POINTS) return { ok: false, error: `byte ${input.offset - 1}: calibration ${r}: ${nodes} correction nodes are more than ${MAX_CALIBRATION_POINTS}` };
      const calibration: LoadCellCalibration = { tareCounts, kNPerCount };
      if (nodes > 0) {
        const atKN = new Float64Array(nodes);
        const byKN = new Float64Array(nodes);
        for (let i = 0; i < nodes; i++) {
          atKN[i] = input.f64();
          byKN[i] = input.f64();
        }
        calibration.correctionAtKN = atKN;
        calibration.correctionKN = byKN;
      }
      const record: CalibrationRecord = { dateS, reference, calibration, worstErrorPercent };
      const error = calibrationRecordError(record);
      if (error !== null) return { ok: false, error: `byte ${at}: calibration ${r}: ${error}` };
      records.push(record);
    }
    if (input.offset !== bytes.length) return { ok: false, error: `byte ${input.offset}: ${bytes.length - input.offset} bytes left over` };
    return { ok: true, records };
  } catch (error) {
    return { ok: false, error: readFailure(error, 'the history ends in the middle of a field') };
  }
}
