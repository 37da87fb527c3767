// The calibration attacks of the field report, end to end through the protocol on the simulated
// press without an oil-pressure transducer (as the ESP32 board): a code commissioned at the
// press, CAL:UNL, then CAL:DEF with 0.75 × and 0.55 × the true span, and a 700 MPa program on a
// 10 mm die rated 740 MPa. Out of the band, the change waits for the press; the worst case is
// that someone at the press confirms it. Either way the true peak, read from the simulator's
// physics, must stay within the die rating + 2 %.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { VirtualInstrument } from '../../host-sim/virtual-instrument';
import { PLANT_PRESETS } from '../../host-sim/plants';
import { FaultCode, faultName } from '../../src/safety/faults';
import { program } from '../support/helpers';
import { defineMessage, errors, holdContinue, send } from '../support/scpi-helpers';

const CODE = 482913;
const DIE_RATING_MPA = 740;

const PROGRAM_700 = {
  ...program([
    { type: 'ramp', to_MPa: 700, rate_MPa_s: 10 },
    { type: 'hold', duration_s: 60, band_MPa: 3.5, mode: 'dynamic' },
    { type: 'release', to_MPa: 0, rate_MPa_s: 10 },
  ], { diameter_mm: 10, max_pressure_MPa: DIE_RATING_MPA }),
  name: 'press-700',
};

interface Outcome {
  state: string;
  fault: number;
  trueMPa: number;
  readMPa: number;
  calibrationError: string;
}

function attack(factor: number, confirmAtPress: boolean): Outcome {
  // The 15 t press: its 100 kN cell takes 700 MPa on 10 mm (55 kN).
  const press = new VirtualInstrument({ seed: 5, plant: PLANT_PRESETS['press-15t'], withoutOilTransducer: true });
  press.advanceTo(0.3);
  assert.is(press.firmware.safety.oil.fitted, false);
  const s = press.createSession();
  send(s, `CAL:COMM ${CODE}`);
  errors(s);
  holdContinue(press, 3.5);
  const [, , tare, span] = send(s, 'CAL:DATA?').split(',');
  send(s, `CAL:UNL ${CODE}`);
  send(s, `CAL:DEF 1700000000,"attack",${tare},${Number(span) * factor},0.1`);
  const [calibrationError = ''] = errors(s);
  if (confirmAtPress) holdContinue(press, 3.5);
  send(s, defineMessage('press-700', PROGRAM_700));
  send(s, 'PROG:SEL "press-700";:INIT');
  assert.equal(errors(s), []);
  let trueMPa = 0;
  let readMPa = 0;
  const endS = press.timeS + 400;
  while (press.timeS < endS && (press.firmware.sequencer.active || press.firmware.sequencer.unloading)) {
    press.advanceTo(press.timeS + 0.01);
    trueMPa = Math.max(trueMPa, press.sim.plant.diePressureMPa);
    readMPa = Math.max(readMPa, press.firmware.loadCell.pressureMPa);
  }
  return { state: press.firmware.stateName, fault: press.firmware.safety.latchedFault, trueMPa, readMPa, calibrationError };
}

const figures: string[] = [];

for (const factor of [0.75, 0.55]) {
  test(`CAL:DEF with ${factor} × the span: refused at the door, and the 700 MPa program runs true`, () => {
    const outcome = attack(factor, false);
    assert.match(outcome.calibrationError, /^113,Confirm at the press;/);
    assert.is(outcome.state, 'COMPLETE', faultName(outcome.fault));
    assert.ok(outcome.trueMPa < DIE_RATING_MPA, `true peak ${outcome.trueMPa}`);
    figures.push(`${factor} ×, not confirmed: ${outcome.state}, true peak ${outcome.trueMPa.toFixed(1)} MPa`);
  });

  test(`CAL:DEF with ${factor} × the span confirmed at the press: a coded fault, the true peak within the die rating + 2 %`, () => {
    const outcome = attack(factor, true);
    assert.match(outcome.calibrationError, /^113,Confirm at the press;/);
    assert.is(outcome.state, 'FAULT');
    assert.ok(outcome.fault === FaultCode.overForceRaw || outcome.fault === FaultCode.calibrationMismatch, faultName(outcome.fault));
    assert.ok(outcome.trueMPa <= DIE_RATING_MPA * 1.02, `true peak ${outcome.trueMPa} MPa`);
    figures.push(`${factor} ×, confirmed at the press: ${outcome.fault} ${faultName(outcome.fault)}, true peak ${outcome.trueMPa.toFixed(1)} MPa (read ${outcome.readMPa.toFixed(1)})`);
  });
}

test('figures', () => {
  for (const line of figures) console.log(`  calibration attack: ${line}`);
  assert.is(figures.length, 4);
});

test.run();
