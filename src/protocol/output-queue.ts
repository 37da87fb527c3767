/**
 * The bounded output queue of a session: encoded responses waiting for the transport, which
 * takes them at its own pace (a serial write may accept fewer bytes than offered).
 */

const EMPTY = new Uint8Array(0);

export class OutputQueue {
  private chunks: Uint8Array[] = [];
  private head = 0;
  private headOffset = 0;
  private queuedBytes = 0;

  constructor(readonly capacity: number) {
    if (!Number.isInteger(capacity) || capacity < 16) throw new RangeError('output capacity must be an integer of at least 16 bytes');
  }

  get queued(): number {
    return this.queuedBytes;
  }

  get free(): number {
    return this.capacity - this.queuedBytes;
  }

  /** Appends bytes the caller has checked to fit (`free`); the queue keeps the array, so it must not change. */
  push(bytes: Uint8Array): void {
    if (bytes.length > this.free) throw new RangeError('output queue overflow');
    if (bytes.length === 0) return;
    this.chunks.push(bytes);
    this.queuedBytes += bytes.length;
  }

  /** The next bytes to send, as one contiguous view (empty when nothing is queued). Valid until the next consume or push. */
  peek(): Uint8Array {
    if (this.head >= this.chunks.length) return EMPTY;
    return this.chunks[this.head].subarray(this.headOffset);
  }

  /** Marks `count` bytes of what peek() returned as sent. */
  consume(count: number): void {
    let left = Math.min(Math.max(0, Math.floor(count)), this.queuedBytes);
    this.queuedBytes -= left;
    while (left > 0) {
      const chunk = this.chunks[this.head];
      const inChunk = chunk.length - this.headOffset;
      if (left < inChunk) {
        this.headOffset += left;
        return;
      }
      left -= inChunk;
      this.head++;
      this.headOffset = 0;
    }
    if (this.head >= this.chunks.length) {
      this.chunks = [];
      this.head = 0;
    } else if (this.head >= 32 && this.head * 2 >= this.chunks.length) {
      this.chunks = this.chunks.slice(this.head);
      this.head = 0;
    }
  }

  /** Copies up to into.length queued bytes into `into` and removes them; returns the count. */
  read(into: Uint8Array): number {
    let copied = 0;
    while (copied < into.length) {
      const next = this.peek();
      if (next.length === 0) break;
      const count = Math.min(next.length, into.length - copied);
      into.set(next.subarray(0, count), copied);
      copied += count;
      this.consume(count);
    }
    return copied;
  }

  clear(): void {
    this.chunks = [];
    this.head = 0;
    this.headOffset = 0;
    this.queuedBytes = 0;
  }
}
