import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { detExp, detLn, detSin } from '../../host-sim/physics/detmath';
import { SeededRandom } from '../../host-sim/physics/rng';

function ulpDistance(a: number, b: number): number {
  const buffer = new Float64Array([a, b]);
  const bits = new BigInt64Array(buffer.buffer);
  const d = bits[0] - bits[1];
  return Number(d < 0n ? -d : d);
}

test('detExp agrees with Math.exp within 2 ulp over the working range', () => {
  const random = new SeededRandom(7);
  let worst = 0;
  for (let i = 0; i < 20000; i++) {
    const x = (random.next() - 0.5) * 80;
    worst = Math.max(worst, ulpDistance(detExp(x), Math.exp(x)));
  }
  assert.ok(worst <= 2, `worst ${worst} ulp`);
  assert.is(detExp(0), 1);
  assert.is(detExp(-800), 0);
  assert.is(detExp(800), Infinity);
});

test('detLn agrees with Math.log within 2 ulp, including subnormals', () => {
  const random = new SeededRandom(8);
  let worst = 0;
  for (let i = 0; i < 20000; i++) {
    const x = detExp((random.next() - 0.5) * 1400) * (1 + random.next());
    if (x === 0 || x === Infinity) continue;
    worst = Math.max(worst, ulpDistance(detLn(x), Math.log(x)));
  }
  assert.ok(worst <= 2, `worst ${worst} ulp`);
  assert.is(detLn(1), 0);
  assert.ok(Math.abs(detLn(5e-324) - Math.log(5e-324)) < 1e-12);
  assert.ok(Number.isNaN(detLn(-1)));
  assert.is(detLn(0), -Infinity);
});

test('seeded noise: same seed same sequence, unit variance, zero mean', () => {
  const a = new SeededRandom(42);
  const b = new SeededRandom(42);
  const c = new SeededRandom(43);
  let sum = 0;
  let sumSq = 0;
  let differs = false;
  const n = 100000;
  for (let i = 0; i < n; i++) {
    const x = a.gaussian();
    assert.is(x, b.gaussian());
    if (x !== c.gaussian()) differs = true;
    sum += x;
    sumSq += x * x;
  }
  assert.ok(differs);
  assert.ok(Math.abs(sum / n) < 0.02, `mean ${sum / n}`);
  assert.ok(Math.abs(sumSq / n - 1) < 0.02, `variance ${sumSq / n}`);
});

test('detSin agrees with Math.sin within 2e-14 absolute over ±100 rad', () => {
  const random = new SeededRandom(9);
  let worst = 0;
  for (let i = 0; i < 20000; i++) {
    const x = (random.next() - 0.5) * 200;
    const error = Math.abs(detSin(x) - Math.sin(x));
    if (error > worst) worst = error;
  }
  assert.ok(worst < 2e-14, `worst ${worst}`);
  assert.is(detSin(0), 0);
  assert.ok(Math.abs(detSin(Math.PI / 2) - 1) <= 2.3e-16, String(detSin(Math.PI / 2)));
});

test.run();
