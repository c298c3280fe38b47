import { describe, expect, it } from 'vitest';
import { join } from 'node:path';
import { cacheLayout, snapshotRevisionOf } from '../../src/hub/cache-layout.js';

const sha = 'a'.repeat(40);

describe('snapshotRevisionOf', () => {
  it('reads the commit of a path inside a cache snapshot', () => {
    const layout = cacheLayout('/cache/hub', 'owner/name');
    expect(snapshotRevisionOf(layout.pointer(sha, 'data/train.jsonl'))).toBe(sha);
    expect(snapshotRevisionOf(layout.snapshotDir(sha))).toBe(sha);
  });

  it('ignores paths that only look similar', () => {
    expect(snapshotRevisionOf(join('/data', 'snapshots', 'main', 'x.jsonl'))).toBeUndefined();
    expect(snapshotRevisionOf(join('/data', 'snapshots', `${sha}0`, 'x.jsonl'))).toBeUndefined();
    expect(snapshotRevisionOf(join('/data', `my-snapshots`, sha))).toBeUndefined();
  });
});
