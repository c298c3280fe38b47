import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { findSparkTaskFolders } from '../../src/analytics/spark-task-folders.js';
import { readSparkTask } from '../../src/analytics/read-spark-task.js';
import { compareTaskSteps } from '../../src/pdi/compare.js';
import { recomputeSparkTask, type SparkInputSource } from '../../src/pdi/task.js';

const EDGE = fileURLToPath(new URL('../../fixtures/spark/edge', import.meta.url));

async function load(task: string) {
  const [folder] = (await findSparkTaskFolders([EDGE])).filter((f) => f.task === task);
  return readSparkTask(folder!);
}

async function check(task: string, source: SparkInputSource) {
  const pdi = recomputeSparkTask(await load(task), { source });
  return { pdi, comparison: compareTaskSteps(task, pdi.steps, { settingsDiffer: false, threshold: pdi.settings.threshold }) };
}

describe('TypeScript engine on the edge-case fixtures (recorded by an independent numpy reference)', () => {
  for (const task of ['infra-error', 'synthetic-memo', 'constant-steps']) {
    for (const source of ['trajectory', 'attempts'] as const) {
      it(`${task} from ${source}: every field of every step matches`, async () => {
        const { pdi, comparison } = await check(task, source);
        expect(pdi.issues).toEqual([]);
        expect(comparison.mismatches).toEqual([]);
        expect(comparison.matched).toBe(comparison.compared);
        expect(comparison.compared).toBeGreaterThan(2);
      });
    }
  }

  it('unarchived-memo: an empty memo is never archived, so step stays 0 twice', async () => {
    const { pdi, comparison } = await check('unarchived-memo', 'auto');
    expect(pdi.source).toBe('trajectory');
    expect(pdi.steps.map((s) => s.result?.step)).toEqual([0, 0, 1, 2]);
    expect(comparison.mismatches).toEqual([]);
    expect(comparison.matched).toBe(4);
  });

  it('infra-error: T′ of the step after a judged INFRA_ERROR is "Infrastructure error: …"', async () => {
    const { pdi } = await check('infra-error', 'trajectory');
    expect(pdi.steps[1]!.input!.previousTestSummary).toBe('Infrastructure error: setup failed: exit code 137');
  });

  it('constant-steps: reads warmup and threshold from attempts.json', async () => {
    const { pdi } = await check('constant-steps', 'trajectory');
    expect(pdi.settings).toMatchObject({ warmup: 3, threshold: -0.75 });
  });

  for (const source of ['trajectory', 'attempts'] as const) {
    it(`legacy-offset from ${source}: detected, recomputed with the offset, reported as legacy-step-numbering`, async () => {
      const { pdi, comparison } = await check('legacy-offset', source);
      expect(pdi.stepNumbering).toBe('legacy');
      expect(pdi.steps[0]!.result).toMatchObject({ step: -1, weight: -0.5, triggered: false });
      expect(comparison).toEqual({
        compared: 1,
        matched: 1,
        mismatches: [
          { task: 'legacy-offset', step: -1, field: 'step', recorded: -1, recomputed: 0, reason: 'legacy-step-numbering' },
          { task: 'legacy-offset', step: -1, field: 'weight', recorded: -0.5, recomputed: 0, reason: 'legacy-step-numbering' },
          { task: 'legacy-offset', step: -1, field: 'weighted_pdi', recorded: -0.25, recomputed: 0, reason: 'legacy-step-numbering' },
        ],
      });
    });
  }

  it('malformed-lines: every bad line is reported with file, line and field; the rest is recomputed', async () => {
    const { pdi, comparison } = await check('malformed-lines', 'trajectory');
    const file = pdi.file!;
    expect(pdi.issues.map(({ code, file: f, line, path }) => ({ code, file: f, line, path }))).toEqual([
      { code: 'TK_PDI_MALFORMED_LINE', file, line: 3, path: undefined },
      { code: 'TK_PDI_MALFORMED_LINE', file, line: 6, path: 'agent_stdout_full' },
      { code: 'TK_PDI_INVALID_RECORD', file, line: 11, path: 'memo_after' },
      { code: 'TK_PDI_MISSING_ATTEMPT', file, line: 8, path: undefined },
    ]);
    expect(pdi.issues[0]!.message).toMatch(/^not JSON/);
    expect(pdi.issues[1]!.message).toMatch(/lone UTF-16 surrogate/);
    // the step whose execution_result was dropped differs; the dropped reflect is missing; later steps follow
    expect(comparison.compared).toBe(4);
    expect(comparison.matched).toBe(1);
    expect(comparison.mismatches.filter((m) => m.reason === 'missing-recomputed')).toEqual([
      { task: 'malformed-lines', step: 2, field: 'step', recorded: 2, recomputed: null, reason: 'missing-recomputed' },
    ]);
    expect(new Set(comparison.mismatches.filter((m) => m.step === 3).map((m) => m.reason))).toEqual(new Set(['follows-upstream-mismatch']));
  });

  it('malformed-lines from attempts.json alone still reproduces the run (its history is intact)', async () => {
    const { comparison } = await check('malformed-lines', 'attempts');
    expect(comparison.mismatches).toEqual([]);
    expect(comparison.matched).toBe(4);
  });
});
