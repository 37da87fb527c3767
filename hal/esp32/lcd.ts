import type { DelayMs, I2cDevice } from './io';

/**
 * HD44780-compatible character LCD behind a PCF8574 I2C backpack (the common 20×4 and 16×2
 * modules): the expander's P0 = RS, P1 = RW, P2 = E, P3 = backlight, P4–P7 = D4–D7, the
 * display in 4-bit mode. Each nibble is two expander writes, E high then low (the display
 * latches on E's falling edge); one expander byte takes 90 µs at 100 kHz, longer than the
 * 37 µs a character needs, so a whole row goes out as one I2C write without waiting.
 */
const RS = 0x01;
const ENABLE = 0x04;
const BACKLIGHT = 0x08;

export const LcdCommand = Object.freeze({
  clear: 0x01,
  entryModeIncrement: 0x06,
  displayOnCursorOff: 0x0c,
  displayOff: 0x08,
  functionSet4Bit2Line: 0x28,
  setDdramAddress: 0x80,
} as const);

export class CharLcd {
  private readonly rowBuffer: Uint8Array;
  private readonly commandBuffer = new Uint8Array(4);
  private readonly nibbleBuffer = new Uint8Array(2);

  constructor(
    private readonly i2c: I2cDevice,
    readonly columns: number,
    readonly rows: number,
  ) {
    this.rowBuffer = new Uint8Array(4 + 4 * columns);
  }

  /** DDRAM address of a row's first cell: rows 2 and 3 continue rows 0 and 1 after `columns` cells. */
  rowAddress(row: number): number {
    return (row & 1 ? 0x40 : 0x00) + (row >= 2 ? this.columns : 0);
  }

  /** The power-on initialisation by instruction (HD44780 datasheet, 4-bit interface). Boot-time only. */
  init(delayMs: DelayMs): void {
    delayMs(50);
    this.nibble(0x3);
    delayMs(5);
    this.nibble(0x3);
    delayMs(1);
    this.nibble(0x3);
    delayMs(1);
    this.nibble(0x2);
    delayMs(1);
    this.command(LcdCommand.functionSet4Bit2Line);
    this.command(LcdCommand.displayOff);
    this.command(LcdCommand.clear);
    delayMs(2);
    this.command(LcdCommand.entryModeIncrement);
    this.command(LcdCommand.displayOnCursorOff);
  }

  command(code: number): void {
    encodeByte(this.commandBuffer, 0, code, 0);
    this.i2c.write(this.commandBuffer);
  }

  /** Writes `columns` cells starting at cells[offset] to one row, in one I2C transaction. */
  writeRow(row: number, cells: Uint8Array, offset: number): void {
    const buffer = this.rowBuffer;
    encodeByte(buffer, 0, LcdCommand.setDdramAddress | this.rowAddress(row), 0);
    for (let i = 0; i < this.columns; i++) encodeByte(buffer, 4 + 4 * i, cells[offset + i], RS);
    this.i2c.write(buffer);
  }

  private nibble(value: number): void {
    const byte = ((value & 0x0f) << 4) | BACKLIGHT;
    this.nibbleBuffer[0] = byte | ENABLE;
    this.nibbleBuffer[1] = byte;
    this.i2c.write(this.nibbleBuffer);
  }
}

/** Four expander bytes for one display byte: high nibble then low nibble, each with an E pulse. */
export function encodeByte(into: Uint8Array, at: number, value: number, rs: number): void {
  const high = (value & 0xf0) | BACKLIGHT | rs;
  const low = ((value & 0x0f) << 4) | BACKLIGHT | rs;
  into[at] = high | ENABLE;
  into[at + 1] = high;
  into[at + 2] = low | ENABLE;
  into[at + 3] = low;
}
