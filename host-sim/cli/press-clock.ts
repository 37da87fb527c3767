/**
 * The press's calendar clock from the host's side: the press has no battery-backed clock, so
 * pressctl and the web console set it from this computer's UTC clock on connect (SYST:DATE,
 * SYST:TIME), and the press dates the programs it stores by it (PROG:DATE?).
 */
import { DeviceErrors } from './scpi-wire';

/** One message setting the press's date and time of day to `now`, UTC. */
export function clockMessage(now: Date): string {
  return `SYST:DATE ${now.getUTCFullYear()},${now.getUTCMonth() + 1},${now.getUTCDate()};:SYST:TIME ${now.getUTCHours()},${now.getUTCMinutes()},${now.getUTCSeconds()}`;
}

/**
 * Sets the press's clock. A press that refuses (firmware older than the clock) is no reason to
 * stop: `warn` is told once, and the programs stored now get no date. True when the press took it.
 */
export async function setPressClock(client: { command(message: string): Promise<void> }, warn: (text: string) => void, now = new Date()): Promise<boolean> {
  try {
    await client.command(clockMessage(now));
    return true;
  } catch (error) {
    if (!(error instanceof DeviceErrors)) throw error;
    warn(`the press did not take this computer's time (${error.errors.join('; ')}): programs stored now get no date`);
    return false;
  }
}

function two(value: number): string {
  return value < 10 ? `0${value}` : String(value);
}

/** PROG:DATE?'s seconds since 1970 as `YYYY-MM-DD HH:MM UTC`; `-` when not known (0, or not a number). */
export function formatProgramDate(dateS: number): string {
  if (!(Number.isFinite(dateS) && dateS > 0)) return '-';
  const date = new Date(dateS * 1000);
  return `${date.getUTCFullYear()}-${two(date.getUTCMonth() + 1)}-${two(date.getUTCDate())} ${two(date.getUTCHours())}:${two(date.getUTCMinutes())} UTC`;
}
