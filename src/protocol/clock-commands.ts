/**
 * The press's calendar (docs/protocol.md, "Device commands"): SYSTem:DATE and SYSTem:TIME as
 * SCPI 1999 has them, UTC, set by the host and lost at power-off; and PROGram:DATE?, when a
 * stored program was stored.
 */
import type { PressPort } from './press-port';
import type { CommandTable } from './command-table';
import { DeviceError } from './device-errors';
import { deviceFail } from './device-fail';
import { fail } from './errors';
import { numeric } from './parameters';
import type { ParamSpec } from './parameters';

const NOT_SET = 'the clock is not set since power-on (SYST:DATE and SYST:TIME set it)';

export function registerClockCommands(table: CommandTable, press: PressPort, programName: ParamSpec<string>): void {
  const clock = press.wallClock;
  // Whole numbers are checked by the clock, so that the error names the field.
  const field = numeric();
  table.command('SYSTem:DATE', [field, field, field], ([year, month, day]) => {
    const wrong = clock.setDate(year, month, day);
    if (wrong !== null) fail(-222, wrong);
  });
  table.query('SYSTem:DATE?', [], () => clock.date() ?? fail(-221, NOT_SET));
  table.command('SYSTem:TIME', [field, field, field], ([hour, minute, second]) => {
    const wrong = clock.setTime(hour, minute, second);
    if (wrong !== null) fail(-222, wrong);
  });
  table.query('SYSTem:TIME?', [], () => clock.time() ?? fail(-221, NOT_SET));
  table.query('PROGram:DATE?', [programName], ([name]) => {
    const dateS = press.programDateS(name);
    if (dateS === null) deviceFail(DeviceError.noSuchProgram, name);
    return dateS;
  });
}
