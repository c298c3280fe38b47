import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { findSparkTaskFolders } from '../../src/analytics/spark-task-folders.js';
import { readSparkTask } from '../../src/analytics/read-spark-task.js';
import { compareTaskSteps } from '../../src/pdi/compare.js';
import { toSnapshot } from '../../src/pdi/engine.js';
import { recomputeSparkTask, type SparkInputSource, type TaskPdi } from '../../src/pdi/task.js';

const SPARK = fileURLToPath(new URL('../../../shared/data/spark', import.meta.url));

async function tasks() {
  const folders = await findSparkTaskFolders([SPARK]);
  return Promise.all(folders.map(async (folder) => ({ folder, records: await readSparkTask(folder) })));
}

function compare(pdi: TaskPdi) {
  return compareTaskSteps(pdi.task, pdi.steps, { settingsDiffer: false, threshold: pdi.settings.threshold });
}

describe('TypeScript engine on the released SPARK data', () => {
  it('finds every task folder on disk and reads them without issues', async () => {
    const all = await tasks();
    expect(all.length).toBeGreaterThanOrEqual(14);
    for (const { records } of all) {
      expect([...(records.trajectory?.issues ?? []), ...(records.attempts?.issues ?? [])]).toEqual([]);
    }
  });

  for (const source of ['trajectory', 'attempts'] as SparkInputSource[]) {
    it(`reproduces every recorded snapshot from ${source === 'trajectory' ? 'trajectory.jsonl' : 'attempts.json alone'}`, async () => {
      let compared = 0;
      let recordedTotal = 0;
      for (const { folder, records } of await tasks()) {
        if (source === 'trajectory' ? !folder.trajectory : !folder.attempts) continue;
        const pdi = recomputeSparkTask(records, { source });
        expect(pdi.issues, folder.task).toEqual([]);
        const result = compare(pdi);
        expect(result.mismatches, folder.task).toEqual([]);
        expect(result.matched).toBe(result.compared);
        compared += result.compared;
        recordedTotal += pdi.steps.filter((s) => s.recorded).length;
      }
      expect(compared).toBe(recordedTotal);
      expect(compared).toBeGreaterThan(40);
    });
  }

  it('gives the same steps from trajectory.jsonl and from attempts.json, and the same recorded history', async () => {
    let both = 0;
    for (const { folder, records } of await tasks()) {
      if (!folder.trajectory || !folder.attempts) continue;
      both++;
      const fromTrajectory = recomputeSparkTask(records, { source: 'trajectory' });
      const fromAttempts = recomputeSparkTask(records, { source: 'attempts' });
      const inputs = (pdi: TaskPdi) => pdi.steps.map((s) => s.input && { ...s.input, line: undefined });
      expect(inputs(fromAttempts), folder.task).toEqual(inputs(fromTrajectory));
      const recorded = (pdi: TaskPdi) => pdi.steps.map((s) => s.recorded && { ...s.recorded, attempt: undefined, line: undefined });
      expect(recorded(fromAttempts), folder.task).toEqual(recorded(fromTrajectory));
    }
    expect(both).toBeGreaterThan(8);
  });

  it('js_divergence does not reproduce the released runs (the method is inferred as token_overlap)', async () => {
    let differing = 0;
    for (const { records } of await tasks()) {
      const pdi = recomputeSparkTask(records, { method: 'js_divergence' });
      differing += pdi.steps.filter((s) => s.recorded && s.result && s.recorded.proxy_exec !== toSnapshot(s.result).proxy_exec).length;
    }
    expect(differing).toBeGreaterThan(0);
  });

  it('covers the quirks the spec names: synthetic memo step lead, LLM-error memos, judged ERROR with empty commands', async () => {
    const byTask = new Map((await tasks()).map(({ folder, records }) => [folder.task, recomputeSparkTask(records)]));
    // video-tutorial-indexer: attempt 0 is an execution failure that installs the synthetic memo,
    // so the first reflect (attempt 1) is already step 1
    const video = byTask.get('video-tutorial-indexer')!;
    expect(video.steps.map((s) => [s.input?.attempt, s.result?.step])).toEqual([[1, 1]]);
    // mhc-layer-impl: only execution failures, no snapshot at all
    expect(byTask.get('mhc-layer-impl')!.steps).toEqual([]);
  });
});
