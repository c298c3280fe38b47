import { mkdir, rm, stat } from 'node:fs/promises';
import { join } from 'node:path';
import { importSpark, importSparkToFile } from '../src/import/import-spark.js';
import { availableParallelism } from 'node:os';
import type { Benchmark, BenchContext, BenchWork } from './benchmark.js';
import { parseSparkFolders, replicateSparkData } from './spark-data.js';

/**
 * `trajkit import spark` on the shared SPARK sample replicated to ≥ 500 MB (task folders copied
 * under new names), against a baseline that reads the same files and JSON.parse-s them (each
 * trajectory.jsonl line and attempts.json; SKILL.md is read). Targets (issue 4): import to JSON
 * Lines at ≥ 0.4 of the baseline's throughput, peak RSS under 400 MB.
 */
export const importBenchmark: Benchmark = {
  name: 'import',
  prepare: async (dir, options) => {
    const { root, bytes, folders } = await replicateSparkData(dir, { sizeMB: options.sizeMB, log: options.log, label: 'import' });
    return { root, bytes, folders, out: join(dir, 'out') };
  },
  baseline: {
    name: 'read+parse',
    run: async (context) => ({ bytes: context.bytes as number, records: await parseSparkFolders(rootOf(context), { readSkill: true }) }),
  },
  jobs: [
    {
      // Conversion alone (read, parse, convert, self-check), nothing written.
      name: 'convert',
      run: async (context) => {
        let records = 0;
        for await (const item of importSpark(rootOf(context))) if (item.kind === 'record') records++;
        return { bytes: context.bytes as number, records };
      },
    },
    {
      // Everything on one thread, for comparison with the default below.
      name: 'import 1 thread',
      run: (context) => importJsonl(context, 1),
    },
    {
      // The default: tasks converted by one worker per CPU, written in order by this thread.
      name: 'import→jsonl',
      run: (context) => importJsonl(context, undefined),
    },
  ],
  targets: [{ job: 'import→jsonl', minRatio: 0.4, maxRssMB: 400 }],
};

async function importJsonl(context: BenchContext, threads: number | undefined): Promise<BenchWork> {
  await mkdir(context.out as string, { recursive: true });
  const file = join(context.out as string, `spark-${threads ?? 'auto'}.jsonl`);
  const summary = await importSparkToFile(rootOf(context), file, { threads });
  const size = (await stat(file)).size;
  await rm(file, { force: true });
  const pool = threads === undefined ? `, ${Math.min(availableParallelism(), 8)} worker threads` : '';
  return {
    bytes: context.bytes as number,
    records: summary.trajectories,
    note: `${summary.tasks} tasks, ${summary.trajectories} trajectories, ${summary.warnings.length} warnings, ${(size / 1024 / 1024).toFixed(0)} MB written${pool}`,
  };
}

function rootOf(context: BenchContext): string {
  return context.root as string;
}
