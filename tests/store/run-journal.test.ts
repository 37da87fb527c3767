import { test } from 'uvu';
import * as assert from 'uvu/assert';
import fc from 'fast-check';
import type { FlashPartition } from '../../hal/flash';
import { PowerCut, SimFlash } from '../../host-sim/hal/sim-flash';
import type { JournalRun } from '../../src/store/run-journal';
import { RunHeaderFields, RunJournal, RunOutcome, SampleBatch, StepSummary } from '../../src/store/run-journal';
import { crc32 } from '../../src/bytes/crc32';

const BLOCK = 4096;
// The journal sits inside the partition with a foreign block on each side, to catch offset slips.
const FIRST = 1;
const COUNT = 3;
const PARTITION_BLOCKS = FIRST + COUNT + 1;

function blankFlash(): SimFlash {
  return new SimFlash(PARTITION_BLOCKS * BLOCK, BLOCK);
}

function copyOf(flash: SimFlash): SimFlash {
  const copy = blankFlash();
  copy.bytes.set(flash.bytes);
  return copy;
}

function mounted(flash: FlashPartition): RunJournal {
  const journal = new RunJournal(flash, FIRST, COUNT);
  journal.mount();
  return journal;
}

function foreignBlocksUntouched(flash: SimFlash): boolean {
  const journalEnd = (FIRST + COUNT) * BLOCK;
  return flash.bytes.subarray(0, FIRST * BLOCK).every((b) => b === 0xff) && flash.bytes.subarray(journalEnd).every((b) => b === 0xff);
}

/** One write is one record: where each went, in order. */
class RecordingFlash implements FlashPartition {
  readonly writes: { offset: number; length: number }[] = [];
  constructor(readonly inner: SimFlash) {}
  get byteLength(): number {
    return this.inner.byteLength;
  }
  get blockLength(): number {
    return this.inner.blockLength;
  }
  read(byteOffset: number, length: number): Uint8Array {
    return this.inner.read(byteOffset, length);
  }
  write(byteOffset: number, bytes: Uint8Array): void {
    this.writes.push({ offset: byteOffset, length: bytes.length });
    this.inner.write(byteOffset, bytes);
  }
  eraseBlock(block: number): void {
    this.inner.eraseBlock(block);
  }
}

function run(fields: Partial<JournalRun> & Pick<JournalRun, 'runId' | 'bootCount' | 'programName' | 'programHash' | 'startMs'>): JournalRun {
  return { outcome: RunOutcome.open, faultCode: 0, endMs: 0, peakMPa: NaN, ...fields };
}

/** Deep equality for runs and states: key order ignored, NaN equal to NaN (JSON makes both null). */
function same(a: unknown, b: unknown): boolean {
  const sortedKeys = (_key: string, value: unknown) =>
    value !== null && typeof value === 'object' && !Array.isArray(value) ? Object.fromEntries(Object.entries(value).sort(([x], [y]) => (x < y ? -1 : 1))) : value;
  return JSON.stringify(a, sortedKeys) === JSON.stringify(b, sortedKeys);
}

interface State {
  runs: JournalRun[];
  bootCount: number;
}

function stateOf(flash: SimFlash): State {
  const journal = mounted(flash);
  return { runs: journal.runs(1000), bootCount: journal.bootCount };
}

/** The journal of a base flash after op, run without a power cut. */
function stateAfter(base: SimFlash, op: (journal: RunJournal) => void): State {
  const flash = copyOf(base);
  op(mounted(flash));
  return stateOf(flash);
}

/**
 * Cuts the power at every byte op writes (each position with its own seed). After each cut a
 * fresh mount must see exactly one of the allowed states, and the journal must go on working:
 * the next boot, a run begun and ended, all read back by another mount. Returns the bytes op wrote.
 */
function cutAtEveryByte(base: SimFlash, op: (journal: RunJournal) => void, allowed: State[]): number {
  const seen = new Set<number>();
  for (let budget = 0; ; budget++) {
    const flash = copyOf(base);
    const journal = mounted(flash);
    flash.cutPowerAfterBytes(budget);
    try {
      op(journal);
    } catch (error) {
      if (!(error instanceof PowerCut)) throw error;
      flash.restorePower();
      const state = stateOf(flash);
      const index = allowed.findIndex((s) => same(s, state));
      assert.ok(index >= 0, `cut after ${budget} B: ${JSON.stringify(state)}`);
      seen.add(index);
      keepsWorking(flash, state, `cut after ${budget} B`);
      continue;
    }
    // Cut states short of the last; a torn last byte that got all its bits may also reach the last.
    for (let i = 0; i < allowed.length - 1; i++) assert.ok(seen.has(i), `state ${i} never seen`);
    return budget;
  }
}

