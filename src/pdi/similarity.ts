import type { PdiMethod } from '../schema/pdi-snapshot.js';
import { compareCodePoints, tokenCounts, tokenSet } from './tokens.js';

/** Additive smoothing of the `js_divergence` back-end (spec §6.3). */
export const JS_SMOOTHING = 0.002;

/**
 * One similarity back-end (spec §6.3). `token_overlap` uses set coverage, Jaccard and a
 * Jaccard of failed-test sets; `js_divergence` replaces all three with `1 − JS`.
 */
export interface Similarity {
  /** `cov(src, tgt)`: how much of `tgt`'s vocabulary `src` covers. */
  coverage(src: string, tgt: string): number;
  /** `jac(a, b)`: symmetric text similarity. */
  jaccard(a: string, b: string): number;
  /** `fsim(F, F')`: similarity of two failed-test sets. */
  failedSimilarity(a: ReadonlySet<string>, b: ReadonlySet<string>): number;
}

/** `|S(src) ∩ S(tgt)| / |S(tgt)|`, 0 when `tgt` has no tokens. */
export function tokenCoverage(src: string, tgt: string): number {
  const target = tokenSet(tgt);
  if (target.size === 0) return 0;
  return intersectionSize(tokenSet(src), target) / target.size;
}

/** `|S(a) ∩ S(b)| / |S(a) ∪ S(b)|`, 0 when both are empty. */
export function tokenJaccard(a: string, b: string): number {
  return setJaccard(tokenSet(a), tokenSet(b));
}

/** Jaccard index of two sets, 0 when both are empty. */
export function setJaccard(a: ReadonlySet<string>, b: ReadonlySet<string>): number {
  const common = intersectionSize(a, b);
  const union = a.size + b.size - common;
  return union === 0 ? 0 : common / union;
}

/**
 * `1 − JS(a, b)` over smoothed token distributions (spec §6.3): vocabulary sorted by code
 * point, each distribution `(count + 0.002) / Σ(count + 0.002)`, natural log. 0 when the joint
 * vocabulary has fewer than two tokens. Sums run left to right over the sorted vocabulary,
 * which is also the order the DuckDB batch uses.
 */
export function jsSimilarity(a: string, b: string): number {
  const ca = tokenCounts(a);
  const cb = tokenCounts(b);
  const vocabulary = [...new Set([...ca.keys(), ...cb.keys()])].sort(compareCodePoints);
  if (vocabulary.length < 2) return 0;
  let totalA = 0;
  let totalB = 0;
  for (const word of vocabulary) {
    totalA += (ca.get(word) ?? 0) + JS_SMOOTHING;
    totalB += (cb.get(word) ?? 0) + JS_SMOOTHING;
  }
  let klA = 0;
  let klB = 0;
  for (const word of vocabulary) {
    const p = ((ca.get(word) ?? 0) + JS_SMOOTHING) / totalA;
    const q = ((cb.get(word) ?? 0) + JS_SMOOTHING) / totalB;
    const m = (p + q) / 2;
    klA += p * Math.log(p / m);
    klB += q * Math.log(q / m);
  }
  return 1 - (0.5 * klA + 0.5 * klB);
}

/** The `token_overlap` back-end: the one the released SPARK runs used. */
export const tokenOverlap: Similarity = {
  coverage: tokenCoverage,
  jaccard: tokenJaccard,
  failedSimilarity: setJaccard,
};

/** The `js_divergence` back-end. */
export const jsDivergence: Similarity = {
  coverage: jsSimilarity,
  jaccard: jsSimilarity,
  failedSimilarity(a, b) {
    if (a.size === 0 && b.size === 0) return 0;
    return jsSimilarity([...a].join(' '), [...b].join(' '));
  },
};

/** The back-end for a method name. */
export const SIMILARITIES: Record<PdiMethod, Similarity> = {
  token_overlap: tokenOverlap,
  js_divergence: jsDivergence,
};

function intersectionSize(a: ReadonlySet<string>, b: ReadonlySet<string>): number {
  const [small, large] = a.size <= b.size ? [a, b] : [b, a];
  let common = 0;
  for (const item of small) if (large.has(item)) common++;
  return common;
}
