import { copyFile, mkdir, readdir, readFile, rm, stat } from 'node:fs/promises';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { importSpark, importSparkToFile } from '../src/import/import-spark.js';
import { availableParallelism } from 'node:os';
import type { Benchmark, BenchContext, BenchWork } from './benchmark.js';

/**
 * `trajkit import spark` on the shared SPARK sample replicated to ≥ 500 MB (task folders copied
 * under new names), against a baseline that reads the same files and JSON.parse-s them (each
 * trajectory.jsonl line and attempts.json; SKILL.md is read). Targets (issue 4): import to JSON
 * Lines at ≥ 0.4 of the baseline's throughput, peak RSS under 400 MB.
 */
export const importBenchmark: Benchmark = {
  name: 'import',
  prepare: async (dir, options) => {
    const source = process.env.TRAJKIT_SPARK_DATA ?? fileURLToPath(new URL('../../../shared/data/spark/all_model_pdi', import.meta.url));
    const target = (options.sizeMB ?? 512) * 1024 * 1024;
    const root = join(dir, 'all_model_pdi');
    const tasks = (await readdir(source, { withFileTypes: true })).filter((e) => e.isDirectory()).map((e) => e.name).sort();
    if (tasks.length === 0) throw new Error(`no SPARK task folders in ${source}`);
    let bytes = 0;
    let folders = 0;
    for (let copy = 0; bytes < target; copy++) {
      for (const task of tasks) {
        const into = join(root, `${task}~${copy}`);
        await mkdir(into, { recursive: true });
        for (const name of await readdir(join(source, task))) {
          await copyFile(join(source, task, name), join(into, name));
          bytes += (await stat(join(into, name))).size;
        }
        folders++;
      }
      if (copy % 10 === 9) options.log(`import: ${(bytes / 1024 / 1024).toFixed(0)} MB in ${folders} task folders`);
    }
    options.log(`import: ${(bytes / 1024 / 1024).toFixed(0)} MB in ${folders} task folders`);
    return { root, bytes, folders, out: join(dir, 'out') };
  },
  baseline: {
    name: 'read+parse',
    run: async (context) => {
      let records = 0;
      for (const task of await readdir(rootOf(context))) {
        const folder = join(rootOf(context), task);
        const names = new Set(await readdir(folder));
        if (names.has('trajectory.jsonl')) {
          // Read whole and split on \n, as the importer does (a task's file is a few MB).
          const bytes = await readFile(join(folder, 'trajectory.jsonl'));
          for (let start = 0; start < bytes.length; ) {
            let end = bytes.indexOf(10, start);
            if (end === -1) end = bytes.length;
            if (end > start) {
              JSON.parse(bytes.toString('utf8', start, end));
              records++;
            }
            start = end + 1;
          }
        }
        if (names.has('attempts.json')) JSON.parse(await readFile(join(folder, 'attempts.json'), 'utf8'));
        if (names.has('SKILL.md')) await readFile(join(folder, 'SKILL.md'), 'utf8');
      }
      return { bytes: context.bytes as number, records };
    },
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
