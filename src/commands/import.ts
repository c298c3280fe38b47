import { UsageError } from '../errors.js';
import { defineCommand } from './command.js';
import { countNoun } from '../format/count-noun.js';

/**
 * The formats `trajkit import` reads, each a lazy loader of one library function. A typed
 * Record: a format listed in the type but missing here fails to compile.
 */
type ImportFormat = 'spark';

interface ImportRunOptions {
  revision?: string;
  validate: boolean;
  threads?: number;
  onWarning?: (line: string) => void;
}

interface ImportRunSummary {
  tasks: number;
  attempts: number;
  trajectories: number;
  warnings: unknown[];
  /** Data was left out or altered: exit 1. */
  lossy: boolean;
}

const IMPORTERS: Record<ImportFormat, (path: string, out: string, options: ImportRunOptions) => Promise<ImportRunSummary>> = {
  spark: async (path, out, options) => {
    const { importSparkToFile, formatSparkWarning } = await import('../import/import-spark.js');
    return importSparkToFile(path, out, {
      revision: options.revision,
      validate: options.validate,
      threads: options.threads,
      onWarning: options.onWarning && ((warning) => options.onWarning!(formatSparkWarning(warning))),
    });
  },
};

/** `trajkit import <format> <path> --out <file>`: a thin layer over the format's import function. */
export const importCommand = defineCommand({
  command: 'import <format> <path>',
  describe: 'Import a dataset in another layout as ADP 1.6.0 trajectories (spark: SPARK_PDI_Trajectory)',
  builder: (y) =>
    y
      .positional('format', {
        type: 'string',
        choices: Object.keys(IMPORTERS) as ImportFormat[],
        demandOption: true,
        describe: 'Source format',
      })
      .positional('path', {
        type: 'string',
        demandOption: true,
        describe: 'Dataset root, one task folder, or hf://datasets/<owner>/<name>[@rev]/<folder>',
      })
      .option('out', {
        alias: 'o',
        type: 'string',
        demandOption: true,
        describe: 'Output file: .jsonl, .jsonl.gz, .json or .parquet (written atomically)',
      })
      .option('revision', { type: 'string', describe: 'Dataset revision to record in provenance (default: the Hub snapshot, for hf:// paths)' })
      .option('validate', { type: 'boolean', default: false, describe: 'Validate every record as adp@1.6.0 before writing it' })
      .option('threads', { type: 'number', describe: 'Worker threads for .jsonl / .jsonl.gz output (default: one per CPU, at most 8; 1 = none)' })
      .option('json', { type: 'boolean', default: false, describe: 'Print {"tasks","attempts","trajectories","warnings"} as JSON on stdout' })
      .option('quiet', { alias: 'q', type: 'boolean', default: false, describe: 'Do not list warnings on stderr' }),
  run: async (args) => {
    const format = args.format as ImportFormat;
    if (args.threads !== undefined && !(Number.isInteger(args.threads) && args.threads >= 1)) {
      throw new UsageError('--threads must be a whole number, 1 or more');
    }
    const summary = await IMPORTERS[format](args.path, args.out, {
      revision: args.revision,
      validate: args.validate,
      threads: args.threads,
      onWarning: args.json || args.quiet ? undefined : (line) => process.stderr.write(`trajkit: warning: ${line}\n`),
    });
    if (args.json) {
      const { tasks, attempts, trajectories, warnings } = summary;
      process.stdout.write(`${JSON.stringify({ tasks, attempts, trajectories, warnings })}\n`);
    } else {
      process.stderr.write(
        `trajkit: imported ${countNoun(summary.trajectories, 'trajectory', 'trajectories')} (${countNoun(summary.attempts, 'attempt')}, ${countNoun(summary.tasks, 'task')}) to ${args.out}; ${countNoun(summary.warnings.length, 'warning')}${summary.lossy ? ', some data left out (see warnings)' : ''}\n`,
      );
    }
    return summary.lossy ? 1 : 0;
  },
});
