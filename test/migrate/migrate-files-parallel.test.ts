import { spawnSync } from 'node:child_process';
import { copyFileSync, existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { gunzipSync, gzipSync } from 'node:zlib';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { generateAdpJsonl } from '../../bench/validate.js';
import { UsageError } from '../../src/errors.js';
import { compiledModuleUrl, linePoolAvailable, WorkerError } from '../../src/io/parallel-lines.js';
import { migrateFiles, type MigrateFilesOptions, type MigrationReport } from '../../src/migrate/migrate-files.js';

// The parallel path runs the build (dist/) in worker threads: `npm test` builds first.
const ROOT = join(import.meta.dirname, '..', '..');
const SHARED = join(ROOT, '..', 'shared', 'data', 'adp');
const tmp = mkdtempSync(join(tmpdir(), 'tk-migrate-parallel-'));
afterAll(() => rmSync(tmp, { recursive: true, force: true }));

beforeAll(() => {
  const module = compiledModuleUrl(new URL('../../src/migrate/migrate-lines.js', import.meta.url));
  if (!linePoolAvailable(module)) throw new Error('the worker code is not built: run npm run build (or npm test) first');
});

/** Every record the fixtures and the real samples hold: all eras, ATIF, 1.6.0, metadata, invalid ones. */
function sampleRecords(): unknown[] {
  const files: string[] = [];
  for (const dir of ['fixtures/adp/valid', 'fixtures/adp/invalid', 'fixtures/adp/demo']) {
    for (const name of readdirSync(join(ROOT, dir)).sort()) if (name.endsWith('.json')) files.push(join(ROOT, dir, name));
  }
  for (const era of ['pre-1.0', 'legacy_v1', 'atif']) {
    for (const dataset of readdirSync(join(SHARED, era)).sort()) files.push(join(SHARED, era, dataset, 'sample_std.json'));
  }
  const records = files.flatMap((file) => {
    const value = JSON.parse(readFileSync(file, 'utf8'));
    return Array.isArray(value) && !file.endsWith('not-an-object.json') ? value : [value];
  });
  for (const name of ['promoted.jsonl', 'conflicts.jsonl', 'clean.jsonl']) {
    for (const line of readFileSync(join(ROOT, 'fixtures/lint', name), 'utf8').split('\n')) if (line.trim()) records.push(JSON.parse(line));
  }
  return records;
}

const MAX_STRING = 5000;

/** Lines migrate must refuse, fail on, or report on, each as raw bytes. */
const awkwardLines: Buffer[] = [
  Buffer.from('{"schema_version": "1.5.0", "id": "cut-short", "content": ['),
  Buffer.from('{"schema_version":"1.5.0","id":"nul","content":[{"class_":"message_action","content":"a\u0000b","description":null}]}'),
  Buffer.concat([Buffer.from('{"schema_version":"1.5.0","id":"latin1","content":[],"note":"caf'), Buffer.from([0xe9]), Buffer.from('"}')]),
  Buffer.from(`{"schema_version":"1.5.0","id":"huge","content":[{"class_":"text_observation","content":"${'h'.repeat(MAX_STRING + 10)}","name":null,"source":"environment"}]}`),
  Buffer.from('{"schema_version":"9.9.9","id":"future","content":[]}'),
  Buffer.from('{"id":"no-content","details":{}}'),
  Buffer.from('[1,2,3]'),
  Buffer.from('"just a string"'),
  Buffer.from('null'),
  Buffer.from('   \t '),
  Buffer.from(''),
  Buffer.from('{"schema_version":"1.5.0","id":"crlf","content":[],"details":{"split":"train"}}\r'),
  // Migrated with a problem: a stashed outcome clashes with the record's own.
  Buffer.from('{"schema_version":"1.5.0","id":"clash","content":[],"outcome":{"success":true},"details":{"_trajkit":{"outcome":{"success":false}}}}'),
  Buffer.from('{"schema_version":"1.4.0","id":"apis","content":[],"available_apis":["a"],"available_custom_tools":[{"name":"b"}]}'),
];

/** A JSON Lines file mixing every sample with the awkward lines, deterministically shuffled. */
function corpus(copies: number, seed: number): Buffer {
  const lines = [...sampleRecords().map((r) => Buffer.from(JSON.stringify(r))), ...awkwardLines];
  let a = seed;
  const random = () => ((a = (a * 1103515245 + 12345) >>> 0) / 2 ** 32);
  const picked: Buffer[] = [];
  for (let c = 0; c < copies; c++) for (const line of lines) picked.splice(Math.floor(random() * (picked.length + 1)), 0, line);
  // A byte-order mark on the first line, and no newline after the last.
  return Buffer.concat([Buffer.from([0xef, 0xbb, 0xbf]), ...picked.flatMap((line, i) => (i === 0 ? [line] : [Buffer.from('\n'), line]))]);
}

let counter = 0;
function fresh(name: string): string {
  const dir = join(tmp, `run-${++counter}`);
  mkdirSync(dir);
  return join(dir, name);
}

/** Runs migrateFiles on one thread and on workers into the same path; returns both reports and outputs. */
async function bothWays(paths: string[], options: MigrateFilesOptions & { out: string }, parallel: Partial<MigrateFilesOptions> = {}) {
  const single = await migrateFiles(paths, { ...options, threads: 1 });
  const singleBytes = readFileSync(options.out);
  rmSync(options.out);
  const multi = await migrateFiles(paths, { batchBytes: 4096, ...options, threads: 2, ...parallel });
  const multiBytes = readFileSync(options.out);
  return { single, multi, singleBytes, multiBytes };
}

function expectSame({ single, multi, singleBytes, multiBytes }: Awaited<ReturnType<typeof bothWays>>) {
  expect(multi).toEqual(single);
  // toEqual ignores key order; the JSON report must not differ in it either.
  expect(JSON.stringify(multi)).toBe(JSON.stringify(single));
  expect(multiBytes.equals(singleBytes)).toBe(true);
}

describe('migrateFiles on worker threads gives the single-thread output and report', () => {
  const input = join(tmp, 'corpus.jsonl');
  beforeAll(() => writeFileSync(input, corpus(3, 42)));

  it('covers every kind of line: migrated, with findings, with problems, unreadable, refused', async () => {
    const out = fresh('out.jsonl');
    const { single } = await bothWays([input], { out, maxStringLength: MAX_STRING });
    expect(single.migrated).toBeGreaterThan(100);
    expect(single.withFindings).toBeGreaterThan(0);
    expect(single.failures.some((f) => f.message.startsWith('migrated with a problem'))).toBe(true);
    for (const reason of ['invalid JSON', 'raw NUL character (U+0000)', 'not valid UTF-8', 'unknown schema_version', 'a record must be a JSON object']) {
      expect(single.failures.some((f) => f.message.includes(reason)), reason).toBe(true);
    }
    expect(single.failures.some((f) => f.path === 'content[0].content' && f.message.includes('over the limit of 5,000'))).toBe(true);
    expect(single.failed).toBe(single.records - single.migrated);
    // The BOM line and CRLF line migrated; blank lines are not records.
    expect(single.records).toBe(3 * (sampleRecords().length + awkwardLines.length - 2));
  });

  it.each([
    { name: 'one line per batch', batchBytes: 1 },
    { name: 'small batches', batchBytes: 700 },
    { name: 'default batches', batchBytes: undefined },
  ])('to 1.6.0, $name', async ({ batchBytes }) => {
    const out = fresh('out.jsonl');
    expectSame(await bothWays([input], { out, maxStringLength: MAX_STRING }, { batchBytes }));
  });

  it.each([0, 1, 5])('lists cut at maxFindings %i, counts exact', async (maxFindings) => {
    const out = fresh('out.jsonl');
    const result = await bothWays([input], { out, maxStringLength: MAX_STRING, maxFindings }, { batchBytes: 2000 });
    expectSame(result);
    expect(result.multi.truncated).toBe(true);
    expect(result.multi.findings.length).toBeLessThanOrEqual(maxFindings);
  });

  it('to 1.5.0, gzipped in and out, over three threads', async () => {
    const gz = join(tmp, 'corpus.jsonl.gz');
    writeFileSync(gz, gzipSync(readFileSync(input)));
    const out = fresh('out.jsonl.gz');
    const result = await bothWays([gz], { out, to: '1.5.0', maxStringLength: MAX_STRING }, { threads: 3, batchBytes: 3000 });
    expect(result.multi).toEqual(result.single);
    expect(gunzipSync(result.multiBytes).equals(gunzipSync(result.singleBytes))).toBe(true);
  });

  it('a truncated gzip: the same records, then the same read failure', async () => {
    const whole = gzipSync(readFileSync(input));
    const cut = join(tmp, 'cut.jsonl.gz');
    writeFileSync(cut, whole.subarray(0, Math.floor(whole.length * 0.7)));
    const out = fresh('out.jsonl');
    const result = await bothWays([cut], { out, maxStringLength: MAX_STRING }, { batchBytes: 1500 });
    expectSame(result);
    expect(result.multi.failures.at(-1)).toEqual({
      file: cut,
      line: null,
      index: result.multi.records - 1,
      path: '',
      message: 'reading stopped: the gzip data is truncated (unexpected end of file)',
    });
  });

  it('several files into one output, each with its own config', async () => {
    const dir = join(tmp, 'configured');
    mkdirSync(dir);
    copyFileSync(join(ROOT, 'fixtures/lint/with-config/trajkit.config.json'), join(dir, 'trajkit.config.json'));
    const data = readFileSync(join(ROOT, 'fixtures/lint/with-config/data.jsonl'));
    writeFileSync(join(dir, 'data.jsonl'), Buffer.concat([data, data, data]));
    const out = fresh('all.jsonl');
    const result = await bothWays([input, join(dir, 'data.jsonl'), join(ROOT, 'fixtures/lint/promoted.jsonl')], { out, cwd: tmp, maxStringLength: MAX_STRING }, { batchBytes: 500 });
    expectSame(result);
    expect(result.multi.byFile.map((f) => f.records)).toEqual([expect.any(Number), 3 * data.toString().trim().split('\n').length, 4]);
  });

  it('in place: a clean file is rewritten, a file with a bad record is left as it was', async () => {
    const lint = ['promoted.jsonl', 'conflicts.jsonl'].map((name) => readFileSync(join(ROOT, 'fixtures/lint', name), 'utf8').trim());
    const clean = Buffer.from(Array.from({ length: 8 }, () => lint).flat().join('\n'));
    const results = [];
    for (const threads of [1, 2]) {
      const dir = join(tmp, `in-place-${threads}`);
      mkdirSync(dir);
      writeFileSync(join(dir, 'clean.jsonl'), clean);
      writeFileSync(join(dir, 'broken.jsonl'), Buffer.concat([clean, Buffer.from('\n{oops\n'), clean]));
      const report = await migrateFiles([join(dir, 'clean.jsonl'), join(dir, 'broken.jsonl')], { inPlace: true, threads, batchBytes: 1000, cwd: dir });
      results.push({
        report: JSON.parse(JSON.stringify(report).replaceAll(dir, '<dir>')),
        clean: readFileSync(join(dir, 'clean.jsonl')),
        broken: readFileSync(join(dir, 'broken.jsonl')),
        files: readdirSync(dir).sort(),
      });
    }
    const [single, multi] = results;
    expect(multi).toEqual(single);
    expect(multi.clean.equals(clean)).toBe(false);
    expect(multi.report.byFile.map((f: { rewritten: boolean }) => f.rewritten)).toEqual([true, false]);
    expect(multi.files).toEqual(['broken.jsonl', 'clean.jsonl']);
  });

  it('reports progress in order, ending at the total', async () => {
    const seen: number[] = [];
    const out = fresh('out.jsonl');
    const report = await migrateFiles([input], { out, threads: 2, batchBytes: 2000, maxStringLength: MAX_STRING, onProgress: (p) => seen.push(p.records) });
    expect(seen.length).toBeGreaterThan(2);
    expect([...seen].sort((a, b) => a - b)).toEqual(seen);
    expect(seen.at(-1)).toBe(report.records);
  });
});

describe('failures on the parallel path', () => {
  it('a record that breaks the migration aborts both paths, leaving no output and no temp file', async () => {
    // Nested far beyond any thread's stack: migrating or serialising it throws RangeError.
    const deep = `{"schema_version":"1.5.0","id":"deep","content":[],"details":{"x":${'['.repeat(300_000)}${']'.repeat(300_000)}}}`;
    const lines = sampleRecords().slice(0, 30).map((r) => JSON.stringify(r));
    const file = join(tmp, 'deep.jsonl');
    writeFileSync(file, [...lines, deep, ...lines].join('\n'));
    for (const threads of [1, 2]) {
      const out = fresh('out.jsonl');
      const failure = migrateFiles([file], { out, threads, batchBytes: 2000, maxStringLength: Infinity });
      if (threads === 1) await expect(failure).rejects.toThrow(RangeError);
      else {
        await expect(failure).rejects.toThrow(WorkerError);
        await expect(failure).rejects.toThrow(`${file}:31: processing failed: RangeError: Maximum call stack size exceeded`);
      }
      expect(readdirSync(join(out, '..'))).toEqual([]);
    }
  });

  it('threads must be a whole number, 1 or more', async () => {
    await expect(migrateFiles([join(ROOT, 'fixtures/lint/clean.jsonl')], { out: fresh('x.jsonl'), threads: 0 })).rejects.toThrow(UsageError);
    await expect(migrateFiles([join(ROOT, 'fixtures/lint/clean.jsonl')], { out: fresh('x.jsonl'), threads: 1.5 })).rejects.toThrow(/threads must be a whole number/);
  });

  it('formats the workers cannot write (.json, .parquet) and non-JSON Lines inputs stay on this thread', async () => {
    const out = fresh('out.json');
    const report = await migrateFiles([join(ROOT, 'fixtures/adp/demo/demo-unversioned.json'), join(ROOT, 'fixtures/lint/promoted.jsonl')], { out, threads: 2 });
    expect(report.failed).toBe(0);
    expect(JSON.parse(readFileSync(out, 'utf8'))).toHaveLength(report.migrated);
  });
});

describe('trajkit migrate (CLI, built) on a large file', () => {
  it('writes what one thread writes (a 9 MiB file takes the worker path by default)', async () => {
    const file = join(tmp, 'big.jsonl');
    await generateAdpJsonl(file, 9 * 1024 * 1024);
    const expected = fresh('one-thread.jsonl');
    const single = await migrateFiles([file], { out: expected, threads: 1 });
    const out = fresh('cli.jsonl');
    const run = spawnSync(process.execPath, [join(ROOT, 'bin', 'trajkit.js'), 'migrate', file, '--out', out, '--json'], { encoding: 'utf8' });
    expect(run.stderr).toBe('');
    expect(run.status).toBe(0);
    const report = JSON.parse(run.stdout) as MigrationReport;
    expect(report.records).toBe(single.records);
    expect(report.migrated).toBe(single.migrated);
    expect(report.byRule).toEqual(single.byRule);
    expect(readFileSync(out).equals(readFileSync(expected))).toBe(true);
    expect(existsSync(out)).toBe(true);
  });
});