function keepsWorking(flash: SimFlash, state: State, what: string): void {
  const journal = mounted(flash);
  if (journal.needsErase) journal.eraseAhead();
  // eraseAhead may have dropped records that an interrupted erase left readable.
  const kept = journal.runs(1000);
  const newest = kept[0];
  const open = newest !== undefined && newest.outcome === RunOutcome.open ? newest : null;
  const interrupted = journal.recordBoot(7);
  const expectedInterrupted = open === null ? null : { ...open, outcome: RunOutcome.interrupted };
  assert.ok(same(interrupted, expectedInterrupted), `${what}: recordBoot gave ${JSON.stringify(interrupted)}`);
  const erases = flash.erases;
  const runId = journal.beginRun('after-the-cut', 0xc0ffee, 42);
  assert.ok(runId > Math.max(0, ...state.runs.map((r) => r.runId)), `${what}: runId ${runId}`);
  assert.ok(journal.endRun(runId, RunOutcome.completed, 0, 4242, 12.5), what);
  assert.is(flash.erases, erases, `${what}: beginRun/endRun erased`);
  const again = mounted(flash);
  assert.is(again.bootCount, state.bootCount + 1, what);
  const expected = [
    run({ runId, bootCount: state.bootCount + 1, programName: 'after-the-cut', programHash: 0xc0ffee, startMs: 42, outcome: RunOutcome.completed, endMs: 4242, peakMPa: 12.5 }),
    ...kept.map((r) => (r === open ? { ...r, outcome: RunOutcome.interrupted } : r)),
  ];
  assert.ok(same(again.runs(1000), expected), `${what}: after more records ${JSON.stringify(again.runs(1000))}`);
}

/** A journal with two boots, three ended runs and, if asked, an open one. */
function journalWithHistory(withOpenRun: boolean): { flash: SimFlash; openRunId: number } {
  const flash = blankFlash();
  let journal = mounted(flash);
  journal.recordBoot(1);
  const a = journal.beginRun('li6ps5cl-three-layer', 0x1234abcd, 1_000);
  journal.endRun(a, RunOutcome.completed, 0, 250_000, 301.5);
  const b = journal.beginRun('pellet-13mm', 7, 300_000);
  journal.endRun(b, RunOutcome.aborted, 0, 310_000, 44.25);
  journal = mounted(flash);
  journal.recordBoot(2);
  const c = journal.beginRun('kbr.window', 99, 5_000);
  journal.endRun(c, RunOutcome.fault, 101, 6_000, 512);
  const openRunId = withOpenRun ? journal.beginRun('left_open', 0xffffffff, 9_000) : 0;
  return { flash, openRunId };
}

/** Where the head block's write position is, for a journal that has not wrapped yet. */
function headRoom(flash: SimFlash): { block: number; room: number } {
  let last = -1;
  for (let at = FIRST * BLOCK; at < (FIRST + COUNT) * BLOCK; at++) if (flash.bytes[at] !== 0xff) last = at;
  const block = Math.floor(last / BLOCK);
  const used = last + 1 - block * BLOCK;
  return { block, room: BLOCK - Math.ceil(used / 4) * 4 };
}

// ---- round trip ----

test('round trip: boots and runs come back newest first with every field, names up to 32 characters', () => {
  const flash = blankFlash();
  let journal = mounted(flash);
  assert.is(journal.bootCount, 0);
  assert.is(journal.resetReasonAtBoot, 0);
  assert.is(journal.recordBoot(1), null);
  assert.is(journal.bootCount, 1);
  assert.is(journal.resetReasonAtBoot, 1);
  const longName = 'Aa0._-'.repeat(5) + 'zZ';
  assert.is(longName.length, 32);
  const a = journal.beginRun('li6ps5cl-three-layer', 0xdeadbeef, 12_345);
  assert.ok(journal.endRun(a, RunOutcome.completed, 0, 98_765, 312.5));
  const b = journal.beginRun(longName, 0, 100_000);
  assert.ok(journal.endRun(b, RunOutcome.aborted, 0, 100_500, 0.1));
  assert.equal([a, b], [1, 2]);

  journal = mounted(flash);
  assert.is(journal.bootCount, 1);
  assert.is(journal.recordBoot(3), null);
  assert.is(journal.bootCount, 2);
  assert.is(journal.resetReasonAtBoot, 3);
  const c = journal.beginRun('x', 1, 5_000_000_000);
  assert.ok(journal.endRun(c, RunOutcome.fault, 0xffff, 5_000_001_234, -2.5));
  const d = journal.beginRun('still-running', 77, 6_000_000_000);
  assert.equal([c, d], [3, 4]);

  journal = mounted(flash);
  assert.is(journal.bootCount, 2);
  assert.is(journal.resetReasonAtBoot, 3);
  const expected = [
    run({ runId: 4, bootCount: 2, programName: 'still-running', programHash: 77, startMs: 6_000_000_000 }),
    run({ runId: 3, bootCount: 2, programName: 'x', programHash: 1, startMs: 5_000_000_000, outcome: RunOutcome.fault, faultCode: 0xffff, endMs: 5_000_001_234, peakMPa: -2.5 }),
    run({ runId: 2, bootCount: 1, programName: longName, programHash: 0, startMs: 100_000, outcome: RunOutcome.aborted, endMs: 100_500, peakMPa: Math.fround(0.1) }),
    run({ runId: 1, bootCount: 1, programName: 'li6ps5cl-three-layer', programHash: 0xdeadbeef, startMs: 12_345, outcome: RunOutcome.completed, endMs: 98_765, peakMPa: 312.5 }),
  ];
  assert.equal(journal.runs(10), expected);
  assert.equal(journal.runs(2), expected.slice(0, 2));
  assert.equal(journal.runs(0), []);
  assert.ok(foreignBlocksUntouched(flash));
});

test('names: 33 characters, empty and non-ASCII names are refused; nothing is written', () => {
  const flash = blankFlash();
  const journal = mounted(flash);
  const written = flash.bytesWritten;
  assert.throws(() => journal.beginRun('a'.repeat(33), 0, 0), /name/);
  assert.throws(() => journal.beginRun('', 0, 0), /name/);
  assert.throws(() => journal.beginRun('pressé', 0, 0), /ASCII/);
  assert.is(flash.bytesWritten, written);
  assert.is(journal.endRun(1, RunOutcome.completed, 0, 0, 0), false, 'no run 1 yet');
  assert.is(journal.beginRun('ok', 0, 0), 1);
});

