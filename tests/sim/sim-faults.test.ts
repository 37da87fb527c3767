import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { createDryRunSession } from '../../host-sim/scenario';
import type { DryRunSession } from '../../host-sim/scenario';
import { FAULT_KINDS } from '../../host-sim/simulator';
import type { FaultKind } from '../../host-sim/simulator';
import { AdcError } from '../../hal/loadcell-adc';
import { FaultCode } from '../../src/safety/faults';
import { program } from '../support/helpers';

// Each fault the simulator can inject does to the simulated hardware what its name says.
// (How the firmware must react to each is the safety work; here only the obvious reactions
// that already exist are checked.)

const FAULT_AT_S = 20;
const HOLDING = program([
  { type: 'ramp', to_MPa: 100, rate_MPa_s: 20 },
  { type: 'hold', duration_s: 120, band_MPa: 1, mode: 'dynamic' },
  { type: 'release', to_MPa: 0, rate_MPa_s: 20 },
]);

interface Sample {
  t: number;
  truth: number;
  measured: number;
  pump: number;
  release: number;
  ticks: number;
}

/** Runs the holding program with one fault at 20 s; samples every 10 ms until `untilS`. */
function runWith(kind: FaultKind | null, untilS = 40): { session: DryRunSession; samples: Sample[] } {
  const session = createDryRunSession(HOLDING, { seed: 5, faults: kind === null ? [] : [{ kind, atS: FAULT_AT_S }] });
  const { sim, firmware } = session;
  assert.equal(session.errors, []);
  firmware.start();
  while (sim.timeS < 0.5) sim.step();
  firmware.startRun();
  const samples: Sample[] = [];
  let nextSampleS = 0;
  while (sim.timeS < untilS) {
    sim.step();
    if (sim.timeS >= nextSampleS) {
      nextSampleS += 0.01;
      samples.push({ t: sim.timeS, truth: sim.plant.diePressureMPa, measured: firmware.loadCell.pressureMPa, pump: sim.pump.appliedLevel, release: sim.releaseValve.appliedLevel, ticks: firmware.timing.ticks });
    }
  }
  return { session, samples };
}

const between = (samples: Sample[], fromS: number, toS: number) => samples.filter((s) => s.t >= fromS && s.t < toS);
const std = (values: number[]) => {
  const mean = values.reduce((a, b) => a + b, 0) / values.length;
  return Math.sqrt(values.reduce((a, b) => a + (b - mean) * (b - mean), 0) / values.length);
};

const healthy = runWith(null);

test('every fault kind is known to the simulator and recorded when injected', () => {
  assert.equal([...FAULT_KINDS].sort(), ['estop', 'firmware-hang', 'guard-open', 'leak', 'loadcell-disconnect', 'loadcell-noise', 'loadcell-stuck', 'loop-stall', 'power-loss', 'power-restore', 'pump-fail', 'pump-stuck-on', 'release-stuck-closed', 'serial-garbage']);
  const { session } = runWith('leak', 21);
  assert.equal(session.sim.injectedFaults, [{ kind: 'leak', atS: 20 }]);
});

test('loadcell-disconnect: no more conversions; the ADC times out and the firmware faults on the sensor', () => {
  const { session } = runWith('loadcell-disconnect', 22);
  assert.is(session.sim.adc.error, AdcError.timeout);
  assert.ok([FaultCode.sensorAdcError, FaultCode.sensorStale].includes(session.firmware.safety.latchedFault as 201), String(session.firmware.safety.latchedFault));
});

test('loadcell-stuck: the reading freezes while the true pressure moves', () => {
  const { session, samples } = runWith('loadcell-stuck', 40);
  const after = between(samples, 21, 40);
  const measured = new Set(after.map((s) => s.measured.toFixed(9)));
  assert.is(measured.size, 1, `${measured.size} distinct readings`);
  assert.ok(session.sim.adc.error === 0);
});

test('loadcell-noise: the reading gets at least 10× noisier', () => {
  const { samples } = runWith('loadcell-noise', 30);
  const noisy = std(between(samples, 21, 30).map((s) => s.measured - s.truth));
  const calm = std(between(healthy.samples, 21, 30).map((s) => s.measured - s.truth));
  assert.ok(noisy > 10 * calm, `noise ${noisy} vs ${calm} MPa`);
});

