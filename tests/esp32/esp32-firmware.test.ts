// The firmware on the ESP32 board's drivers, over fake ECMA-419 IO: the same Board the
// board assembly builds, with the Moddable objects replaced by fakes.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import type { Board } from '../../hal/board';
import { Ads1220 } from '../../hal/esp32/ads1220';
import { TimerTicker } from '../../hal/esp32/clock';
import { EspPump, EspReleaseValve, LeaseGuard, LeasedDrive, NormallyOpenStage, PwmStage, SwitchStage } from '../../hal/esp32/outputs';
import { InputLine, PinInputs } from '../../hal/esp32/inputs';
import { CharLcd } from '../../hal/esp32/lcd';
import { EspPanel } from '../../hal/esp32/panel';
import { EspFlashPartition } from '../../hal/esp32/flash';
import { UartSerialPort } from '../../hal/esp32/serial';
import { EspSystem, EspResetReason } from '../../hal/esp32/system';
import { PressFirmware, defaultFirmwareConfig } from '../../src/firmware';
import { FakeAds1220, FakeClock, FakeFlash, FakeI2c, FakePin, FakePwm } from '../support/esp32-fakes';

interface FakeTimer {
  intervalMs: number;
  dueMs: number;
  callback: () => void;
  live: boolean;
}

function bench() {
  const clock = new FakeClock();
  const timers: FakeTimer[] = [];
  const ticker = new TimerTicker<FakeTimer>({
    repeat(callback, intervalMs) {
      const timer: FakeTimer = { intervalMs, dueMs: clock.ms + intervalMs, callback: () => callback(timer), live: true };
      timers.push(timer);
      return timer;
    },
    clear(timer) {
      timer.live = false;
    },
  });
  const chip = new FakeAds1220();
  const adc = new Ads1220(chip, chip.drdy, clock, { dataRateSps: 330, gain: 128, inputMux: 3, reference: 1 });
  adc.start(() => {});
  const pumpPin = new FakePin();
  const powerPin = new FakePin();
  const valvePwm = new FakePwm(10);
  const pump = new EspPump(new SwitchStage(pumpPin, false), clock);
  const pumpPower = new LeasedDrive(new SwitchStage(powerPin, false), clock, 0);
  const releaseValve = new EspReleaseValve(new NormallyOpenStage(new PwmStage(valvePwm, false)), clock, 1);
  const guard = new LeaseGuard(clock, [pump, pumpPower, releaseValve]);
  const pins = { estop: new FakePin(), guard: new FakePin(), start: new FakePin(), stop: new FakePin() };
  pins.start.level = 1;
  pins.stop.level = 1;
  const i2c = new FakeI2c();
  const panel = new EspPanel(new CharLcd(i2c, 20, 4, 100_000), null, false, null, false, clock, 20, 4);
  const feeds: number[] = [];
  const board: Board = {
    name: 'esp32 on fakes',
    clock,
    ticker,
    loadCell: adc,
    pump,
    pumpPower,
    releaseValve,
    inputs: new PinInputs(new InputLine(pins.estop, false), new InputLine(pins.guard, true), new InputLine(pins.start, true), new InputLine(pins.stop, true), null),
    panel,
    flash: new EspFlashPartition(new FakeFlash(1024 * 1024), 1024 * 1024, 'press'),
    serial: new UartSerialPort(),
    system: new EspSystem(EspResetReason.powerOn, { subscribe: () => true, feed: () => feeds.push(clock.ms) }, 1000),
    limits: { maxForceKN: 98, loadCellCapacityKN: 50, maxRateMPaPerS: 50 },
  };
  const firmware = new PressFirmware(board, defaultFirmwareConfig({ tareCounts: 0, kNPerCount: 50 / 2_147_484 }));
  let converterAlive = true;
  let nextConversionMs = 1000 / 330;
  /** Advances time in 0.1 ms steps: conversions every 1/330 s (DRDY edge → onDataReady), due timers, the lease guard every 5 ms. */
  const run = (ms: number) => {
    const end = clock.ms + ms;
    while (clock.ms < end - 1e-9) {
      clock.ms = Math.round((clock.ms + 0.1) * 10) / 10;
      if (converterAlive && clock.ms >= nextConversionMs) {
        nextConversionMs += 1000 / 330;
        chip.convert(1000 + Math.round(Math.sin(clock.ms) * 20));
        adc.onDataReady();
      }
      for (const timer of timers) {
        while (timer.live && clock.ms >= timer.dueMs) {
          timer.dueMs += timer.intervalMs;
          timer.callback();
        }
      }
      if (Math.abs(clock.ms % 5) < 1e-9) guard.run();
    }
  };
  return { clock, chip, adc, firmware, panel, feeds, pumpPin, powerPin, valvePwm, pump, releaseValve, run, kill: () => (converterAlive = false) };
}

test('the firmware runs on the ESP32 drivers: 100 Hz ticks on Timer.repeat, conversions via DRDY, the watchdog fed, the panel drawn', () => {
  const b = bench();
  b.firmware.start();
  b.run(1000);
  assert.ok(b.firmware.timing.ticks >= 99 && b.firmware.timing.ticks <= 101, `${b.firmware.timing.ticks} ticks in 1 s`);
  assert.is(b.firmware.timing.overruns, 0);
  assert.ok(b.adc.conversionsRead >= 320, `${b.adc.conversionsRead} conversions read`);
  assert.ok(b.feeds.length >= 95, `watchdog fed ${b.feeds.length} times`);
  assert.is(b.firmware.stateName, 'IDLE');
  assert.is(String.fromCharCode(...b.panel.text.cells.subarray(0, 4)), 'IDLE');
  assert.equal([b.pump.leaseExpiries, b.releaseValve.leaseExpiries], [0, 0], 'leases renewed every tick');
  assert.is(b.pumpPin.level, 0);
  assert.is(b.powerPin.level, 0, 'no pump power while idle');
});

test('a converter that stops converting: timeout → sensor fault latched, outputs safe, the fault on the panel', () => {
  const b = bench();
  b.firmware.start();
  b.run(500);
  b.kill();
  b.run(1000);
  assert.is(b.firmware.stateName, 'FAULT');
  assert.is(b.valvePwm.duty, 0, 'release valve open (normally open, not driven)');
  assert.is(b.pumpPin.level, 0);
  const bottom = String.fromCharCode(...b.panel.text.cells.subarray(60, 80));
  assert.match(bottom, /^201 SENSOR/);
});

test('a stalled loop: the lease guard turns the outputs safe by itself', () => {
  const b = bench();
  b.firmware.start();
  b.run(200);
  b.pump.command(1, 30); // as a tick would while pumping
  b.firmware.stop(); // no more ticks: nothing renews the lease
  b.pump.command(1, 30);
  b.run(20);
  assert.is(b.pumpPin.level, 1);
  b.run(20);
  assert.is(b.pumpPin.level, 0);
  assert.is(b.pump.leaseExpiries, 1);
});

test.run();
