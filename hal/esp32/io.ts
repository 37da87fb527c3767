/**
 * What the drivers need of the ECMA-419 IO objects, structurally: the board assembly passes
 * Moddable's Digital, PWM, SPI, I2C and Serial instances, the tests pass fakes. Drivers never
 * import a Moddable module, so their logic runs in Node.
 */
export interface DigitalIn {
  read(): number;
}

export interface DigitalOut {
  write(value: number): void;
}

export interface PwmOut {
  readonly resolution: number;
  write(value: number): void;
}

export interface SpiBus {
  /** Full duplex, in place. */
  transfer(buffer: Uint8Array): void;
  flush(deselect?: boolean): void;
}

export interface I2cDevice {
  write(buffer: Uint8Array, stop?: boolean): void;
}

/** A byte stream in ECMA-419 "buffer" format. */
export interface SerialIo {
  read(buffer: Uint8Array): number | undefined;
  write(buffer: Uint8Array): void;
}

/** Busy-wait for start-up sequences (Timer.delay on the device). */
export type DelayMs = (ms: number) => void;
