import { describe, expect, it } from 'vitest';
import { createProgressBar, formatBytes } from '../../src/hub/index.js';

function fakeStream(isTTY: boolean) {
  const writes: string[] = [];
  const stream = { isTTY, columns: 120, write: (text: string) => writes.push(text) > 0 } as unknown as NodeJS.WriteStream;
  return { stream, writes };
}

describe('createProgressBar', () => {
  it('draws bytes and files on a terminal and ends the line', () => {
    const { stream, writes } = fakeStream(true);
    const bar = createProgressBar({ label: 'o/n', stream, env: {} })!;
    bar.update({ filesTotal: 4, filesDone: 1, filesCached: 0, bytesTotal: 2_000_000, bytesDone: 500_000 });
    bar.done();
    expect(writes[0]).toMatch(/^\r\u001b\[2Ko\/n \[#+\.+\] 1\/4 files {2}500\.0 kB\/2\.0 MB/);
    expect(writes.at(-1)).toBe('\n');
  });

  it('is absent when stderr is not a terminal or NO_COLOR is set', () => {
    expect(createProgressBar({ label: 'x', stream: fakeStream(false).stream, env: {} })).toBeUndefined();
    expect(createProgressBar({ label: 'x', stream: fakeStream(true).stream, env: { NO_COLOR: '1' } })).toBeUndefined();
  });

  it('redraws at most every 100 ms', () => {
    const { stream, writes } = fakeStream(true);
    const bar = createProgressBar({ label: 'x', stream, env: {} })!;
    for (let i = 0; i < 1000; i++) bar.update({ filesTotal: 1, filesDone: 0, filesCached: 0, bytesTotal: 1000, bytesDone: i });
    expect(writes.length).toBeLessThan(5);
  });
});

describe('formatBytes', () => {
  it.each([
    [0, '0 B'],
    [999, '999 B'],
    [1000, '1.0 kB'],
    [1_234_567, '1.2 MB'],
    [5e12, '5.0 TB'],
  ])('%d → %s', (n, text) => expect(formatBytes(n)).toBe(text));
});
