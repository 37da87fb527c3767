/**
 * Cuts the received byte stream into program messages. A newline ends a message, except
 * inside a quoted string or a definite-length block `#<n><length><bytes>`, whose bytes are
 * taken verbatim. Bytes may arrive in any pieces. Memory is bounded: the text of a message
 * (everything outside block bodies) by `maxMessageBytes`, the block bodies of a message by
 * `maxBlockBytes`. A message over a bound is reported once and discarded up to its end.
 */

export interface FramerLimits {
  /** Bytes of a message outside block bodies (terminator not counted). */
  maxMessageBytes: number;
  /** Bytes of all block bodies in one message. */
  maxBlockBytes: number;
  /**
   * An over-long block whose declared length is at most this is counted off without being
   * stored, so its bytes (newlines included) do not run as commands; a longer declared
   * length is taken as garbage and the message ends at the next newline.
   */
  blockSkipLimitBytes: number;
}

export interface FramerSink {
  /** A complete message: bytes[0, length), without the newline. The bytes are reused after the call. */
  message(bytes: Uint8Array, length: number): void;
  /** A message was discarded: -363 (text over its bound) or -223 (block over its bound). */
  overflow(code: number, info: string): void;
}

const LF = 0x0a;
const HASH = 0x23;
const DOUBLE_QUOTE = 0x22;
const SINGLE_QUOTE = 0x27;
const DIGIT_0 = 0x30;
const DIGIT_9 = 0x39;

// Framer states.
const TEXT = 0;
const QUOTED = 1;
const AFTER_HASH = 2;
const BLOCK_LENGTH = 3;
const BLOCK_BODY = 4;
const SKIP_BLOCK = 5;
const DISCARD = 6;

const INITIAL_BUFFER_BYTES = 256;

export class MessageFramer {
  private buffer = new Uint8Array(INITIAL_BUFFER_BYTES);
  private length = 0;
  private textBytes = 0;
  private blockBytes = 0;
  private state = TEXT;
  private quote = 0;
  private lengthDigitsLeft = 0;
  private declaredLength = 0;
  /** Bytes left in the block body being stored or skipped. */
  private bodyLeft = 0;
  private readonly maxBufferBytes: number;

  constructor(private readonly limits: FramerLimits, private readonly sink: FramerSink) {
    const { maxMessageBytes, maxBlockBytes, blockSkipLimitBytes } = limits;
    for (const value of [maxMessageBytes, maxBlockBytes, blockSkipLimitBytes]) {
      if (!Number.isInteger(value) || value < 1) throw new RangeError('framer limits must be positive integers');
    }
    this.maxBufferBytes = limits.maxMessageBytes + limits.maxBlockBytes;
  }

  /** Bytes allocated for the message being received. */
  get heldBytes(): number {
    return this.buffer.length;
  }

  /** True while a message is partly received (or being discarded). */
  get midMessage(): boolean {
    return this.length > 0 || this.state !== TEXT;
  }

  /** Forgets the partial message (device clear, connection change). */
  clear(): void {
    this.resetMessage();
    this.state = TEXT;
    this.shrink();
  }

  feed(bytes: Uint8Array, start = 0, end = bytes.length): void {
    let i = start;
    while (i < end) {
      switch (this.state) {
        case BLOCK_BODY: {
          const count = Math.min(this.bodyLeft, end - i);
          this.buffer.set(bytes.subarray(i, i + count), this.length);
          this.length += count;
          this.bodyLeft -= count;
          i += count;
          if (this.bodyLeft === 0) this.state = TEXT;
          break;
        }
        case SKIP_BLOCK: {
          const count = Math.min(this.bodyLeft, end - i);
          this.bodyLeft -= count;
          i += count;
          if (this.bodyLeft === 0) this.state = DISCARD;
          break;
        }
        case DISCARD: {
          const at = bytes.indexOf(LF, i);
          if (at < 0 || at >= end) {
            i = end;
          } else {
            i = at + 1;
            this.state = TEXT;
          }
          break;
        }
        default:
          if (this.textByte(bytes[i])) i++;
      }
    }
  }

