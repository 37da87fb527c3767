import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import {
  Hx711,
  hx711FrameTiming,
  hx711Pulses,
  HX711_CLOCK_HIGH_US,
  HX711_CLOCK_LOW_US,
  HX711_HIGH_MAX_US,
  HX711_HIGH_MIN_US,
  HX711_POWER_DOWN_US,
} from '../../hal/esp32/hx711';
import type { Hx711Port } from '../../hal/esp32/hx711';
import { AdcError } from '../../hal/loadcell-adc';
import { FakeClock } from '../support/esp32-fakes';

const root = path.resolve(import.meta.dirname, '..', '..');
const nativeSource = readFileSync(path.join(root, 'hal', 'esp32', 'native', 'hx711.c'), 'utf8');

/**
 * An HX711 as its datasheet describes it: DOUT low while a conversion waits; 25–27 pulses
 * shift it out MSB first and select the input and gain of the next conversion; after power-up
 * the chip converts channel A at gain 128.
 */
class FakeHx711 implements Hx711Port {
  waiting: number | null = null;
  /** Gain the conversion in progress uses (pulses of the previous read; 25 after power-up). */
  convertingWith = 25;
  waitingWith = 25;
  shifts: number[] = [];
  readyChecks = 0;

  convert(code: number): void {
    this.waiting = code & 0xffffff;
    this.waitingWith = this.convertingWith;
  }

  dataReady(): boolean {
    this.readyChecks++;
    return this.waiting !== null;
  }

  shiftIn(pulses: number): number {
    if (this.waiting === null) throw new Error('clocked while DOUT is high: a serial error on the chip');
    if (pulses < 25 || pulses > 27) throw new Error(`${pulses} pulses: a serial error on the chip`);
    this.shifts.push(pulses);
    const code = this.waiting;
    this.waiting = null;
    this.convertingWith = pulses;
    return code;
  }
}

test('pulses per read select the next conversion: A128 25, B32 26, A64 27', () => {
  assert.is(hx711Pulses('A128'), 25);
  assert.is(hx711Pulses('B32'), 26);
  assert.is(hx711Pulses('A64'), 27);
  assert.throws(() => hx711Pulses('A32'), /A32/);
});

test('clock timing budget: every pulse stays inside the datasheet limits with margin', () => {
  for (const pulses of [25, 26, 27]) {
    const timing = hx711FrameTiming(pulses);
    assert.ok(timing.highMaxUs <= HX711_HIGH_MAX_US, `high ${timing.highMaxUs} µs ≤ ${HX711_HIGH_MAX_US} µs (T3 max)`);
    assert.ok(timing.highMaxUs * 10 < HX711_POWER_DOWN_US, 'an order of magnitude below the 60 µs power-down');
    assert.ok(HX711_CLOCK_HIGH_US >= HX711_HIGH_MIN_US && HX711_CLOCK_LOW_US >= HX711_HIGH_MIN_US, 'T3, T4 ≥ 0.2 µs');
    assert.ok(timing.frameUs <= 150, `frame ${timing.frameUs} µs with interrupts masked stays short`);
    assert.ok(timing.frameUs * 1e-3 < 1000 / 80 / 10, 'a tenth of the shortest conversion period (80 SPS)');
  }
});

test('the native shifter uses the timing the budget assumes, with interrupts masked around every pulse', () => {
  const define = (name: string) => Number(new RegExp(`#define\\s+${name}\\s+(\\d+)`).exec(nativeSource)?.[1]);
  assert.is(define('PRESS_HX711_HIGH_US'), HX711_CLOCK_HIGH_US);
  assert.is(define('PRESS_HX711_LOW_US'), HX711_CLOCK_LOW_US);
  const body = nativeSource.slice(nativeSource.indexOf('void xs_press_hx711_shift'));
  const enter = body.indexOf('portENTER_CRITICAL');
  const loop = body.indexOf('for (i = 0; i < pulses; i++)');
  const exit = body.indexOf('portEXIT_CRITICAL');
  assert.ok(enter >= 0 && loop > enter && exit > loop, 'critical section encloses the pulse loop');
  const loopBody = body.slice(loop, exit);
  assert.ok(/gpio_set_level\(gSck, 1\);\s*esp_rom_delay_us\(PRESS_HX711_HIGH_US\);\s*gpio_set_level\(gSck, 0\);/.test(loopBody), 'high phase: set, fixed delay, clear — nothing else');
  assert.ok(/pulses < 25\) \|\| \(pulses > 27/.test(body), 'refuses a pulse count the chip would take as a serial error');
});

test('poll() never waits: with DOUT high it returns false without clocking', () => {
  const chip = new FakeHx711();
  const adc = new Hx711(chip, new FakeClock(), 80, 'A128');
  for (let i = 0; i < 5; i++) assert.not.ok(adc.poll());
  assert.is(chip.shifts.length, 0);
  assert.is(chip.readyChecks, 5);
});

test('a waiting conversion is read once, sign-extended, with its time', () => {
  const chip = new FakeHx711();
  const clock = new FakeClock();
  const adc = new Hx711(chip, clock, 80, 'A128');
  clock.ms = 12.5;
  chip.convert(0xfffc18); // −1000
  assert.ok(adc.poll());
  assert.is(adc.counts, -1000);
  assert.is(adc.sampleTimeMs, 12.5);
  assert.not.ok(adc.poll(), 'the HX711 holds one conversion: read once');
  assert.equal(chip.shifts, [25]);
});

test('gain 64 on channel A: the conversion made at power-up gain is dropped, then every read clocks 27 pulses', () => {
  const chip = new FakeHx711();
  const adc = new Hx711(chip, new FakeClock(), 10, 'A64');
  chip.convert(1000);
  assert.not.ok(adc.poll(), 'first conversion was at gain 128');
  assert.is(chip.waitingWith, 25);
  chip.convert(500);
  assert.is(chip.waitingWith, 27);
  assert.ok(adc.poll());
  assert.is(adc.counts, 500);
  assert.equal(chip.shifts, [27, 27]);
});

test('saturated codes 7FFFFFh / 800000h set the sticky saturation error', () => {
  const chip = new FakeHx711();
  const adc = new Hx711(chip, new FakeClock(), 80, 'A128');
  chip.convert(0x7fffff);
  assert.ok(adc.poll());
  assert.is(adc.error, AdcError.saturated);
  adc.clearError();
  chip.convert(0x800000);
  adc.poll();
  assert.is(adc.counts, -8388608);
  assert.is(adc.error, AdcError.saturated);
});

test('no conversion for three periods (plus slack) is a sticky timeout', () => {
  const chip = new FakeHx711();
  const clock = new FakeClock();
  const adc = new Hx711(chip, clock, 10, 'A128');
  clock.ms = 310;
  adc.poll();
  assert.is(adc.error, AdcError.none);
  clock.ms = 330;
  adc.poll();
  assert.is(adc.error, AdcError.timeout);
  chip.convert(7);
  assert.ok(adc.poll());
  assert.is(adc.error, AdcError.timeout);
});

test.run();
