// ECMA-419 IO classes as the Moddable SDK implements them on ESP32 (ECMA-419 "IO Class
// Pattern"; Moddable documentation/io/io.md; modules/io), as far as this project uses them,
// and never wider than the SDK's typings (typings/moddable/README.md). Constructors take an
// options object; pins are GPIO numbers; `port` selects the peripheral.
//
// Buffers: the SDK's ByteBuffer (xs.d.ts) is an ArrayBuffer, SharedArrayBuffer, HostBuffer,
// Uint8Array, Uint8ClampedArray, Int8Array or DataView; other typed arrays are not accepted.

declare module 'embedded:io/digital' {
  class Digital {
    static readonly Input: number;
    static readonly InputPullUp: number;
    static readonly InputPullDown: number;
    static readonly InputPullUpDown: number;
    static readonly Output: number;
    static readonly OutputOpenDrain: number;
    static readonly Rising: number;
    static readonly Falling: number;
    constructor(options: {
      pin: number;
      /** One of Digital.Input, InputPullUp, InputPullDown, InputPullUpDown, Output, OutputOpenDrain. */
      mode: number;
      /** Digital.Rising, Digital.Falling or both OR-ed: when onReadable is called. */
      edge?: number;
      onReadable?: (this: Digital) => void;
      target?: unknown;
    });
    /** The pin level (inputs). */
    read(): 0 | 1;
    /** Drives the pin (outputs). */
    write(value: 0 | 1): void;
    close(): void;
  }
  export default Digital;
}

declare module 'embedded:io/pwm' {
  // The SDK's typing has no close().
  class PWM {
    constructor(options: { pin: number; hz?: number; target?: unknown });
    /** Bits of duty resolution: write() takes 0 .. 2^resolution − 1. */
    readonly resolution: number;
    readonly hz: number;
    write(value: number): void;
  }
  export default PWM;
}

declare module 'embedded:io/spi' {
  type ByteBuffer = ArrayBuffer | Uint8Array | Uint8ClampedArray | Int8Array | DataView;
  // The SDK's typing has no close().
  class SPI {
    constructor(options: {
      clock: number;
      out?: number;
      in?: number;
      /** Chip select, driven by the class around each transfer until flush(true). */
      select?: number;
      /** Level of `select` that selects the device. */
      active?: 0 | 1;
      hz: number;
      /** SPI mode 0..3 (CPOL << 1 | CPHA). */
      mode?: number;
      /** ESP32: the SPI host (1 = SPI2_HOST, 2 = SPI3_HOST); required there. */
      port: number;
      target?: unknown;
    });
    read(byteLength: number): ArrayBuffer;
    read(buffer: ByteBuffer): void;
    write(buffer: ByteBuffer): void;
    /** Full duplex: sends the buffer and overwrites it with the bytes received. */
    transfer(buffer: ByteBuffer): void;
    /** Waits for queued writes; with true, also deselects the device. */
    flush(deselect?: boolean): void;
  }
  export default SPI;
}

declare module 'embedded:io/i2c' {
  type ByteBuffer = ArrayBuffer | Uint8Array | Uint8ClampedArray | Int8Array | DataView;
  // The SDK's typing has no close().
  class I2C {
    constructor(options: {
      data: number;
      clock: number;
      hz: number;
      /** 7-bit address of the one device this instance talks to. */
      address: number;
      port?: number;
      target?: unknown;
    });
    /** Synchronous; `stop` false leaves the transaction open. Throws when the device does not acknowledge. */
    write(buffer: ByteBuffer, stop?: boolean): void;
    read(byteLength: number, stop?: boolean): ArrayBuffer;
    read(buffer: ByteBuffer, stop?: boolean): number;
  }
  export default I2C;
}

declare module 'embedded:io/serial' {
  type ByteBuffer = ArrayBuffer | Uint8Array | Uint8ClampedArray | Int8Array | DataView;
  class Serial {
    constructor(options: {
      /** ESP32: the UART number (0 = the console UART). */
      port: number;
      transmit: number;
      receive: number;
      baud: number;
      /** Called with the number of bytes waiting in the receive FIFO. */
      onReadable?: (this: Serial, bytes: number) => void;
      /** Called after construction and whenever transmit FIFO space frees up, with the bytes that may be written. */
      onWritable?: (this: Serial, bytes: number) => void;
      format?: 'number' | 'buffer';
      target?: unknown;
    });
    format: 'number' | 'buffer';
    /** Buffer format: fills `buffer` with what the FIFO holds; returns the count, undefined when nothing waits. */
    read(buffer: ByteBuffer): number | undefined;
    /** Throws when the transmit FIFO has less room than the data: partial data is never written. */
    write(data: ByteBuffer | number): void;
    close(): void;
  }
  export default Serial;
}
