import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { runTorture } from '../../bench/storage-torture';

// Reduced: a small partition and small programs, every 3rd write position. npm run bench:storage
// runs the press's real geometry with 8 KB programs at every position.
test('power cut at every 3rd write position of save, replace, delete, calibrate, settings and log writes, with a bit flip each: nothing committed is lost, nothing corrupt is accepted', () => {
  const result = runTorture({
    layout: { objectFirstBlock: 0, objectBlocks: 24, logFirstBlock: 24, logBlocks: 4 },
    blockBytes: 4096,
    programBytes: [600, 700, 2500, 500, 650],
    savedProgramBytes: 1500,
    runs: 6,
    samplesPerRun: 300,
    stride: 3,
    flipBits: true,
    seed: 11,
    damageTrials: 300,
  });
  const names = result.operations.map((op) => op.name);
  assert.ok(result.operations[2].erases >= 1, 'the collecting replace erases');
  assert.equal(names, ['save', 'replace', 'replace, collecting', 'delete', 'calibrate', 'settings', 'log append', 'log ring erase']);
  for (const op of result.operations) {
    const perPosition = op.name === 'log ring erase' ? 64 : 1;
    assert.ok(op.positions > 0 && op.cuts === Math.ceil(op.positions / 3) * perPosition, `${op.name}: ${op.cuts} cuts of ${op.positions} positions`);
    assert.is(op.lost, 0, `${op.name}: lost`);
    assert.is(op.corruptAccepted, 0, `${op.name}: corrupt accepted`);
    assert.is(op.stuck, 0, `${op.name}: store stuck after a cut`);
    assert.is(op.silentLosses, 0, `${op.name}: a reboot lost something and said nothing`);
  }
  assert.ok(result.cuts > 2000, `${result.cuts} cuts`);
  // A flipped bit is found and said (wherever it is not where a cut leaves bytes anyway).
  assert.ok(result.mountsReportingDamage > 0.9 * result.cuts, `${result.mountsReportingDamage} of ${result.cuts} reboots reported the flip`);
});

test('a block destroyed beyond a power cut (random bytes, a burst, zeroed): whatever it cost, the mount says so, and nothing corrupt is accepted', () => {
  const result = runTorture({
    layout: { objectFirstBlock: 0, objectBlocks: 24, logFirstBlock: 24, logBlocks: 4 },
    blockBytes: 4096,
    programBytes: [600, 700, 2500, 500, 650],
    savedProgramBytes: 1500,
    runs: 6,
    samplesPerRun: 300,
    stride: 1000,
    flipBits: false,
    seed: 12,
    damageTrials: 300,
  });
  const damage = result.damage!;
  assert.is(damage.mounts, 300);
  assert.ok(damage.mountsWithLoss > 50, `${damage.mountsWithLoss} reboots lost something: the damage must cost something to prove anything`);
  assert.is(damage.silentLosses, 0, 'every reboot that lost something reported damage');
  assert.is(damage.corruptAccepted, 0);
  assert.ok(damage.programsNamed > 0, `${damage.programsNamed} of ${damage.programsLost} lost programs named`);
});

test('a save that needs garbage collection (the ring wraps) is cut everywhere too, without flips', () => {
  // 12 blocks nearly full of replaced versions: the save relocates live copies and erases.
  const result = runTorture({
    layout: { objectFirstBlock: 0, objectBlocks: 12, logFirstBlock: 12, logBlocks: 4 },
    blockBytes: 4096,
    programBytes: [1800, 1800, 1200],
    savedProgramBytes: 1800,
    runs: 1,
    samplesPerRun: 10,
    stride: 2,
    flipBits: false,
    seed: 5,
  });
  for (const op of result.operations) {
    assert.is(op.lost, 0, `${op.name}: lost`);
    assert.is(op.corruptAccepted, 0, `${op.name}: corrupt accepted`);
    assert.is(op.stuck, 0, `${op.name}: stuck`);
  }
  const save = result.operations[0];
  assert.ok(save.erases >= 1, `the save erases (garbage collection): ${save.erases} erases in ${save.positions} positions`);
});

test.run();
