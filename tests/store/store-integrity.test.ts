// Integrity you can see: a damaged store is reported by the mount, *TST?, SYST:ERR?, SYST:STOR?
// and the panel; a lost calibration refuses runs until it is accepted at the press; program_hash
// names the exact program; the selection follows redefinition and deletion.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { VirtualInstrument } from '../../host-sim/virtual-instrument';
import { SimFlash } from '../../host-sim/hal/sim-flash';
import { SIM_PARTITION_BYTES } from '../../host-sim/simulator';
import { SeededRandom } from '../../host-sim/physics/rng';
import { ResetReason } from '../../hal/system';
import { encodeProgram } from '../../src/programs/codec';
import { crc32 } from '../../src/bytes/crc32';
import { EVENT_CAUSE_NAMES, EventCause, Refusal } from '../../src/runner/run-events';
import { RUN_STATE_NAMES } from '../../src/runner/run-state';
import { validateProgram } from '../../src/programs/validate';
import { PressStore, storeLayout } from '../../src/store/press-store';
import { ObjectStore } from '../../src/store/object-store';
import { SampleBatch } from '../../src/store/run-journal';
import { program } from '../support/helpers';
import { programOfSize } from '../../bench/storage-torture';
import { send, errors, defineMessage } from '../support/scpi-helpers';

const encoder = new TextEncoder();
const BLOCK = 4096;

function named(name: string, toMPa = 60): Record<string, unknown> {
  return {
    ...program([
      { type: 'ramp', to_MPa: toMPa, rate_MPa_s: 20 },
      { type: 'hold', duration_s: 1, band_MPa: 2, mode: 'dynamic' },
      { type: 'release', to_MPa: 0, rate_MPa_s: 20 },
    ]),
    name,
  };
}

const NINE = Array.from({ length: 9 }, (_, i) => `prog-${i}`);

/** Offset of the first occurrence of `text` in the flash, -1 when none. */
function find(flash: SimFlash, text: string, from = 0, to = flash.byteLength): number {
  const needle = encoder.encode(text);
  outer: for (let at = from; at + needle.length <= to; at++) {
    for (let k = 0; k < needle.length; k++) if (flash.bytes[at + k] !== needle[k]) continue outer;
    return at;
  }
  return -1;
}

/** Overwrites one erase block with random bytes (what a failing flash sector reads back as). */
function damageBlock(flash: SimFlash, block: number, seed = 7): void {
  const random = new SeededRandom(seed);
  for (let at = block * BLOCK; at < (block + 1) * BLOCK; at++) flash.bytes[at] = Math.floor(random.next() * 256);
}

/** A press with 9 programs and a calibration in its store, then the block holding the calibration damaged and a power cycle. */
function damagedPress(): { press: VirtualInstrument; flash: SimFlash; before: string[] } {
  const flash = new SimFlash(SIM_PARTITION_BYTES);
  const press = new VirtualInstrument({ seed: 5, flash });
  press.advanceTo(0.3);
  const s = press.createSession();
  // About 1.2 KB each (two copies): the nine spread over several blocks.
  for (const name of NINE) send(s, defineMessage(name, { ...named(name), description: `${name} `.repeat(150) }));
  assert.equal(errors(s), []);
  const cal = press.firmware.loadCell.calibration;
  assert.is(press.firmware.addCalibration({ dateS: 1_790_000_000, reference: 'proving ring PR-7', calibration: { tareCounts: cal.tareCounts, kNPerCount: cal.kNPerCount }, worstErrorPercent: 0.1 }), null);
  const before = press.firmware.store.programNames();
  assert.equal(before, NINE);
  const at = find(flash, 'loadcell', 0, storeLayout(flash).objectBlocks * BLOCK);
  assert.ok(at >= 0, 'the calibration history is in the store');
  // The block of the calibration and the one before it (the last programs stored).
  damageBlock(flash, Math.floor(at / BLOCK));
  damageBlock(flash, Math.floor(at / BLOCK) - 1, 8);
  press.sim.reset(ResetReason.powerOn);
  press.advanceTo(press.timeS + 0.3);
  return { press, flash, before };
}

