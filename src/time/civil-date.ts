/**
 * Calendar arithmetic in whole numbers: days since 1970-01-01 to and from a proleptic Gregorian
 * year, month and day (H. Hinnant's days_from_civil and civil_from_days), for the press's wall
 * clock (src/time/wall-clock.ts). No Date object: XS on the board has one, but its time zone and
 * its origin are the platform's, and this must be the same everywhere.
 */

export const SECONDS_PER_DAY = 86400;

export function isLeapYear(year: number): boolean {
  return (year % 4 === 0 && year % 100 !== 0) || year % 400 === 0;
}

/** Days in a month (1–12) of a year. */
export function daysInMonth(year: number, month: number): number {
  if (month === 2) return isLeapYear(year) ? 29 : 28;
  return month === 4 || month === 6 || month === 9 || month === 11 ? 30 : 31;
}

/** Days from 1970-01-01 to the date (negative before it). Month 1–12, day 1–31, not checked. */
export function daysFromCivil(year: number, month: number, day: number): number {
  const y = month <= 2 ? year - 1 : year;
  const era = Math.floor(y / 400);
  const yearOfEra = y - era * 400;
  const dayOfYear = Math.floor((153 * (month > 2 ? month - 3 : month + 9) + 2) / 5) + day - 1;
  const dayOfEra = yearOfEra * 365 + Math.floor(yearOfEra / 4) - Math.floor(yearOfEra / 100) + dayOfYear;
  return era * 146097 + dayOfEra - 719468;
}

/** The date `days` after 1970-01-01, written into `out` as [year, month, day]; returns `out`. */
export function civilFromDays(days: number, out: Int32Array): Int32Array {
  const z = days + 719468;
  const era = Math.floor(z / 146097);
  const dayOfEra = z - era * 146097;
  const yearOfEra = Math.floor((dayOfEra - Math.floor(dayOfEra / 1460) + Math.floor(dayOfEra / 36524) - Math.floor(dayOfEra / 146096)) / 365);
  const dayOfYear = dayOfEra - (365 * yearOfEra + Math.floor(yearOfEra / 4) - Math.floor(yearOfEra / 100));
  const shifted = Math.floor((5 * dayOfYear + 2) / 153);
  const month = shifted < 10 ? shifted + 3 : shifted - 9;
  out[0] = yearOfEra + era * 400 + (month <= 2 ? 1 : 0);
  out[1] = month;
  out[2] = dayOfYear - Math.floor((153 * shifted + 2) / 5) + 1;
  return out;
}

/** The years the wall clock takes. */
export const MIN_YEAR = 2000;
export const MAX_YEAR = 2099;

function wholeIn(field: string, value: number, low: number, high: number): string | null {
  if (!Number.isInteger(value)) return `${field} ${value} is not a whole number`;
  if (value < low || value > high) return `${field} ${value} is not ${low} to ${high}`;
  return null;
}

/** What is wrong with a date, naming the field, or null. */
export function dateError(year: number, month: number, day: number): string | null {
  const wrong = wholeIn('year', year, MIN_YEAR, MAX_YEAR) ?? wholeIn('month', month, 1, 12);
  if (wrong !== null) return wrong;
  if (!Number.isInteger(day)) return `day ${day} is not a whole number`;
  const last = daysInMonth(year, month);
  return day >= 1 && day <= last ? null : `day ${day} is not 1 to ${last} (${year}-${month < 10 ? '0' : ''}${month} has ${last} days)`;
}

/** What is wrong with a time of day, naming the field, or null. */
export function timeError(hour: number, minute: number, second: number): string | null {
  return wholeIn('hour', hour, 0, 23) ?? wholeIn('minute', minute, 0, 59) ?? wholeIn('second', second, 0, 59);
}
