/** numpy's block size for pairwise summation (`PW_BLOCKSIZE`). */
const PAIRWISE_BLOCK = 128;

/**
 * Sums `values` exactly as numpy's `add.reduce` does for a contiguous float64 array
 * (SPARK computes its statistics with numpy): a plain left-to-right loop below 8 items; eight
 * interleaved partial sums combined as ((r0+r1)+(r2+r3))+((r4+r5)+(r6+r7)) plus a
 * left-to-right tail up to 128 items; above that, the two halves (split at a multiple of 8)
 * summed recursively. The order matters for bit-exact results: eight copies of 0.1 sum to
 * exactly 0.8 here, but to 0.7999999999999999 left to right.
 */
export function pairwiseSum(values: readonly number[], start = 0, length = values.length - start): number {
  if (length < 8) {
    let sum = 0;
    for (let i = start; i < start + length; i++) sum += values[i]!;
    return sum;
  }
  if (length <= PAIRWISE_BLOCK) {
    const r = values.slice(start, start + 8);
    const unrolled = length - (length % 8);
    let i = 8;
    for (; i < unrolled; i += 8) for (let j = 0; j < 8; j++) r[j]! += values[start + i + j]!;
    let sum = ((r[0]! + r[1]!) + (r[2]! + r[3]!)) + ((r[4]! + r[5]!) + (r[6]! + r[7]!));
    for (; i < length; i++) sum += values[start + i]!;
    return sum;
  }
  let half = Math.floor(length / 2);
  half -= half % 8;
  return pairwiseSum(values, start, half) + pairwiseSum(values, start + half, length - half);
}

/** Mean and population standard deviation, computed as `np.mean` / `np.std` do. */
export interface PopulationStats {
  mean: number;
  std: number;
}

/** `mean = Σx / n`, `std = √(Σ(x − mean)² / n)`, both sums numpy-pairwise. */
export function populationStats(values: readonly number[]): PopulationStats {
  const n = values.length;
  const mean = pairwiseSum(values) / n;
  const squares = values.map((x) => (x - mean) * (x - mean));
  return { mean, std: Math.sqrt(pairwiseSum(squares) / n) };
}

/**
 * `z(v, X) = (v − mean X) / std X` over the whole population `X` (which includes `v`);
 * 0 only when the std is exactly 0. A constant list can have a tiny non-zero std from
 * rounding (three copies of 0.1 → ≈1.4e−17, z = −1); SPARK behaves that way, so we do too.
 */
export function zScore(value: number, population: readonly number[]): number {
  const { mean, std } = populationStats(population);
  return std === 0 ? 0 : (value - mean) / std;
}
