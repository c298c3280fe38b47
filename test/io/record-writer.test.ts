import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { gunzipSync } from 'node:zlib';
import { openRecordWriter } from '../../src/io/record-writer.js';
import { readRecords } from '../../src/io/read-records.js';
import { UsageError } from '../../src/errors.js';

async function readBack(file: string, options = {}): Promise<unknown[]> {
  const out: unknown[] = [];
  for await (const item of readRecords(file, options)) {
    if (item.error) throw new Error(`${file}:${item.line}: ${item.error.message}`);
    out.push(item.record);
  }
  return out;
}

async function writeAll(file: string, records: unknown[], options = {}) {
  const writer = await openRecordWriter(file, options);
  for (const r of records) await writer.write(r);
  await writer.close();
  return writer;
}

const records = [
  {
    schema_version: '1.5.0',
    id: 'demo-1',
    content: [
      { class_: 'text_observation', content: 'How many lines?\n"quoted" é 🙂', name: null, source: 'user' },
      { tool_call_id: 'call_000001', class_: 'code_action', language: 'bash', content: 'wc -l notes.txt', description: null },
    ],
    available_code_languages: ['bash'],
    details: { split: 'train', nested: { n: 1.5, flag: true, none: null } },
  },
  { schema_version: '1.5.0', id: 'demo-2', content: [], details: {} },
  { id: 'demo-3', content: [{ class_: 'message_action', content: 'done' }], details: { score: 7 }, extra: 'only here' },
];

let dir: string;
beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), 'tk-writer-'));
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('openRecordWriter', () => {
  it.each(['out.jsonl', 'out.ndjson', 'out.jsonl.gz', 'out.json', 'out.json.gz', 'out.parquet'])('round-trips records through %s', async (name) => {
    const file = join(dir, name);
    const writer = await writeAll(file, records);
    expect(writer.count).toBe(3);
    expect(await readBack(file)).toEqual(records);
    // No temp files left beside the output.
    expect(readdirSync(dir).filter((f) => f.startsWith('.'))).toEqual([]);
  });

  it('writes JSON arrays in the ADP sample style (2-space indent) and empty arrays as []', async () => {
    const file = join(dir, 'style.json');
    await writeAll(file, [{ a: 1, b: [2] }]);
    expect(readFileSync(file, 'utf8')).toBe('[\n  {\n    "a": 1,\n    "b": [\n      2\n    ]\n  }\n]\n');
    await writeAll(file, []);
    expect(readFileSync(file, 'utf8')).toBe('[]\n');
    await writeAll(file, [{ a: 1 }, { b: 2 }], { indent: 0 });
    expect(readFileSync(file, 'utf8')).toBe('[\n{"a":1},\n{"b":2}\n]\n');
  });

  it('gzips .gz output', async () => {
    const file = join(dir, 'z.jsonl.gz');
    await writeAll(file, [{ a: 1 }]);
    expect(gunzipSync(readFileSync(file)).toString()).toBe('{"a":1}\n');
  });

  it('leaves the old file in place until close, and untouched on abort', async () => {
    for (const name of ['keep.jsonl', 'keep.parquet']) {
      const file = join(dir, name);
      await writeAll(file, [{ id: 'old' }]);
      const writer = await openRecordWriter(file);
      await writer.write({ id: 'new' });
      expect(await readBack(file)).toEqual([{ id: 'old' }]);
      await writer.abort();
      await writer.abort();
      expect(await readBack(file)).toEqual([{ id: 'old' }]);
    }
    expect(readdirSync(dir).filter((f) => f.startsWith('.'))).toEqual([]);
  });

  it('types Parquet columns: declared ones exactly, otherwise VARCHAR for all-string keys and JSON for the rest', async () => {
    const file = join(dir, 'typed.parquet');
    await writeAll(file, [
      { id: 'a', n: 1, s: 'x', maybe: null },
      { id: 'b', n: 'two', s: 'y', maybe: { k: [1] } },
    ]);
    const duckdb = await import('@duckdb/node-api');
    const instance = await duckdb.DuckDBInstance.create(':memory:');
    const connection = await instance.connect();
    try {
      const reader = await connection.runAndReadAll(`SELECT column_name, column_type FROM (DESCRIBE SELECT * FROM read_parquet('${file}'))`);
      expect(reader.getRowObjectsJson()).toEqual([
        { column_name: 'id', column_type: 'VARCHAR' },
        { column_name: 'n', column_type: 'JSON' },
        { column_name: 's', column_type: 'VARCHAR' },
        { column_name: 'maybe', column_type: 'JSON' },
      ]);
    } finally {
      connection.closeSync();
      instance.closeSync();
    }
    // A NULL column is left out of the record by default, kept as null on request.
    expect(await readBack(file)).toEqual([
      { id: 'a', n: 1, s: 'x' },
      { id: 'b', n: 'two', s: 'y', maybe: { k: [1] } },
    ]);
    expect((await readBack(file, { keepNullColumns: true }))[0]).toEqual({ id: 'a', n: 1, s: 'x', maybe: null });

    const declared = join(dir, 'declared.parquet');
    await writeAll(declared, [{ id: 'a', count: 3, details: { x: 1 } }], { columns: { id: 'VARCHAR', count: 'INTEGER', details: 'JSON', pdi: 'JSON' } });
    expect(await readBack(declared)).toEqual([{ id: 'a', count: 3, details: { x: 1 } }]);
  });

  it('refuses what it cannot write instead of dropping it', async () => {
    const writer = await openRecordWriter(join(dir, 'strict.parquet'), { columns: { id: 'VARCHAR' } });
    await expect(writer.write({ id: 'a', other: 1 })).rejects.toThrow(/record 0 has key "other", which is not one of the declared Parquet columns/);
    await expect(writer.write([1, 2])).rejects.toThrow(/not a JSON object/);
    await writer.abort();
    const jsonl = await openRecordWriter(join(dir, 'strict.jsonl'));
    await expect(jsonl.write(undefined)).rejects.toThrow(UsageError);
    await jsonl.abort();
    await expect(openRecordWriter(join(dir, 'x.csv'))).rejects.toThrow(/cannot tell the output format/);
    await expect(openRecordWriter(join(dir, 'x.parquet.gz'))).rejects.toThrow(UsageError);
    expect(existsSync(join(dir, 'strict.parquet'))).toBe(false);
  });

  it('writes an empty Parquet file that reads back as no records', async () => {
    const file = join(dir, 'empty.parquet');
    await writeAll(file, []);
    expect(await readBack(file)).toEqual([]);
  });

  it('raises DuckDB’s object size limit (16 MB, ~32 MB in practice) for a 40 MB record', async () => {
    const file = join(dir, 'big.parquet');
    const big = { id: 'big', content: [{ class_: 'text_observation', content: 'z'.repeat(40 * 1024 * 1024) }] };
    await writeAll(file, [big, { id: 'small' }]);
    const back = await readBack(file, { maxStringLength: Infinity });
    expect(back[1]).toEqual({ id: 'small' });
    expect((back[0] as typeof big).content[0].content.length).toBe(40 * 1024 * 1024);
  });
});

describe('readRecords: Parquet', () => {
  it('reports a file that is not Parquet as a read failure item', async () => {
    const file = join(dir, 'fake.parquet');
    writeFileSync(file, 'not parquet at all');
    const items = [];
    for await (const item of readRecords(file)) items.push(item);
    expect(items).toHaveLength(1);
    expect(items[0].error?.code).toBe('read-failed');
    expect(items[0].error?.message).toMatch(/^cannot read Parquet: /);
  });
});
