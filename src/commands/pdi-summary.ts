import type { PdiMethod } from '../schema/pdi-snapshot.js';
import { UsageError } from '../errors.js';

/** The `trajkit pdi` arguments `--summary` reads. */
export interface PdiSummaryArgs {
  inputs: (string | number)[];
  method?: PdiMethod;
  warmup?: number;
  threshold?: number;
  out?: string;
  compare: boolean;
  json: boolean;
  quiet: boolean;
  threads?: number;
  'memory-limit': string;
}

/**
 * `trajkit pdi --summary`: prints `pdiSummary`'s tables (text, or JSON with `--json`). Without
 * what-if flags it summarises the recorded snapshots (what SPARK actually did); with
 * `--method`/`--warmup`/`--threshold` it recomputes and summarises the recomputed rows.
 * Returns the exit code: 1 when records were left out.
 */
export async function runPdiSummary(args: PdiSummaryArgs): Promise<number> {
  if (args.compare || args.out !== undefined) throw new UsageError('--summary cannot be combined with --compare or --out');
  const [{ pdiSummary, pdiSummaryJson, formatPdiSummary }, { reportViewIssues }] = await Promise.all([
    import('../analytics/summary.js'),
    import('../analytics/views.js'),
  ]);
  const whatIf = args.method !== undefined || args.warmup !== undefined || args.threshold !== undefined;
  const summary = await pdiSummary({
    inputs: args.inputs.map(String),
    recompute: whatIf ? { method: args.method, warmup: args.warmup, threshold: args.threshold } : false,
    origin: whatIf ? 'recomputed' : undefined,
    threads: args.threads,
    memoryLimit: args['memory-limit'],
  });
  const leftOut = reportViewIssues(summary.issues, (line) => process.stderr.write(`trajkit: ${line}\n`), { notes: !(args.quiet || args.json) });
  process.stdout.write(args.json ? `${JSON.stringify(pdiSummaryJson(summary))}\n` : formatPdiSummary(summary));
  return leftOut ? 1 : 0;
}
