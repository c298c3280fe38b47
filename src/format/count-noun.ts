/**
 * `1 record`, `3 records`, `1,204 trajectories`: a count and its noun, for messages people read.
 * `plural` is for nouns that do not just take an `s`.
 */
export function countNoun(n: number, noun: string, plural = `${noun}s`): string {
  return `${n.toLocaleString('en-US')} ${n === 1 ? noun : plural}`;
}
