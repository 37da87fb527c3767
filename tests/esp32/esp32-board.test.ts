// The board's pieces that are not drivers: pin map, clock and ticker, serial, flash, system;
// and the firmware running on the ESP32 drivers over fake IO.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import path from 'node:path';
import { parseBoardConfig } from '../../hal/esp32/config';
import { MonotonicClock, TimerTicker } from '../../hal/esp32/clock';
import { UartSerialPort, UsbCdcSerialPort } from '../../hal/esp32/serial';
import { EspFlashPartition } from '../../hal/esp32/flash';
import { EspSystem, EspResetReason, mapEspResetReason } from '../../hal/esp32/system';
import { ResetReason } from '../../hal/system';
import { PLATFORMS, resolveBuild } from '../../tools/build/moddable-manifest';
import { FakeFlash, FakeSerialIo } from '../support/esp32-fakes';

const root = path.resolve(import.meta.dirname, '..', '..');
const configOf = (platform: string) => resolveBuild(root, platform).config as Record<string, unknown>;

test('the pin maps of manifest.json parse for every ESP32 platform', () => {
  for (const platform of PLATFORMS.filter((p) => p.startsWith('esp32'))) {
    const board = parseBoardConfig(configOf(platform));
    assert.ok(board.flashMinBytes >= 1024 * 1024, `${platform}: the store needs 1 MB`);
    assert.is(board.watchdogTimeoutMs, 1000);
  }
  assert.is(parseBoardConfig(configOf('esp32')).serial.kind, 'uart');
  assert.is(parseBoardConfig(configOf('esp32/esp32s3')).serial.kind, 'usb-cdc');
});

test('a commissioned character in the config reaches the board; absent, the board has none; a bad figure names its path', () => {
  const good = configOf('esp32');
  const press = good.press as Record<string, unknown>;
  assert.is(parseBoardConfig(good).character, null);
  const character = { stickSlipJumpN: 25, preslidingForceN: 80, loadCellNoiseN: 0.4, loadCellDriftNPerHour: 12.5, loadCellDriftLimitN: 50, conversionsPerS: 330, conversionAgeS: 0.004, pumpKind: 'gear', pumpStrokesPerS: 0, pumpPistons: 1, pumpStrokeMm3: 0, pumpTimeConstantS: 0.05, ramAreaMm2: 1450, oilStiffnessNPerMm: 9500, oilStiffnessAt1MPaNPerMm: 9000, frameStiffnessNPerMm: 50000 };
  const parsed = parseBoardConfig({ ...good, press: { ...press, character } });
  assert.equal(parsed.character, character);
  assert.throws(() => parseBoardConfig({ ...good, press: { ...press, character: { ...character, conversionsPerS: 0 } } }), /press\.character\.conversionsPerS/);
  assert.throws(() => parseBoardConfig({ ...good, press: { ...press, character: { ...character, pumpKind: 'vane' } } }), /press\.character\.pumpKind: vane is not one of gear, piston/);
});

test('a bad pin map fails at boot naming the field', () => {
  const good = configOf('esp32');
  const press = good.press as Record<string, unknown>;
  const withPress = (change: (p: Record<string, any>) => void) => {
    const copy = structuredClone(press) as Record<string, any>;
    change(copy);
    return { ...good, press: copy };
  };
  assert.throws(() => parseBoardConfig(withPress((p) => (p.pump.pin = p.pumpPower.pin))), /config\.pumpPower\.pin: GPIO 27 is already used by pump\.pin/);
  assert.throws(() => parseBoardConfig(withPress((p) => (p.loadCell.dataRateSps = 500))), /config\.press\.loadCell\.dataRateSps: 500 is not an ADS1220 data rate/);
  assert.throws(() => parseBoardConfig(withPress((p) => delete p.inputs.estop)), /config\.press\.inputs\.estop: missing/);
  assert.throws(() => parseBoardConfig(withPress((p) => (p.releaseValve.kind = 'servo'))), /press\.releaseValve\.kind: servo is not one of solenoid, pwm/);
  assert.throws(() => parseBoardConfig(withPress((p) => (p.loadCell = { kind: 'hx711', dout: 19, sck: 18, rateSps: 40 }))), /rateSps: 40 is not 10 or 80/);
  assert.throws(() => parseBoardConfig({ ...good, serialTransmit: 25 }), /serialTransmit: GPIO 25 is already used by pump\.pin/);
  // mcconfig's key=value arguments arrive as strings
  const overridden = parseBoardConfig({ ...good, serialPort: '0', serialTransmit: '1', serialReceive: '3' });
  assert.equal([overridden.serial.port, overridden.serial.transmit, overridden.serial.receive], [0, 1, 3]);
});

