import { UsageError } from '../errors.js';
import { defineCommand } from './command.js';

/** `trajkit pdi <inputs...>`: a thin layer over `batchPdi`. */
export const pdiCommand = defineCommand({
  command: 'pdi <inputs...>',
  describe: "Recompute SPARK's PDI for every task in DuckDB; --compare checks the recorded snapshots, --warmup/--threshold/--method ask what-if",
  builder: (y) =>
    y
      .positional('inputs', {
        type: 'string',
        array: true,
        demandOption: true,
        describe: 'Raw SPARK folders (a dataset root or task folders) or standardized files from `trajkit import spark` (.jsonl, .jsonl.gz, .parquet)',
      })
      .option('method', { type: 'string', choices: ['token_overlap', 'js_divergence'] as const, describe: 'Similarity back-end (default: token_overlap, what the released runs used)' })
      .option('warmup', { type: 'number', describe: "Steps to full weight (default: each run's own, else 2)" })
      .option('threshold', { type: 'number', describe: "Trigger when weighted PDI < this (default: each run's own, else -0.5)" })
      .option('out', { type: 'string', describe: 'Write one row per task and step to this file (.parquet, .csv or .jsonl), atomically' })
      .option('compare', { type: 'boolean', default: false, describe: 'Compare with the recorded snapshots; exit 1 unless every compared step matches' })
      .option('summary', { type: 'boolean', default: false, describe: 'Print per-task and overall tables instead of rows (steps, triggers, proxies by outcome, pass rate after feedback); recorded PDI unless a what-if flag is given' })
      .option('json', { type: 'boolean', default: false, describe: 'Print one JSON document on stdout' })
      .option('threads', { type: 'number', describe: 'DuckDB worker threads (default: one per core)' })
      .option('memory-limit', { type: 'string', default: '1GB', describe: 'DuckDB memory limit; tables spill to a temp folder beyond it' })
      .option('quiet', { alias: 'q', type: 'boolean', default: false, describe: 'No progress lines on stderr (issues are still listed)' }),
  run: async (args) => {
    if (args.threads !== undefined && !(Number.isInteger(args.threads) && args.threads > 0)) throw new UsageError('--threads must be a whole number, 1 or more');
    if (args.summary) return (await import('./pdi-summary.js')).runPdiSummary(args);
    const [{ batchPdi }, format] = await Promise.all([import('../analytics/batch-pdi.js'), import('../analytics/format-pdi.js')]);
    const result = await batchPdi({
      inputs: args.inputs.map(String),
      method: args.method,
      warmup: args.warmup,
      threshold: args.threshold,
      out: args.out,
      compare: args.compare,
      threads: args.threads,
      memoryLimit: args['memory-limit'],
      log: args.quiet || args.json ? undefined : (line) => process.stderr.write(`${line}\n`),
    });
    process.stderr.write(format.formatPdiIssues(result));
    if (args.json) {
      process.stdout.write(`${JSON.stringify(args.compare ? format.pdiComparisonJson(result) : format.pdiResultJson(result))}\n`);
    } else {
      process.stdout.write(format.formatPdiResult(result));
    }
    const compareFailed = result.comparison !== undefined && result.comparison.matched !== result.comparison.compared;
    return compareFailed || result.issues.length > 0 ? 1 : 0;
  },
});
