import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { Ads1220, ads1220Registers, ADS1220_TIMEOUT_CONVERSIONS, signExtend24 } from '../../hal/esp32/ads1220';
import { AdcError } from '../../hal/loadcell-adc';
import { FakeAds1220, FakeClock } from '../support/esp32-fakes';

const BRIDGE = { dataRateSps: 330, gain: 128, inputMux: 3, reference: 1 };

function started(settings = BRIDGE) {
  const chip = new FakeAds1220();
  const clock = new FakeClock();
  const adc = new Ads1220(chip, chip.drdy, clock, settings);
  const delays: number[] = [];
  const ok = adc.start((ms) => delays.push(ms));
  return { chip, clock, adc, ok, delays };
}

test('register setup: bridge on AIN1−AIN2, gain 128, external reference, continuous conversion', () => {
  assert.equal([...ads1220Registers(BRIDGE)], [0x3e, 0x84, 0x40, 0x00]);
  // 2000 SPS exists only in turbo mode: DR 110, MODE 10
  assert.is(ads1220Registers({ ...BRIDGE, dataRateSps: 2000 })[1], 0xd4);
  // 1000 SPS in normal mode (lower noise than 1000 SPS would be in turbo)
  assert.is(ads1220Registers({ ...BRIDGE, dataRateSps: 1000 })[1], 0xc4);
  // 20 SPS: the only rate with 50/60 Hz rejection (FIR 01)
  assert.equal([...ads1220Registers({ ...BRIDGE, dataRateSps: 20 })].slice(1, 3), [0x04, 0x50]);
  assert.is(ads1220Registers({ ...BRIDGE, gain: 1 })[0], 0x30);
  assert.throws(() => ads1220Registers({ ...BRIDGE, dataRateSps: 500 }), /500 SPS/);
  assert.throws(() => ads1220Registers({ ...BRIDGE, gain: 3 }), /gain 3/);
  assert.throws(() => ads1220Registers({ ...BRIDGE, inputMux: 16 }), /inputMux/);
});

test('start: RESET, a wait, WREG of all four registers, RREG read-back, START/SYNC, each frame deselected', () => {
  const { chip, adc, ok, delays } = started();
  assert.ok(ok);
  assert.is(adc.error, AdcError.none);
  assert.equal(chip.frames[0], [0x06]);
  assert.equal(chip.frames[1], [0x43, 0x3e, 0x84, 0x40, 0x00]);
  assert.is(chip.frames[2][0], 0x23);
  assert.equal(chip.frames[3], [0x08]);
  assert.is(chip.frames.length, 4);
  assert.is(chip.deselects, 4);
  assert.ok(delays.length === 1 && delays[0] >= 1, 'waits ≥ 50 µs after RESET');
  assert.equal([...chip.registers], [0x3e, 0x84, 0x40, 0x00]);
  assert.ok(chip.converting);
});

test('start: a read-back that differs leaves the sticky bus error and no conversions are read', () => {
  const chip = new FakeAds1220();
  chip.absent = true;
  const adc = new Ads1220(chip, chip.drdy, new FakeClock(), BRIDGE);
  assert.not.ok(adc.start(() => {}));
  assert.is(adc.error, AdcError.bus);
  chip.drdy.level = 0;
  assert.not.ok(adc.poll());
  assert.is(adc.error, AdcError.bus);
});

test('before start() the converter reports not ready', () => {
  const chip = new FakeAds1220();
  const adc = new Ads1220(chip, chip.drdy, new FakeClock(), BRIDGE);
  assert.is(adc.error, AdcError.notReady);
  assert.not.ok(adc.poll());
});

test('DRDY: each falling edge reads one conversion into the FIFO; poll() returns them in order with their times', () => {
  const { chip, clock, adc } = started();
  const values = [100, -200, 300];
  for (const [i, v] of values.entries()) {
    clock.ms = 10 + 3 * i;
    chip.convert(v);
    adc.onDataReady();
  }
  assert.is(chip.drdy.level, 1, 'reading released DRDY');
  const got: [number, number][] = [];
  while (adc.poll()) got.push([adc.counts, adc.sampleTimeMs]);
  assert.equal(got, [
    [100, 10],
    [-200, 13],
    [300, 16],
  ]);
  assert.is(adc.conversionsRead, 3);
});

test('DRDY: an edge whose conversion poll() already took reads nothing', () => {
  const { chip, adc } = started();
  chip.convert(42);
  assert.ok(adc.poll(), 'poll reads the conversion itself while DRDY is low');
  assert.is(adc.counts, 42);
  const frames = chip.frames.length;
  adc.onDataReady(); // the queued edge callback arrives late
  assert.is(chip.frames.length, frames, 'no SPI traffic');
  assert.not.ok(adc.poll());
});

test('poll() never waits: with DRDY high and an empty FIFO it returns false at once without touching SPI', () => {
  const { chip, adc } = started();
  const frames = chip.frames.length;
  for (let i = 0; i < 10; i++) assert.not.ok(adc.poll());
  assert.is(chip.frames.length, frames);
});

test('codes are 24-bit two\'s complement; a full-scale code sets the sticky saturation error', () => {
  assert.is(signExtend24(0xffffff), -1);
  assert.is(signExtend24(0x800001), -8388607);
  assert.is(signExtend24(0x7ffffe), 8388606);
  const { chip, adc } = started();
  chip.convert(0xffffff);
  assert.ok(adc.poll());
  assert.is(adc.counts, -1);
  assert.is(adc.error, AdcError.none);
  chip.convert(0x7fffff);
  adc.poll();
  assert.is(adc.error, AdcError.saturated);
  chip.convert(5);
  adc.poll();
  assert.is(adc.error, AdcError.saturated, 'sticky');
  adc.clearError();
  assert.is(adc.error, AdcError.none);
  chip.convert(0x800000);
  adc.poll();
  assert.is(adc.counts, -8388608);
  assert.is(adc.error, AdcError.saturated);
});

test('no DRDY for three conversion periods (plus slack) is a sticky timeout', () => {
  const { chip, clock, adc } = started();
  const periodMs = 1000 / 330;
  clock.ms = 1;
  chip.convert(1);
  adc.poll();
  clock.ms = 1 + ADS1220_TIMEOUT_CONVERSIONS * periodMs + 10;
  adc.poll();
  assert.is(adc.error, AdcError.none, 'within the slack');
  clock.ms = 1 + ADS1220_TIMEOUT_CONVERSIONS * periodMs + 25;
  adc.poll();
  assert.is(adc.error, AdcError.timeout);
  chip.convert(2);
  assert.ok(adc.poll());
  assert.is(adc.error, AdcError.timeout, 'sticky until cleared');
});

test('a reader that falls behind loses the oldest conversions, counted', () => {
  const { chip, adc } = started();
  for (let i = 0; i < 70; i++) {
    chip.convert(i);
    adc.onDataReady();
  }
  assert.is(adc.overflows, 6);
  const got: number[] = [];
  while (adc.poll()) got.push(adc.counts);
  assert.is(got.length, 64);
  assert.is(got[0], 6);
  assert.is(got[63], 69);
});

test.run();
