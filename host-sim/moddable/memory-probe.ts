import Instrumentation from 'instrumentation';
import Debug from 'debug';

/** Bytes of one XS slot on a 64-bit host; on the ESP32 (32-bit) a slot takes 16 bytes. */
export const HOST_SLOT_BYTES = 32;

/**
 * The XS machine's memory as Moddable's runtime counts it (modules/base/instrumentation, in a
 * build made with instrumentation: `mcconfig -i` or a debug build). sample() reads the
 * counters; sampleLive() collects the garbage first, so the heap figures are what is live.
 * Peaks are kept.
 */
export class MemoryProbe {
  /** Live slots after a full collection, at most. */
  peakLiveSlots = 0;
  /** Live chunk bytes after a full collection, at most (64-bit host sizes). */
  peakLiveChunkBytes = 0;
  /** Keys the program added at run time beyond the preloaded ones (they are never freed). */
  keys = 0;
  /** Deepest stack, slots. */
  peakStackSlots = 0;
  collections = 0;
  /** The last full collection's live slots and chunk bytes. */
  liveSlots = 0;
  liveChunkBytes = 0;
  readonly available: boolean;
  private readonly slotIndex: number;
  private readonly chunkIndex: number;
  private readonly keysIndex: number;
  private readonly stackIndex: number;

  constructor() {
    this.slotIndex = Instrumentation.map('XS Slot Heap Used') ?? -1;
    this.chunkIndex = Instrumentation.map('XS Chunk Heap Used') ?? -1;
    this.keysIndex = Instrumentation.map('XS Keys Used') ?? -1;
    this.stackIndex = Instrumentation.map('XS Stack Used') ?? -1;
    this.available = this.slotIndex >= 0 && typeof Instrumentation.get(this.slotIndex) === 'number';
  }

  /** Reads the stack and key counters (no collection). */
  sample(): void {
    if (!this.available) return;
    const keys = Instrumentation.get(this.keysIndex) as number;
    if (keys > this.keys) this.keys = keys;
    const stackSlots = (Instrumentation.get(this.stackIndex) as number) / HOST_SLOT_BYTES;
    if (stackSlots > this.peakStackSlots) this.peakStackSlots = stackSlots;
  }

  /** A full collection, then the live heap. */
  sampleLive(): void {
    if (!this.available) return;
    Debug.gc();
    this.collections++;
    const slots = (Instrumentation.get(this.slotIndex) as number) / HOST_SLOT_BYTES;
    this.liveSlots = slots;
    if (slots > this.peakLiveSlots) this.peakLiveSlots = slots;
    const chunkBytes = Instrumentation.get(this.chunkIndex) as number;
    this.liveChunkBytes = chunkBytes;
    if (chunkBytes > this.peakLiveChunkBytes) this.peakLiveChunkBytes = chunkBytes;
    this.sample();
  }

  /** The last reading, one line a script can parse. */
  now(label: string): string {
    return `memory ${label}: live slots ${this.liveSlots}, live chunk bytes ${this.liveChunkBytes}`;
  }

  /** The peaks so far, one line a script can parse. */
  line(label: string): string {
    return `memory ${label}: live slots ${this.peakLiveSlots}, live chunk bytes ${this.peakLiveChunkBytes}, keys ${this.keys}, stack slots ${this.peakStackSlots}, collections ${this.collections}`;
  }
}
