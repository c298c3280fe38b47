import { spawnSync } from 'node:child_process';
import { copyFileSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { createHash } from 'node:crypto';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, test } from 'vitest';

// These tests run the built CLI (`npm test` builds first; alone: `npx tsc -p .` first).
const ROOT = join(import.meta.dirname, '..', '..');
const ADP_DATA = join(ROOT, '..', 'shared', 'data', 'adp');
const tmp = mkdtempSync(join(tmpdir(), 'trajkit-lint-cli-'));
afterAll(() => rmSync(tmp, { recursive: true, force: true }));

function trajkit(...args: string[]) {
  const result = spawnSync(process.execPath, [join(ROOT, 'bin', 'trajkit.js'), ...args], {
    cwd: ROOT,
    encoding: 'utf8',
    env: { ...process.env, NO_COLOR: '1' },
  });
  return { code: result.status, stdout: result.stdout, stderr: result.stderr };
}

const sha = (path: string) => createHash('sha256').update(readFileSync(path)).digest('hex');
const lines = (path: string) =>
  readFileSync(path, 'utf8')
    .split('\n')
    .filter((l) => l !== '')
    .map((l) => JSON.parse(l));

describe('trajkit lint (CLI)', () => {
  test('clean input: exit 0, a summary per file', () => {
    const { code, stdout, stderr } = trajkit('lint', 'fixtures/lint/clean.jsonl');
    expect(stderr).toBe('');
    expect(code).toBe(0);
    expect(stdout).toBe('fixtures/lint/clean.jsonl: 2 records, 0 errors, 0 warnings\n1 file, 2 records: 0 errors, 0 warnings\n');
  });

  test('error-level findings: exit 1; per-file and per-rule counts, then findings with place, path, rule and fix', () => {
    const { code, stdout } = trajkit('lint', 'fixtures/lint/promoted.jsonl');
    expect(code).toBe(1);
    const text = stdout.split('\n');
    expect(text[0]).toBe(
      'fixtures/lint/promoted.jsonl: 4 records, 22 errors, 3 warnings (promoted-key ×16, stringified-value ×6, duplicate-concept ×1, stringified-json ×1, quoted-string ×1)',
    );
    expect(text[1]).toBe('rules:');
    expect(text[2]).toBe('  promoted-key       error  16');
    expect(stdout).toContain(
      'fixtures/lint/promoted.jsonl:1 details.resolved  error promoted-key: details.resolved holds the outcome (ADP #226); its 1.6.0 home is outcome.success\n' +
        '    fix: move to outcome.success as true (trajkit lint --fix)\n',
    );
    expect(text.at(-2)).toBe('1 file, 4 records: 22 errors, 3 warnings');
  });

  test('warnings only: exit 0', () => {
    const file = join(tmp, 'warn.jsonl');
    writeFileSync(file, `${JSON.stringify({ schema_version: '1.5.0', id: 'w', content: [], details: { origin: "'human'" } })}\n`);
    const { code, stdout } = trajkit('lint', file);
    expect(code).toBe(0);
    expect(stdout).toContain('warn quoted-string');
  });

  test('--json: the machine report', () => {
    const { code, stdout } = trajkit('lint', '--json', 'fixtures/lint/conflicts.jsonl');
    expect(code).toBe(1);
    const report = JSON.parse(stdout);
    expect(Object.keys(report).sort()).toEqual(
      ['byFile', 'byRule', 'errorCount', 'files', 'findings', 'records', 'truncated', 'unreadable', 'unreadableRecords', 'warningCount'].sort(),
    );
    expect(report).toMatchObject({ files: 1, records: 5, unreadable: 0, errorCount: 8, warningCount: 0, truncated: false });
    expect(report.byFile).toEqual([
      {
        file: 'fixtures/lint/conflicts.jsonl',
        records: 5,
        unreadable: 0,
        errors: 8,
        warnings: 0,
        byRule: { 'conflicting-value': 3, 'unconvertible-value': 3, 'promoted-key': 1, 'system-prompt-duplicated': 1 },
      },
    ]);
    expect(report.byRule['conflicting-value']).toEqual({ severity: 'error', count: 3 });
    expect(report.findings[0]).toEqual({
      file: 'fixtures/lint/conflicts.jsonl',
      line: 1,
      index: 0,
      path: 'details.source',
      rule: 'conflicting-value',
      severity: 'error',
      message: 'details.source = "swe-gym", details.dataset_source = "swe-bench": these give provenance.source but disagree, so they stay in details',
      fix: 'settle the value, or map "source" elsewhere (e.g. "provenance.extra.source") in trajkit.config.json',
      fixable: false,
    });
  });

  test('--max-findings limits the list, not the counts', () => {
    const report = JSON.parse(trajkit('lint', '--json', '--max-findings', '2', 'fixtures/lint/promoted.jsonl').stdout);
    expect(report.findings).toHaveLength(2);
    expect(report.errorCount).toBe(22);
    expect(report.truncated).toBe(true);
  });

  test('a config file next to the data is found and applied; --config overrides it', () => {
    const found = JSON.parse(trajkit('lint', '--json', 'fixtures/lint/with-config').stdout);
    expect(found.byFile).toEqual([
      {
        file: 'fixtures/lint/with-config/data.jsonl',
        records: 1,
        unreadable: 0,
        errors: 4,
        warnings: 0,
        byRule: { 'promoted-key': 3, 'stringified-json': 1 },
        config: join(ROOT, 'fixtures/lint/with-config/trajkit.config.json'),
      },
    ]);
    expect(found.findings.map((f: any) => f.path)).toEqual(['details.run_id', 'details.answer', 'details.meta', 'details.split']);
    const config = join(tmp, 'off.json');
    writeFileSync(config, JSON.stringify({ rules: { 'promoted-key': 'off', 'stringified-json': 'off' } }));
    const { code, stdout } = trajkit('lint', '--config', config, 'fixtures/lint/with-config');
    expect(code).toBe(0);
    expect(stdout).toContain('0 errors, 0 warnings');
  });

  test('unreadable records are reported with line and reason and make the run fail', () => {
    const file = join(tmp, 'broken.jsonl');
    writeFileSync(file, `${JSON.stringify({ id: 'a', content: [], details: {} })}\n{"id": "b", "content": [\n`);
    const { code, stdout } = trajkit('lint', file);
    expect(code).toBe(1);
    expect(stdout).toMatch(/broken\.jsonl:2 {2}unreadable \(json-syntax\): /);
  });

  test('usage errors: exit 2 with one line on stderr', () => {
    const cases: [string[], RegExp][] = [
      [['lint', '--fix', 'fixtures/lint/clean.jsonl'], /--fix needs exactly one of --out <file> or --in-place/],
      [['lint', '--out', join(tmp, 'x.jsonl'), 'fixtures/lint/clean.jsonl'], /--out and --in-place go with --fix/],
      [['lint', '--stats', '--fix', '--out', join(tmp, 'x.jsonl'), 'fixtures/lint/clean.jsonl'], /--stats and --fix cannot be combined/],
      [['lint', 'fixtures/lint/nope.jsonl'], /nope\.jsonl: no such file or directory/],
      [['lint', '--config', join(tmp, 'missing.json'), 'fixtures/lint/clean.jsonl'], /missing\.json: cannot read config \(ENOENT\)/],
      [['lint', 'fixtures/lint/clean.jsonl', '--bogus'], /Unknown argument: bogus/],
      [['migrate', 'fixtures/lint/clean.jsonl'], /give exactly one of --out <file> or --in-place/],
      [['migrate', '--to', '1.4.0', '--out', join(tmp, 'x.jsonl'), 'fixtures/lint/clean.jsonl'], /Invalid values/],
      [['migrate', '--out', 'fixtures/lint/clean.jsonl', 'fixtures/lint/clean.jsonl'], /is also an input; use --in-place/],
    ];
    for (const [args, message] of cases) {
      const { code, stderr, stdout } = trajkit(...args);
      expect(code, args.join(' ')).toBe(2);
      expect(stderr, args.join(' ')).toMatch(message);
      expect(stderr.trim().split('\n')[0]).toMatch(/^trajkit: /);
      expect(stdout).toBe('');
    }
    const badConfig = join(tmp, 'bad-rule.json');
    writeFileSync(badConfig, JSON.stringify({ rules: { 'no-such-rule': 'off' } }));
    const { code, stderr } = trajkit('lint', '--config', badConfig, 'fixtures/lint/clean.jsonl');
    expect(code).toBe(2);
    expect(stderr).toBe(`trajkit: ${badConfig}: rules: unknown rule "no-such-rule" (known: ${[
      'promoted-key',
      'stringified-value',
      'stringified-json',
      'quoted-string',
      'duplicate-concept',
      'conflicting-value',
      'unconvertible-value',
      'system-prompt-duplicated',
      'large-value',
      'details-origin',
    ].join(', ')})\n`);
  });

  test('--stats: the inventory of details keys over the real ADP samples', () => {
    const { code, stdout } = trajkit('lint', '--stats', '--json', ADP_DATA);
    expect(code).toBe(0);
    const inventory = JSON.parse(stdout);
    // 40 files: sample_std.json and SFT renderings (metadata.json is not a trajectory file); 26 datasets have details.
    expect(inventory).toMatchObject({ files: 40, records: 185, recordsWithDetails: 42, datasets: 26, unreadable: 0 });
    const resolved = inventory.keys.find((k: any) => k.key === 'resolved');
    expect(resolved).toEqual({
      key: 'resolved',
      records: 5,
      datasets: 1,
      types: { 'string:boolean': 5 },
      concept: 'outcome',
      field: 'outcome.success',
      from: 'issue-226',
    });
    expect(inventory.keys.find((k: any) => k.key === 'run_id')).toMatchObject({ concept: 'dataset-specific' });
    expect(inventory.keys.find((k: any) => k.key === 'row_index').types).toEqual({ number: 4, 'string:number': 4 });
    const text = trajkit('lint', '--stats', ADP_DATA).stdout.split('\n');
    expect(text[0]).toMatch(/^key +records +datasets +types +concept +field$/);
    expect(text).toContain(text.find((l) => l.startsWith('resolved ')));
  });
});

