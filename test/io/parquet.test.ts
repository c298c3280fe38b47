import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { openRecordWriter } from '../../src/io/record-writer.js';
import { readParquetJsonRows } from '../../src/io/parquet.js';

let dir: string;
beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), 'tk-parquet-'));
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

async function rowsOf(file: string, batchBytes?: number) {
  const out: { index: number; id: string; size: number }[] = [];
  for await (const row of readParquetJsonRows(file, { batchBytes })) {
    const record = JSON.parse(row.json) as { id: string; body: string };
    out.push({ index: row.index, id: record.id, size: record.body.length });
  }
  return out;
}

describe('readParquetJsonRows', () => {
  it('reads large rows in row ranges, in file order, across row groups, with the same result as one stream', async () => {
    const file = join(dir, 'big-rows.parquet');
    const writer = await openRecordWriter(file, { columns: { id: 'VARCHAR', body: 'VARCHAR' }, parquet: { rowGroupSize: 7 } });
    // Distinct bodies, so Parquet's dictionary cannot collapse them.
    for (let i = 0; i < 50; i++) await writer.write({ id: `r${i}`, body: `${i}:`.padEnd(20_000 + i, String.fromCharCode(97 + (i % 26))) });
    await writer.close();

    const expected = Array.from({ length: 50 }, (_, i) => ({ index: i, id: `r${i}`, size: 20_000 + i }));
    // ~3 rows per batch: many range queries, each crossing row-group boundaries.
    expect(await rowsOf(file, 64_000)).toEqual(expected);
    // The default batch holds every row of this file: the plain streamed path.
    expect(await rowsOf(file)).toEqual(expected);
  });

  it('reads an empty file', async () => {
    const file = join(dir, 'empty.parquet');
    const writer = await openRecordWriter(file, { columns: { id: 'VARCHAR', body: 'VARCHAR' } });
    await writer.close();
    expect(await rowsOf(file, 1)).toEqual([]);
  });
});
