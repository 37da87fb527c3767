import { test } from 'uvu';
import * as assert from 'uvu/assert';
import fc from 'fast-check';
import { PanelText, putDuration, putFixed, putText } from '../hal/esp32/panel-text';
import { CharLcd, encodeByte } from '../hal/esp32/lcd';
import { EspPanel } from '../hal/esp32/panel';
import { BEEP_OFF_MS, BEEP_ON_MS, StatusSignalPlayer } from '../hal/esp32/status-signal';
import { StatusPattern, blankPanelView } from '../hal/panel';
import { FakeClock, FakeI2c, FakePin } from './esp32-fakes';

const text = (cells: Uint8Array, from = 0, to = cells.length) => String.fromCharCode(...cells.subarray(from, to));

test('numbers, durations and text without allocation helpers: layout', () => {
  const cells = new Uint8Array(8);
  putFixed(cells, 0, 8, 123.45, 1);
  assert.is(text(cells), '   123.5');
  putFixed(cells, 0, 8, -0.04, 1);
  assert.is(text(cells), '     0.0');
  putFixed(cells, 0, 8, -12.34, 2);
  assert.is(text(cells), '  -12.34');
  putFixed(cells, 0, 4, 12345, 1);
  assert.is(text(cells, 0, 4), '####');
  putFixed(cells, 0, 6, Number.NaN, 1);
  assert.is(text(cells, 0, 6), '     -');
  putDuration(cells, 0, 119.2);
  assert.is(text(cells), ' 0:02:00');
  putDuration(cells, 0, 36_000);
  assert.is(text(cells), '10:00:00');
  putDuration(cells, 0, Number.NaN);
  assert.is(text(cells), '        ');
  putText(cells, 0, 8, 'µ-ok', 0);
  assert.is(text(cells), '?-ok    ');
});

test('property: putFixed writes the value rounded half up at `decimals`, as toFixed lays it out', () => {
  fc.assert(
    fc.property(fc.double({ min: -99_999, max: 99_999, noNaN: true }), fc.integer({ min: 0, max: 2 }), (value, decimals) => {
      const cells = new Uint8Array(10);
      putFixed(cells, 0, 10, value, decimals);
      const scale = 10 ** decimals;
      const rounded = Math.round(Math.abs(value) * scale);
      const expected = (rounded === 0 ? '' : value < 0 ? '-' : '') + (rounded / scale).toFixed(decimals);
      return text(cells).trim() === expected;
    }),
    { numRuns: 5_000, seed: 91 },
  );
});

test('the view on 20 × 4: state and step, pressure and target, step and time left, prompt', () => {
  const panel = new PanelText(20, 4);
  const view = blankPanelView();
  Object.assign(view, { state: 'RUNNING', stepIndex: 2, stepCount: 4, pressureMPa: 123.44, targetMPa: 300, stepType: 'hold', stepTimeLeftS: 119.5, prompt: 'Close the guard' });
  panel.render(view);
  const rows = [0, 1, 2, 3].map((r) => text(panel.cells, r * 20, r * 20 + 20));
  assert.equal(rows, ['RUNNING          2/4', 'P 123.4 T 300.0 MPa ', 'hold         0:02:00', 'Close the guard     ']);
  view.lastFault = '301 OVER_PRESSURE';
  panel.render(view);
  assert.is(text(panel.cells, 60, 80), '301 OVER_PRESSURE   ', 'a fault replaces the prompt');
});

test('a prompt longer than the row scrolls, one cell every three refreshes', () => {
  const panel = new PanelText(20, 4);
  const view = blankPanelView();
  view.prompt = 'Add 15 mg NCM811/Li6PS5Cl cathode composite, then press Continue';
  const starts: string[] = [];
  for (let i = 0; i < 7; i++) {
    panel.render(view);
    starts.push(text(panel.cells, 60, 63));
  }
  assert.equal(starts, ['Add', 'Add', 'Add', 'dd ', 'dd ', 'dd ', 'd 1']);
});