test('a journal must be mounted before it is written', () => {
  const journal = new RunJournal(blankFlash(), FIRST, COUNT);
  assert.throws(() => journal.recordBoot(0), /mount/);
  assert.throws(() => journal.beginRun('a', 0, 0), /mount/);
});

// ---- interrupted ----

test('interrupted: a run begun and never ended is reported once, by the next recordBoot', () => {
  const flash = blankFlash();
  let journal = mounted(flash);
  journal.recordBoot(0);
  const runId = journal.beginRun('maintain-3-days', 0xabcdef01, 777);
  // Power lost here: no endRun.
  journal = mounted(flash);
  const interrupted = journal.recordBoot(2);
  const expected = run({ runId, bootCount: 1, programName: 'maintain-3-days', programHash: 0xabcdef01, startMs: 777, outcome: RunOutcome.interrupted });
  assert.equal(interrupted, expected);
  assert.equal(journal.runs(5), [expected]);
  assert.is(journal.recordBoot(0), null, 'same session');
  journal = mounted(flash);
  assert.equal(journal.runs(5), [expected]);
  assert.is(journal.recordBoot(0), null, 'next boot');
  assert.is(journal.bootCount, 4);
  assert.is(journal.beginRun('next', 0, 0), runId + 1);
});

// ---- power cuts ----

test('power cut at every byte of beginRun: the run is wholly there or absent, older records intact', () => {
  const { flash: base } = journalWithHistory(false);
  const op = (j: RunJournal) => j.beginRun('cut-during-begin', 0x5eed, 1234);
  const bytes = cutAtEveryByte(base, op, [stateOf(base), stateAfter(base, op)]);
  assert.is(bytes, 52);
});

test('power cut at every byte of endRun', () => {
  const { flash: base, openRunId } = journalWithHistory(true);
  const op = (j: RunJournal) => j.endRun(openRunId, RunOutcome.completed, 0, 20_000, 199.5);
  const bytes = cutAtEveryByte(base, op, [stateOf(base), stateAfter(base, op)]);
  assert.is(bytes, 36);
});

test('power cut at every byte of recordBoot, with and without a run to mark interrupted', () => {
  const { flash: withOpen, openRunId } = journalWithHistory(true);
  const boot = (j: RunJournal) => j.recordBoot(5);
  const endOnly = (j: RunJournal) => j.endRun(openRunId, RunOutcome.interrupted, 0, 0, NaN);
  const first = cutAtEveryByte(withOpen, boot, [stateOf(withOpen), stateAfter(withOpen, endOnly), stateAfter(withOpen, boot)]);
  assert.is(first, 36 + 24);

  const { flash: closed } = journalWithHistory(false);
  const second = cutAtEveryByte(closed, boot, [stateOf(closed), stateAfter(closed, boot)]);
  assert.is(second, 24);
});

test('power cut at every byte of a record that starts a new block', () => {
  const { flash: base } = journalWithHistory(false);
  const journal = mounted(base);
  let n = 0;
  while (headRoom(base).room >= 128) {
    const id = journal.beginRun(`fill-${n++}`, n, n);
    journal.endRun(id, RunOutcome.completed, 0, n + 1, 1);
  }
  while (headRoom(base).room >= 24) journal.recordBoot(0);
  const before = headRoom(base).block;
  const op = (j: RunJournal) => j.beginRun('first-in-block', 1, 2);
  const after = stateAfter(base, op);
  cutAtEveryByte(base, op, [stateOf(base), after]);
  const check = copyOf(base);
  op(mounted(check));
  assert.is(headRoom(check).block, before + 1);
});

test('a second power cut in the records written after a torn one', () => {
  const { flash: base } = journalWithHistory(false);
  const torn = copyOf(base);
  torn.cutPowerAfterBytes(30);
  assert.throws(() => mounted(torn).beginRun('torn-one', 1, 1), (e: unknown) => e instanceof PowerCut);
  torn.restorePower();
  const op = (j: RunJournal) => {
    const id = j.beginRun('after-torn', 2, 2);
    j.endRun(id, RunOutcome.completed, 0, 3, 4);
  };
  cutAtEveryByte(torn, op, [stateOf(base), stateAfter(torn, (j) => j.beginRun('after-torn', 2, 2)), stateAfter(torn, op)]);
});

