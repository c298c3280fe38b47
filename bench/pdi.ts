import { spawn } from 'node:child_process';
import { stat } from 'node:fs/promises';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { batchPdi } from '../src/analytics/batch-pdi.js';
import { importSparkToFile } from '../src/import/import-spark.js';
import type { Benchmark, BenchContext, BenchWork } from './benchmark.js';
import { parseSparkFolders, replicateSparkData } from './spark-data.js';

/**
 * Batch PDI (`trajkit pdi`) on the shared SPARK sample replicated to ≥ 500 MB (task folders
 * copied under new names), from the raw folders and from the standardized Parquet file
 * `trajkit import spark` writes from them. Every copy after the first is marked: `~<copy> `
 * follows each escaped newline in its JSON files. Without that, Parquet's dictionary encoding
 * stores the 40-odd identical copies of each text once and the Parquet job would measure a
 * compression artefact, not PDI; with it, texts differ per copy as in a real dataset (the PDI
 * values of marked copies change, which does not matter for timing). Baseline: one JSON.parse pass over the raw JSON
 * bytes (every trajectory.jsonl line and attempts.json), the same bytes every job is credited
 * with, so a job's ratio is baseline time / job time. Targets (issue 5): from Parquet faster
 * than the baseline (ratio ≥ 1), from raw folders ratio ≥ 0.5, peak RSS under 500 MB. The
 * Parquet job reads the importer's file as written (256-record row groups).
 */
export const pdiBenchmark: Benchmark = {
  name: 'pdi',
  prepare: async (dir, options) => {
    const { root, bytes, folders } = await replicateSparkData(dir, { sizeMB: options.sizeMB, mark: true, countJsonOnly: true, log: options.log, label: 'pdi' });
    options.log(`pdi: ${(bytes / 1024 / 1024).toFixed(0)} MB of SPARK JSON in ${folders} task folders; importing to Parquet`);
    const parquet = join(dir, 'spark.parquet');
    const summary = await importSparkToFile(root, parquet);
    options.log(`pdi: ${summary.trajectories} trajectories, ${((await stat(parquet)).size / 1024 / 1024).toFixed(0)} MB of Parquet`);
    return { root, parquet, bytes, folders };
  },
  baseline: {
    name: 'JSON.parse',
    run: async (context) => ({ bytes: context.bytes as number, records: await parseSparkFolders(context.root as string) }),
  },
  jobs: [
    { name: 'pdi raw', run: (context) => runPdi(context, context.root as string) },
    { name: 'pdi raw compare', run: (context) => runPdi(context, context.root as string, true) },
    { name: 'pdi parquet', run: (context) => runPdi(context, context.parquet as string) },
  ],
  targets: [
    { job: 'pdi parquet', minRatio: 1, maxRssMB: 500 },
    { job: 'pdi raw', minRatio: 0.5, maxRssMB: 500 },
  ],
};

async function runPdi(context: BenchContext, input: string, compare = false): Promise<BenchWork> {
  const result = await batchPdi({ inputs: [input], compare });
  if (result.issues.length > 0) throw new Error(`pdi bench: ${result.issues.length} input issues, e.g. ${result.issues[0]!.message}`);
  // only the unmarked first copy can match its record
  const matched = result.comparison ? `, ${result.comparison.matched}/${result.comparison.compared} snapshots match (marked copies differ)` : '';
  return { bytes: context.bytes as number, records: result.steps, note: `${result.tasks} tasks, ${result.steps} steps${matched}` };
}

/** One row of {@link benchPdi}: a job's best time, the bytes it is credited with, and its ratio to JSON.parse. */
export interface BenchPdiRow {
  name: string;
  seconds: number;
  bytes: number;
  ratio: number;
  peakRssMb: number;
}

/**
 * Runs the PDI benchmark through the harness (`node dist/bench/run.js pdi --json`, each job in
 * its own process, rounds interleaved) and returns one row per job. `sizeMB` sets the
 * replicated input size (default 512).
 */
export async function benchPdi(options: { sizeMB?: number; repeat?: number } = {}): Promise<BenchPdiRow[]> {
  const runner = fileURLToPath(new URL('./run.js', import.meta.url));
  const args = [runner, 'pdi', '--json', '--repeat', String(options.repeat ?? 3)];
  if (options.sizeMB !== undefined) args.push('--mb', String(options.sizeMB));
  const stdout = await new Promise<string>((resolve, reject) => {
    const child = spawn(process.execPath, args, { stdio: ['ignore', 'pipe', 'inherit'] });
    let out = '';
    child.stdout.setEncoding('utf8').on('data', (text: string) => (out += text));
    child.on('error', reject);
    // exit 1 means a target was missed: the rows still say by how much
    child.on('close', (code) => (code === 0 || code === 1 ? resolve(out) : reject(new Error(`bench/run.js pdi exited with code ${code}`))));
  });
  const report = JSON.parse(stdout.trim().split('\n').at(-1)!) as {
    results: { job: string; seconds: number; mb: number; ratio: number; peakRssMB: number }[];
  };
  return report.results.map((r) => ({ name: r.job, seconds: r.seconds, bytes: Math.round(r.mb * 1024 * 1024), ratio: r.ratio, peakRssMb: r.peakRssMB }));
}
