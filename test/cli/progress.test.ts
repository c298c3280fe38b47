import { describe, expect, it } from 'vitest';
import { createProgress, progressWanted } from '../../src/progress.js';

function fakeTerminal(columns = 60) {
  const writes: string[] = [];
  return { stream: { isTTY: true, columns, write: (t: string) => writes.push(t) }, writes };
}

describe('progressWanted', () => {
  it('is on only for a terminal without NO_COLOR', () => {
    expect(progressWanted({ isTTY: true, write() {} }, {})).toBe(true);
    expect(progressWanted({ isTTY: true, write() {} }, { NO_COLOR: '1' })).toBe(false);
    expect(progressWanted({ isTTY: true, write() {} }, { NO_COLOR: '' })).toBe(true);
    expect(progressWanted({ isTTY: false, write() {} }, {})).toBe(false);
    expect(progressWanted({ write() {} }, {})).toBe(false);
  });
});

describe('createProgress', () => {
  it('draws a bar in place, throttled, and clears it when done', () => {
    const { stream, writes } = fakeTerminal();
    let clock = 0;
    const progress = createProgress({ stream, enabled: true, intervalMs: 100, now: () => clock });
    progress.update({ done: 1, total: 4, text: 'a.jsonl' });
    clock = 50;
    progress.update({ done: 2, total: 4, text: 'skipped: too soon' });
    clock = 150;
    progress.update({ done: 3, total: 4, text: 'b.jsonl' });
    progress.done();
    expect(writes).toEqual([
      '\r[#####---------------]  25% a.jsonl\x1b[K',
      '\r[###############-----]  75% b.jsonl\x1b[K',
      '\r\x1b[K',
    ]);
  });

  it('truncates to the terminal width and shows text alone without a total', () => {
    const { stream, writes } = fakeTerminal(30);
    const progress = createProgress({ stream, enabled: true, now: () => 0 });
    progress.update({ text: 'x'.repeat(100) });
    expect(writes[0]).toBe(`\r${'x'.repeat(28)}…\x1b[K`);
  });

  it('moves the bar out of the way for a log line and redraws it', () => {
    const { stream, writes } = fakeTerminal();
    const progress = createProgress({ stream, enabled: true, now: () => 0 });
    progress.update({ text: 'working' });
    progress.log('a finding');
    expect(writes).toEqual(['\rworking\x1b[K', '\r\x1b[K', 'a finding\n', '\rworking\x1b[K']);
  });

  it('writes nothing but log lines when disabled', () => {
    const writes: string[] = [];
    const progress = createProgress({ stream: { isTTY: false, write: (t: string) => writes.push(t) } });
    expect(progress.enabled).toBe(false);
    progress.update({ done: 1, total: 2, text: 'x' });
    progress.clear();
    progress.log('line');
    progress.done();
    expect(writes).toEqual(['line\n']);
  });
});
