import { describe, expect, it } from 'vitest';
import { existsSync, mkdtempSync, readFileSync, readdirSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { gunzipSync } from 'node:zlib';
import { openAtomicFile, writeFileAtomic } from '../../src/io/atomic-file.js';

const fresh = () => mkdtempSync(join(tmpdir(), 'tk-atomic-'));

describe('openAtomicFile', () => {
  it('shows nothing at the path until commit', async () => {
    const dir = fresh();
    const path = join(dir, 'out.jsonl');
    const out = openAtomicFile(path);
    await out.write('{"a":1}\n');
    expect(existsSync(path)).toBe(false);
    await out.commit();
    expect(readFileSync(path, 'utf8')).toBe('{"a":1}\n');
    expect(readdirSync(dir)).toEqual(['out.jsonl']);
  });

  it('abort leaves an existing file untouched and removes the temp file', async () => {
    const dir = fresh();
    const path = join(dir, 'out.jsonl');
    writeFileSync(path, 'old\n');
    const out = openAtomicFile(path);
    await out.write('new\n');
    await out.abort();
    expect(readFileSync(path, 'utf8')).toBe('old\n');
    expect(readdirSync(dir)).toEqual(['out.jsonl']);
  });

  it('gzips when the path ends in .gz', async () => {
    const dir = fresh();
    const path = join(dir, 'out.jsonl.gz');
    const out = openAtomicFile(path);
    for (let i = 0; i < 1000; i++) await out.write(`{"i":${i}}\n`);
    await out.commit();
    expect(gunzipSync(readFileSync(path)).toString().split('\n')).toHaveLength(1001);
  });

  it('does not pile up listeners while waiting for the disk (no MaxListenersExceededWarning)', async () => {
    const warnings: string[] = [];
    const onWarning = (w: Error) => warnings.push(w.name);
    process.on('warning', onWarning);
    try {
      const out = openAtomicFile(join(fresh(), 'big.jsonl'));
      const chunk = 'x'.repeat(1 << 16);
      for (let i = 0; i < 800; i++) await out.write(chunk);
      await out.commit();
      await new Promise((r) => setImmediate(r));
    } finally {
      process.off('warning', onWarning);
    }
    expect(warnings).toEqual([]);
  });

  it('fails loudly when the folder does not exist', async () => {
    const out = openAtomicFile(join(fresh(), 'missing', 'x.jsonl'));
    await expect(out.commit()).rejects.toThrow(/ENOENT/);
  });
});

describe('writeFileAtomic', () => {
  it('replaces the file in one step', async () => {
    const dir = fresh();
    const path = join(dir, 'a.json');
    await writeFileAtomic(path, '{}');
    expect(readFileSync(path, 'utf8')).toBe('{}');
  });
});
