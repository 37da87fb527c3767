import type { SerialPort } from '../serial';
import type { SerialIo } from './io';

/**
 * The host link on a UART through ECMA-419 `embedded:io/serial` in buffer format. Moddable's
 * ESP32 Serial has no software buffer: write() throws unless the whole buffer fits in the
 * 128-byte transmit FIFO, and the room is only known from onWritable(bytes), called after
 * construction and whenever the FIFO drains. So the port keeps that count, writes what fits
 * and reports it; the protocol layer keeps the rest for the next call.
 */
export class UartSerialPort implements SerialPort {
  /** Bytes the transmit FIFO can take now, as onWritable last said, less what was written since. */
  private writableBytes = 0;
  /** Writes the UART refused although the count said they fit. */
  writeErrors = 0;

  private io: SerialIo | null = null;

  /**
   * Connects the Serial instance. The port exists first because Serial calls onWritable as
   * it is constructed, before the constructor has returned it.
   */
  attach(io: SerialIo): void {
    this.io = io;
  }

  /** Pass to the Serial constructor as onWritable. */
  onWritable(bytes: number): void {
    this.writableBytes = bytes;
  }

  read(into: Uint8Array): number {
    const io = this.io;
    if (io === null || into.length === 0) return 0;
    const count = io.read(into);
    return count === undefined ? 0 : count;
  }

  write(bytes: Uint8Array): number {
    const io = this.io;
    let count = bytes.length < this.writableBytes ? bytes.length : this.writableBytes;
    if (io === null || count <= 0) return 0;
    try {
      io.write(count === bytes.length ? bytes : bytes.subarray(0, count));
    } catch {
      this.writeErrors++;
      this.writableBytes = 0;
      count = 0;
    }
    this.writableBytes -= count;
    return count;
  }
}

/** The native USB CDC link (hal/esp32/native/usb-cdc.c): both calls return at once. */
export interface UsbCdcIo {
  read(into: Uint8Array): number;
  write(bytes: Uint8Array): number;
}

/** The host link on the ESP32-S3's USB Serial/JTAG controller (a CDC-ACM port on the host). */
export class UsbCdcSerialPort implements SerialPort {
  constructor(private readonly io: UsbCdcIo) {}

  read(into: Uint8Array): number {
    return into.length === 0 ? 0 : this.io.read(into);
  }

  write(bytes: Uint8Array): number {
    return bytes.length === 0 ? 0 : this.io.write(bytes);
  }
}