test('pump-fail: the pump runs but no oil comes; the pressure sags', () => {
  // A minute after the failure: the hold's dead band lets a healthy press rest a little below
  // target too, so the sag is compared over long enough for the leak to show.
  const { session, samples } = runWith('pump-fail', 80);
  const pumped = session.sim.plant.pumpedVolumeM3;
  assert.ok(between(samples, 21, 80).some((s) => s.pump > 0), 'the firmware commands the pump');
  const end = samples[samples.length - 1];
  const healthyLong = runWith(null, 80).samples;
  const healthyEnd = healthyLong[healthyLong.length - 1];
  assert.ok(end.truth < healthyEnd.truth - 0.3, `pressure ${end.truth} vs ${healthyEnd.truth} MPa without the fault`);
  const { session: again } = runWith('pump-fail', 85);
  assert.is(again.sim.plant.pumpedVolumeM3, pumped, 'no oil after the failure');
});

test('pump-stuck-on: the pump runs without a command while it has power; the contactor stops it', () => {
  const session = createDryRunSession(HOLDING, { seed: 5 });
  const { sim } = session;
  sim.inject('pump-stuck-on');
  sim.pumpPower.command(1, 1000);
  sim.releaseValve.command(0, 1000);
  for (let i = 0; i < 500; i++) sim.step(); // no firmware: the pump is never commanded
  assert.is(sim.pump.appliedLevel, 0);
  assert.ok(sim.plant.pumpSpeed > 0.99, `pump speed ${sim.plant.pumpSpeed}`);
  const pumped = sim.plant.pumpedVolumeM3;
  assert.ok(pumped > 0);
  sim.pumpPower.command(0, 1000);
  for (let i = 0; i < 500; i++) sim.step();
  assert.ok(sim.plant.pumpSpeed < 1e-3, `pump speed ${sim.plant.pumpSpeed} with the contactor open`);
});

test('release-stuck-closed: opening the valve does not lower the pressure', () => {
  const session = createDryRunSession(HOLDING, { seed: 5, faults: [{ kind: 'release-stuck-closed', atS: 1 }] });
  const { sim, firmware } = session;
  firmware.start();
  while (sim.timeS < 0.5) sim.step();
  firmware.startRun();
  while (sim.timeS < 20) sim.step();
  firmware.abortRun(); // the release valve is commanded open
  const before = sim.plant.diePressureMPa;
  while (sim.timeS < 25) sim.step();
  assert.is(sim.releaseValve.appliedLevel, 1);
  assert.ok(sim.plant.diePressureMPa > before - 1, `${before} → ${sim.plant.diePressureMPa} MPa`);
});

test('leak: a burst hose drains the press within seconds, pump or no pump', () => {
  const { samples } = runWith('leak', 26);
  const end = samples[samples.length - 1];
  assert.ok(end.truth < 50, `pressure ${end.truth} MPa 6 s after the leak`);
});

test('power-loss: the firmware stops, the outputs de-energise, the press unloads', () => {
  const { session, samples } = runWith('power-loss', 30);
  const after = between(samples, 20.05, 30);
  assert.is(after[after.length - 1].ticks, after[0].ticks, 'no tick after the power loss');
  assert.ok(session.sim.plant.diePressureMPa < 1, `pressure ${session.sim.plant.diePressureMPa} MPa`);
  assert.is(session.sim.plant.pumpSpeed, 0);
});

test('estop: the input reads pressed and the firmware stops the run', () => {
  const { session } = runWith('estop', 21);
  assert.is(session.sim.inputs.estop, true);
  assert.is(session.firmware.safety.latchedFault, FaultCode.emergencyStop);
});

test('guard-open: the interlock input reads open', () => {
  const { session } = runWith('guard-open', 21);
  assert.is(session.sim.inputs.guardClosed, false);
});

test('serial-garbage: 4 KB of random bytes on the serial link are read by the protocol, which queues errors and keeps answering, and the run goes on', () => {
  const { session, samples } = runWith('serial-garbage', 21);
  const serial = session.sim.serial;
  assert.is(serial.inboundBytes, 0, 'the firmware read every byte');
  const link = session.firmware.serialLink.session;
  assert.ok(link.status.errors.count > 0, 'the garbage produced errors');
  assert.is(session.firmware.stateName, 'RUNNING');
  assert.is(session.firmware.timing.overruns, 0);
  assert.ok(samples[samples.length - 1].ticks > 2000);
  serial.hostReceive();
  // A partial message (the garbage may end inside a string or a block) is dropped after 1 s of quiet.
  let endS = session.sim.timeS + 1.1;
  while (session.sim.timeS < endS) session.sim.step();
  serial.hostSend(new TextEncoder().encode('*CLS;*IDN?\n'));
  endS = session.sim.timeS + 0.1;
  while (session.sim.timeS < endS) session.sim.step();
  assert.match(new TextDecoder().decode(serial.hostReceive()), /(^|\n)Lab Press Works,LP-20,/);
});

test.run();
