import { crc32 } from '../bytes/crc32';

/**
 * When a program was stored: a record of its own beside the program (object kind programDate,
 * keyed by the program's name), so the program's bytes and its hash do not depend on the clock.
 *
 *   magic "PD" · version u8 · seconds since 1970 UTC u32 · program hash u32 · CRC-32 of the bytes before u32
 *
 * The program hash (ProgramLibrary.programHash of the version dated) ties the date to that very
 * version: a date left from an earlier version (a power cut between the program's write and its
 * date's) reads as not known, as does a damaged record. Never a wrong date.
 */
const MAGIC_0 = 0x50;
const MAGIC_1 = 0x44;
const VERSION = 1;
export const PROGRAM_DATE_BYTES = 15;

/** The hash a date is tied to: CRC-32 of the encoded program before its own CRC. */
export function storedProgramHash(programBytes: Uint8Array): number {
  return crc32(programBytes, 0, Math.max(0, programBytes.length - 4));
}

export function encodeProgramDate(dateS: number, programHash: number): Uint8Array {
  if (!(Number.isInteger(dateS) && dateS > 0 && dateS <= 0xffffffff)) throw new RangeError(`program date ${dateS} is not whole seconds since 1970 in 32 bits`);
  const bytes = new Uint8Array(PROGRAM_DATE_BYTES);
  const view = new DataView(bytes.buffer);
  bytes[0] = MAGIC_0;
  bytes[1] = MAGIC_1;
  bytes[2] = VERSION;
  view.setUint32(3, dateS, true);
  view.setUint32(7, programHash >>> 0, true);
  view.setUint32(11, crc32(bytes, 0, 11), true);
  return bytes;
}

/** Seconds since 1970 UTC, or 0 when the record is damaged, of another version, or of another program version (hash). */
export function decodeProgramDate(bytes: Uint8Array, programHash: number): number {
  if (bytes.length !== PROGRAM_DATE_BYTES || bytes[0] !== MAGIC_0 || bytes[1] !== MAGIC_1 || bytes[2] !== VERSION) return 0;
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  if (view.getUint32(11, true) !== crc32(bytes, 0, 11)) return 0;
  if (view.getUint32(7, true) !== programHash >>> 0) return 0;
  return view.getUint32(3, true);
}
