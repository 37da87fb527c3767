import type { FlashPartition } from '../../hal/flash';
import { crc32 } from '../bytes/crc32';
import { CRC_BYTES, RecordFrame, alignUp } from './record-frame';
import { isPrintableAscii } from '../text/chars';

/**
 * The object store's chunks (src/store/record-frame.ts), little-endian:
 *
 *   magic "PO" · kind u8 (bit 7: deletion) · 0 u8 · version u32 · copy u32
 *   payload offset u32 · payload length u32 · payload CRC-32 u32 · data length u16 · 0 u16
 *   data · zeros to a multiple of 4 · CRC-32 u32 of every byte before it
 *
 * The payload of a version is key length u8 · key (ASCII) · value. Each copy of a version has its
 * own copy number; both copy and version numbers come from one counter that only goes up.
 */

export const HEADER_BYTES = 28;
/** A chunk is not started in less room than this much data: the rest of the block is left. */
export const MIN_CHUNK_DATA = 64;
export const DELETED = 0x80;
export const COPIES = 2;
export const MAX_KEY_BYTES = 32;
/** Largest value: an 8 KB program with room to spare. */
export const MAX_VALUE_BYTES = 8448;
export const MAX_PAYLOAD_BYTES = 1 + MAX_KEY_BYTES + MAX_VALUE_BYTES;

/** One intact chunk on flash. */
export interface ChunkRef {
  /** Area block index, and the chunk's partition offset. */
  block: number;
  at: number;
  copy: number;
  payloadOffset: number;
  dataLength: number;
}

/** The version of a key in force. */
export interface Entry {
  kind: number;
  key: string;
  version: number;
  deleted: boolean;
  payloadLength: number;
  payloadCrc: number;
  chunks: ChunkRef[];
}

export function chunkBytes(dataLength: number): number {
  return alignUp(HEADER_BYTES + dataLength) + CRC_BYTES;
}

class ChunkFrame extends RecordFrame {
  constructor() {
    // Nothing is looked for in the last bytes of a block too short for a header and a CRC.
    super(0x50, 0x4f, HEADER_BYTES, HEADER_BYTES + CRC_BYTES, HEADER_BYTES + CRC_BYTES);
  }

  checkedLength(_block: Uint8Array, view: DataView, at: number): number {
    const dataLength = view.getUint16(at + 24, true);
    if (dataLength === 0) return 0;
    const payloadOffset = view.getUint32(at + 12, true);
    const payloadLength = view.getUint32(at + 16, true);
    if (payloadLength > MAX_PAYLOAD_BYTES || payloadOffset + dataLength > payloadLength) return 0;
    return chunkBytes(dataLength);
  }

  declaredLength(_block: Uint8Array, view: DataView, at: number): number {
    return chunkBytes(view.getUint16(at + 24, true));
  }
}

export const CHUNK_FRAME: RecordFrame = Object.freeze(new ChunkFrame());

/** Writes one chunk of `payload` (data from `offset`, `dataLength` bytes) into `bytes`; returns its length. */
export function encodeChunk(bytes: Uint8Array, view: DataView, kindByte: number, version: number, copy: number, payload: Uint8Array, payloadCrc: number, offset: number, dataLength: number): number {
  const length = chunkBytes(dataLength);
  bytes.fill(0, 0, length);
  CHUNK_FRAME.open(bytes, kindByte, 0);
  view.setUint32(4, version, true);
  view.setUint32(8, copy, true);
  view.setUint32(12, offset, true);
  view.setUint32(16, payload.length, true);
  view.setUint32(20, payloadCrc, true);
  view.setUint16(24, dataLength, true);
  bytes.set(payload.subarray(offset, offset + dataLength), HEADER_BYTES);
  CHUNK_FRAME.close(bytes, view, length);
  return length;
}

export function mapKey(kind: number, key: string): string {
  return `${kind}/${key}`;
}

/** The key at the start of a payload chunk, or null when the chunk does not hold it whole. */
export function keyIn(block: Uint8Array, dataAt: number, dataLength: number): string | null {
  const keyLength = block[dataAt];
  if (keyLength > MAX_KEY_BYTES || 1 + keyLength > dataLength) return null;
  let key = '';
  for (let i = 0; i < keyLength; i++) key += String.fromCharCode(block[dataAt + 1 + i]);
  return key;
}

/** How many distinct copies each cover [0, length) on their own. */
export function wholeCopies(chunks: ChunkRef[], length: number): number {
  const byCopy = new Map<number, ChunkRef[]>();
  for (const chunk of chunks) {
    const list = byCopy.get(chunk.copy);
    if (list === undefined) byCopy.set(chunk.copy, [chunk]);
    else list.push(chunk);
  }
  let whole = 0;
  for (const list of byCopy.values()) if (covers(list, length)) whole++;
  return whole;
}

export function covers(chunks: ChunkRef[], length: number): boolean {
  const sorted = [...chunks].sort((a, b) => a.payloadOffset - b.payloadOffset);
  let reached = 0;
  for (const chunk of sorted) {
    if (chunk.payloadOffset > reached) return false;
    reached = Math.max(reached, chunk.payloadOffset + chunk.dataLength);
  }
  return reached >= length;
}

/**
 * Reads the payload back from any intact chunks of the version, copies mixed (an interval
 * cover over the chunks in payload order); null unless it is whole and its CRC checks. The
 * chunks' own CRCs are checked again only when the payload's fails (a bit lost since mount).
 */
export function assemblePayload(flash: FlashPartition, entry: Entry): Uint8Array | null {
  return assembleChecking(flash, entry, false) ?? assembleChecking(flash, entry, true);
}

function assembleChecking(flash: FlashPartition, entry: Entry, checkChunks: boolean): Uint8Array | null {
  const payload = new Uint8Array(entry.payloadLength);
  const chunks = [...entry.chunks].sort((a, b) => a.payloadOffset - b.payloadOffset);
  let reached = 0;
  for (const ref of chunks) {
    if (reached >= entry.payloadLength || ref.payloadOffset > reached) break;
    const end = ref.payloadOffset + ref.dataLength;
    if (end <= reached) continue;
    const length = chunkBytes(ref.dataLength);
    const chunk = flash.read(ref.at, length);
    const view = new DataView(chunk.buffer, chunk.byteOffset, chunk.byteLength);
    if (view.getUint32(4, true) !== entry.version || view.getUint32(12, true) !== ref.payloadOffset) continue;
    if (checkChunks && CHUNK_FRAME.lengthAt(chunk, view, 0) !== length) continue;
    payload.set(chunk.subarray(HEADER_BYTES + reached - ref.payloadOffset, HEADER_BYTES + ref.dataLength), reached);
    reached = end;
  }
  if (reached < entry.payloadLength || crc32(payload) !== entry.payloadCrc) return null;
  return payload;
}

/** The payload of a version: key length u8 · key · value. */
export function encodePayload(key: string, value: Uint8Array): Uint8Array {
  if (!(key.length <= MAX_KEY_BYTES && isPrintableAscii(key))) throw new RangeError(`object store: key "${key}" is not 0..${MAX_KEY_BYTES} printable ASCII characters`);
  const payload = new Uint8Array(1 + key.length + value.length);
  payload[0] = key.length;
  for (let i = 0; i < key.length; i++) payload[1 + i] = key.charCodeAt(i);
  payload.set(value, 1 + key.length);
  return payload;
}