test('the LCD bus rate is held to what the backpack expander is specified for: PCF8574 100 kHz, PCA8574 400 kHz', () => {
  const good = configOf('esp32');
  const withLcd = (lcd: Record<string, unknown>) => {
    const press = structuredClone(good.press) as Record<string, any>;
    Object.assign(press.panel.lcd, lcd);
    return { ...good, press };
  };
  assert.equal(parseBoardConfig(good).lcd, { data: 21, clock: 22, hz: 100_000, expander: 'pcf8574', address: 0x27, columns: 20, rows: 4 });
  assert.throws(() => parseBoardConfig(withLcd({ hz: 400_000 })), /config\.press\.panel\.lcd\.hz: 400000 Hz is beyond the 100 kHz a PCF8574 is specified for/);
  assert.is(parseBoardConfig(withLcd({ hz: 400_000, expander: 'pca8574' })).lcd?.hz, 400_000);
  assert.throws(() => parseBoardConfig(withLcd({ hz: 1_000_000, expander: 'pca8574' })), /lcd\.hz: 1000000 is outside 10000\.\.400000/);
  assert.throws(() => parseBoardConfig(withLcd({ expander: 'mcp23008' })), /lcd\.expander: mcp23008 is not one of pcf8574, pca8574/);
});

test('clock: microseconds when the build has them, else the 32-bit millisecond ticks extended across their wrap', () => {
  const precise = { ticks: 5, microseconds: 1_234_567.5 };
  assert.is(new MonotonicClock(precise).nowMs(), 1234.5675);
  const time = { ticks: 2 ** 32 - 10 };
  const clock = new MonotonicClock(time);
  assert.is(clock.nowMs(), 2 ** 32 - 10);
  time.ticks = 5; // wrapped
  assert.is(clock.nowMs(), 2 ** 32 + 5);
  time.ticks = -2_147_483_000; // a signed 32-bit value on the device
  assert.is(clock.nowMs(), 2 ** 32 + 2 ** 31 + 648);
});

test('ticker: Timer.repeat at whole milliseconds; cancel clears once', () => {
  const calls: [string, unknown][] = [];
  const timers = {
    repeat(callback: (id: object) => void, intervalMs: number) {
      const id = { intervalMs, callback };
      calls.push(['repeat', intervalMs]);
      return id;
    },
    clear(id: object) {
      calls.push(['clear', id]);
    },
  };
  const ticker = new TimerTicker(timers);
  const handle = ticker.repeat(10, () => {});
  ticker.repeat(1000 / 300, () => {});
  ticker.repeat(0.2, () => {});
  handle.cancel();
  handle.cancel();
  assert.equal(
    calls.map((c) => c[0] + (c[0] === 'repeat' ? c[1] : '')),
    ['repeat10', 'repeat3', 'repeat1', 'clear'],
  );
  assert.throws(() => ticker.repeat(0, () => {}), /positive/);
});

test('UART: writes what the transmit FIFO has room for and reports it; reads what waits', () => {
  const io = new FakeSerialIo();
  const port = new UartSerialPort();
  const bytes = new Uint8Array([1, 2, 3, 4, 5]);
  assert.is(port.write(bytes), 0, 'not attached yet');
  port.onWritable(128); // Serial calls this while it is being constructed
  port.attach(io);
  assert.is(port.write(bytes), 5);
  assert.is(io.writeCalls[0], bytes, 'a write that fits passes the caller\'s buffer as it is');
  port.onWritable(3);
  assert.is(port.write(bytes), 3);
  assert.is(port.write(bytes), 0, 'the FIFO is full until onWritable says otherwise');
  assert.equal(io.written, [1, 2, 3, 4, 5, 1, 2, 3]);
  port.onWritable(10);
  io.refuseWrites = true;
  assert.is(port.write(bytes), 0);
  assert.is(port.writeErrors, 1);
  const into = new Uint8Array(4);
  assert.is(port.read(into), 0, 'nothing waiting: the Serial returns undefined');
  io.inbound.push(9, 8, 7, 6, 5, 4);
  assert.is(port.read(into), 4);
  assert.equal([...into], [9, 8, 7, 6]);
  assert.is(port.read(into), 2);
});

