import { availableParallelism } from 'node:os';
import { join } from 'node:path';
import { rm } from 'node:fs/promises';
import { lintFiles } from '../src/lint/lint-files.js';
import { migrateFiles } from '../src/migrate/migrate-files.js';
import type { Benchmark, BenchContext, BenchJob } from './benchmark.js';
import { generateAdpJsonl, validateBenchmark } from './validate.js';

/**
 * `lint` and `migrate` (to 1.6.0, output written) on the validate benchmark's generated corpus
 * of ADP 1.5.0 trajectories (every record carries promoted details keys: split,
 * source_dataset), against the same lines + JSON.parse baseline. Target (issue 3): at least
 * half the baseline's throughput. `migrate` runs with default settings (worker threads, one
 * per core); `migrate-1-thread` is the single-thread path, for the pool's gain in the same run.
 */
export const lintBenchmark: Benchmark = {
  name: 'lint',
  prepare: async (dir, options) => {
    const file = join(dir, 'trajectories-1.5.0.jsonl');
    const sizeMB = options.sizeMB ?? 512;
    const { bytes, records } = await generateAdpJsonl(file, sizeMB * 1024 * 1024, options);
    return { file, bytes, records, out: join(dir, 'migrated-1.6.0.jsonl') };
  },
  // The same reference as validate's: read the lines and JSON.parse them.
  baseline: validateBenchmark.baseline,
  jobs: [
    {
      name: 'lint',
      run: async (context) => {
        const report = await lintFiles([fileOf(context)], { cwd: dirOf(context) });
        checkCount(report.records, context);
        const rules = Object.entries(report.byRule)
          .map(([id, c]) => `${id} ×${c!.count}`)
          .join(', ');
        return { bytes: context.bytes as number, records: report.records, note: `${report.errorCount} errors (${rules})` };
      },
    },
    // Default settings: JSON Lines this large goes through the worker threads (one per core).
    migrateJob('migrate', undefined),
    // The single-thread path, so the worker pool's gain is measured in the same run.
    migrateJob('migrate-1-thread', 1),
  ],
  targets: [
    { job: 'lint', minRatio: 0.5, maxRssMB: 300 },
    { job: 'migrate', minRatio: 0.5, maxRssMB: 300 },
  ],
};

function migrateJob(name: string, threads: number | undefined): BenchJob {
  return {
    name,
    run: async (context) => {
      const out = context.out as string;
      try {
        const report = await migrateFiles([fileOf(context)], { out, cwd: dirOf(context), threads });
        checkCount(report.records, context);
        return {
          bytes: context.bytes as number,
          records: report.records,
          note: `${report.migrated} migrated to 1.6.0, ${report.failed} failed, ${report.withFindings} with findings left (output written; threads: ${threads ?? `default, ${availableParallelism()} cores`})`,
        };
      } finally {
        await rm(out, { force: true });
      }
    },
  };
}

function fileOf(context: BenchContext): string {
  return context.file as string;
}

// The config search starts beside the data (a temp folder), so a stray config cannot skew the run.
function dirOf(context: BenchContext): string {
  return join(fileOf(context), '..');
}

function checkCount(records: number, context: BenchContext) {
  if (records !== context.records) throw new Error(`saw ${records} records, the generator wrote ${context.records}`);
}
