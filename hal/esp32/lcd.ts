import type { DelayMs, I2cDevice } from './io';

/**
 * HD44780-compatible character LCD behind a PCF8574 I2C backpack (the common 20×4 and 16×2
 * modules): the expander's P0 = RS, P1 = RW, P2 = E, P3 = backlight, P4–P7 = D4–D7, the
 * display in 4-bit mode. Each nibble is two expander writes, E high then low (the display
 * latches on E's falling edge); the expander changes its pins at the acknowledge of each byte,
 * so every pin level lasts one I2C byte time: 9 clocks, 90 µs at 100 kHz, 22.5 µs at 400 kHz.
 *
 * Bus rate: the PCF8574 is specified for 100 kHz only (NXP PCF8574/74A rev. 5, TI SCPS068);
 * its pin-compatible successor PCA8574 for 400 kHz (hal/esp32/config.ts checks the pair).
 * HD44780 timing through the expander, at either rate:
 * - E pulse width (≥ 230 ns; 450 ns on the original HD44780) and cycle (≥ 500 ns; 1 µs): one
 *   and two byte times, ≥ 22.5 µs and ≥ 45 µs.
 * - Data set-up before E falls (≥ 80 ns; 195 ns) and hold after (≥ 10 ns): the data stands a
 *   whole byte before E falls and stays in the byte after.
 * - RS set-up before E rises (≥ 40 ns; 140 ns): the expander moves RS and E at the same
 *   acknowledge, so where RS changes (the address command, then the first character) a byte
 *   with the new RS and E low goes first.
 * - Execution time, 37 µs per character or command at the datasheet's 270 kHz oscillator, but
 *   the oscillator may run at 190 kHz: 37 × 270 / 190 ≈ 53 µs. From one byte's last latch to
 *   the next byte's first, two byte times pass: 180 µs at 100 kHz, enough; 45 µs at 400 kHz,
 *   not enough, so there every byte is preceded by one more (its RS, E low): 67.5 µs.
 * So a whole row goes out as one I2C write, without waiting and without the busy flag.
 */
const RS = 0x01;
const ENABLE = 0x04;
const BACKLIGHT = 0x08;
/** Clocks of one I2C byte: 8 bits and the acknowledge. */
const CLOCKS_PER_I2C_BYTE = 9;
/** Longest HD44780 execution of a character or address write (slowest oscillator), µs. */
const WORST_EXECUTION_US = 53;

export const LcdCommand = Object.freeze({
  clear: 0x01,
  entryModeIncrement: 0x06,
  displayOnCursorOff: 0x0c,
  displayOff: 0x08,
  functionSet4Bit2Line: 0x28,
  setDdramAddress: 0x80,
} as const);

export class CharLcd {
  /** Time one I2C byte takes on this bus, µs. */
  readonly byteUs: number;
  /** Extra bytes (E low) in front of every display byte, for the execution time. */
  readonly leadBytes: number;
  private readonly buffer: Uint8Array;
  /** frames[n]: the buffer's first frameBytes(n) bytes, made once so that no write allocates. */
  private readonly frames: Uint8Array[] = [];
  private readonly commandBuffer = new Uint8Array(4);
  private readonly nibbleBuffer = new Uint8Array(2);

  constructor(
    private readonly i2c: I2cDevice,
    readonly columns: number,
    readonly rows: number,
    busHz: number,
  ) {
    this.byteUs = (CLOCKS_PER_I2C_BYTE * 1e6) / busHz;
    const lead = Math.ceil(WORST_EXECUTION_US / this.byteUs) - 2;
    this.leadBytes = lead > 0 ? lead : 0;
    this.buffer = new Uint8Array(this.frameBytes(columns));
    for (let n = 0; n <= columns; n++) this.frames.push(this.buffer.subarray(0, this.frameBytes(n)));
  }

  /** DDRAM address of a row's first cell: rows 2 and 3 continue rows 0 and 1 after `columns` cells. */
  rowAddress(row: number): number {
    return (row & 1 ? 0x40 : 0x00) + (row >= 2 ? this.columns : 0);
  }

  /** Bytes of the I2C write that puts `cells` characters on the glass (address command included). */
  frameBytes(cells: number): number {
    const lead = this.leadBytes > 0 ? this.leadBytes : 1;
    // The command and the first character change RS: each needs a lead byte in any case.
    return lead + 4 + (cells > 0 ? lead + 4 + (cells - 1) * (this.leadBytes + 4) : 0);
  }

  /** Most characters one write may carry to stay within `budgetUs` on the bus (the address byte included; at least one). */
  cellsWithin(budgetUs: number): number {
    let cells = this.columns;
    while (cells > 1 && (this.frameBytes(cells) + 1) * this.byteUs > budgetUs) cells--;
    return cells;
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

  /** Writes `count` cells from cells[offset] to the glass at (row, column), in one I2C write. */
  write(row: number, column: number, cells: Uint8Array, offset: number, count: number): void {
    const buffer = this.buffer;
    const lead = this.leadBytes > 0 ? this.leadBytes : 1;
    let at = encodeWithLead(buffer, 0, LcdCommand.setDdramAddress | (this.rowAddress(row) + column), 0, lead);
    for (let i = 0; i < count; i++) at = encodeWithLead(buffer, at, cells[offset + i], RS, i === 0 ? lead : this.leadBytes);
    this.i2c.write(this.frames[count]);
  }

  /** Writes a whole row from cells[offset]. */
  writeRow(row: number, cells: Uint8Array, offset: number): void {
    this.write(row, 0, cells, offset, this.columns);
  }

  private nibble(value: number): void {
    const byte = ((value & 0x0f) << 4) | BACKLIGHT;
    this.nibbleBuffer[0] = byte | ENABLE;
    this.nibbleBuffer[1] = byte;
    this.i2c.write(this.nibbleBuffer);
  }
}

/** `lead` expander bytes with the display byte's high nibble and RS, E low, then its four bytes; returns the next index. */
function encodeWithLead(into: Uint8Array, at: number, value: number, rs: number, lead: number): number {
  const setup = (value & 0xf0) | BACKLIGHT | rs;
  for (let i = 0; i < lead; i++) into[at + i] = setup;
  encodeByte(into, at + lead, value, rs);
  return at + lead + 4;
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