test('USB CDC: passes reads and writes through and never calls the driver with nothing to do', () => {
  let calls = 0;
  const port = new UsbCdcSerialPort({
    read: (into) => {
      calls++;
      into[0] = 42;
      return 1;
    },
    write: (bytes) => {
      calls++;
      return Math.min(bytes.length, 2);
    },
  });
  assert.is(port.write(new Uint8Array(0)), 0);
  assert.is(port.read(new Uint8Array(0)), 0);
  assert.is(calls, 0);
  assert.is(port.write(new Uint8Array(5)), 2);
  const into = new Uint8Array(3);
  assert.is(port.read(into), 1);
  assert.is(into[0], 42);
});

test('flash: the press partition through embedded:storage/flash, with its size checked and ranges refused', () => {
  assert.throws(() => new EspFlashPartition(new FakeFlash(512 * 1024), 1024 * 1024, 'press'), /has 524288 B, the press needs at least 1048576 B/);
  const chip = new FakeFlash(1024 * 1024);
  const flash = new EspFlashPartition(chip, 1024 * 1024, 'press');
  assert.equal([flash.byteLength, flash.blockLength], [1024 * 1024, 4096]);
  flash.write(4094, new Uint8Array([0x12, 0x34, 0x56]));
  const copy = flash.read(4094, 3);
  assert.equal([...copy], [0x12, 0x34, 0x56]);
  copy[0] = 0;
  assert.is(chip.bytes[4094], 0x12, 'read returns a copy');
  flash.eraseBlock(0);
  assert.equal([...flash.read(4094, 3)], [0xff, 0xff, 0x56]);
  assert.throws(() => flash.read(1024 * 1024 - 2, 3), /outside/);
  assert.throws(() => flash.write(-1, new Uint8Array(1)), /outside/);
  assert.throws(() => flash.eraseBlock(256), /block 256 is outside 0..255/);
  assert.throws(() => flash.eraseBlock(1.5), /outside/);
  assert.equal(chip.erased, [0]);
});

test('reset reasons: every ESP-IDF reason maps; the watchdog ones latch the firmware\'s watchdog fault', () => {
  assert.is(mapEspResetReason(EspResetReason.taskWatchdog), ResetReason.watchdog);
  assert.is(mapEspResetReason(EspResetReason.interruptWatchdog), ResetReason.watchdog);
  assert.is(mapEspResetReason(EspResetReason.otherWatchdog), ResetReason.watchdog);
  assert.is(mapEspResetReason(EspResetReason.powerOn), ResetReason.powerOn);
  assert.is(mapEspResetReason(EspResetReason.externalPin), ResetReason.powerOn);
  assert.is(mapEspResetReason(EspResetReason.software), ResetReason.software);
  assert.is(mapEspResetReason(EspResetReason.brownout), ResetReason.brownout);
  assert.is(mapEspResetReason(EspResetReason.panic), ResetReason.panic);
  assert.is(mapEspResetReason(EspResetReason.deepSleep), ResetReason.unknown);
  assert.is(mapEspResetReason(99), ResetReason.unknown);
});

test('watchdog: subscribed at the first feed, fed on every feed; a build without it reports timeout 0', () => {
  const log: string[] = [];
  const system = new EspSystem(EspResetReason.taskWatchdog, { subscribe: () => (log.push('subscribe'), true), feed: () => log.push('feed') }, 1000);
  assert.is(system.resetReason, ResetReason.watchdog);
  assert.equal(log, [], 'not watching before the firmware feeds it');
  system.feedWatchdog();
  system.feedWatchdog();
  assert.equal(log, ['subscribe', 'feed', 'feed']);
  const disabled: string[] = [];
  const noWdt = new EspSystem(EspResetReason.powerOn, { subscribe: () => false, feed: () => disabled.push('feed') }, 1000);
  noWdt.feedWatchdog();
  noWdt.feedWatchdog();
  assert.equal(disabled, [], 'sdkconfig without the task watchdog: nothing to feed');
  assert.is(noWdt.watchdogTimeoutMs, 0, 'and no timeout is reported');
  assert.is(system.watchdogTimeoutMs, 1000);
  assert.is(new EspSystem(EspResetReason.powerOn, null, 1000).watchdogTimeoutMs, 0);
});

test.run();
