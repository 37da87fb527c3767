// ECMA-419 flash storage as Moddable implements it on ESP32 (modules/io/flash/esp32):
// open({ path }) finds the data partition with that label (ESP-IDF partition table);
// erase sets whole blocks to 0xFF, writes only clear bits.
declare module 'embedded:storage/flash' {
  export interface FlashStatus {
    /** Partition size in bytes. */
    size: number;
    /** Erase block size in bytes (4096 on ESP32 NOR flash). */
    blockLength: number;
    blocks: number;
  }
  export interface Flash {
    close(): void;
    /** Erases blocks [start, end) (end defaults to start + 1). */
    eraseBlock(start: number, end?: number): void;
    read(byteLength: number, byteOffset: number): ArrayBuffer;
    write(buffer: ArrayBufferLike | ArrayBufferView, byteOffset: number): void;
    status(): FlashStatus;
  }
  const FlashStorage: {
    open(options: { path: string; mode?: 'r' | 'r+' }): Flash;
  };
  export default FlashStorage;
}
