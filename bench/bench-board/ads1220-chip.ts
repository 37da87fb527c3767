/** What an ADS1220 keeps between frames: its four configuration registers, whether it converts, its output register. */
export interface Ads1220ChipState {
  readonly registers: Uint8Array;
  converting: boolean;
  /** Conversion result register (24-bit two's complement). */
  output: number;
}

/**
 * Answers one chip-select frame as an ADS1220 does (TI SBAS501, 8.5.3): RESET, START/SYNC,
 * WREG and RREG, decoded from the first byte, in place in `buffer`. Returns true when the frame
 * was RDATA, which reads the output register out (DRDY then rises). Used by the bench board's
 * converter and by the drivers' test fake, so both answer the same way.
 */
export function answerAds1220Frame(chip: Ads1220ChipState, buffer: Uint8Array): boolean {
  const command = buffer[0];
  if (command === 0x06 || command === 0x07) {
    chip.registers.fill(0);
    chip.converting = false;
  } else if (command === 0x08 || command === 0x09) {
    chip.converting = true;
  } else if ((command & 0xf0) === 0x40) {
    const first = (command >> 2) & 3;
    const count = (command & 3) + 1;
    for (let i = 0; i < count; i++) chip.registers[first + i] = buffer[1 + i];
  } else if ((command & 0xf0) === 0x20) {
    const first = (command >> 2) & 3;
    const count = (command & 3) + 1;
    for (let i = 0; i < count; i++) buffer[1 + i] = chip.registers[first + i];
  } else if ((command & 0xf0) === 0x10) {
    const code = chip.output & 0xffffff;
    buffer[1] = code >> 16;
    buffer[2] = (code >> 8) & 0xff;
    buffer[3] = code & 0xff;
    return true;
  }
  return false;
}
