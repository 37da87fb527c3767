/**
 * The commands every instrument has: the IEEE 488.2 common commands and the SCPI-1999
 * mandatory SYSTem:ERRor and SYSTem:VERSion. The device's part (*IDN? fields, what *RST
 * and *TST? do) comes in through StandardCommandHooks.
 */
import type { CommandContext, CommandTable } from './command-table';
import { integer } from './parameters';
import type { ResponseValue } from './response';
import { chars } from './response';
import { hasCharOrControl } from '../text/chars';

export interface DeviceIdentity {
  manufacturer: string;
  model: string;
  serialNumber: string;
  firmwareVersion: string;
}

export interface StandardCommandHooks {
  identity: DeviceIdentity;
  /** *RST: puts the device in its reset state (for the connection that sent it: `context`). Status registers and error queues are not touched. */
  reset(context: CommandContext): void;
  /** *TST?: 0 when the self-test passed, else a device-defined non-zero code. */
  selfTest?(): number;
}

/** The SCPI version this command set follows (SYSTem:VERSion?). */
export const SCPI_VERSION = '1999.0';

const BYTE_RANGE = Object.freeze({ min: 0, max: 255 } as const);

function identityResponse(identity: DeviceIdentity): string {
  const fields = [identity.manufacturer, identity.model, identity.serialNumber, identity.firmwareVersion];
  for (const field of fields) {
    if (hasCharOrControl(field, ',;')) throw new Error(`*IDN? field "${field}" may not contain a comma, semicolon or control character`);
  }
  return fields.join(',');
}

export function registerStandardCommands(table: CommandTable, hooks: StandardCommandHooks): void {
  const idn = identityResponse(hooks.identity);
  table.query('*IDN?', [], () => chars(idn));
  table.command('*RST', [], (_args, context) => hooks.reset(context));
  table.query('*TST?', [], () => hooks.selfTest?.() ?? 0);
  table.command('*CLS', [], (_args, context) => context.status.clear());
  table.command('*ESE', [integer(BYTE_RANGE)], ([mask], context) => {
    context.status.ese = mask;
  });
  table.query('*ESE?', [], (_args, context) => context.status.ese);
  table.query('*ESR?', [], (_args, context) => context.status.readEventStatus());
  table.command('*SRE', [integer(BYTE_RANGE)], ([mask], context) => {
    context.status.sre = mask;
  });
  table.query('*SRE?', [], (_args, context) => context.status.sre);
  table.query('*STB?', [], (_args, context) => context.status.statusByte(context.messageAvailable()));
  // Commands run one after the other, so every operation is complete when *OPC is read.
  table.command('*OPC', [], (_args, context) => context.status.operationComplete());
  table.query('*OPC?', [], () => 1);
  table.command('*WAI', [], () => undefined);

  table.query('SYSTem:ERRor[:NEXT]?', [], (_args, context) => {
    const error = context.status.errors.next();
    return [error.code, error.text];
  });
  table.query('SYSTem:ERRor:COUNt?', [], (_args, context) => context.status.errors.count);
  table.query('SYSTem:ERRor:ALL?', [], (_args, context) => {
    const all: ResponseValue[] = [];
    do {
      const error = context.status.errors.next();
      all.push(error.code, error.text);
    } while (context.status.errors.count > 0);
    return all;
  });
  table.query('SYSTem:VERSion?', [], () => chars(SCPI_VERSION));
}