test('power cut during the erase of eraseAhead: records outside that block intact, inside it wholly there or gone', () => {
  const recording = new RecordingFlash(blankFlash());
  const journal = mounted(recording);
  journal.recordBoot(1);
  const blockOfRecord = new Map<string, number>();
  const lastBlock = () => Math.floor(recording.writes[recording.writes.length - 1].offset / BLOCK) - FIRST;
  let i = 0;
  while (!journal.needsErase) {
    const id = journal.beginRun(`run-${i}`, i, i * 10);
    blockOfRecord.set(`start ${id}`, lastBlock());
    journal.endRun(id, RunOutcome.completed, 0, i * 10 + 5, i);
    blockOfRecord.set(`end ${id}`, lastBlock());
    i++;
  }
  const base = recording.inner;
  const before = stateOf(base);
  assert.is(headRoom(base).block, FIRST + COUNT - 1, 'head in the last block; the first holds the oldest records');
  let survivors = 0;
  for (let seed = 0; seed < 60; seed++) {
    const flash = copyOf(base);
    const j = mounted(flash);
    flash.cutPowerAfterBytes(0, seed);
    assert.throws(() => j.eraseAhead(), (e: unknown) => e instanceof PowerCut);
    flash.restorePower();
    const state = stateOf(flash);
    assert.is(state.bootCount, before.bootCount);
    const byId = new Map(state.runs.map((r) => [r.runId, r]));
    for (const old of before.runs) {
      const now = byId.get(old.runId);
      const startInErased = blockOfRecord.get(`start ${old.runId}`) === 0;
      const endInErased = blockOfRecord.get(`end ${old.runId}`) === 0;
      if (!startInErased && !endInErased) assert.equal(now, old);
      else if (now !== undefined) {
        survivors++;
        const endLost = { ...old, outcome: RunOutcome.open, faultCode: 0, endMs: 0, peakMPa: NaN };
        assert.ok(same(now, old) || (endInErased && same(now, endLost)), JSON.stringify(now));
      }
    }
    assert.is(state.runs.length, byId.size);
    assert.ok(state.runs.every((r) => before.runs.some((o) => o.runId === r.runId)));
    keepsWorking(flash, state, `erase cut, seed ${seed}`);
  }
  assert.ok(survivors > 0, 'some cut left records of the erased block readable');
});

// ---- bit flips ----

test('a flipped bit in any committed record rejects that record only (property)', () => {
  const recording = new RecordingFlash(blankFlash());
  let journal = mounted(recording);
  const records: { offset: number; length: number; kind: 'boot' | 'start' | 'end'; runId: number }[] = [];
  const note = (kind: 'boot' | 'start' | 'end', runId: number) => {
    const { offset, length } = recording.writes[recording.writes.length - 1];
    records.push({ offset, length, kind, runId });
  };
  for (let boot = 1; boot <= 3; boot++) {
    journal = mounted(recording);
    journal.recordBoot(boot);
    note('boot', 0);
    for (let k = 0; k < 3; k++) {
      const id = journal.beginRun(`prog-${boot}-${k}`, boot * 100 + k, k * 1000);
      note('start', id);
      journal.endRun(id, 1 + (k % 3), k === 2 ? 204 : 0, k * 1000 + 500, 10 * k + 0.5);
      note('end', id);
    }
  }
  const base = recording.inner;
  const before = stateOf(base);
  const lastRunId = before.runs[0].runId;
  assert.is(records.length, 3 * 7);

  fc.assert(
    fc.property(fc.nat(records.length - 1), fc.nat(), fc.nat(7), (index, byteSeed, bit) => {
      const record = records[index];
      const flash = copyOf(base);
      flash.flipBit(record.offset + (byteSeed % record.length), bit);
      const state = stateOf(flash);
      let expected = before.runs;
      if (record.kind === 'start') expected = before.runs.filter((r) => r.runId !== record.runId);
      if (record.kind === 'end') expected = before.runs.map((r) => (r.runId === record.runId ? { ...r, outcome: RunOutcome.open, faultCode: 0, endMs: 0, peakMPa: NaN } : r));
      if (!same(state.runs, expected)) throw new Error(`${record.kind} ${record.runId}: ${JSON.stringify(state.runs)}`);
      if (state.bootCount !== before.bootCount) throw new Error(`bootCount ${state.bootCount}`);
      const again = mounted(flash);
      const id = again.beginRun('after-flip', 0, 0);
      if (id !== lastRunId + 1) throw new Error(`runId ${id} after ${lastRunId}`);
      return again.endRun(id, RunOutcome.completed, 0, 1, 1) && mounted(flash).runs(1)[0].programName === 'after-flip';
    }),
    { numRuns: 600, seed: 20260214 },
  );
});

// ---- the ring ----

test('ring: far past capacity with eraseAhead; runIds increase, bootCount never goes back, beginRun/endRun never erase', () => {
  const flash = blankFlash();
  let journal = mounted(flash);
  let boots = 0;
  let lastRunId = 0;
  let openRun: JournalRun | null = null;
  const model = new Map<number, JournalRun>();
  for (let i = 0; i < 1500; i++) {
    if (i % 25 === 0) {
      journal = mounted(flash);
      assert.is(journal.bootCount, boots);
      const interrupted = journal.recordBoot(i % 5);
      boots++;
      assert.equal(interrupted, openRun === null ? null : { ...openRun, outcome: RunOutcome.interrupted });
      if (openRun !== null) model.set(openRun.runId, { ...openRun, outcome: RunOutcome.interrupted });
      openRun = null;
    }
    if (journal.needsErase) journal.eraseAhead();
    const erases = flash.erases;
    const name = `ring-${i}`.padEnd(8 + (i % 25), '.');
    const runId = journal.beginRun(name, i, i * 100);
    assert.ok(runId > lastRunId, `run ${i}: ${runId} after ${lastRunId}`);
    lastRunId = runId;
    const started = run({ runId, bootCount: boots, programName: name, programHash: i, startMs: i * 100 });
    if (i % 25 === 24) {
      openRun = started;
    } else {
      assert.ok(journal.endRun(runId, RunOutcome.completed, 0, i * 100 + 50, i % 300));
      model.set(runId, { ...started, outcome: RunOutcome.completed, endMs: i * 100 + 50, peakMPa: i % 300 });
    }
    assert.is(flash.erases, erases, `run ${i}: beginRun/endRun erased`);
  }
  assert.ok(flash.erases > 10, `the ring wrapped (${flash.erases} erases)`);
  journal = mounted(flash);
  assert.is(journal.bootCount, boots);
  const runs = journal.runs(10_000);
  assert.ok(runs.length > 70 && runs.length < 200, `${runs.length} runs kept`);
  assert.is(runs[0].runId, lastRunId);
  for (let k = 0; k < runs.length; k++) {
    if (k > 0) assert.is(runs[k].runId, runs[k - 1].runId - 1, 'kept runs are the newest, without gaps');
    const expected = runs[k].runId === lastRunId ? openRun : model.get(runs[k].runId);
    assert.equal(runs[k], expected);
  }
  assert.ok(foreignBlocksUntouched(flash));
});

