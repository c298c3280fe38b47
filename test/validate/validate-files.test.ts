import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { validateFiles, validateFilesStream, type ValidationProgress } from '../../src/validate/validate-files.js';
import { openRecordWriter } from '../../src/io/record-writer.js';
import { InputError } from '../../src/errors.js';

const FIXTURES = join(import.meta.dirname, '..', '..', 'fixtures');
const valid = join(FIXTURES, 'adp', 'demo');
const invalid = join(FIXTURES, 'adp', 'broken');

let dir: string;
beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), 'tk-validate-'));
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('validateFiles', () => {
  it('finds every demo fixture (fixtures/adp/demo) valid, each judged by its own schema', async () => {
    const report = await validateFiles([valid]);
    expect({ files: report.files, records: report.records, valid: report.valid, invalid: report.invalid, errors: report.errors }).toEqual({
      files: 5,
      records: 8,
      valid: 8,
      invalid: 0,
      errors: [],
    });
    expect(report.byFile.map((f) => [f.file.slice(valid.length + 1), f.schemas])).toEqual([
      ['demo-1.2.0.jsonl.gz', { 'adp@1.2.0': 1 }],
      ['demo-1.5.0.jsonl', { 'adp@1.5.0': 3 }],
      ['demo-atif.json', { 'atif@1.7': 1 }],
      ['demo-unversioned.json', { 'adp@unversioned': 2 }],
      // Named metadata.json, so judged as dataset metadata.
      ['metadata.json', { 'adp-metadata': 1 }],
    ]);
  });

  it('reports each bad record with file, line, path and code, and still checks the rest', async () => {
    const file = join(invalid, 'broken.jsonl');
    const report = await validateFiles([file]);
    expect({ records: report.records, valid: report.valid, invalid: report.invalid }).toEqual({ records: 7, valid: 2, invalid: 5 });
    expect(report.errors.map((e) => [e.file === file, e.line, e.index, e.path, e.code])).toEqual([
      [true, 2, 1, '', 'json-syntax'],
      [true, 3, 2, 'id', 'invalid_type'],
      [true, 3, 2, 'content', 'invalid_type'],
      [true, 4, 3, '', 'nul-byte'],
      [true, 5, 4, '', 'invalid-utf8'],
      [true, 6, 5, 'content[2].tool_call_id', 'tool_call_id_orphan'],
      [true, 6, 5, 'content[1].tool_call_id', 'tool_call_id_unanswered'],
    ]);
    expect(report.errors.every((e) => e.message.length > 10 && e.severity === 'error')).toBe(true);
  });

  it('gives array elements their own line numbers', async () => {
    const report = await validateFiles([join(invalid, 'broken-array.json')]);
    expect(report.invalid).toBe(1);
    const text = readFileSync(join(invalid, 'broken-array.json'), 'utf8').split('\n');
    const line = report.errors[0].line!;
    // The reported line is where the bad element's object opens; its id follows.
    expect(text[line - 1].trim()).toBe('{');
    expect(text[line]).toContain('"schema_version": "1.3.0"');
    expect(report.errors[0]).toMatchObject({ index: 1, path: 'content[0].class_' });
  });

  it('validates Parquet rows, locating errors by record index', async () => {
    const file = join(dir, 'mixed.parquet');
    const writer = await openRecordWriter(file);
    for (const line of readFileSync(join(valid, 'demo-1.5.0.jsonl'), 'utf8').trim().split('\n')) await writer.write(JSON.parse(line));
    await writer.write({ schema_version: '1.5.0', id: 'bad', content: [{ class_: 'message_action' }], details: {} });
    await writer.close();
    const report = await validateFiles([file]);
    expect({ records: report.records, valid: report.valid, invalid: report.invalid }).toEqual({ records: 4, valid: 3, invalid: 1 });
    expect(report.errors[0]).toMatchObject({ line: null, index: 3, path: 'content[0].content' });
  });

  it('takes an explicit schema instead of detecting one', async () => {
    const file = join(valid, 'demo-1.5.0.jsonl');
    expect((await validateFiles([file], { schema: 'adp' })).valid).toBe(3);
    const asAtif = await validateFiles([file], { schema: 'atif' });
    expect(asAtif.invalid).toBe(3);
    expect(asAtif.byFile[0].schemas).toEqual({ 'atif@1.7': 3 });
    // Validating 1.5.0 records by 1.2.0 rules fails on what 1.2.0 did not have.
    expect((await validateFiles([file], { schema: 'adp@1.2.0' })).invalid).toBeGreaterThan(0);
  });

  it('reports a record with a 5 MB string as invalid and checks the next one', async () => {
    const file = join(dir, 'huge.jsonl');
    const lines = readFileSync(join(valid, 'demo-1.5.0.jsonl'), 'utf8').trim().split('\n');
    const big = JSON.parse(lines[0]);
    big.content[2].content = 'x'.repeat(5 * 1024 * 1024);
    writeFileSync(file, `${JSON.stringify(big)}\n${lines[1]}\n`);
    const report = await validateFiles([file]);
    expect(report.errors).toEqual([
      expect.objectContaining({ line: 1, path: 'content[2].content', code: 'string-too-long' }),
    ]);
    expect(report.valid).toBe(1);
    expect((await validateFiles([file], { maxStringLength: Infinity })).valid).toBe(2);
  });

  it('keeps at most maxIssues issues but exact counts', async () => {
    const report = await validateFiles([invalid], { maxIssues: 2 });
    expect(report.errors).toHaveLength(2);
    expect(report.errorCount).toBe(8);
    expect(report.invalid).toBe(6);
  });

  it('throws InputError for a missing path before checking anything', async () => {
    await expect(validateFiles([valid, join(dir, 'missing.jsonl')])).rejects.toThrow(InputError);
  });
});

describe('validateFilesStream', () => {
  it('yields files, then file-start/file-end per file with that file’s issues, then done', async () => {
    const events = [];
    for await (const event of validateFilesStream([join(invalid, 'broken-array.json'), join(valid, 'demo-1.5.0.jsonl')])) events.push(event);
    expect(events.map((e) => e.type)).toEqual(['files', 'file-start', 'file-end', 'file-start', 'file-end', 'done']);
    const ends = events.filter((e) => e.type === 'file-end');
    expect(ends.map((e) => (e.type === 'file-end' ? [e.summary.invalid, e.errors.length] : []))).toEqual([
      [1, 1],
      [0, 0],
    ]);
  });

  it('reports progress through the bytes of plain-text files', async () => {
    const file = join(dir, 'many.jsonl');
    const line = readFileSync(join(valid, 'demo-1.5.0.jsonl'), 'utf8').split('\n')[0];
    writeFileSync(file, `${Array.from({ length: 300 }, (_, i) => line.replace('"demo-1"', `"demo-${i}"`)).join('\n')}\n`);
    const seen: ValidationProgress[] = [];
    await validateFiles([file], { onProgress: (p) => seen.push(p) });
    expect(seen.length).toBeGreaterThan(2);
    expect(seen.map((p) => p.records)).toEqual([...seen.map((p) => p.records)].sort((a, b) => a - b));
    const last = seen.at(-1)!;
    expect(last).toMatchObject({ records: 300, invalid: 0, fileIndex: 0, fileCount: 1 });
    expect(last.bytesDone).toBe(last.bytesTotal);
    expect(seen[1].bytesDone).toBeGreaterThan(0);
    expect(seen[1].bytesDone).toBeLessThan(last.bytesTotal);
  });
});
