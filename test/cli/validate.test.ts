import { describe, expect, it } from 'vitest';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, relative } from 'node:path';

// These tests run the built CLI (`npm test` builds first; alone: `npx tsc -p .` first).
const ROOT = join(import.meta.dirname, '..', '..');
const ADP_DATA = join(ROOT, '..', 'shared', 'data', 'adp');

function trajkit(...args: string[]) {
  const result = spawnSync(process.execPath, [join(ROOT, 'bin', 'trajkit.js'), ...args], {
    cwd: ROOT,
    encoding: 'utf8',
    env: { ...process.env, NO_COLOR: '1' },
  });
  return { code: result.status, stdout: result.stdout, stderr: result.stderr };
}

function filesNamed(dir: string, names: string[]): string[] {
  const out: string[] = [];
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    const path = join(dir, entry.name);
    if (entry.isDirectory()) out.push(...filesNamed(path, names));
    else if (names.includes(entry.name)) out.push(path);
  }
  return out.sort();
}

describe('trajkit validate (CLI)', () => {
  it('passes the bundled valid fixtures with exit 0 and a summary per file', () => {
    const { code, stdout, stderr } = trajkit('validate', 'fixtures/adp/demo');
    expect(stderr).toBe('');
    expect(stdout).toBe(
      [
        'fixtures/adp/demo/demo-1.2.0.jsonl.gz: 1 record, all valid (adp@1.2.0 ×1)',
        'fixtures/adp/demo/demo-1.5.0.jsonl: 3 records, all valid (adp@1.5.0 ×3)',
        'fixtures/adp/demo/demo-atif.json: 1 record, all valid (atif@1.7 ×1)',
        'fixtures/adp/demo/demo-unversioned.json: 2 records, all valid (adp@unversioned ×2)',
        'fixtures/adp/demo/metadata.json: 1 record, all valid (adp-metadata ×1)',
        '5 files, 8 records: 8 valid, 0 invalid',
        '',
      ].join('\n'),
    );
    expect(code).toBe(0);
  });

  it('exits 1 on invalid records and names file, line, path and problem', () => {
    const { code, stdout } = trajkit('validate', 'fixtures/adp/broken/broken.jsonl');
    expect(code).toBe(1);
    expect(stdout).toContain("fixtures/adp/broken/broken.jsonl:2: invalid JSON: Unexpected token '}'\n");
    expect(stdout).toContain('fixtures/adp/broken/broken.jsonl:3 id: expected a string, found the integer 42\n');
    expect(stdout).toContain('fixtures/adp/broken/broken.jsonl:4: raw NUL character (U+0000)');
    expect(stdout).toContain('fixtures/adp/broken/broken.jsonl:5: not valid UTF-8');
    expect(stdout).toMatch(/1 file, 7 records: 2 valid, 5 invalid\n$/);
  });

  it('prints one JSON document with --json, in the shape the issue asks for', () => {
    const { code, stdout, stderr } = trajkit('validate', '--json', 'fixtures/adp/broken', 'fixtures/adp/demo');
    expect(code).toBe(1);
    expect(stderr).toBe('');
    const lines = stdout.trimEnd().split('\n');
    expect(lines).toHaveLength(1);
    const report = JSON.parse(lines[0]);
    expect(report).toMatchObject({ files: 7, records: 18, valid: 12, invalid: 6 });
    expect(report.errors).toHaveLength(8);
    for (const error of report.errors) {
      expect(Object.keys(error)).toEqual(expect.arrayContaining(['file', 'line', 'path', 'message']));
      expect(typeof error.file).toBe('string');
      expect(typeof error.line).toBe('number');
      expect(typeof error.path).toBe('string');
      expect(error.message).not.toBe('');
    }
    expect(report.errors[0]).toMatchObject({ file: 'fixtures/adp/broken/broken-array.json', line: 20, path: 'content[0].class_' });
  });

  it('exits 2 with one line on stderr for a missing path', () => {
    const { code, stdout, stderr } = trajkit('validate', 'fixtures/adp/demo', 'no/such/file.jsonl');
    expect(code).toBe(2);
    expect(stdout).toBe('');
    expect(stderr).toBe('trajkit: no/such/file.jsonl: no such file or directory\n');
  });

  it('exits 2 with one line for a bad --schema, a bad --max-errors, a wrong flag, no paths, a file of another kind', () => {
    const cases: string[][] = [
      ['validate', '--schema', 'adp@9.9.9', 'fixtures/adp/demo'],
      ['validate', '--max-errors', '-1', 'fixtures/adp/demo'],
      ['validate', 'fixtures/adp/demo', '--frobnicate'],
      ['validate'],
      ['validate', 'bin/trajkit.js'],
    ];
    for (const args of cases) {
      const { code, stdout, stderr } = trajkit(...args);
      expect({ args, code }).toEqual({ args, code: 2 });
      expect(stdout).toBe('');
      expect(stderr.startsWith('trajkit: ')).toBe(true);
      // One message line (the CLI may add a hint line on how to get help).
      expect(stderr.trimEnd().split('\n').filter((l) => !l.startsWith('Run `trajkit --help`')).length).toBe(1);
    }
    expect(trajkit('validate', '--schema', 'adp@9.9.9', 'fixtures/adp/demo').stderr).toMatch(/unknown schema "adp@9\.9\.9"/);
    expect(trajkit('validate', 'fixtures/adp/demo', '--frobnicate').stderr).toMatch(/^trajkit: Unknown argument: frobnicate\n/);
    expect(trajkit('validate', 'bin/trajkit.js').stderr).toMatch(/^trajkit: bin\/trajkit\.js: not one of the record files/);
  });

  it('exits 2 for a directory without record files', () => {
    const empty = mkdtempSync(join(tmpdir(), 'tk-cli-empty-'));
    try {
      const { code, stderr } = trajkit('validate', empty);
      expect(code).toBe(2);
      expect(stderr).toBe(`trajkit: ${empty}: the directory holds no record files (.jsonl.gz, .ndjson.gz, .json.gz, .jsonl, .ndjson, .json, .parquet)\n`);
    } finally {
      rmSync(empty, { recursive: true, force: true });
    }
  });

  it('judges every real ADP sample by its own era, and metadata.json as dataset metadata', () => {
    const files = filesNamed(ADP_DATA, ['sample_std.json', 'metadata.json']).filter((f) => !relative(ADP_DATA, f).startsWith('sft'));
    expect(files.length).toBeGreaterThanOrEqual(26);
    const { code, stdout, stderr } = trajkit('validate', '--json', ...files);
    expect(stderr).toBe('');
    const report = JSON.parse(stdout);
    expect(report.errors).toEqual([]);
    expect(report.invalid).toBe(0);
    expect(report.files).toBe(files.length);
    expect(code).toBe(0);
    for (const summary of report.byFile as Array<{ file: string; records: number; schemas: Record<string, number> }>) {
      const where = relative(ADP_DATA, summary.file);
      const schemas = Object.keys(summary.schemas);
      expect(summary.records).toBeGreaterThan(0);
      expect(schemas).toHaveLength(1);
      if (where.endsWith('metadata.json')) expect(schemas[0]).toBe('adp-metadata');
      else if (where.startsWith('pre-1.0/')) expect(schemas[0]).toBe('adp@unversioned');
      else if (where.startsWith('legacy_v1/')) expect(schemas[0]).toMatch(/^adp@1\.[0-5]\.\d$/);
      else if (where.startsWith('atif/')) expect(schemas[0]).toBe('atif@1.7');
      else throw new Error(`unexpected sample ${where}`);
    }
  });

  it('rejects the ADP samples when told to use the wrong family', () => {
    const file = join(ADP_DATA, 'atif', 'eto', 'sample_std.json');
    const { code, stdout } = trajkit('validate', '--schema', 'adp', file);
    expect(code).toBe(1);
    expect(stdout).toContain('marks an ATIF record, not legacy ADP');
  });
});