test('ring: without eraseAhead appends fail, nothing is erased, and eraseAhead makes room again', () => {
  const flash = blankFlash();
  const journal = mounted(flash);
  journal.recordBoot(0);
  let runId = 0;
  let count = 0;
  let full = false;
  while (!full && count < 1000) {
    const id = journal.beginRun('fill', 0, 0);
    if (id < 0) break;
    runId = id;
    count++;
    full = !journal.endRun(id, RunOutcome.completed, 0, 1, 1);
  }
  assert.ok(count < 1000, 'appends must fail once the ring is full');
  assert.is(flash.erases, 0);
  assert.ok(journal.needsErase);
  assert.ok(count > 3 * 50, `${count} runs in ${COUNT} blocks`);
  assert.is(journal.beginRun('fill', 0, 0), -1);
  assert.is(flash.erases, 0);
  // The next boot makes its own room.
  const rebooted = copyOf(flash);
  const afterBoot = mounted(rebooted);
  afterBoot.recordBoot(0);
  assert.is(rebooted.erases, 1);
  assert.is(afterBoot.beginRun('after-boot', 0, 0), runId + 1);
  journal.eraseAhead();
  assert.is(flash.erases, 1);
  assert.not.ok(journal.needsErase);
  journal.eraseAhead();
  assert.is(flash.erases, 1, 'nothing to erase while the next block is erased');
  const next = journal.beginRun('after-erase', 0, 0);
  assert.is(next, runId + 1);
  assert.ok(journal.endRun(next, RunOutcome.completed, 0, 1, 1));
  assert.is(mounted(flash).runs(1)[0].runId, next);
});

test('counters continue when the only surviving record is a RUN_END, or a BOOT', () => {
  const recording = new RecordingFlash(blankFlash());
  const journal = mounted(recording);
  for (let b = 0; b < 4; b++) journal.recordBoot(0);
  let id = 0;
  for (let k = 0; k < 9; k++) id = journal.beginRun('p', 0, 0);
  journal.endRun(id, RunOutcome.completed, 0, 1, 1);
  const end = recording.writes[recording.writes.length - 1];
  journal.recordBoot(6);
  const boot = recording.writes[recording.writes.length - 1];
  // Only that record left, at the start of the journal's last block: everything older aged out.
  const onlyRecord = (record: { offset: number; length: number }) => {
    const flash = blankFlash();
    flash.write((FIRST + COUNT - 1) * BLOCK, recording.inner.read(record.offset, record.length));
    return mounted(flash);
  };
  const afterEnd = onlyRecord(end);
  assert.is(afterEnd.bootCount, 4);
  assert.equal(afterEnd.runs(10), [], 'no start record, no run');
  assert.is(afterEnd.recordBoot(0), null);
  assert.is(afterEnd.bootCount, 5);
  assert.is(afterEnd.beginRun('p', 0, 0), id + 1);
  const afterBoot = onlyRecord(boot);
  assert.is(afterBoot.bootCount, 5);
  assert.is(afterBoot.resetReasonAtBoot, 6);
  assert.is(afterBoot.beginRun('p', 0, 0), id + 1);
});

test('mount erases a block of garbage with no valid record and leaves the rest', () => {
  const { flash } = journalWithHistory(false);
  const before = stateOf(flash);
  const garbageBlock = FIRST + COUNT - 1;
  flash.write(garbageBlock * BLOCK + 100, new Uint8Array([0x52, 0x4a, 2, 36, 0, 0, 0, 0x12]));
  const erases = flash.erases;
  const journal = mounted(flash);
  assert.is(flash.erases, erases + 1);
  assert.ok(flash.bytes.subarray(garbageBlock * BLOCK, (garbageBlock + 1) * BLOCK).every((b) => b === 0xff));
  assert.equal(journal.runs(100), before.runs);
});

// ---- construction ----