test('LCD: 4-bit nibbles with an enable pulse, backlight on; rows 2 and 3 continue rows 0 and 1', () => {
  const bytes = new Uint8Array(4);
  encodeByte(bytes, 0, 0x41, 0x01);
  assert.equal([...bytes], [0x4d, 0x49, 0x1d, 0x19]);
  const i2c = new FakeI2c();
  const lcd = new CharLcd(i2c, 20, 4);
  assert.equal([0, 1, 2, 3].map((r) => lcd.rowAddress(r)), [0x00, 0x40, 0x14, 0x54]);
  const delays: number[] = [];
  lcd.init((ms) => delays.push(ms));
  assert.ok(delays[0] >= 40, 'waits for the display to power up');
  assert.equal(i2c.writes.slice(0, 4).map((w) => w[1] >> 4), [0x3, 0x3, 0x3, 0x2], 'reset by instruction into 4-bit mode');
  const cells = new Uint8Array(20).fill(0x41);
  i2c.writes.length = 0;
  lcd.writeRow(3, cells, 0);
  assert.is(i2c.writes.length, 1, 'a row is one I2C write');
  assert.is(i2c.writes[0].length, 4 + 80);
  assert.is((i2c.writes[0][1] & 0xf0) | (i2c.writes[0][3] >> 4), 0x80 | 0x54);
});

test('panel: one changed row per refresh; unchanged rows are not sent', () => {
  const i2c = new FakeI2c();
  const clock = new FakeClock();
  const panel = new EspPanel(new CharLcd(i2c, 20, 4), null, false, null, false, clock, 20, 4);
  const view = blankPanelView();
  for (let i = 0; i < 4; i++) panel.show(view);
  assert.is(i2c.writes.length, 4, 'first screen: four refreshes, one row each');
  panel.show(view);
  assert.is(i2c.writes.length, 4, 'nothing changed, nothing sent');
  view.pressureMPa = 5;
  panel.show(view);
  assert.is(i2c.writes.length, 5);
  assert.is((i2c.writes[4][1] & 0xf0) | (i2c.writes[4][3] >> 4), 0x80 | 0x40, 'only row 1 was sent');
});

test('panel: a display that stops answering is dropped, never thrown into the control tick', () => {
  const i2c = new FakeI2c();
  const panel = new EspPanel(new CharLcd(i2c, 20, 4), null, false, null, false, new FakeClock(), 20, 4);
  i2c.failing = true;
  const view = blankPanelView();
  panel.show(view);
  panel.show(view);
  assert.is(panel.displayErrors, 1);
});

test('status: the fault pattern blinks 100/100 ms, beeps five times on entry, then once every 2 s', () => {
  const player = new StatusSignalPlayer();
  player.setPattern(StatusPattern.fault, 1000);
  const at = (ms: number) => {
    player.update(1000 + ms);
    return [player.led, player.buzzer];
  };
  assert.equal(at(0), [true, true]);
  assert.equal(at(150), [false, false]);
  const period = BEEP_ON_MS + BEEP_OFF_MS;
  let beeps = 0;
  let last = false;
  for (let t = 0; t < 1900; t += 10) {
    player.update(1000 + t);
    if (player.buzzer && !last) beeps++;
    last = player.buzzer;
  }
  assert.is(beeps, 5);
  assert.equal(at(5 * period + 10), [false, false]);
  assert.equal(at(2000 + 10)[1], true, 'the repeat beep');
  assert.equal(at(2000 + BEEP_ON_MS + 10)[1], false);
  player.setPattern(StatusPattern.fault, 5000);
  assert.equal(at(2000 + 10)[1], true, 'the same pattern again does not restart it');
});

test('status: idle is dark and silent, running is steady; the panel drives the pins only on change', () => {
  const led = new FakePin();
  const buzzer = new FakePin();
  const clock = new FakeClock();
  const panel = new EspPanel(null, led, false, buzzer, true, clock, 20, 4);
  panel.setStatus(StatusPattern.idle);
  assert.equal([led.level, buzzer.level], [0, 1], 'buzzer active-low: off is high');
  clock.ms = 100;
  panel.setStatus(StatusPattern.running);
  clock.ms = 200;
  panel.setStatus(StatusPattern.running);
  assert.equal(led.writes, [0, 1]);
  assert.equal(buzzer.writes, [1]);
});

test.run();
