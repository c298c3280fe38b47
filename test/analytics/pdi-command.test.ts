import { execFile } from 'node:child_process';
import { mkdtemp, rm, stat } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

const bin = fileURLToPath(new URL('../../bin/trajkit.js', import.meta.url));
const SPARK = fileURLToPath(new URL('../../../shared/data/spark', import.meta.url));
const EDGE = fileURLToPath(new URL('../../fixtures/spark/edge', import.meta.url));

/** Runs the built CLI (`npm test` builds first) and returns its exit code and output. */
async function trajkit(...args: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  try {
    const { stdout, stderr } = await promisify(execFile)(process.execPath, [bin, ...args], { maxBuffer: 64 * 1024 * 1024 });
    return { code: 0, stdout, stderr };
  } catch (error) {
    const e = error as { code: number; stdout: string; stderr: string };
    return { code: e.code, stdout: e.stdout, stderr: e.stderr };
  }
}

describe('trajkit pdi', () => {
  let dir: string;
  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'trajkit-pdi-cli-'));
  });
  afterAll(async () => {
    await rm(dir, { recursive: true, force: true });
  });

  it('--compare --json on ../shared/data/spark: everything matches, exit 0, only JSON on stdout', async () => {
    const { code, stdout } = await trajkit('pdi', SPARK, '--compare', '--json');
    expect(code).toBe(0);
    expect(JSON.parse(stdout)).toEqual({ tasks: 14, steps: 51, compared: 51, matched: 51, mismatches: [] });
  });

  it('--compare with a what-if threshold: mismatches with reasons, exit 1', async () => {
    const { code, stdout } = await trajkit('pdi', SPARK, '--compare', '--json', '--threshold', '0');
    expect(code).toBe(1);
    const report = JSON.parse(stdout);
    expect(report.matched).toBeLessThan(report.compared);
    for (const m of report.mismatches) expect(Object.keys(m)).toEqual(['task', 'step', 'field', 'recorded', 'recomputed', 'reason']);
  });

  it('legacy numbering counts as matched (exit 0) and says so', async () => {
    const { code, stdout } = await trajkit('pdi', join(EDGE, 'legacy-offset'), '--compare', '--json');
    expect(code).toBe(0);
    const report = JSON.parse(stdout);
    expect(report).toMatchObject({ compared: 1, matched: 1 });
    expect(report.mismatches.every((m: { reason: string }) => m.reason === 'legacy-step-numbering')).toBe(true);
  });

  it('prints a table by default and reports bad input lines on stderr with exit 1', async () => {
    const ok = await trajkit('pdi', join(SPARK, 'all_model_pdi', 'video-tutorial-indexer'), '-q');
    expect(ok.code).toBe(0);
    expect(ok.stdout).toMatch(/video-tutorial-indexer\s+1\s+1\s+0\.4667\s+0\.0127\s+0\s+0\.4539\s+0\.5\s+0\.227\s+false/);
    const bad = await trajkit('pdi', join(EDGE, 'malformed-lines'), '-q');
    expect(bad.code).toBe(1);
    expect(bad.stderr).toMatch(/TK_PDI_MALFORMED_LINE .*malformed-lines\/trajectory\.jsonl:3: not JSON/);
  });

  it('--out writes a Parquet file with one row per step', async () => {
    const out = join(dir, 'steps.parquet');
    const { code, stdout } = await trajkit('pdi', SPARK, '--out', out, '--json', '--method', 'js_divergence');
    expect(code).toBe(0);
    expect(JSON.parse(stdout)).toEqual({ tasks: 14, steps: 51, out });
    expect((await stat(out)).size).toBeGreaterThan(0);
  });

  it('usage errors exit 2 with one line', async () => {
    const { code, stderr } = await trajkit('pdi', SPARK, '--out', join(dir, 'x.xlsx'));
    expect(code).toBe(2);
    expect(stderr.trim().split('\n')).toHaveLength(1);
    expect((await trajkit('pdi', join(dir, 'missing'))).code).toBe(2);
    expect((await trajkit('pdi', SPARK, '--method', 'cosine')).code).toBe(2);
  });
});