test('constructor errors name the problem', () => {
  const flash = blankFlash();
  assert.throws(() => new RunJournal(flash, 0, 1), /blockCount 1 /);
  assert.throws(() => new RunJournal(flash, 0, 2.5), /blockCount 2\.5 /);
  assert.throws(() => new RunJournal(flash, 4, 2), /blocks 4\.\.5 are outside the partition's blocks 0\.\.4/);
  assert.throws(() => new RunJournal(flash, -1, 3), /blocks -1\.\.1 are outside/);
  assert.throws(() => new RunJournal(new SimFlash(4 * 64, 64), 0, 2), /64 B blocks are too small/);
  new RunJournal(flash, 3, 2).mount();
});

test('SimFlash: a cut write tears only the byte in flight; the power stays off until restored', () => {
  const flash = new SimFlash(2 * BLOCK, BLOCK);
  flash.cutPowerAfterBytes(2, 9);
  assert.throws(() => flash.write(10, new Uint8Array([0, 0, 0, 0])), (e: unknown) => e instanceof PowerCut);
  assert.equal([...flash.bytes.subarray(10, 14)].slice(0, 2), [0, 0]);
  assert.is(flash.bytes[13], 0xff);
  assert.is(flash.bytesWritten, 2);
  assert.throws(() => flash.write(20, new Uint8Array([0])), (e: unknown) => e instanceof PowerCut);
  assert.throws(() => flash.eraseBlock(0), (e: unknown) => e instanceof PowerCut);
  flash.restorePower();
  flash.write(20, new Uint8Array([0x0f]));
  flash.flipBit(20, 7);
  assert.is(flash.bytes[20], 0x8f);
  flash.write(0, new Uint8Array(BLOCK));
  flash.cutPowerAfterBytes(0, 3);
  assert.throws(() => flash.eraseBlock(0), (e: unknown) => e instanceof PowerCut);
  assert.is(flash.erases, 1);
  assert.ok(flash.bytes.subarray(0, BLOCK).some((b) => b !== 0xff), 'an interrupted erase leaves old bytes');
});

test('property: samples come back within their record\'s range / 131070, in order, with their step, state and times', () => {
  fc.assert(
    fc.property(fc.array(fc.float({ min: -50, max: 2000, noNaN: true }), { minLength: 1, maxLength: 128 }), fc.nat(255), fc.nat(6), (values, step, state) => {
      const journal = mounted(blankFlash());
      const runId = journal.beginRun('p', 1, 0);
      const ring = new Float32Array(512);
      const from = 300;
      values.forEach((v, i) => (ring[(from + i) % ring.length] = v));
      assert.ok(journal.appendSamples(Object.assign(new SampleBatch(ring, ring), { targetMPa: 100, kNPerMPa: 0.0785, runId: runId, startMs: 1000, intervalMs: 100, step: step, state: state, from: from, count: values.length } satisfies Partial<SampleBatch>)));
      const segment = (journal.runLog(runId) as NonNullable<ReturnType<RunJournal['runLog']>>).segments[0];
      assert.is(segment.step, step);
      assert.is(segment.state, state);
      assert.is(segment.startMs, 1000);
      assert.is(segment.intervalMs, 100);
      const range = Math.max(...values) - Math.min(...values);
      values.forEach((v, i) => {
        const error = Math.abs(segment.pressuresMPa[i] - v);
        assert.ok(error <= range / 131070 + 1e-6 * (1 + Math.abs(v)), `sample ${i}: ${v} came back as ${segment.pressuresMPa[i]}`);
      });
    }),
    { numRuns: 300, seed: 3 },
  );
});

// ---- step summaries: the tolerance verdict, and the first form of the record ----

function summary(fields: Partial<StepSummary>): StepSummary {
  return Object.assign(new StepSummary(), { runId: 1, step: 0, kind: 2, targetMPa: 25, reachedMPa: 24.9, peakMPa: 25.6, holdErrorP99MPa: 0.41, startS: 120, durationS: 600 }, fields);
}

test('step summaries round-trip their tolerance verdict and share in band; a run outside tolerance keeps its outcome', () => {
  const flash = blankFlash();
  let journal = mounted(flash);
  journal.recordBoot(1);
  const runId = journal.beginRun('li-llzo-assembly', 0x1234, 1000);
  assert.ok(journal.endRun(runId, RunOutcome.completedOutsideTolerance, 0, 700_000, 60.2));
  assert.ok(journal.appendStep(summary({ runId, step: 3, kind: 6, tolerance: 0b101, inBandPermille: 813 })));
  assert.ok(journal.appendStep(summary({ runId, step: 1, kind: 2, tolerance: 1, inBandPermille: 1000 })));
  assert.ok(journal.appendStep(summary({ runId, step: 4, kind: 3, holdErrorP99MPa: NaN })));
  journal = mounted(flash);
  assert.is(journal.runs(1)[0].outcome, RunOutcome.completedOutsideTolerance);
  const steps = journal.runLog(runId)!.steps;
  assert.equal(steps.map((s) => [s.step, s.kind, s.tolerance, s.inBandPermille]), [[3, 6, 0b101, 813], [1, 2, 1, 1000], [4, 3, 0, NaN]]);
  assert.is(steps[0].holdErrorP99MPa, Math.fround(0.41));
  assert.is(steps[0].durationS, 600);
});

test('a STEP record of the first form (48 B, no verdict) is still read: not judged, no share in band', () => {
  const flash = blankFlash();
  // As the firmware wrote it before steps had a verdict: seq 1, boot 1, run 7, step 2 a hold.
  const record = new Uint8Array(48);
  const view = new DataView(record.buffer);
  record.set([0x52, 0x4a, 5, 48 / 4]);
  view.setUint32(4, 1, true);
  view.setUint32(8, 1, true);
  view.setUint32(12, 7, true);
  view.setUint16(16, 2, true);
  record[18] = 2;
  [300, 299.8, 301.2, 0.72, 40.5, 122.3].forEach((value, k) => view.setFloat32(20 + 4 * k, value, true));
  view.setUint32(44, crc32(record, 0, 44), true);
  flash.write(FIRST * BLOCK, record);
  const journal = mounted(flash);
  assert.is(journal.blocksDamaged, 0);
  const steps = journal.runLog(7)!.steps;
  assert.is(steps.length, 1);
  const step = steps[0];
  assert.equal([step.step, step.kind, step.tolerance, step.inBandPermille], [2, 2, 0, NaN]);
  assert.equal([step.targetMPa, step.reachedMPa, step.peakMPa, step.holdErrorP99MPa, step.startS, step.durationS], [300, 299.8, 301.2, 0.72, 40.5, 122.3].map(Math.fround));
  // New records go after it, in the new form, and both are read.
  journal.recordBoot(1);
  assert.ok(journal.appendStep(summary({ runId: 7, step: 3, tolerance: 1, inBandPermille: 999 })));
  assert.equal(mounted(flash).runLog(7)!.steps.map((s) => [s.step, s.tolerance, s.inBandPermille]), [[2, 0, NaN], [3, 1, 999]]);
});


// ---- samples with setpoint, target and force; the first form of SAMPLES; run headers; damage ----

/** A record as the firmware frames it: header (seq 1, boot 1, `runId`), payload written by `fill`, CRC. */
function handRecord(type: number, length: number, runId: number, fill: (record: Uint8Array, view: DataView) => void): Uint8Array {
  const record = new Uint8Array(length);
  const view = new DataView(record.buffer);
  record.set([0x52, 0x4a, type, length / 4]);
  view.setUint32(4, 1, true);
  view.setUint32(8, 1, true);
  view.setUint32(12, runId, true);
  fill(record, view);
  view.setUint32(length - 4, crc32(record, 0, length - 4), true);
  return record;
}

test('a SAMPLES record keeps each sample\'s setpoint, and the segment\'s target and force per pressure', () => {
  const flash = blankFlash();
  let journal = mounted(flash);
  const runId = journal.beginRun('p', 1, 0);
  const pressures = new Float32Array([0, 50.5, 101, 150.25]);
  const setpoints = new Float32Array([2, 52, 102, 152]);
  assert.ok(journal.appendSamples(Object.assign(new SampleBatch(pressures, setpoints), { runId, startMs: 10, intervalMs: 100, step: 1, state: 1, targetMPa: 300, kNPerMPa: 0.0785, from: 0, count: 4 } satisfies Partial<SampleBatch>)));
  journal = mounted(flash);
  const log = journal.runLog(runId)!;
  assert.equal(log.damaged, []);
  const segment = log.segments[0];
  assert.is(segment.targetMPa, 300);
  assert.is(segment.kNPerMPa, Math.fround(0.0785));
  [...setpoints].forEach((v, i) => assert.ok(Math.abs((segment.setpointsMPa as Float64Array)[i] - v) <= 150 / 131070 + 1e-6, `setpoint ${i}: ${v} came back as ${segment.setpointsMPa![i]}`));
  [...pressures].forEach((v, i) => assert.ok(Math.abs(segment.pressuresMPa[i] - v) <= 150.25 / 131070 + 1e-6, `pressure ${i}`));
});

test('a SAMPLES record of the first form (pressure only, up to 256) is still read: no setpoint, target or force', () => {
  const flash = blankFlash();
  // As earlier firmware wrote it: type 4, 3 samples of 10, 20, 30 MPa, step 2, state RUNNING.
  const record = handRecord(4, 56, 7, (bytes, view) => {
    view.setFloat64(16, 5000, true);
    view.setFloat32(24, 100, true);
    view.setFloat32(28, 10, true);
    view.setFloat32(32, 20 / 65535, true);
    view.setFloat32(36, 30, true);
    bytes[40] = 2;
    bytes[41] = 1;
    view.setUint16(42, 3, true);
    [0, 32768, 65535].forEach((code, k) => view.setUint16(44 + 2 * k, code, true));
  });
  flash.write(FIRST * BLOCK, record);
  const journal = mounted(flash);
  assert.is(journal.blocksDamaged, 0);
  const log = journal.runLog(7)!;
  assert.equal(log.damaged, []);
  const segment = log.segments[0];
  assert.equal([segment.step, segment.state, segment.startMs, segment.intervalMs, segment.setpointsMPa, segment.targetMPa, segment.kNPerMPa], [2, 1, 5000, 100, null, NaN, NaN]);
  assert.equal([...segment.pressuresMPa].map((v) => Math.round(v * 1000) / 1000), [10, 20, 30]);
  // A first-form record of 256 samples is within its own limit (a new-form one stops at 128).
  const long = handRecord(4, 44 + 512 + 4, 8, (bytes, view) => {
    view.setFloat32(24, 100, true);
    view.setUint16(42, 256, true);
  });
  flash.write(FIRST * BLOCK + 56, long);
  assert.is(mounted(flash).runLog(8)!.segments[0].pressuresMPa.length, 256);
});

test('a SAMPLES record whose CRC holds but whose figures make no sense is reported in the log, not read', () => {
  const flash = blankFlash();
  const journal = mounted(flash);
  const runId = journal.beginRun('p', 1, 0);
  const values = new Float32Array([1, 2]);
  const batch = Object.assign(new SampleBatch(values, values), { runId, startMs: 10, intervalMs: 100, step: 0, state: 1, targetMPa: 5, kNPerMPa: 0.0785, from: 0, count: 2 } satisfies Partial<SampleBatch>);
  assert.ok(journal.appendSamples(batch));
  assert.ok(journal.appendSamples(Object.assign(batch, { intervalMs: NaN })));
  assert.ok(journal.appendSamples(Object.assign(batch, { intervalMs: 100, kNPerMPa: -1 })));
  const log = mounted(flash).runLog(runId)!;
  assert.is(log.segments.length, 1);
  assert.equal(log.damaged.map((text) => text.replace(/ \(block \d+ at \d+\)/, '')), ['SAMPLES record: interval NaN ms', 'SAMPLES record: -1 kN per MPa']);
});

test('a run header round-trips; earlier runs have none; a header with a damaged firmware version is reported', () => {
  const flash = blankFlash();
  let journal = mounted(flash);
  const old = journal.beginRun('before-headers', 2, 0);
  const header = Object.assign(new RunHeaderFields(), { dieAreaMm2: 78.54, calibrationDateS: 1_790_000_000, tareCounts: -1234.5, kNPerCount: 1.25e-5, calibrationReference: 'HBM C6A 50 kN, DAkkS cert. 4711 – Ü', calibrationWorstErrorPercent: 0.21, firmwareVersion: '0.1.0', startedAtS: 1_796_600_000 });
  const runId = journal.beginRun('with-header', 3, 100, header);
  assert.throws(() => journal.beginRun('x', 4, 200, Object.assign(new RunHeaderFields(), { ...header, firmwareVersion: 'version 1' })), /firmware version "version 1" is not printable ASCII/);
  journal = mounted(flash);
  assert.is(journal.runLog(old)!.header, null);
  assert.equal(journal.runLog(runId)!.header, { dieAreaMm2: Math.fround(78.54), calibrationDateS: 1_790_000_000, tareCounts: -1234.5, kNPerCount: 1.25e-5, calibrationReference: 'HBM C6A 50 kN, DAkkS cert. 4711 – Ü', calibrationWorstErrorPercent: Math.fround(0.21), firmwareVersion: '0.1.0', startedAtS: 1_796_600_000 });
  assert.is(journal.runs(5).length, 2, 'the refused header wrote no run');
  // Valid CRC, a control character in the version: reported, not read.
  const bad = handRecord(8, 68, 9, (bytes, view) => {
    view.setFloat32(16, 78.54, true);
    view.setFloat64(40, 1e-5, true);
    bytes.set([0x30, 0x2e, 0x07, 0x31], 48);
  });
  flash.write(FIRST * BLOCK + 2048, bad);
  const log = mounted(flash).runLog(9)!;
  assert.is(log.header, null);
  assert.equal(log.damaged, [`RUN_HEADER record (block 0 at 2048): firmware version byte 2 is 0x07`]);
});

test('a run header of the first form (68 B, type 8) is read with no reference, worst error or start date; a reference that is not UTF-8 is reported', () => {
  const flash = blankFlash();
  mounted(flash).beginRun('first', 2, 0);
  const v1 = handRecord(8, 68, 1, (bytes, view) => {
    view.setFloat32(16, 78.54, true);
    view.setFloat64(24, 1_790_000_000, true);
    view.setFloat64(32, -12, true);
    view.setFloat64(40, 1e-5, true);
    bytes.set([0x30, 0x2e, 0x31], 48);
  });
  flash.write(FIRST * BLOCK + 2048, v1);
  assert.equal(mounted(flash).runLog(1)!.header, { dieAreaMm2: Math.fround(78.54), calibrationDateS: 1_790_000_000, tareCounts: -12, kNPerCount: 1e-5, calibrationReference: '', calibrationWorstErrorPercent: NaN, firmwareVersion: '0.1', startedAtS: NaN });
  // The second form with 3 reference bytes that are no UTF-8 (a lone continuation byte).
  const bad = handRecord(9, 88, 7, (bytes, view) => {
    view.setFloat32(16, 78.54, true);
    view.setUint16(20, 3, true);
    view.setFloat64(40, 1e-5, true);
    bytes.set([0x30, 0x2e, 0x31], 48);
    view.setFloat32(64, NaN, true);
    view.setFloat64(72, NaN, true);
    bytes.set([0x41, 0x80, 0x42], 80);
  });
  flash.write(FIRST * BLOCK + 3072, bad);
  const log = mounted(flash).runLog(7)!;
  assert.is(log.header, null);
  assert.equal(log.damaged, ['RUN_HEADER record (block 0 at 3072): the calibration reference is not UTF-8 text']);
  // A header whose declared length is not the one its reference length makes is no record at all.
  const torn = handRecord(9, 92, 8, (bytes, view) => {
    view.setFloat32(16, 78.54, true);
    view.setUint16(20, 3, true);
    view.setFloat64(40, 1e-5, true);
    bytes.set([0x30], 48);
  });
  flash.write(FIRST * BLOCK + 3584, torn);
  assert.is(mounted(flash).runLog(8), null);
});

test('a header with a reference of 64 four-byte characters (256 B) is written and read whole; 257 B are refused before anything is written', () => {
  const flash = blankFlash();
  const journal = mounted(flash);
  const reference = '😀'.repeat(64);
  const header = Object.assign(new RunHeaderFields(), { dieAreaMm2: 10, calibrationDateS: 1, tareCounts: 0, kNPerCount: 1e-5, calibrationReference: reference, firmwareVersion: 'v' });
  const runId = journal.beginRun('long-ref', 1, 0, header);
  assert.is(mounted(flash).runLog(runId)!.header!.calibrationReference, reference);
  assert.throws(() => journal.beginRun('x', 1, 0, Object.assign(new RunHeaderFields(), { ...header, calibrationReference: `${reference}a` })), /calibration reference is not text of at most 256 UTF-8 bytes/);
  assert.is(mounted(flash).runs(5).length, 1);
});

test.run();
