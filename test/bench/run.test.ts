import { describe, expect, it } from 'vitest';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { generateAdpJsonl } from '../../bench/validate.js';
import { validateFiles } from '../../src/validate/validate-files.js';

const ROOT = join(import.meta.dirname, '..', '..');

// Only the harness's plumbing is checked here; speed is measured by `npm run bench`, never in tests.
describe('bench harness', () => {
  it('runs every job of a benchmark in its own process and reports sizes, ratios, RSS and verdicts', () => {
    // A private TMPDIR, so the clean-up check cannot see anyone else's files.
    const tmp = mkdtempSync(join(tmpdir(), 'tk-bench-test-'));
    const result = spawnSync(process.execPath, [join(ROOT, 'dist', 'bench', 'run.js'), 'validate', '--mb', '2', '--repeat', '1', '--json'], {
      encoding: 'utf8',
      env: { ...process.env, TMPDIR: tmp },
    });
    expect(result.stderr).toContain('bench: validate: running validate');
    const report = JSON.parse(result.stdout);
    expect(report.results.map((r: { job: string }) => r.job)).toEqual(['lines+parse', 'readRecords', 'validate']);
    const [baseline, , validate] = report.results;
    expect(baseline.ratio).toBe(1);
    expect(baseline.mb).toBeGreaterThanOrEqual(2);
    for (const r of report.results) {
      expect(r.records).toBe(baseline.records);
      expect(r.peakRssMB).toBeGreaterThan(10);
      expect(r.mbPerSecond).toBeGreaterThan(0);
    }
    expect(validate.note).toBe(`${baseline.records} valid, 0 invalid`);
    expect(report.verdicts).toHaveLength(1);
    expect(report.verdicts[0]).toMatch(/^(PASS|FAIL) validate\/validate: ratio \d+\.\d\d \(need ≥ 0\.5\), peak RSS \d+ MB \(need < 300 MB\)$/);
    expect(result.status).toBe(report.ok ? 0 : 1);
    // The generated data is removed afterwards.
    expect(readdirSync(tmp)).toEqual([]);
    rmSync(tmp, { recursive: true, force: true });
  });

  it('exits 2 on a bad argument or an unknown benchmark', () => {
    for (const args of [['--mb', '0'], ['no-such-benchmark'], ['--frobnicate']]) {
      const result = spawnSync(process.execPath, [join(ROOT, 'dist', 'bench', 'run.js'), ...args], { encoding: 'utf8' });
      expect(result.status).toBe(2);
      expect(result.stderr).not.toMatch(/\n\s+at /); // one message, no stack trace
    }
  });

  it('generates ADP 1.5.0 trajectories that the validator accepts, deterministically', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'tk-gen-'));
    try {
      const a = join(dir, 'a.jsonl');
      const b = join(dir, 'b.jsonl');
      const written = await generateAdpJsonl(a, 1024 * 1024);
      await generateAdpJsonl(b, 1024 * 1024);
      expect(readFileSync(a).equals(readFileSync(b))).toBe(true);
      const report = await validateFiles([a]);
      expect({ records: report.records, invalid: report.invalid, warnings: report.warningCount }).toEqual({ records: written.records, invalid: 0, warnings: 0 });
      const first = JSON.parse(readFileSync(a, 'utf8').split('\n')[0]);
      expect(first.schema_version).toBe('1.5.0');
      expect(first.content.length).toBeGreaterThan(40);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
