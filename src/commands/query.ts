import { readFile } from 'node:fs/promises';
import { InputError, UsageError } from '../errors.js';
import { defineCommand } from './command.js';
import { countNoun } from '../format/count-noun.js';

const FORMATS = ['table', 'csv', 'json', 'jsonl'] as const;

/** `trajkit query <inputs...> "<SQL>"`: a thin layer over `runQuery`. */
export const queryCommand = defineCommand({
  command: 'query <inputs..>',
  describe: 'Run DuckDB SQL (the last argument) over the trajectories, attempts and steps views of trajectory files or raw SPARK folders',
  builder: (y) =>
    y
      .positional('inputs', {
        type: 'string',
        array: true,
        demandOption: true,
        describe: 'Inputs (standardized .jsonl/.jsonl.gz/.json/.parquet files or folders, raw SPARK folders, hf:// paths), then the SQL (unless --sql-file)',
      })
      .option('sql-file', { alias: 'f', type: 'string', describe: 'Read the SQL from this file; every positional is then an input' })
      .option('format', { type: 'string', choices: FORMATS, default: 'table', describe: 'Output on stdout' })
      .option('json', { type: 'boolean', default: false, describe: 'Same as --format json' })
      .option('recompute', { type: 'boolean', default: false, describe: 'Add recomputed PDI rows (origin = recomputed) for raw SPARK inputs to steps' })
      .option('threads', { type: 'number', describe: 'DuckDB worker threads' })
      .option('memory-limit', { type: 'string', default: '1GB', describe: 'DuckDB memory limit; tables spill to a temp folder beyond it' })
      .option('quiet', { alias: 'q', type: 'boolean', default: false, describe: 'Print only records left out on stderr (no counts, no notes)' }),
  run: async (args) => {
    const { runQuery, formatQueryResult } = await import('../analytics/query.js');
    const { reportViewIssues } = await import('../analytics/views.js');
    const positional = args.inputs.map(String);
    let sql: string;
    let inputs: string[];
    if (args['sql-file'] !== undefined) {
      sql = await readFile(args['sql-file'], 'utf8').catch((error: NodeJS.ErrnoException) => {
        throw new InputError(args['sql-file']!, error.code === 'ENOENT' ? 'no such file' : error.message, error);
      });
      inputs = positional;
    } else {
      if (positional.length < 2) throw new UsageError('give at least one input and then the SQL, e.g. trajkit query data/ "SELECT count(*) FROM attempts"');
      sql = positional[positional.length - 1];
      inputs = positional.slice(0, -1);
    }
    if (inputs.length === 0) throw new UsageError('no input paths given');
    if (args.threads !== undefined && !(Number.isInteger(args.threads) && args.threads > 0)) throw new UsageError('--threads must be a whole number above 0');

    const result = await runQuery(inputs, sql, { recompute: args.recompute, threads: args.threads, memoryLimit: args['memory-limit'] });
    process.stdout.write(formatQueryResult(result, args.json ? 'json' : (args.format as (typeof FORMATS)[number])));
    const err = (line: string) => process.stderr.write(`trajkit: ${line}\n`);
    const c = result.counts;
    if (!args.quiet) err(`read ${countNoun(c.trajectories, 'trajectory', 'trajectories')} (${countNoun(c.attempts, 'attempt')} of ${countNoun(c.tasks, 'task')}, ${countNoun(c.steps, 'PDI step')})`);
    const leftOut = reportViewIssues(result.issues, err, { notes: !args.quiet });
    return leftOut ? 1 : 0;
  },
});