describe('trajkit lint --fix / trajkit migrate (CLI)', () => {
  test('--fix --out: fixed records written, input untouched, output lints clean, no temp files left', () => {
    const dir = mkdtempSync(join(tmp, 'fix-'));
    const out = join(dir, 'fixed.jsonl');
    writeFileSync(out, 'old content that must be replaced whole\n');
    const before = sha('fixtures/lint/promoted.jsonl');
    const { code, stdout } = trajkit('lint', '--fix', '--out', out, 'fixtures/lint/promoted.jsonl');
    expect(code).toBe(0);
    expect(stdout).toContain('fixtures/lint/promoted.jsonl: 4/4 records migrated');
    expect(sha('fixtures/lint/promoted.jsonl')).toBe(before);
    expect(readdirSync(dir)).toEqual(['fixed.jsonl']);
    const records = lines(out);
    expect(records.map((r) => r.schema_version)).toEqual(['1.6.0', '1.6.0', '1.6.0', '1.6.0']);
    expect(trajkit('lint', out).code).toBe(0);
    expect(trajkit('validate', '--schema', 'adp@1.6.0', out).code).toBe(0);
  });

  test('--fix leaves what cannot move and exits 1 with the reasons', () => {
    const out = join(tmp, 'conflicts-fixed.jsonl');
    const { code, stdout } = trajkit('lint', '--fix', '--out', out, 'fixtures/lint/conflicts.jsonl');
    expect(code).toBe(1);
    expect(stdout).toContain('left in details (findings on the output):');
    expect(stdout).toContain('5/5 records migrated, 5 with findings left');
    expect(lines(out)[0].details).toEqual({ source: 'swe-gym', dataset_source: 'swe-bench' });
  });

  test('migrate --to 1.5.0 restores the original details exactly', () => {
    const v16 = join(tmp, 'p16.jsonl');
    const v15 = join(tmp, 'p15.json');
    expect(trajkit('migrate', 'fixtures/lint/promoted.jsonl', '--out', v16).code).toBe(0);
    const { code, stdout } = trajkit('migrate', v16, '--to', '1.5.0', '--out', v15, '--json');
    expect(code).toBe(0);
    const report = JSON.parse(stdout);
    expect(report).toMatchObject({ to: '1.5.0', records: 4, migrated: 4, failed: 0, from: { 'adp@1.6.0': 4 }, outputs: [v15] });
    const back = JSON.parse(readFileSync(v15, 'utf8'));
    expect(back.map((r: any) => r.details)).toEqual(lines('fixtures/lint/promoted.jsonl').map((r) => r.details));
  });

  test('migrate --in-place rewrites inputs atomically, and leaves a file with a bad record untouched', () => {
    const dir = mkdtempSync(join(tmp, 'inplace-'));
    const good = join(dir, 'good.jsonl');
    const bad = join(dir, 'bad.jsonl');
    copyFileSync('fixtures/lint/promoted.jsonl', good);
    writeFileSync(bad, `${readFileSync('fixtures/lint/promoted.jsonl', 'utf8')}{"id": "truncated", "content": [\n`);
    writeFileSync(join(dir, 'trajkit.config.json'), '{}\n');
    writeFileSync(join(dir, 'metadata.json'), '{"custom_tools": [], "code_enabled": ["bash"]}\n');
    const badBefore = sha(bad);
    const { code, stdout } = trajkit('migrate', '--in-place', dir);
    expect(code).toBe(1);
    expect(stdout).toContain(`${bad}: 4/5 records migrated, 1 failed (left untouched: a record failed)`);
    expect(stdout).toMatch(/bad\.jsonl:5: /);
    expect(sha(bad)).toBe(badBefore);
    expect(lines(good).map((r) => r.schema_version)).toEqual(['1.6.0', '1.6.0', '1.6.0', '1.6.0']);
    // Config and dataset metadata are not trajectories: never rewritten.
    expect(readFileSync(join(dir, 'trajkit.config.json'), 'utf8')).toBe('{}\n');
    expect(readFileSync(join(dir, 'metadata.json'), 'utf8')).toBe('{"custom_tools": [], "code_enabled": ["bash"]}\n');
    expect(readdirSync(dir).sort()).toEqual(['bad.jsonl', 'good.jsonl', 'metadata.json', 'trajkit.config.json']);
    expect(statSync(good).size).toBeGreaterThan(0);
  });

  test('real samples, every era and ATIF: migrate exits 0 and the output validates and lints clean', () => {
    const out = join(tmp, 'adp-1.6.0.jsonl');
    const { code, stdout } = trajkit('migrate', ADP_DATA, '--out', out, '--json');
    const report = JSON.parse(stdout);
    expect(report.failures.filter((f: any) => !f.file.includes('/sample_sft/') && !f.file.includes('/sft/'))).toEqual([]);
    expect(report.from).toMatchObject({ 'adp@unversioned': expect.any(Number), 'adp@1.3.1': 13, 'atif@1.7': 25 });
    expect(report.withFindings).toBe(0);
    // SFT renderings under the same folder are not trajectories: they fail with a reason, hence exit 1.
    expect(code).toBe(1);
    expect(report.failures[0].message).toMatch(/not an ADP trajectory/);
    expect(trajkit('lint', out).code).toBe(0);
    expect(trajkit('validate', '--schema', 'adp@1.6.0', out).code).toBe(0);
  });
});
