import { readUtf8, utf8Length, writeUtf8 } from './utf8';

/** Little-endian byte writer and bounds-checked reader over Uint8Array, for the flash codecs. */

/** Longest text a u16 length can carry. */
const MAX_TEXT_BYTES = 0xffff;

export class ByteWriter {
  private bytes: Uint8Array;
  private view: DataView;
  length = 0;

  constructor(initialCapacity = 256) {
    this.bytes = new Uint8Array(initialCapacity);
    this.view = new DataView(this.bytes.buffer);
  }

  /** Claims count bytes and returns where they start. May replace bytes and view: read them after. */
  private reserve(count: number): number {
    const at = this.length;
    const needed = at + count;
    if (needed > this.bytes.length) {
      let capacity = this.bytes.length * 2;
      while (capacity < needed) capacity *= 2;
      const grown = new Uint8Array(capacity);
      grown.set(this.bytes.subarray(0, at));
      this.bytes = grown;
      this.view = new DataView(grown.buffer);
    }
    this.length = needed;
    return at;
  }

  u8(value: number): void {
    const at = this.reserve(1);
    this.bytes[at] = value;
  }

  u16(value: number): void {
    const at = this.reserve(2);
    this.view.setUint16(at, value, true);
  }

  u32(value: number): void {
    const at = this.reserve(4);
    this.view.setUint32(at, value, true);
  }

  f32(value: number): void {
    const at = this.reserve(4);
    this.view.setFloat32(at, value, true);
  }

  f64(value: number): void {
    const at = this.reserve(8);
    this.view.setFloat64(at, value, true);
  }

  /** Room for count bytes, filled by the caller through the returned array and offset. */
  raw(count: number): { bytes: Uint8Array; offset: number } {
    const offset = this.reserve(count);
    return { bytes: this.bytes, offset };
  }

  /** A u16 byte length and the text in UTF-8 (text must have no unpaired surrogate). */
  text(value: string): void {
    const length = utf8Length(value);
    if (length > MAX_TEXT_BYTES) throw new RangeError(`text of ${length} bytes is longer than ${MAX_TEXT_BYTES}`);
    this.u16(length);
    const room = this.raw(length);
    writeUtf8(value, room.bytes, room.offset);
  }

  setU16(at: number, value: number): void {
    this.view.setUint16(at, value, true);
  }

  /** The written bytes (a copy, exactly `length` long). */
  toBytes(): Uint8Array {
    return this.bytes.slice(0, this.length);
  }
}

/** Thrown by ByteReader on a read past its end; codecs turn it into an error result. */
export class TruncatedError extends Error {
  constructor(readonly offset: number) {
    super(`truncated at byte ${offset}`);
  }
}

/** Thrown by ByteReader when bytes are not what they claim to be (text that is not UTF-8). */
export class MalformedError extends Error {
  constructor(readonly offset: number, message: string) {
    super(`byte ${offset}: ${message}`);
  }
}

/** The error result of a decoder for what a ByteReader threw (other errors are rethrown). */
export function readFailure(error: unknown, truncatedMessage: string): string {
  if (error instanceof MalformedError) return error.message;
  if (error instanceof TruncatedError) return `byte ${error.offset}: ${truncatedMessage}`;
  throw error;
}

export class ByteReader {
  private readonly view: DataView;
  offset: number;

  constructor(readonly bytes: Uint8Array, start: number, readonly end: number) {
    this.view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
    this.offset = start;
  }

  private take(count: number): number {
    const at = this.offset;
    if (at + count > this.end) throw new TruncatedError(at);
    this.offset = at + count;
    return at;
  }

  u8(): number {
    return this.bytes[this.take(1)];
  }

  u16(): number {
    return this.view.getUint16(this.take(2), true);
  }

  u32(): number {
    return this.view.getUint32(this.take(4), true);
  }

  f32(): number {
    return this.view.getFloat32(this.take(4), true);
  }

  f64(): number {
    return this.view.getFloat64(this.take(8), true);
  }

  /** A text written by ByteWriter.text. */
  text(): string {
    const length = this.u16();
    const start = this.take(length);
    const text = readUtf8(this.bytes, start, start + length);
    if (text === null) throw new MalformedError(start, 'text is not valid UTF-8');
    return text;
  }

  /** Skips count bytes and returns where they start. */
  skip(count: number): number {
    return this.take(count);
  }
}
