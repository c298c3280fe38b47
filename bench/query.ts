import { rm } from 'node:fs/promises';
import { join } from 'node:path';
import { runQuery } from '../src/analytics/query.js';
import { writeReport } from '../src/report/build-report.js';
import type { Benchmark, BenchContext, BenchWork } from './benchmark.js';
import { pdiBenchmark } from './pdi.js';

/**
 * A query that touches every view and every record's content, so nothing is skipped. (Parsing
 * `content` as JSON in SQL, e.g. json_array_length, needs memory for 2,048 whole rows at a
 * time: on these ~100 KB rows that exceeds the default 1 GB limit; the loader's `n_content` is
 * the cheap way.)
 */
const SQL = `SELECT a.final_outcome, count(DISTINCT a.task) AS tasks, count(*) AS attempts,
  count(*) FILTER (WHERE a.intervention IS NOT NULL) AS with_feedback,
  (SELECT count(*) FROM steps) AS steps,
  (SELECT sum(strlen(content)) FROM trajectories) AS content_bytes,
  (SELECT sum(n_content) FROM trajectories) AS content_items
FROM attempts a GROUP BY ALL ORDER BY ALL`;

/**
 * `trajkit query` and `trajkit report` on the data of the pdi benchmark (the shared SPARK
 * sample replicated to the requested size, default 512 MB, and its standardized Parquet
 * import). Baseline: the pdi benchmark's, one JSON.parse pass over the raw JSON bytes, which
 * every job is credited with. Loading streams records one at a time into a temp Parquet file;
 * DuckDB then holds about one 2,048-row vector of these ~200 KB rows per thread, whatever the
 * input size. Targets: at least 0.15× the baseline, peak RSS under 1.5 GB.
 */
export const queryBenchmark: Benchmark = {
  name: 'query',
  prepare: (dir, options) => pdiBenchmark.prepare(dir, options),
  baseline: pdiBenchmark.baseline,
  jobs: [
    { name: 'query raw', run: (context) => query(context, context.root as string) },
    { name: 'query parquet', run: (context) => query(context, context.parquet as string) },
    { name: 'report parquet', run: (context) => report(context, context.parquet as string) },
  ],
  targets: [
    { job: 'query raw', minRatio: 0.15, maxRssMB: 1500 },
    { job: 'query parquet', minRatio: 0.15, maxRssMB: 1500 },
    { job: 'report parquet', minRatio: 0.15, maxRssMB: 1500 },
  ],
};

async function query(context: BenchContext, input: string): Promise<BenchWork> {
  const result = await runQuery([input], SQL);
  const leftOut = result.issues.filter((i) => i.severity === 'error');
  if (leftOut.length > 0) throw new Error(`query bench: ${leftOut.length} records left out, e.g. ${leftOut[0]!.message}`);
  return { bytes: context.bytes as number, records: result.counts.trajectories, note: `${result.counts.tasks} tasks, ${result.counts.steps} steps` };
}

async function report(context: BenchContext, input: string): Promise<BenchWork> {
  const out = join(context.root as string, '..', `report-${process.pid}.html`);
  try {
    const result = await writeReport({ inputs: [input], out });
    return { bytes: context.bytes as number, records: result.data.counts.trajectories, note: `${(result.bytes / 1024 / 1024).toFixed(1)} MB of HTML` };
  } finally {
    await rm(out, { force: true });
  }
}
