/**
 * How the press's command handlers fail: a device error (src/protocol/device-errors.ts) with its
 * standard message, and the refusal of a command while a run holds the press.
 */
import type { PressPort } from './press-port';
import { DEVICE_ERROR_MESSAGES, DeviceError } from './device-errors';
import { fail } from './errors';
import { REFUSAL_NAMES, Refusal } from '../runner/run-events';

export function deviceFail(code: number, detail: string): never {
  return fail(code, detail, DEVICE_ERROR_MESSAGES[code]);
}

export function refuseWhenBusy(press: PressPort): void {
  if (press.busy) deviceFail(DeviceError.refused, REFUSAL_NAMES[Refusal.busy]);
}