test('a damaged block under 9 programs and the calibration: the mount says so; *TST?, SYST:ERR?, SYST:STOR? and the panel too', () => {
  const { press, before } = damagedPress();
  const firmware = press.firmware;
  const mount = firmware.storeMount!;
  const after = firmware.store.programNames();
  const lost = before.filter((name) => !after.includes(name));
  assert.ok(lost.length >= 1, `programs lost with the block: ${lost.length}`);
  assert.ok(mount.damaged);
  assert.ok(mount.objects.blocksDamaged >= 1, `${mount.objects.blocksDamaged} blocks damaged`);
  assert.is(mount.calibration, 'lost');
  assert.not.ok(firmware.calibrationFromStore, 'the factory default is in force');
  assert.ok(firmware.calibrationLost);
  assert.match(mount.summary, /unreadable/);
  assert.match(mount.summary, /calibration history unreadable: factory default in force/);

  const s = press.createSession();
  assert.is(send(s, '*TST?'), '121', 'a lost calibration not yet accepted');
  const queued = errors(s);
  assert.is(queued.length, 2, queued.join(' | '));
  assert.match(queued[0], /^120,"?Store damaged;.*block.*unreadable.*calibration history unreadable/);
  assert.match(queued[1], /^121,"?Calibration lost;factory default in force/);
  assert.equal(errors(s), [], 'told once per session');
  assert.match(send(s, 'SYST:STOR?'), /^121,".*calibration history unreadable.*runs refused until accepted at the press"$/);
  assert.match(send(s, 'SYST:ERR?'), /^0,"No error"$/);

  // The serial port's session (created before the boot) was told at boot.
  const serial = firmware.serialLink.session;
  assert.match(errors(serial).join(' | '), /^120,.*\| 121,/);

  firmware.refreshPanel();
  assert.is(press.sim.panel.prompt, 'Calibration lost: factory default in force. Hold Continue 3 s to accept');
  const events = firmware.sequencer.events.list(0, RUN_STATE_NAMES).map((e) => e.cause);
  assert.ok(events.includes(EVENT_CAUSE_NAMES[EventCause.storeDamaged]) && events.includes(EVENT_CAUSE_NAMES[EventCause.calibrationLost]), events.join(','));
});

test('a lost calibration refuses every run until Continue is held 3 s at the press; the protocol cannot accept it; logged', () => {
  const { press } = damagedPress();
  const s = press.createSession();
  errors(s);
  const survivor = press.firmware.store.programNames()[0];
  assert.ok(survivor !== undefined, 'some program survived');
  send(s, `PROG:SEL "${survivor}"`);
  assert.equal(errors(s), []);
  send(s, 'INIT');
  assert.equal(errors(s), ['103,"Refused;the calibration was lost: accept it at the press (hold Continue 3 s)"'.replace(/"/g, '')].map((e) => e), 'refused');
  assert.is(press.firmware.startRun(), Refusal.calibrationLost);
  // Nothing over the protocol clears it.
  send(s, 'SYST:FAUL:CLE');
  send(s, '*RST');
  send(s, '*CLS');
  errors(s);
  assert.ok(press.firmware.calibrationLost);
  // The Start button is refused as well, with its notice.
  const inputs = press.sim.inputs;
  inputs.startPressed = true;
  press.advanceTo(press.timeS + 0.2);
  inputs.startPressed = false;
  press.advanceTo(press.timeS + 0.2);
  assert.is(press.sim.panel.prompt, 'Refused: the calibration was lost: accept it at the press (hold Continue 3 s)');
  assert.is(send(s, 'PROG:STAT?'), 'IDLE');
  // A short press of Continue does nothing.
  inputs.continuePressed = true;
  press.advanceTo(press.timeS + 1.5);
  inputs.continuePressed = false;
  press.advanceTo(press.timeS + 4);
  assert.ok(press.firmware.calibrationLost, '1.5 s is not enough');
  assert.is(press.sim.panel.prompt, 'Calibration lost: factory default in force. Hold Continue 3 s to accept');
  // Held 3 s: accepted, logged, the panel clears, runs may start.
  inputs.continuePressed = true;
  press.advanceTo(press.timeS + 3.2);
  inputs.continuePressed = false;
  press.advanceTo(press.timeS + 1);
  const firmware = press.firmware;
  assert.not.ok(firmware.calibrationLost);
  const accepted = firmware.sequencer.events.list(0, RUN_STATE_NAMES).filter((e) => e.cause === EVENT_CAUSE_NAMES[EventCause.storeLossAccepted]);
  assert.is(accepted.length, 1);
  assert.is(accepted[0].detail, 1, 'a lost calibration was accepted');
  assert.is(press.sim.panel.prompt, '');
  assert.is(send(s, '*TST?'), '120', 'the damage found at boot is still reported until the next boot');
  send(s, 'INIT');
  assert.equal(errors(s), []);
  assert.is(send(s, 'PROG:STAT?'), 'RUNNING');
  send(s, 'ABOR');
  press.advanceTo(press.timeS + 10);

  // The next boot: the loss was accepted (an empty history is stored), nothing is reported.
  press.sim.reset(ResetReason.powerOn);
  press.advanceTo(press.timeS + 0.3);
  const again = press.createSession();
  assert.is(send(again, '*TST?'), '0', press.firmware.storeMount!.summary);
  assert.equal(errors(again), []);
  assert.is(press.firmware.storeMount!.calibration, 'none');
  assert.not.ok(press.firmware.calibrationLost);
  assert.match(send(again, 'SYST:STOR?'), /^0,"Store intact"$/);
});

test('a lost calibration not accepted stays lost after another power cycle', () => {
  const { press } = damagedPress();
  press.sim.reset(ResetReason.powerOn);
  press.advanceTo(press.timeS + 0.3);
  const firmware = press.firmware;
  assert.ok(firmware.calibrationLost, 'still lost: the run log keeps that a calibration was in force');
  assert.is(firmware.storeMount!.objects.blocksDamaged, 0, 'the damaged block was erased by the first mount');
  const s = press.createSession();
  assert.is(send(s, '*TST?'), '121');
  assert.match(errors(s).join(' | '), /^120,Store damaged;calibration history unreadable: factory default in force \| 121,Calibration lost/);
});

test('a press never calibrated is not a press that lost its calibration: *TST? 0, no error, runs start', () => {
  const press = new VirtualInstrument({ seed: 5 });
  press.advanceTo(0.3);
  const s = press.createSession();
  assert.is(send(s, '*TST?'), '0');
  assert.equal(errors(s), []);
  assert.is(press.firmware.storeMount!.calibration, 'none');
  send(s, defineMessage('a', named('a')));
  send(s, 'PROG:SEL "a"');
  send(s, 'INIT');
  assert.equal(errors(s), []);
  assert.is(send(s, 'PROG:STAT?'), 'RUNNING');
  press.sim.reset(ResetReason.powerOn);
  press.advanceTo(press.timeS + 0.3);
  const after = press.createSession();
  assert.is(send(after, '*TST?'), '503', 'a power cut in a run is a fault (RUN_INTERRUPTED), not store damage');
  assert.is(send(after, 'SYST:STOR?'), '0,"Store intact"');
});

test('a latched fault still answers *TST? with its code', () => {
  const { press } = damagedPress();
  press.sim.reset(ResetReason.watchdog);
  press.advanceTo(press.timeS + 0.3);
  assert.is(send(press.createSession(), '*TST?'), '502');
});

test('a damaged block under part of a program: the program is named as lost; under its newest version: the older one is in force, and that is said', () => {
  const flash = new SimFlash(64 * BLOCK, BLOCK);
  const store = new ObjectStore(flash, 0, 40);
  store.mount();
  const big = (seed: number) => Uint8Array.from({ length: 6000 }, (_, i) => (i * seed) & 0xff);
  store.put(1, 'small', Uint8Array.of(1, 2, 3));
  store.put(1, 'big', big(3));
  store.put(1, 'tail', Uint8Array.of(4));
  assert.equal(new ObjectStore(flash, 0, 40).mount().blocksDamaged, 0, 'an intact store reports nothing');
  // 'big' starts in block 0 and goes on in blocks 1 and 2 (two copies of 6 KB).
  damageBlock(flash, 1);
  damageBlock(flash, 2, 9);
  const mounted = new ObjectStore(flash, 0, 40);
  const report = mounted.mount();
  assert.is(report.blocksDamaged, 2);
  assert.equal(report.lost.map((l) => [l.key, l.olderInForce]), [['big', false]]);
  assert.equal(mounted.keys(1), ['small', 'tail']);

  const flash2 = new SimFlash(64 * BLOCK, BLOCK);
  const store2 = new ObjectStore(flash2, 0, 40);
  store2.mount();
  store2.put(1, 'p', big(3));
  store2.put(1, 'p', big(5));
  store2.put(1, 'q', Uint8Array.of(1));
  assert.equal(new ObjectStore(flash2, 0, 40).mount().lost, []);
  // The first version takes blocks 0-2, the second starts in block 2 or 3 and ends in block 5.
  damageBlock(flash2, 4);
  damageBlock(flash2, 5, 9);
  const mounted2 = new ObjectStore(flash2, 0, 40);
  const report2 = mounted2.mount();
  assert.equal(report2.lost.map((l) => [l.key, l.olderInForce]), [['p', true]]);
  assert.equal(mounted2.get(1, 'p'), big(3), 'the older version is what is in force');
});

test('one flipped bit in a superseded version: damage is reported, nothing lost', () => {
  const flash = new SimFlash(64 * BLOCK, BLOCK);
  const store = new ObjectStore(flash, 0, 40);
  store.mount();
  store.put(1, 'a', Uint8Array.from({ length: 500 }, (_, i) => i & 0xff));
  store.put(1, 'a', Uint8Array.from({ length: 500 }, (_, i) => (i * 3) & 0xff));
  flash.flipBit(100, 2);
  const report = new ObjectStore(flash, 0, 40).mount();
  assert.is(report.blocksDamaged, 1);
  assert.equal(report.lost, []);
});

test('a power cut in the middle of a write is not damage: torn bytes are sealed, nothing is reported at that boot or later', () => {
  for (let cut = 10; cut < 5000; cut += 397) {
    const flash = new SimFlash(64 * BLOCK, BLOCK);
    const store = new ObjectStore(flash, 0, 40);
    store.mount();
    store.put(1, 'a', Uint8Array.from({ length: 900 }, (_, i) => i & 0xff));
    flash.cutPowerAfterBytes(cut, cut);
    try {
      store.put(1, 'b', Uint8Array.from({ length: 1500 }, (_, i) => (i * 7) & 0xff));
    } catch {
      // the cut
    }
    flash.restorePower();
    const first = new ObjectStore(flash, 0, 40);
    const report = first.mount();
    assert.is(report.blocksDamaged, 0, `cut at ${cut}`);
    assert.equal(report.lost, [], `cut at ${cut}`);
    // A second cut at once, right after the zeros that sealed the first.
    flash.cutPowerAfterBytes(cut % 700, cut + 1);
    try {
      first.put(1, 'd', Uint8Array.from({ length: 1200 }, (_, i) => (i * 5) & 0xff));
    } catch {
      // the cut
    }
    flash.restorePower();
    const second = new ObjectStore(flash, 0, 40);
    const afterSecond = second.mount();
    assert.is(afterSecond.blocksDamaged, 0, `cuts at ${cut} and ${cut % 700}`);
    assert.equal(afterSecond.lost, [], `cuts at ${cut} and ${cut % 700}`);
    second.put(1, 'c', Uint8Array.of(9));
    const later = new ObjectStore(flash, 0, 40).mount();
    assert.is(later.blocksDamaged, 0, `cut at ${cut}, the boot after`);
    assert.equal(later.lost, []);
  }
});

test('a power cut in the middle of a run-log record is not damage, a second one after it neither; a destroyed run-log block is reported', () => {
  const flash = new SimFlash(64 * BLOCK, BLOCK);
  const store = new PressStore(flash, { objectFirstBlock: 0, objectBlocks: 40, logFirstBlock: 40, logBlocks: 8 });
  store.mount();
  store.journal.recordBoot(0);
  const samples = new Float32Array(256).fill(12.5);
  for (const cut of [17, 211, 5]) {
    const journal = store.journal;
    flash.cutPowerAfterBytes(cut, cut);
    try {
      journal.appendSamples(Object.assign(new SampleBatch(samples, samples), { targetMPa: 100, kNPerMPa: 0.0785, runId: 1, startMs: 0, intervalMs: 100, step: 0, state: 1, from: 0, count: 128 } satisfies Partial<SampleBatch>));
    } catch {
      // the cut
    }
    flash.restorePower();
    const report = new PressStore(flash, store.layout).mount();
    assert.is(report.logBlocksDamaged, 0, `cut at ${cut}`);
    assert.not.ok(report.damaged, `cut at ${cut}`);
    store.mount();
  }
  damageBlock(flash, 40);
  const report = new PressStore(flash, store.layout).mount();
  assert.is(report.logBlocksDamaged, 1);
  assert.match(report.summary, /1 run-log block damaged/);
});

test('program_hash is the CRC of the exact program bytes: distinct programs differ, the same program gives the same hash', () => {
  const press = new VirtualInstrument({ seed: 5 });
  press.advanceTo(0.3);
  const s = press.createSession();
  const a = named('a', 60);
  const b = named('b', 61);
  send(s, defineMessage('a', a));
  send(s, defineMessage('b', b));
  send(s, 'PROG:SEL "a"');
  const hashA = press.firmware.programHash;
  send(s, 'PROG:SEL "b"');
  const hashB = press.firmware.programHash;
  send(s, 'PROG:SEL "a"');
  assert.is(press.firmware.programHash, hashA, 'the same program, the same hash');
  assert.is.not(hashA, hashB);
  assert.is.not(hashA, 0x2144df1c, 'not the CRC-32 residue');
  const bytes = encodeProgram((validateProgram(a, press.firmware.capabilities) as unknown as { program: Parameters<typeof encodeProgram>[0] }).program);
  assert.is(hashA, crc32(bytes, 0, bytes.length - 4));
  assert.is(hashA, new DataView(bytes.buffer, bytes.byteOffset).getUint32(bytes.length - 4, true), 'the program\'s own stored CRC');
  assert.is(press.firmware.report().program_hash, hashA.toString(16).padStart(8, '0'));
  send(s, 'INIT');
  assert.equal(errors(s), []);
  press.advanceTo(press.timeS + 30);
  const runs = press.firmware.journal.runs(1);
  assert.is(runs[0].programHash, hashA, 'the run log names the exact program');
});

test('redefining the selected program: the next run is the new version; deleting it deselects it', () => {
  const press = new VirtualInstrument({ seed: 5 });
  press.advanceTo(0.3);
  const s = press.createSession();
  send(s, defineMessage('p', named('p', 60)));
  send(s, 'PROG:SEL "p"');
  const oldHash = press.firmware.programHash;
  assert.is(press.firmware.program!.targetMPa[0], 60);
  send(s, defineMessage('p', named('p', 45)));
  assert.equal(errors(s), []);
  assert.is(send(s, 'PROG:SEL?'), '"p"');
  assert.is(press.firmware.program!.targetMPa[0], 45, 'the new version is selected');
  assert.is.not(press.firmware.programHash, oldHash);
  send(s, 'INIT');
  press.advanceTo(press.timeS + 30);
  assert.equal(errors(s), []);
  const log = press.firmware.journal.runs(1)[0];
  assert.is(log.programHash, press.firmware.programHash);
  assert.ok(Math.abs(press.firmware.sequencer.peakMPa - 45) < 3, `peak ${press.firmware.sequencer.peakMPa} MPa: the new version ran`);

  send(s, 'PROG:DEL "p"');
  assert.equal(errors(s), []);
  assert.is(send(s, 'PROG:SEL?'), '""');
  assert.is(press.firmware.program, null);
  send(s, 'INIT');
  assert.equal(errors(s), ['103,Refused;no program selected']);
  const causes = press.firmware.sequencer.events.list(0, RUN_STATE_NAMES).map((e) => e.cause);
  assert.ok(causes.includes('program-deselected'));
  // Another program's redefinition or deletion leaves the selection alone.
  send(s, defineMessage('q', named('q', 50)));
  send(s, defineMessage('r', named('r', 52)));
  send(s, 'PROG:SEL "q"');
  send(s, defineMessage('r', named('r', 53)));
  send(s, 'PROG:DEL "r"');
  assert.is(send(s, 'PROG:SEL?'), '"q"');
  assert.equal(errors(s), []);
});

test('PressStore.mount: a fresh store reports nothing; programs of the torture fixture survive a mount', () => {
  const flash = new SimFlash(SIM_PARTITION_BYTES);
  const store = new PressStore(flash, storeLayout(flash));
  const report = store.mount();
  assert.not.ok(report.damaged);
  assert.is(report.summary, '');
  store.saveProgram(programOfSize('x', 500));
  const again = new PressStore(flash, storeLayout(flash)).mount();
  assert.not.ok(again.damaged);
});

test.run();
