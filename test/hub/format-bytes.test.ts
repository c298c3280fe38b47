import { describe, expect, it } from 'vitest';
import { formatBytes } from '../../src/hub/index.js';

describe('formatBytes', () => {
  it.each([
    [0, '0 B'],
    [999, '999 B'],
    [1000, '1.0 kB'],
    [1_234_567, '1.2 MB'],
    [5e12, '5.0 TB'],
  ])('%d → %s', (n, text) => expect(formatBytes(n)).toBe(text));
});
