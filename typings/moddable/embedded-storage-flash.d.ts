// ECMA-419 flash storage as Moddable implements it on ESP32 (modules/io/flash/esp32):
// open({ path }) finds the data partition with that label (ESP-IDF partition table);
// erase sets whole blocks to 0xFF, writes only clear bits. Never wider than the SDK's typing
// (typings/moddable/README.md).
declare module 'embedded:storage/flash' {
  type ByteBuffer = ArrayBuffer | Uint8Array | Uint8ClampedArray | Int8Array | DataView;
  interface Flash {
    close(): void;
    /** Erases blocks [start, end) (end defaults to start + 1). */
    eraseBlock(start: number, end?: number): void;
    read(byteLength: number, byteOffset: number): ArrayBuffer;
    write(buffer: ByteBuffer, byteOffset: number): void;
    /** size: partition bytes; blockLength: erase block bytes (4096 on ESP32 NOR flash). */
    status(): { size: number; blockLength: number; blocks: number };
  }
  const FlashStorage: {
    open(options: { path: string; mode?: 'r' | 'r+' }): Flash;
  };
  export default FlashStorage;
}
