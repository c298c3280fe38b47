import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';

// Runs the built CLI (`npm test` builds first; alone: `npx tsc -p .` first).
const ROOT = join(import.meta.dirname, '..', '..', '..');
const FIXTURES = 'fixtures/spark/dataset';
const REAL_TASK = join(ROOT, '..', 'shared', 'data', 'spark', 'all_model_pdi', 'citation-check');
const tmp = mkdtempSync(join(tmpdir(), 'trajkit-spark-cli-'));
afterAll(() => rmSync(tmp, { recursive: true, force: true }));

function trajkit(...args: string[]) {
  const result = spawnSync(process.execPath, [join(ROOT, 'bin', 'trajkit.js'), ...args], { cwd: ROOT, encoding: 'utf8' });
  return { code: result.status, stdout: result.stdout, stderr: result.stderr };
}

describe('trajkit import spark (CLI)', () => {
  it('prints {tasks, attempts, trajectories, warnings} with --json and exits 1 when a malformed line was skipped', () => {
    const out = join(tmp, 'fixtures.jsonl');
    const { code, stdout } = trajkit('import', 'spark', FIXTURES, '--out', out, '--json');
    expect(code).toBe(1);
    const report = JSON.parse(stdout) as { tasks: number; attempts: number; trajectories: number; warnings: Record<string, unknown>[] };
    expect(Object.keys(report)).toEqual(['tasks', 'attempts', 'trajectories', 'warnings']);
    expect(report).toMatchObject({ tasks: 4, attempts: 9, trajectories: 9 });
    expect(report.warnings).toContainEqual({
      code: 'malformed_line',
      task: 'messy-task',
      file: 'trajectory.jsonl',
      line: 2,
      message: expect.stringContaining('not valid JSON'),
    });
    expect(readFileSync(out, 'utf8').trim().split('\n')).toHaveLength(9);
  });

  it('lists warnings on stderr as task/file:line and ends with a summary', () => {
    const out = join(tmp, 'human.jsonl.gz');
    const { code, stdout, stderr } = trajkit('import', 'spark', FIXTURES, '-o', out);
    expect(code).toBe(1);
    expect(stdout).toBe('');
    expect(stderr).toContain('trajkit: warning: messy-task/trajectory.jsonl:2: not valid JSON');
    expect(stderr).toContain('trajkit: warning: csv-totals/SKILL.md:21: SKILL.md has 3 code-fence lines (odd)');
    expect(stderr).toMatch(/trajkit: imported 9 trajectories \(9 attempts, 4 tasks\) to .*human\.jsonl\.gz; \d+ warnings?, some data left out \(see warnings\)\n$/);
    expect(existsSync(out)).toBe(true);
  });

  it('checks every record with --validate (none is left out)', () => {
    const { stdout } = trajkit('import', 'spark', FIXTURES, '--out', join(tmp, 'validated.jsonl'), '--json', '--validate');
    const report = JSON.parse(stdout) as { trajectories: number; warnings: { code: string }[] };
    expect(report.trajectories).toBe(9);
    expect(report.warnings.filter((w) => w.code === 'invalid_record')).toEqual([]);
  });

  it('exits 0 on a clean real task folder, to Parquet', () => {
    const out = join(tmp, 'citation.parquet');
    const { code, stdout, stderr } = trajkit('import', 'spark', REAL_TASK, '--out', out, '--json');
    expect(stderr).toBe('');
    expect(code).toBe(0);
    expect(JSON.parse(stdout)).toMatchObject({ tasks: 1, attempts: 1, trajectories: 1 });
    expect(existsSync(out)).toBe(true);
  });

  it('writes the same bytes and warnings with worker threads as on one thread', () => {
    for (const source of [FIXTURES, join(ROOT, '..', 'shared', 'data', 'spark')]) {
      const pooled = join(tmp, 'pooled.jsonl');
      const single = join(tmp, 'single.jsonl');
      const a = trajkit('import', 'spark', source, '--out', pooled, '--json', '--threads', '2');
      const b = trajkit('import', 'spark', source, '--out', single, '--json', '--threads', '1');
      expect(a.code).toBe(b.code);
      expect(a.stdout).toBe(b.stdout);
      expect(readFileSync(pooled).equals(readFileSync(single))).toBe(true);
    }
  });

  it('gives one-line errors and exit 2 for usage and path problems', () => {
    const threads = trajkit('import', 'spark', FIXTURES, '--out', join(tmp, 'x.jsonl'), '--threads', '0');
    expect(threads.code).toBe(2);
    expect(threads.stderr).toBe('trajkit: --threads must be a whole number, 1 or more\n');

    const missing = trajkit('import', 'spark', join(tmp, 'nope'), '--out', join(tmp, 'x.jsonl'));
    expect(missing.code).toBe(2);
    expect(missing.stderr).toBe(`trajkit: ${join(tmp, 'nope')}: no such file or folder\n`);

    const noOut = trajkit('import', 'spark', FIXTURES);
    expect(noOut.code).toBe(2);
    expect(noOut.stderr.split('\n')[0]).toMatch(/^trajkit: Missing required argument: out/);

    const format = trajkit('import', 'atif-v9', FIXTURES, '--out', join(tmp, 'x.jsonl'));
    expect(format.code).toBe(2);
    expect(format.stderr.split('\n')[0]).toMatch(/^trajkit: Invalid values:/);

    const suffix = trajkit('import', 'spark', FIXTURES, '--out', join(tmp, 'x.csv'));
    expect(suffix.code).toBe(2);
    expect(suffix.stderr).toMatch(/^trajkit: .*x\.csv: cannot tell the output format/);
    expect(existsSync(join(tmp, 'x.csv'))).toBe(false);
  });
});