  /** Takes one byte outside block bodies; returns false when the byte must be looked at again in the new state. */
  private textByte(byte: number): boolean {
    switch (this.state) {
      case TEXT:
        if (byte === LF) {
          this.emit();
          return true;
        }
        if (byte === DOUBLE_QUOTE || byte === SINGLE_QUOTE) {
          this.quote = byte;
          this.state = QUOTED;
        } else if (byte === HASH) {
          this.state = AFTER_HASH;
        }
        this.store(byte);
        return true;
      case QUOTED:
        // A doubled quote inside a string closes and reopens it, which leaves the state right.
        if (byte === this.quote) this.state = TEXT;
        this.store(byte);
        return true;
      case AFTER_HASH:
        if (byte > DIGIT_0 && byte <= DIGIT_9) {
          this.lengthDigitsLeft = byte - DIGIT_0;
          this.declaredLength = 0;
          this.state = BLOCK_LENGTH;
          this.store(byte);
          return true;
        }
        this.state = TEXT;
        return false;
      case BLOCK_LENGTH:
        if (byte < DIGIT_0 || byte > DIGIT_9) {
          // Not a block header after all; the parser reports it.
          this.state = TEXT;
          return false;
        }
        this.store(byte);
        if (this.state !== BLOCK_LENGTH) return true;
        this.declaredLength = this.declaredLength * 10 + (byte - DIGIT_0);
        if (--this.lengthDigitsLeft === 0) this.startBlockBody();
        return true;
      default:
        return true;
    }
  }

  private startBlockBody(): void {
    const declared = this.declaredLength;
    const { maxBlockBytes, blockSkipLimitBytes } = this.limits;
    if (declared > maxBlockBytes - this.blockBytes) {
      const info = `block of ${declared} bytes, limit ${maxBlockBytes} per message`;
      this.drop(-223, info);
      if (declared <= blockSkipLimitBytes) {
        this.bodyLeft = declared;
        this.state = SKIP_BLOCK;
      }
      return;
    }
    this.blockBytes += declared;
    this.ensureCapacity(this.length + declared);
    this.bodyLeft = declared;
    this.state = declared === 0 ? TEXT : BLOCK_BODY;
  }

  private store(byte: number): void {
    if (this.textBytes >= this.limits.maxMessageBytes) {
      this.drop(-363, `message longer than ${this.limits.maxMessageBytes} bytes`);
      return;
    }
    this.textBytes++;
    if (this.length === this.buffer.length) this.ensureCapacity(this.length + 1);
    this.buffer[this.length++] = byte;
  }

  /** Reports the overflow and discards the message up to its newline. */
  private drop(code: number, info: string): void {
    this.sink.overflow(code, info);
    this.resetMessage();
    this.state = DISCARD;
    this.shrink();
  }

  private emit(): void {
    const length = this.length;
    this.resetMessage();
    this.sink.message(this.buffer, length);
    this.shrink();
  }

  private resetMessage(): void {
    this.length = 0;
    this.textBytes = 0;
    this.blockBytes = 0;
  }

  private ensureCapacity(needed: number): void {
    if (needed <= this.buffer.length) return;
    let capacity = this.buffer.length * 2;
    while (capacity < needed) capacity *= 2;
    const grown = new Uint8Array(Math.min(capacity, this.maxBufferBytes));
    grown.set(this.buffer.subarray(0, this.length));
    this.buffer = grown;
  }

  /** Gives a large buffer back after a big message, so an upload does not hold its memory forever. */
  private shrink(): void {
    if (this.buffer.length > 4 * INITIAL_BUFFER_BYTES && this.length === 0) this.buffer = new Uint8Array(INITIAL_BUFFER_BYTES);
  }
}
