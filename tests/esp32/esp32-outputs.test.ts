import { test } from 'uvu';
import * as assert from 'uvu/assert';
import fc from 'fast-check';
import { EspPump, EspReleaseValve, LeaseGuard, LeasedDrive, NormallyOpenStage, PumpWithAdvanceValveStage, PwmStage, SwitchStage } from '../../hal/esp32/outputs';
import { InputLine, PinInputs } from '../../hal/esp32/inputs';
import { FakeClock, FakePin, FakePwm } from '../support/esp32-fakes';

test('switch stage: on at 0.5 and above, active-low inverts the pin', () => {
  const pin = new FakePin();
  const high = new SwitchStage(pin, false);
  high.apply(0.49);
  high.apply(0.5);
  const low = new SwitchStage(pin, true);
  low.apply(1);
  low.apply(0);
  assert.equal(pin.writes, [0, 1, 0, 1]);
});

test('PWM stage: level scaled to the resolution; a normally-open valve is driven with 1 − opening', () => {
  const pwm = new FakePwm(10);
  const stage = new PwmStage(pwm, false);
  stage.apply(1);
  stage.apply(0.5);
  stage.apply(0);
  assert.equal(pwm.writes, [1023, 512, 0]);
  const valve = new NormallyOpenStage(new PwmStage(pwm, false));
  valve.apply(1); // fully open = no drive
  assert.is(pwm.duty, 0);
  valve.apply(0.25);
  assert.is(pwm.duty, Math.round(0.75 * 1023));
});

test('the advance valve is energised exactly while the pump runs', () => {
  const pumpPwm = new FakePwm(8);
  const valvePin = new FakePin();
  const stage = new PumpWithAdvanceValveStage(new PwmStage(pumpPwm, false), new SwitchStage(valvePin, false));
  stage.apply(0.3);
  assert.equal([pumpPwm.duty, valvePin.level], [Math.round(0.3 * 255), 1]);
  stage.apply(0);
  assert.equal([pumpPwm.duty, valvePin.level], [0, 0]);
});

test('a leased output starts at its safe level, applies commands and falls back when the lease runs out', () => {
  const clock = new FakeClock();
  const pin = new FakePin();
  const pump = new EspPump(new SwitchStage(pin, false), clock);
  assert.equal(pin.writes, [0], 'driven safe at construction');
  pump.command(1, 30);
  assert.is(pump.appliedLevel, 1);
  assert.is(pin.level, 1);
  clock.ms = 30;
  pump.command(1, 30); // renewed: no new pin write
  assert.equal(pin.writes, [0, 1]);
  clock.ms = 60.5;
  assert.is(pump.appliedLevel, 0, 'expired on read');
  assert.is(pin.level, 0);
  assert.is(pump.leaseExpiries, 1);
  pump.command(0.7, 30);
  assert.is(pump.appliedLevel, 1, 'an on/off pump runs at 0.7');
  pump.safe();
  assert.is(pin.level, 0);
  clock.ms = 1000;
  assert.is(pump.leaseExpiries, 1, 'safe() cancels the lease');
});

test('a lease that is not a positive number ends at once; NaN levels take the safe level', () => {
  const clock = new FakeClock();
  const pwm = new FakePwm(10);
  const valve = new EspReleaseValve(new NormallyOpenStage(new PwmStage(pwm, false)), clock, 1);
  valve.command(0, Number.NaN);
  clock.ms = 0.001;
  assert.is(valve.appliedLevel, 1);
  valve.command(Number.NaN, 100);
  assert.is(valve.appliedLevel, 1);
  assert.is(pwm.duty, 0);
});

test('the lease guard drops every expired output without the control loop', () => {
  const clock = new FakeClock();
  const pumpPin = new FakePin();
  const powerPin = new FakePin();
  const pwm = new FakePwm(10);
  const pump = new EspPump(new SwitchStage(pumpPin, false), clock);
  const power = new LeasedDrive(new SwitchStage(powerPin, true), clock, 0);
  const valve = new EspReleaseValve(new NormallyOpenStage(new PwmStage(pwm, false)), clock, 1);
  const guard = new LeaseGuard(clock, [pump, power, valve]);
  pump.command(1, 30);
  power.command(1, 30);
  valve.command(0, 30);
  assert.equal([pumpPin.level, powerPin.level, pwm.duty], [1, 0, 1023]);
  clock.ms = 29;
  guard.run();
  assert.equal([pumpPin.level, powerPin.level, pwm.duty], [1, 0, 1023]);
  clock.ms = 31;
  guard.run();
  assert.equal([pumpPin.level, powerPin.level, pwm.duty], [0, 1, 0], 'pump off, contactor off (active-low), valve open');
});

test('property: the pin always carries the last command within its lease, else the safe level', () => {
  fc.assert(
    fc.property(
      fc.array(fc.record({ level: fc.double({ min: -0.5, max: 1.5, noNaN: true }), leaseMs: fc.integer({ min: 1, max: 50 }), waitMs: fc.integer({ min: 0, max: 80 }) }), { maxLength: 30 }),
      (steps) => {
        const clock = new FakeClock();
        const pwm = new FakePwm(12);
        const pump = new EspPump(new PwmStage(pwm, false), clock);
        const guard = new LeaseGuard(clock, [pump]);
        for (const step of steps) {
          pump.command(step.level, step.leaseMs);
          const clamped = Math.min(1, Math.max(0, step.level));
          clock.ms += step.waitMs;
          guard.run();
          const expected = step.waitMs > step.leaseMs ? 0 : clamped;
          if (pump.appliedLevel !== expected) return false;
          if (pwm.duty !== Math.round(expected * 4095)) return false;
        }
        return true;
      },
    ),
    { numRuns: 500, seed: 17 },
  );
});

test('inputs read the pins now, in logical sense, without debounce', () => {
  const estop = new FakePin();
  const guard = new FakePin();
  const start = new FakePin();
  const stop = new FakePin();
  const inputs = new PinInputs(new InputLine(estop, false), new InputLine(guard, true), new InputLine(start, true), new InputLine(stop, true), null);
  estop.level = 0;
  guard.level = 0;
  start.level = 1;
  stop.level = 1;
  assert.equal([inputs.estop, inputs.guardClosed, inputs.startPressed, inputs.stopPressed, inputs.continuePressed], [false, true, false, false, false]);
  // A bouncing contact: every read follows the pin (the firmware debounces).
  const seen: boolean[] = [];
  for (const level of [0, 1, 0, 1, 0]) {
    start.level = level;
    seen.push(inputs.startPressed);
  }
  assert.equal(seen, [true, false, true, false, true]);
  // Broken wires: the e-stop reads pressed and the guard open.
  estop.level = 1;
  guard.level = 1;
  assert.equal([inputs.estop, inputs.guardClosed], [true, false]);
});

test.run();
