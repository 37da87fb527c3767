/**
 * exp and ln built from + − × ÷ only, so the simulator produces bit-identical results in
 * every engine. Math.exp / Math.log are implementation-defined in ECMAScript: V8 and XS
 * (which calls the C library) may differ in the last bit, and a closed control loop turns
 * a last-bit difference into a different step time. Accuracy is within a few ulp, which is
 * far below any physical parameter's uncertainty.
 */

const LN2_HI = 6.93147180369123816490e-1;
const LN2_LO = 1.90821492927058770002e-10;
const INV_LN2 = 1.44269504088896338700;
const SQRT_HALF = 0.70710678118654752440;

const POW2_MIN_EXPONENT = -1022;
const POW2_MAX_EXPONENT = 1023;
/**
 * 2^k for every normal exponent k, made by exact doubling and halving. Written only while the
 * module loads: preloaded on Moddable's runtime, it is read-only from then on.
 */
const POW2 = powersOfTwo();

function powersOfTwo(): Float64Array {
  const table = new Float64Array(POW2_MAX_EXPONENT - POW2_MIN_EXPONENT + 1);
  let power = 1;
  for (let k = 0; k <= POW2_MAX_EXPONENT; k++, power *= 2) table[k - POW2_MIN_EXPONENT] = power;
  power = 1;
  for (let k = 0; k >= POW2_MIN_EXPONENT; k--, power /= 2) table[k - POW2_MIN_EXPONENT] = power;
  return table;
}

/** 2^k for integer k in the normal range. */
function pow2(k: number): number {
  return POW2[k - POW2_MIN_EXPONENT];
}

/** The exponent e of a normal x > 0: 2^e <= x < 2^(e+1) (a binary search of the table). */
function exponentOf(x: number): number {
  let low = POW2_MIN_EXPONENT;
  let high = POW2_MAX_EXPONENT;
  while (low < high) {
    const mid = (low + high + 1) >> 1;
    if (POW2[mid - POW2_MIN_EXPONENT] <= x) low = mid;
    else high = mid - 1;
  }
  return low;
}

export function detExp(x: number): number {
  if (x !== x) return NaN;
  if (x > 709.78) return Infinity;
  if (x < -745.1) return 0;
  const k = Math.round(x * INV_LN2);
  const r = (x - k * LN2_HI) - k * LN2_LO; // |r| <= ln2/2
  // Taylor series of e^r to r^14/14!: truncation error < 2e-17 for |r| <= 0.347.
  // Horner form: 1 + r(1 + r/2(1 + r/3(… (1 + r/14))))
  let sum = 1;
  for (let i = 14; i >= 1; i--) sum = 1 + (r * sum) / i;
  if (k < -1020) return sum * pow2(k + 600) * pow2(-600);
  if (k > 1023) return sum * pow2(k - 600) * pow2(600);
  return sum * pow2(k);
}

export function detLn(x: number): number {
  if (x !== x || x < 0) return NaN;
  if (x === 0) return -Infinity;
  if (x === Infinity) return Infinity;
  let e = 0;
  if (x < 2.2250738585072014e-308) {
    x *= 18014398509481984; // 2^54: bring subnormals into the normal range
    e = -54;
  }
  const exponent = exponentOf(x);
  e += exponent;
  let m = x / pow2(exponent); // mantissa in [1, 2), exact: a division by a power of two
  if (m > 2 * SQRT_HALF) {
    m *= 0.5;
    e += 1;
  }
  // ln m = 2·atanh(s), s = (m − 1)/(m + 1), |s| <= 0.1716: the odd series to s^27 is exact to 1e-20.
  const s = (m - 1) / (m + 1);
  const s2 = s * s;
  let power = s;
  let sum = 0;
  for (let i = 1; i <= 27; i += 2) {
    sum += power / i;
    power *= s2;
  }
  return e * LN2_LO + 2 * sum + e * LN2_HI;
}

const TWO_PI_HI = 6.28318530717958623200;
const TWO_PI_LO = 2.44929359829470635445e-16;

/** sin x from + − × ÷ only (piston-pump strokes): range-reduced to [−π, π], Taylor to x^25. */
export function detSin(x: number): number {
  if (!(x > -1e9 && x < 1e9)) return NaN;
  const k = Math.round(x / TWO_PI_HI);
  const r = (x - k * TWO_PI_HI) - k * TWO_PI_LO;
  // sin r = r − r³/3! + r⁵/5! − …: at |r| ≤ π the term r^27/27! is below 1e-15 of 1.
  const r2 = r * r;
  let sum = 1;
  for (let n = 25; n >= 3; n -= 2) sum = 1 - (r2 * sum) / (n * (n - 1));
  return r * sum;
}
