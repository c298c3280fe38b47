/**
 * Rounds `x` to 4 decimals the way SPARK stored its snapshots (Python's `round(x, 4)`):
 * the decimal nearest to the exact binary value of `x`, ties to even.
 *
 * A tie needs `x * 10^4` to end in exactly .5, which for a double means `32·x` is an odd
 * integer (0.65625 → 0.6562, −0.65625 → −0.6562, 0.34375 → 0.3438). Every other value has
 * one nearest 4-dp decimal, which `toFixed(4)` finds exactly (it works on the exact binary
 * value, unlike `Math.round(x * 1e4) / 1e4`, which first rounds the product).
 */
export function roundHalfEven4(x: number): number {
  if (!Number.isFinite(x)) return x;
  const times32 = x * 32; // exact: a power-of-two scaling
  if (Number.isInteger(times32) && Math.abs(times32 % 2) === 1) {
    // A tie. x·10^4 = 312.5·(32x) is exact here, so floor() sees the true value.
    const below = Math.floor(x * 10_000);
    const even = below % 2 === 0 ? below : below + 1;
    return even / 10_000;
  }
  return Number(x.toFixed(4));
}
