/**
 * SPARK's tokens (spec §6.2): Unicode default lowercasing (`toLowerCase`, which also applies
 * the context-dependent final sigma and maps İ to i + U+0307), then maximal runs of Unicode
 * letters, Unicode numbers of any script and `_`. Combining marks, controls and punctuation
 * separate tokens. This is Python's `re` `\w` on `str`.
 */
export const TOKEN_PATTERN = /[\p{L}\p{N}_]+/gu;

/** The tokens of `text`, in order, duplicates kept. */
export function tokens(text: string): string[] {
  if (text === '') return [];
  return text.toLowerCase().match(TOKEN_PATTERN) ?? [];
}

/** `S(x)`: the set of tokens of `text`. */
export function tokenSet(text: string): Set<string> {
  return new Set(tokens(text));
}

/** `C(x)`: the multiset of tokens of `text`, as token → count. */
export function tokenCounts(text: string): Map<string, number> {
  const counts = new Map<string, number>();
  for (const token of tokens(text)) counts.set(token, (counts.get(token) ?? 0) + 1);
  return counts;
}

/**
 * Orders strings by Unicode code point (what Python's `sorted` and UTF-8 byte order give).
 * JS `<` compares UTF-16 code units, which puts U+E000–U+FFFF after astral characters.
 */
export function compareCodePoints(a: string, b: string): number {
  const n = Math.min(a.length, b.length);
  for (let i = 0; i < n; i++) {
    const x = a.charCodeAt(i);
    const y = b.charCodeAt(i);
    if (x !== y) return codePointOrderKey(x) - codePointOrderKey(y);
  }
  return a.length - b.length;
}

// Moves surrogates (U+D800–U+DFFF) above U+E000–U+FFFF so that code-unit comparison agrees
// with code-point comparison; the first differing unit decides, as in ICU's UTF-16 compare.
function codePointOrderKey(unit: number): number {
  if (unit >= 0xd800 && unit <= 0xdfff) return unit + 0x2000;
  if (unit >= 0xe000) return unit - 0x800;
  return unit;
}
