import { describe, expect, it } from 'vitest';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import { Readable } from 'node:stream';
import { readLines, splitLines } from '../../src/io/read-lines.js';

async function collect<T>(it: AsyncIterable<T>): Promise<T[]> {
  const out: T[] = [];
  for await (const x of it) out.push(x);
  return out;
}

describe('splitLines', () => {
  it('joins lines that span chunks and keeps a final line without newline', async () => {
    const chunks = ['{"a":', '1}\n{"b"', ':2}\n\n', 'tail'].map((s) => Buffer.from(s));
    const lines = await collect(splitLines(Readable.from(chunks)));
    expect(lines.map((l) => [l.lineNumber, l.text])).toEqual([
      [1, '{"a":1}'],
      [2, '{"b":2}'],
      [3, ''],
      [4, 'tail'],
    ]);
  });

  it('flags invalid UTF-8 per line without losing the others', async () => {
    const bytes = Buffer.concat([Buffer.from('ok\n'), Buffer.from([0x7b, 0xff, 0xfe, 0x7d, 0x0a]), Buffer.from('é\n')]);
    const lines = await collect(splitLines(Readable.from([bytes])));
    expect(lines.map((l) => l.invalidUtf8)).toEqual([false, true, false]);
    expect(lines[2].text).toBe('é');
    expect(lines[1].byteLength).toBe(4);
  });
});

describe('readLines', () => {
  it('reads gzip files and long lines across many small chunks', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'tk-lines-'));
    const long = 'x'.repeat(5_000_000);
    const file = join(dir, 'a.jsonl.gz');
    writeFileSync(file, gzipSync(`first\n${long}\nlast\n`));
    const lines = await collect(readLines(file, { chunkSize: 4096 }));
    expect(lines.map((l) => l.text.length)).toEqual([5, 5_000_000, 4]);
  });
});
