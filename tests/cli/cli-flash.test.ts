import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { SimFlash } from '../../host-sim/hal/sim-flash';
import { SIM_PARTITION_BYTES } from '../../host-sim/simulator';
import { PressStore, storeLayout } from '../../src/store/press-store';
import { RunOutcome } from '../../src/store/run-journal';
import { readExample, repoRoot } from '../support/helpers';

function pressSim(args: string[]) {
  return spawnSync(process.execPath, [path.join(repoRoot, 'bin', 'press-sim.mjs'), ...args], { cwd: repoRoot, encoding: 'utf8', timeout: 60_000 });
}

const dir = mkdtempSync(path.join(tmpdir(), 'press-flash-'));

test('run --flash FILE: the partition lives in the file; programs and run logs add up across runs', () => {
  const flashFile = path.join(dir, 'press.flash');
  const out = path.join(dir, 'out');
  for (const example of ['li6ps5cl-three-layer', 'separator-394-then-98']) {
    const result = pressSim(['run', `examples/${example}.json`, '--flash', flashFile, '--out', out, '--no-panel']);
    assert.is(result.status, 0, result.stderr);
  }
  const image = readFileSync(flashFile);
  assert.is(image.length, SIM_PARTITION_BYTES);
  const flash = new SimFlash(SIM_PARTITION_BYTES);
  flash.bytes.set(image);
  const store = new PressStore(flash, storeLayout(flash));
  store.mount();
  const names = ['li6ps5cl-three-layer', 'separator-394-then-98'].map((e) => (readExample(e) as { name: string }).name).sort();
  assert.equal(store.programNames(), names);
  const logs = store.journal.runLogs();
  assert.is(logs.length, 2);
  for (const log of logs) {
    assert.is(log.run.outcome, RunOutcome.completed);
    assert.ok(log.segments.length > 0 && log.steps.length > 0);
  }
});

test('run --flash with a file that is not a partition image: a clear error, the file untouched', () => {
  const other = path.join(dir, 'notes.txt');
  writeFileSync(other, 'not flash');
  const result = pressSim(['run', 'examples/li6ps5cl-three-layer.json', '--flash', other, '--no-panel']);
  assert.is(result.status, 1);
  assert.match(result.stderr, /--flash: .*notes\.txt: 9 bytes, but the partition is 1048576 bytes/);
  assert.is(readFileSync(other, 'utf8'), 'not flash');
});

test.run();
