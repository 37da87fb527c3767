// The wall clock's calendar arithmetic against JavaScript's own Date (UTC), and the checks of a
// date and a time of day, each naming its field.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import fc from 'fast-check';
import { civilFromDays, dateError, daysFromCivil, daysInMonth, timeError } from '../../src/time/civil-date';

const DAY_MS = 86_400_000;

test('daysFromCivil and civilFromDays agree with Date.UTC over ±800 years around 1970', () => {
  const out = new Int32Array(3);
  fc.assert(
    fc.property(fc.integer({ min: -300_000, max: 300_000 }), (days) => {
      const date = new Date(days * DAY_MS);
      const [year, month, day] = civilFromDays(days, out);
      assert.equal([year, month, day], [date.getUTCFullYear(), date.getUTCMonth() + 1, date.getUTCDate()]);
      assert.is(daysFromCivil(year, month, day), days);
    }),
    { numRuns: 5000 },
  );
});

test('daysInMonth agrees with Date.UTC: the day after the last is the 1st of the next month', () => {
  fc.assert(
    fc.property(fc.integer({ min: 1600, max: 2400 }), fc.integer({ min: 1, max: 12 }), (year, month) => {
      const last = daysInMonth(year, month);
      assert.is(new Date(Date.UTC(year, month - 1, last)).getUTCDate(), last);
      assert.is(new Date(Date.UTC(year, month - 1, last + 1)).getUTCDate(), 1);
    }),
  );
});

test('known dates: 1970-01-01 is day 0, leap days of 2000 and 2024, none in 2100', () => {
  assert.is(daysFromCivil(1970, 1, 1), 0);
  assert.is(daysFromCivil(2026, 12, 7), Date.UTC(2026, 11, 7) / DAY_MS);
  assert.is(daysInMonth(2000, 2), 29);
  assert.is(daysInMonth(2024, 2), 29);
  assert.is(daysInMonth(2100, 2), 28);
  assert.is(daysInMonth(2027, 2), 28);
});

test('dateError: each field out of range is named; valid dates pass', () => {
  assert.is(dateError(2026, 12, 7), null);
  assert.is(dateError(2024, 2, 29), null);
  assert.is(dateError(1999, 1, 1), 'year 1999 is not 2000 to 2099');
  assert.is(dateError(2100, 1, 1), 'year 2100 is not 2000 to 2099');
  assert.is(dateError(2026, 13, 1), 'month 13 is not 1 to 12');
  assert.is(dateError(2026, 0, 1), 'month 0 is not 1 to 12');
  assert.is(dateError(2026, 2.5, 1), 'month 2.5 is not a whole number');
  assert.is(dateError(2027, 2, 29), 'day 29 is not 1 to 28 (2027-02 has 28 days)');
  assert.is(dateError(2026, 4, 31), 'day 31 is not 1 to 30 (2026-04 has 30 days)');
  assert.is(dateError(2026, 4, 0), 'day 0 is not 1 to 30 (2026-04 has 30 days)');
});

test('timeError: hour 0-23, minute and second 0-59, whole numbers', () => {
  assert.is(timeError(0, 0, 0), null);
  assert.is(timeError(23, 59, 59), null);
  assert.is(timeError(24, 0, 0), 'hour 24 is not 0 to 23');
  assert.is(timeError(12, 60, 0), 'minute 60 is not 0 to 59');
  assert.is(timeError(12, 0, 60), 'second 60 is not 0 to 59');
  assert.is(timeError(12, 0, -1), 'second -1 is not 0 to 59');
  assert.is(timeError(12, 0.5, 0), 'minute 0.5 is not a whole number');
});

test.run();
