import { test } from 'uvu';
import * as assert from 'uvu/assert';
import fc from 'fast-check';
import { PanelText, putDuration, putFixed, putText } from '../../hal/esp32/panel-text';
import { CharLcd, encodeByte } from '../../hal/esp32/lcd';
import { EspPanel } from '../../hal/esp32/panel';
import { BEEP_OFF_MS, BEEP_ON_MS, StatusSignalPlayer } from '../../hal/esp32/status-signal';
import { StatusPattern, blankPanelView } from '../../hal/panel';
import { FakeClock, FakeI2c, FakePin } from '../support/esp32-fakes';

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
  const lcd = new CharLcd(i2c, 20, 4, 100_000);
  assert.equal([0, 1, 2, 3].map((r) => lcd.rowAddress(r)), [0x00, 0x40, 0x14, 0x54]);
  const delays: number[] = [];
  lcd.init((ms) => delays.push(ms));
  assert.ok(delays[0] >= 40, 'waits for the display to power up');
  assert.equal(i2c.writes.slice(0, 4).map((w) => w[1] >> 4), [0x3, 0x3, 0x3, 0x2], 'reset by instruction into 4-bit mode');
  const cells = new Uint8Array(20).fill(0x41);
  i2c.writes.length = 0;
  lcd.writeRow(3, cells, 0);
  assert.is(i2c.writes.length, 1, 'a row is one I2C write');
  const frame = i2c.writes[0];
  assert.is(frame.length, 1 + 4 + 1 + 80, 'the address command and the first character each lead with a set-up byte');
  assert.is((frame[1] & 0xf0) | (frame[3] >> 4), 0x80 | 0x54);
  assert.equal([frame[0], frame[5]], [frame[1] & ~0x04, frame[6] & ~0x04], 'set-up bytes: the next byte with E low');
  assert.is(frame[0] & 0x01, 0, 'RS low before E rises for the command');
  assert.is(frame[5] & 0x01, 1, 'RS high before E rises for the first character');
});

/** Replays what an HD44780 sees through the expander: the E falling edges, with the bytes since the previous latch. */
function latches(frame: number[]): { value: number; rs: number; gapBytes: number }[] {
  const out: { value: number; rs: number; gapBytes: number }[] = [];
  let high = -1;
  let lastLatch = -1;
  let gap = 0;
  for (let i = 1; i < frame.length; i++) {
    if ((frame[i - 1] & 0x04) !== 0 && (frame[i] & 0x04) === 0) {
      const nibble = frame[i - 1] >> 4;
      if (high < 0) {
        high = nibble;
        gap = lastLatch < 0 ? Infinity : i - lastLatch;
      } else {
        out.push({ value: (high << 4) | nibble, rs: frame[i - 1] & 0x01, gapBytes: gap });
        high = -1;
        lastLatch = i;
      }
    }
  }
  return out;
}

test('LCD timing through the expander: the display has its 53 µs between bytes at 100 and at 400 kHz; RS is set up before E rises', () => {
  for (const hz of [100_000, 400_000]) {
    const i2c = new FakeI2c();
    const lcd = new CharLcd(i2c, 20, 4, hz);
    const cells = new Uint8Array(20).map((_, i) => 0x41 + i);
    lcd.write(1, 3, cells, 2, 6);
    const frame = i2c.writes[0];
    assert.is(frame.length, lcd.frameBytes(6));
    const seen = latches(frame);
    assert.equal(seen.map((l) => l.value), [0x80 | (0x40 + 3), 0x43, 0x44, 0x45, 0x46, 0x47, 0x48], `${hz} Hz: address, then the six characters`);
    assert.equal(seen.map((l) => l.rs), [0, 1, 1, 1, 1, 1, 1]);
    for (const latch of seen.slice(1)) assert.ok(latch.gapBytes * lcd.byteUs >= 53, `${hz} Hz: ${latch.gapBytes} bytes = ${latch.gapBytes * lcd.byteUs} µs between latches`);
    for (let i = 1; i < frame.length; i++) {
      const rises = (frame[i - 1] & 0x04) === 0 && (frame[i] & 0x04) !== 0;
      if (rises) assert.is(frame[i] & 0x01, frame[i - 1] & 0x01, `${hz} Hz: RS unchanged where E rises (byte ${i})`);
    }
  }
});

test('LCD: one write carries as many characters as fit in the bus budget, and stays within it', () => {
  const slow = new CharLcd(new FakeI2c(), 20, 4, 100_000);
  const fast = new CharLcd(new FakeI2c(), 20, 4, 400_000);
  assert.equal([slow.leadBytes, fast.leadBytes], [0, 1]);
  assert.is(slow.cellsWithin(2500), 5);
  assert.is(fast.cellsWithin(2500), 20, 'a whole row at 400 kHz');
  for (const lcd of [slow, fast]) assert.ok((lcd.frameBytes(lcd.cellsWithin(2500)) + 1) * lcd.byteUs <= 2500);
});

test('panel: only changed cells are sent, one row per refresh, at most cellsPerShow of them; unchanged rows are not sent', () => {
  const i2c = new FakeI2c();
  const clock = new FakeClock();
  const lcd = new CharLcd(i2c, 20, 4, 100_000);
  const panel = new EspPanel(lcd, null, false, null, false, clock, 20, 4);
  assert.is(panel.cellsPerShow, 5);
  const view = blankPanelView();
  let shows = 0;
  while (shows < 100) {
    const before = i2c.writes.length;
    panel.show(view);
    shows++;
    if (i2c.writes.length === before) break;
  }
  assert.is(shows, 17, 'first screen: 80 cells, 5 per refresh, then a refresh with nothing to send');
  for (const frame of i2c.writes) assert.ok(frame.length <= lcd.frameBytes(5), `${frame.length} bytes in one write`);
  const glass = latchedGlass(i2c.writes, lcd);
  assert.is(glass, String.fromCharCode(...panel.text.cells), 'what reached the glass is the layout');
  const sent = i2c.writes.length;
  view.pressureMPa = 5;
  panel.show(view);
  assert.is(i2c.writes.length, sent + 1);
  const frame = i2c.writes[sent];
  assert.is((frame[1] & 0xf0) | (frame[3] >> 4), 0x80 | (0x40 + 4), 'row 1 from the first changed cell: "   0.0" became "   5.0"');
  assert.is(latches(frame).length, 2, 'one character');
});

/** The DDRAM the writes leave, read in row order. */
function latchedGlass(writes: number[][], lcd: CharLcd): string {
  const ddram = new Map<number, number>();
  for (const frame of writes) {
    let address = 0;
    for (const latch of latches(frame)) {
      if (latch.rs === 0) address = latch.value & 0x7f;
      else ddram.set(address++, latch.value);
    }
  }
  let text = '';
  for (let row = 0; row < lcd.rows; row++) for (let c = 0; c < lcd.columns; c++) text += String.fromCharCode(ddram.get(lcd.rowAddress(row) + c) ?? 0);
  return text;
}

test('panel: a display that stops answering is dropped, never thrown into the panel timer', () => {
  const i2c = new FakeI2c();
  const panel = new EspPanel(new CharLcd(i2c, 20, 4, 100_000), null, false, null, false, new FakeClock(), 20, 4);
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
