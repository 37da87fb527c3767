import { test } from 'uvu';
import * as assert from 'uvu/assert';
import fc from 'fast-check';
import { PowerCut, SimFlash } from '../../host-sim/hal/sim-flash';
import { MAX_VALUE_BYTES, ObjectStore, StoreFullError } from '../../src/store/object-store';

const BLOCK = 4096;
// The store sits inside the partition with a foreign block on each side, to catch offset slips.
const FIRST = 1;

function setup(blocks: number): { flash: SimFlash; store: ObjectStore } {
  const flash = new SimFlash((blocks + 2) * BLOCK, BLOCK);
  const store = new ObjectStore(flash, FIRST, blocks);
  store.mount();
  return { flash, store };
}

function remount(flash: SimFlash, blocks: number): ObjectStore {
  const store = new ObjectStore(flash, FIRST, blocks);
  store.mount();
  return store;
}

function bytesOf(seed: number, length: number): Uint8Array {
  const bytes = new Uint8Array(length);
  let x = seed * 2654435761 + 1;
  for (let i = 0; i < length; i++) {
    x = (x * 1103515245 + 12345) >>> 0;
    bytes[i] = x >>> 24;
  }
  return bytes;
}

function foreignBlocksUntouched(flash: SimFlash, blocks: number): boolean {
  return flash.bytes.subarray(0, FIRST * BLOCK).every((b) => b === 0xff) && flash.bytes.subarray((FIRST + blocks) * BLOCK).every((b) => b === 0xff);
}

test('put, get, replace, remove and keys survive a remount', () => {
  const { flash, store } = setup(24);
  store.put(1, 'alpha', bytesOf(1, 100));
  store.put(1, 'beta', bytesOf(2, MAX_VALUE_BYTES));
  store.put(2, 'alpha', bytesOf(3, 10));
  store.put(1, 'alpha', bytesOf(4, 5000));
  assert.ok(store.remove(1, 'beta'));
  assert.not.ok(store.remove(1, 'beta'), 'a second delete finds nothing');
  for (const s of [store, remount(flash, 24)]) {
    assert.equal(s.keys(1), ['alpha']);
    assert.equal(s.keys(2), ['alpha']);
    assert.equal(s.get(1, 'alpha'), bytesOf(4, 5000));
    assert.equal(s.get(2, 'alpha'), bytesOf(3, 10));
    assert.is(s.get(1, 'beta'), null);
  }
  assert.ok(foreignBlocksUntouched(flash, 24));
});

test('values over the limit and bad keys are refused with what is wrong', () => {
  const { store } = setup(24);
  assert.throws(() => store.put(1, 'x', new Uint8Array(MAX_VALUE_BYTES + 1)), /8449 B is over the 8448 B limit/);
  assert.throws(() => store.put(1, 'bad key', new Uint8Array(1)), /key "bad key" is not/);
  assert.throws(() => store.put(1, 'k'.repeat(33), new Uint8Array(1)), /is not 0..32 printable ASCII/);
  assert.throws(() => store.put(0, 'k', new Uint8Array(1)), /kind 0 is not 1..127/);
});

test('a full store refuses a value and keeps every other one', () => {
  const { flash, store } = setup(24);
  const stored: string[] = [];
  let refusal: unknown = null;
  for (let i = 0; i < 100; i++) {
    try {
      store.put(1, `p${i}`, bytesOf(i, 8000));
      stored.push(`p${i}`);
    } catch (error) {
      refusal = error;
      break;
    }
  }
  assert.instance(refusal, StoreFullError);
  assert.match(String(refusal), /flash full: "p\d+" needs \d+ B/);
  assert.ok(stored.length >= 3, `${stored.length} values of 8000 B in 24 blocks`);
  const again = remount(flash, 24);
  assert.equal(again.keys(1), stored);
  for (const key of stored) assert.equal(again.get(1, key), bytesOf(Number(key.slice(1)), 8000));
  // Deleting always works, and makes room.
  assert.ok(again.remove(1, stored[0]));
  again.put(1, 'late', bytesOf(99, 8000));
  assert.equal(remount(flash, 24).get(1, 'late'), bytesOf(99, 8000));
});

