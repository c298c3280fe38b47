import { describe, expect, it } from 'vitest';
import { roundHalfEven4 } from '../../src/pdi/rounding.js';

describe('roundHalfEven4', () => {
  it('breaks exact binary ties to even (spec examples)', () => {
    expect(roundHalfEven4(0.65625)).toBe(0.6562);
    expect(roundHalfEven4(0.34375)).toBe(0.3438);
    expect(roundHalfEven4(-0.65625)).toBe(-0.6562);
    expect(roundHalfEven4(-0.34375)).toBe(-0.3438);
    expect(roundHalfEven4(0.03125)).toBe(0.0312);
    expect(roundHalfEven4(0.09375)).toBe(0.0938);
    expect(roundHalfEven4(1.40625)).toBe(1.4062);
  });

  it('is not fooled by decimal-looking ties that are not ties in binary', () => {
    // 0.00035 is stored as 0.000349999999999999996…: below the tie, so down (Python: 0.0003);
    // Math.round(x * 1e4) / 1e4 rounds the product to exactly 3.5 first and goes up
    expect(roundHalfEven4(0.00035)).toBe(0.0003);
    expect(Math.round(0.00035 * 1e4) / 1e4).toBe(0.0004);
    // 0.12345 is 0.12345000000000000417…: above the tie, so up
    expect(roundHalfEven4(0.12345)).toBe(0.1235);
    expect(roundHalfEven4(2.67565)).toBe(2.6757);
    // 0.30005 is 0.30004999999999998339…: below the tie, so down
    expect(roundHalfEven4(0.30005)).toBe(0.3);
    // 0.00015 is 0.000149999999999999986…: down
    expect(roundHalfEven4(0.00015)).toBe(0.0001);
  });

  it('keeps integers, signs and non-finite values', () => {
    expect(roundHalfEven4(-3)).toBe(-3);
    expect(roundHalfEven4(1)).toBe(1);
    expect(roundHalfEven4(-1.4999999)).toBe(-1.5);
    expect(roundHalfEven4(Number.NaN)).toBeNaN();
    expect(roundHalfEven4(Number.POSITIVE_INFINITY)).toBe(Number.POSITIVE_INFINITY);
  });

  it('agrees with an exact BigInt reference on random doubles', () => {
    let seed = 12345;
    const random = () => ((seed = (seed * 1103515245 + 12345) % 2 ** 31) / 2 ** 31);
    for (let i = 0; i < 5000; i++) {
      const x = (random() - 0.5) * 10 ** Math.floor(random() * 4);
      expect(roundHalfEven4(x)).toBe(referenceRound4(x));
    }
    for (let k = -200; k <= 200; k++) expect(roundHalfEven4(k / 32)).toBe(referenceRound4(k / 32));
  });
});

// Exact decimal expansion of a double via BigInt, then round half to even at 4 places.
function referenceRound4(x: number): number {
  const view = new DataView(new ArrayBuffer(8));
  view.setFloat64(0, x);
  const bits = view.getBigUint64(0);
  const negative = bits >> 63n === 1n;
  const exponent = Number((bits >> 52n) & 0x7ffn);
  let mantissa = bits & ((1n << 52n) - 1n);
  let e2: number;
  if (exponent === 0) e2 = -1074;
  else {
    mantissa |= 1n << 52n;
    e2 = exponent - 1075;
  }
  // |x| = mantissa · 2^e2; scaled = |x| · 10^4 as a fraction num / den
  let num = mantissa * 10000n;
  let den = 1n;
  if (e2 >= 0) num <<= BigInt(e2);
  else den <<= BigInt(-e2);
  let q = num / den;
  const r = num % den;
  if (2n * r > den || (2n * r === den && q % 2n === 1n)) q += 1n;
  const value = Number(q) / 10000;
  return negative ? -value : value;
}
