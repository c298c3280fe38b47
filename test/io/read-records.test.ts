import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { chmodSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import { readRecords, type RecordItem } from '../../src/io/read-records.js';
import { InputError } from '../../src/errors.js';

async function collect(file: string, options = {}): Promise<RecordItem[]> {
  const out: RecordItem[] = [];
  for await (const item of readRecords(file, options)) out.push(item);
  return out;
}

/** [index, line, record-or-error-code] per item, for compact expectations. */
function summary(items: RecordItem[]): Array<[number, number | undefined, unknown]> {
  return items.map((i) => [i.index, i.line, i.error ? `${i.error.code}: ${i.error.message}` : i.record]);
}

let dir: string;
beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), 'tk-records-'));
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('readRecords: JSON Lines', () => {
  it('reads every line, skips blank lines, and reports bad lines without stopping', async () => {
    const file = join(dir, 'mixed.jsonl');
    const bytes = Buffer.concat([
      Buffer.from('{"id": "a"}\n\n{"id": "b",, }\n'),
      Buffer.from('{"id": "c\u0000"}\n'),
      Buffer.from([0x7b, 0x22, 0x69, 0x22, 0x3a, 0x22, 0xff, 0x22, 0x7d, 0x0a]), // {"i":"\xff"}
      Buffer.from('   \n{"id": "d"}'),
    ]);
    writeFileSync(file, bytes);
    const items = await collect(file);
    expect(summary(items)).toEqual([
      [0, 1, { id: 'a' }],
      [1, 3, 'json-syntax: invalid JSON at column 12: Expected double-quoted property name'],
      [2, 4, 'nul-byte: raw NUL character (U+0000) at column 10; JSON must escape it as \\u0000'],
      [3, 5, 'invalid-utf8: not valid UTF-8 (first bad byte near column 7); re-encode the file as UTF-8'],
      [4, 7, { id: 'd' }],
    ]);
    expect(items.every((i) => i.file === file)).toBe(true);
    expect(items[0].byteLength).toBe(11);
  });

  it('accepts a byte-order mark and CRLF line ends', async () => {
    const file = join(dir, 'bom.jsonl');
    writeFileSync(file, '\ufeff{"id": "a"}\r\n{"id": "b"}\r\n');
    expect(summary(await collect(file))).toEqual([
      [0, 1, { id: 'a' }],
      [1, 2, { id: 'b' }],
    ]);
  });

  it('keeps the words but not the quoted text of V8 messages that quote the input', async () => {
    const file = join(dir, 'token.jsonl');
    writeFileSync(file, `{"a": tru${'x'.repeat(10_000)}}\n`);
    const [item] = await collect(file);
    expect(item.error?.message).toBe("invalid JSON: Unexpected token 'x'");
  });

  it('reads gzip, and reports a truncated gzip stream as a last item', async () => {
    const lines = Array.from({ length: 2000 }, (_, i) => JSON.stringify({ id: `r${i}`, pad: 'p'.repeat(200) })).join('\n');
    const gz = gzipSync(lines);
    const good = join(dir, 'ok.jsonl.gz');
    writeFileSync(good, gz);
    const items = await collect(good);
    expect(items).toHaveLength(2000);
    expect(items[1999].record).toMatchObject({ id: 'r1999' });

    const cut = join(dir, 'cut.ndjson.gz');
    writeFileSync(cut, gz.subarray(0, Math.floor(gz.length / 2)));
    const partial = await collect(cut);
    const last = partial.at(-1)!;
    expect(last.error?.code).toBe('read-failed');
    expect(last.error?.message).toMatch(/gzip data is truncated/);
    expect(partial.slice(0, -1).every((i) => i.record !== undefined)).toBe(true);
    expect(last.index).toBe(partial.length - 1);
  });

  it('reports a record holding an over-long string with its path, and reads on', async () => {
    const file = join(dir, 'huge.jsonl');
    const big = 'y'.repeat(5 * 1024 * 1024);
    writeFileSync(file, `${JSON.stringify({ id: 'big', content: [{ class_: 'x' }, { 'odd key': big }] })}\n{"id": "next"}\n`);
    const items = await collect(file);
    expect(items[0].error).toEqual({
      code: 'string-too-long',
      path: 'content[1]["odd key"]',
      message: 'string of 5,242,880 characters, over the limit of 1,048,576',
    });
    expect(items[1].record).toEqual({ id: 'next' });
    // The limit is an option; Infinity turns it off.
    const unlimited = await collect(file, { maxStringLength: Infinity });
    expect((unlimited[0].record as { content: Array<Record<string, string>> }).content[1]['odd key']).toHaveLength(big.length);
  });
});

describe('readRecords: JSON', () => {
  it('streams array elements with their own line numbers and reports a bad one in place', async () => {
    const file = join(dir, 'array.json');
    writeFileSync(file, '[\n  {"id": "a"},\n  {"id": \n    "b" "c"},\n  {"id": "d"}\n]\n');
    expect(summary(await collect(file))).toEqual([
      [0, 2, { id: 'a' }],
      [1, 3, "json-syntax: invalid JSON at line 4, column 9: Expected ',' or '}' after property value"],
      [2, 5, { id: 'd' }],
    ]);
  });

  it('reads one object, and gzip', async () => {
    const file = join(dir, 'one.json.gz');
    writeFileSync(file, gzipSync('{"id": "solo", "content": []}'));
    expect(summary(await collect(file))).toEqual([[0, 1, { id: 'solo', content: [] }]]);
  });

  it('reports structural problems as items', async () => {
    const file = join(dir, 'open.json');
    writeFileSync(file, '[{"id": "a"},\n');
    expect(summary(await collect(file))).toEqual([
      [0, 1, { id: 'a' }],
      [1, 2, 'json-structure: the file ends before the top-level array is closed with ]'],
    ]);
  });

  it('flags invalid UTF-8 inside one element only', async () => {
    const file = join(dir, 'latin1.json');
    writeFileSync(file, Buffer.concat([Buffer.from('[{"id": "caf'), Buffer.from([0xe9]), Buffer.from('"}, {"id": "ok"}]')]));
    const items = await collect(file);
    expect(items[0].error?.code).toBe('invalid-utf8');
    expect(items[1].record).toEqual({ id: 'ok' });
  });
});

describe('readRecords: errors that stop the run', () => {
  it('throws InputError for a missing file, a directory, an unknown extension', async () => {
    await expect(collect(join(dir, 'nope.jsonl'))).rejects.toThrow(InputError);
    await expect(collect(join(dir, 'nope.jsonl'))).rejects.toThrow(/nope\.jsonl: no such file or directory/);
    await expect(collect(dir + '/')).rejects.toThrow(InputError);
    const txt = join(dir, 'notes.txt');
    writeFileSync(txt, '{}');
    await expect(collect(txt)).rejects.toThrow(/not a record file/);
    // An explicit format overrides the name.
    expect(summary(await collect(txt, { format: 'jsonl' }))).toEqual([[0, 1, {}]]);
  });

  it.skipIf(process.getuid?.() === 0)('throws InputError for an unreadable file', async () => {
    const file = join(dir, 'secret.jsonl');
    writeFileSync(file, '{}\n');
    chmodSync(file, 0o000);
    await expect(collect(file)).rejects.toThrow(/permission denied/);
  });
});