test('garbage collection spreads erases over every block of the ring', () => {
  const blocks = 16;
  const flash = new SimFlash((blocks + 2) * BLOCK, BLOCK);
  const erasesPerBlock = new Uint32Array(blocks + 2);
  const erase = flash.eraseBlock.bind(flash);
  flash.eraseBlock = (block: number) => {
    erasesPerBlock[block]++;
    erase(block);
  };
  const store = new ObjectStore(flash, FIRST, blocks);
  store.mount();
  store.put(1, 'constant', bytesOf(7, 3000));
  for (let i = 0; i < 400; i++) store.put(1, `busy${i % 3}`, bytesOf(i, 1500));
  const counts = [...erasesPerBlock.subarray(FIRST, FIRST + blocks)];
  assert.ok(Math.min(...counts) > 0, `every block erased: ${counts.join(' ')}`);
  assert.ok(Math.max(...counts) - Math.min(...counts) <= 1, `erases per block within one of each other: ${counts.join(' ')}`);
  assert.is(erasesPerBlock[0] + erasesPerBlock[blocks + 1], 0);
  const again = remount(flash, blocks);
  assert.equal(again.get(1, 'constant'), bytesOf(7, 3000), 'a value written once and never again moves with the ring');
  for (let k = 0; k < 3; k++) assert.equal(again.get(1, `busy${k}`), bytesOf(399 - ((399 - k) % 3), 1500));
});

test('a single flipped bit anywhere costs nothing: the other copy is read', () => {
  const blocks = 12;
  const { flash, store } = setup(blocks);
  store.put(1, 'a', bytesOf(1, 3000));
  store.put(1, 'b', bytesOf(2, 200));
  store.put(3, 'settings', bytesOf(3, 40));
  const image = flash.bytes.slice();
  const used = flash.bytes.findLastIndex((b) => b !== 0xff) + 1;
  for (let at = FIRST * BLOCK; at < used; at += 7) {
    flash.bytes.set(image);
    flash.flipBit(at, at % 8);
    const again = remount(flash, blocks);
    assert.equal(again.get(1, 'a'), bytesOf(1, 3000), `bit flipped at ${at}`);
    assert.equal(again.get(1, 'b'), bytesOf(2, 200), `bit flipped at ${at}`);
    assert.equal(again.get(3, 'settings'), bytesOf(3, 40), `bit flipped at ${at}`);
  }
});

test('a version with one damaged copy gets its second copy back at mount', () => {
  const blocks = 12;
  const { flash, store } = setup(blocks);
  store.put(1, 'a', bytesOf(1, 100));
  flash.flipBit(FIRST * BLOCK + 40, 3);
  const again = new ObjectStore(flash, FIRST, blocks);
  assert.is(again.mount().copiesRepaired, 1);
  // Both old copies damaged now: only the repaired one is left.
  flash.flipBit(FIRST * BLOCK + 200, 1);
  const third = new ObjectStore(flash, FIRST, blocks);
  assert.is(third.mount().copiesRepaired, 1);
  assert.equal(third.get(1, 'a'), bytesOf(1, 100));
});

test('an erase cut short cannot bring a deleted value back: the deletion moves with what is still in force', () => {
  const blocks = 12;
  const flash = new SimFlash((blocks + 2) * BLOCK, BLOCK);
  const store = remount(flash, blocks);
  store.put(1, 'gone', bytesOf(1, 100));
  const oldVersionEnd = flash.bytes.findLastIndex((b) => b !== 0xff) + 1;
  store.remove(1, 'gone');
  assert.ok(flash.bytes.findLastIndex((b) => b !== 0xff) < (FIRST + 1) * BLOCK, 'the old version and its deletion share the first block');
  // The erase of that block stops after clearing only its end, where the deletion is.
  const erase = flash.eraseBlock.bind(flash);
  let cut = false;
  flash.eraseBlock = (block: number) => {
    if (block !== FIRST || cut) return erase(block);
    cut = true;
    flash.bytes.fill(0xff, oldVersionEnd, (FIRST + 1) * BLOCK);
    throw new PowerCut('flash: power cut during the erase of block 1');
  };
  assert.throws(() => {
    for (let i = 0; i < 100; i++) store.put(1, 'filler', bytesOf(i, 3000));
  }, /power cut during the erase/);
  assert.ok(cut, 'garbage collection reached the first block');
  const again = remount(flash, blocks);
  assert.is(again.get(1, 'gone'), null);
  assert.equal(again.keys(1), ['filler']);
});

interface Op {
  kind: 'put' | 'remove' | 'remount';
  key: number;
  length: number;
  seed: number;
}

