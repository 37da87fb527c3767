/**
 * A named flash partition with NOR semantics, modelled on Moddable's
 * `embedded:storage/flash`: erase sets a whole block to 0xFF, writes can only clear bits.
 */
export interface FlashPartition {
  readonly byteLength: number;
  readonly blockLength: number;
  /** Copies `length` bytes at `byteOffset` into a new buffer. */
  read(byteOffset: number, length: number): Uint8Array;
  /** Programs bytes; a write may only clear bits of what is there (NOR). */
  write(byteOffset: number, bytes: Uint8Array): void;
  /** Erases one block (index, not offset) to 0xFF. */
  eraseBlock(block: number): void;
}
