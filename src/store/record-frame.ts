import { crc32 } from '../bytes/crc32';

/**
 * The framing the object store's chunks and the run journal's records share: two magic bytes
 * and a type byte open a fixed header, the body follows, zeros pad it to a multiple of 4, and a
 * CRC-32 of every byte before it closes it. Records are 4-byte aligned and never cross a block
 * boundary. A record exists once its magic, its format's own checks and its CRC all hold.
 */

export const ALIGN_BYTES = 4;
export const CRC_BYTES = 4;

export function alignUp(offset: number): number {
  return (offset + ALIGN_BYTES - 1) & ~(ALIGN_BYTES - 1);
}

/** True when the aligned word at `at` is erased (all 0xFF). */
export function erasedWord(block: Uint8Array, at: number): boolean {
  return block[at] === 0xff && block[at + 1] === 0xff && block[at + 2] === 0xff && block[at + 3] === 0xff;
}

/** True when the aligned word at `at` is zero: a torn write that a mount sealed. */
export function zeroWord(block: Uint8Array, at: number): boolean {
  return block[at] === 0 && block[at + 1] === 0 && block[at + 2] === 0 && block[at + 3] === 0;
}

/** One record format: its magic and header, and how its header gives a record's length. */
export abstract class RecordFrame {
  /**
   * @param headerBytes the fixed header, magic included
   * @param minRecordBytes no record is read where fewer bytes are left in the block
   * @param scanMinBytes a block scan looks at a word only while this many bytes are left from it
   */
  constructor(readonly magic0: number, readonly magic1: number, readonly headerBytes: number, readonly minRecordBytes: number, readonly scanMinBytes: number) {}

  /** The record's length as its header gives it, once its format's checks hold (0 when they do not); magic and minRecordBytes are checked already. */
  abstract checkedLength(block: Uint8Array, view: DataView, at: number): number;

  /** The length a header that is all there declares, unchecked. */
  abstract declaredLength(block: Uint8Array, view: DataView, at: number): number;

  /** Length of the intact record at `at`, or 0 when there is none. */
  lengthAt(block: Uint8Array, view: DataView, at: number): number {
    if (block[at] !== this.magic0 || block[at + 1] !== this.magic1 || at + this.minRecordBytes > block.length) return 0;
    const length = this.checkedLength(block, view, at);
    if (length === 0 || at + length > block.length) return 0;
    return crc32(block, at, at + length - CRC_BYTES) === view.getUint32(at + length - CRC_BYTES, true) ? length : 0;
  }

  /** The bytes the record whose header starts at `at` declares it takes (0 when no record header starts there). */
  declaredBytes(block: Uint8Array, view: DataView, at: number): number {
    return at + this.headerBytes <= block.length && block[at] === this.magic0 && block[at + 1] === this.magic1 ? this.declaredLength(block, view, at) : 0;
  }

  /** Opens a record in `bytes`: magic, type byte and the fourth byte of the header. */
  open(bytes: Uint8Array, type: number, fourth: number): void {
    bytes[0] = this.magic0;
    bytes[1] = this.magic1;
    bytes[2] = type;
    bytes[3] = fourth;
  }

  /** Closes the record of `length` bytes at the start of `bytes` with the CRC of the bytes before it. */
  close(bytes: Uint8Array, view: DataView, length: number): void {
    view.setUint32(length - CRC_BYTES, crc32(bytes, 0, length - CRC_BYTES), true);
  }
}