const opArbitrary: fc.Arbitrary<Op> = fc.record({
  kind: fc.constantFrom<Op['kind']>('put', 'put', 'put', 'remove', 'remount'),
  key: fc.integer({ min: 0, max: 11 }),
  length: fc.oneof(fc.integer({ min: 0, max: 300 }), fc.integer({ min: 0, max: MAX_VALUE_BYTES })),
  seed: fc.integer({ min: 1, max: 1_000_000 }),
});

test('property: any sequence of puts, deletes and remounts reads back as a map would, full store or not', () => {
  const blocks = 20;
  fc.assert(
    fc.property(fc.array(opArbitrary, { minLength: 1, maxLength: 60 }), (ops) => {
      const flash = new SimFlash((blocks + 2) * BLOCK, BLOCK);
      let store = remount(flash, blocks);
      const model = new Map<string, Uint8Array>();
      for (const op of ops) {
        const key = `k${op.key}`;
        if (op.kind === 'remount') store = remount(flash, blocks);
        else if (op.kind === 'remove') assert.is(store.remove(1, key), model.delete(key));
        else {
          const value = bytesOf(op.seed, op.length);
          try {
            store.put(1, key, value);
            model.set(key, value);
          } catch (error) {
            if (!(error instanceof StoreFullError)) throw error;
            assert.ok(store.liveBytes + 2 * 9000 > store.capacityBytes, 'refused only when near capacity');
          }
        }
        assert.ok(store.freeBytes >= 0);
      }
      const again = remount(flash, blocks);
      assert.equal(again.keys(1), [...model.keys()].sort());
      for (const [key, value] of model) assert.equal(again.get(1, key), value);
      assert.ok(foreignBlocksUntouched(flash, blocks));
    }),
    { numRuns: 150, seed: 42 },
  );
});

test('property: a power cut anywhere in a random sequence of puts and deletes (garbage collection included) leaves every key old or new, never lost or corrupt', () => {
  const blocks = 14;
  fc.assert(
    fc.property(fc.array(opArbitrary, { minLength: 1, maxLength: 40 }), fc.nat(60_000), fc.nat(), (ops, cutAfterBytes, damageSeed) => {
      const flash = new SimFlash((blocks + 2) * BLOCK, BLOCK);
      let store = remount(flash, blocks);
      const model = new Map<string, Uint8Array>();
      flash.cutPowerAfterBytes(cutAfterBytes, damageSeed);
      let interrupted: { key: string; before: Uint8Array | undefined; after: Uint8Array | undefined } | null = null;
      for (const op of ops) {
        const key = `k${op.key % 6}`;
        const before = model.get(key);
        try {
          if (op.kind === 'remount') store = remount(flash, blocks);
          else if (op.kind === 'remove') {
            model.delete(key);
            store.remove(1, key);
          } else {
            const value = bytesOf(op.seed, op.length % 3000);
            try {
              store.put(1, key, value);
              model.set(key, value);
            } catch (error) {
              if (!(error instanceof StoreFullError)) throw error;
            }
          }
        } catch (error) {
          if (!(error instanceof PowerCut)) throw error;
          interrupted = { key, before, after: op.kind === 'put' ? bytesOf(op.seed, op.length % 3000) : undefined };
          if (op.kind === 'put') model.set(key, interrupted.after as Uint8Array);
          break;
        }
      }
      flash.restorePower();
      const again = remount(flash, blocks);
      for (let k = 0; k < 6; k++) {
        const key = `k${k}`;
        const actual = again.get(1, key) ?? undefined;
        if (interrupted !== null && interrupted.key === key) {
          const old = interrupted.before;
          const ok = (actual === undefined && (old === undefined || interrupted.after === undefined)) || (actual !== undefined && ((old !== undefined && Buffer.compare(actual, old) === 0) || (interrupted.after !== undefined && Buffer.compare(actual, interrupted.after) === 0)));
          assert.ok(ok, `interrupted ${key}: neither its old nor its new value`);
        } else {
          assert.equal(actual, model.get(key), `${key} after the cut`);
        }
      }
      // And it goes on working.
      again.put(1, 'k9', bytesOf(5, 100));
      assert.equal(remount(flash, blocks).get(1, 'k9'), bytesOf(5, 100));
    }),
    { numRuns: 400, seed: 7 },
  );
});

test.run();
