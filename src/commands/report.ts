import { UsageError } from '../errors.js';
import { defineCommand } from './command.js';
import { countNoun } from '../format/count-noun.js';

/** `trajkit report <inputs...> --out report.html`: a thin layer over `writeReport`. */
export const reportCommand = defineCommand({
  command: 'report <inputs..>',
  describe: 'Write a self-contained HTML report: PDI and reward per attempt for each task, proxies by outcome, a sortable task table',
  builder: (y) =>
    y
      .positional('inputs', {
        type: 'string',
        array: true,
        demandOption: true,
        describe: 'Standardized trajectory files or folders, raw SPARK folders, or hf:// paths to either',
      })
      .option('out', { alias: 'o', type: 'string', demandOption: true, describe: 'The HTML file to write (atomically)' })
      .option('title', { type: 'string', describe: 'Page title (default "trajkit PDI report")' })
      .option('recompute', { type: 'boolean', default: false, describe: 'Also recompute PDI for raw SPARK inputs (see --origin)' })
      .option('origin', {
        type: 'string',
        choices: ['recorded', 'recomputed'] as const,
        describe: 'Draw only recorded or only recomputed PDI rows (default: recorded where present)',
      })
      .option('threads', { type: 'number', describe: 'DuckDB worker threads' })
      .option('memory-limit', { type: 'string', default: '1GB', describe: 'DuckDB memory limit; tables spill to a temp folder beyond it' })
      .option('json', { type: 'boolean', default: false, describe: 'Print {"out","bytes","tasks","left_out"} as JSON on stdout' })
      .option('quiet', { alias: 'q', type: 'boolean', default: false, describe: 'Print only records left out on stderr' }),
  run: async (args) => {
    if (!args.out.toLowerCase().endsWith('.html') && !args.out.toLowerCase().endsWith('.htm')) throw new UsageError(`--out must end in .html: ${args.out}`);
    if (args.threads !== undefined && !(Number.isInteger(args.threads) && args.threads > 0)) throw new UsageError('--threads must be a whole number above 0');
    const { writeReport } = await import('../report/build-report.js');
    const { reportViewIssues } = await import('../analytics/views.js');
    const err = (line: string) => process.stderr.write(`trajkit: ${line}\n`);
    const origin = args.origin as 'recorded' | 'recomputed' | undefined;
    const result = await writeReport({
      inputs: args.inputs.map(String),
      out: args.out,
      title: args.title,
      generated: new Date().toISOString(),
      recompute: args.recompute || origin === 'recomputed',
      origin,
      threads: args.threads,
      memoryLimit: args['memory-limit'],
    });
    const leftOut = reportViewIssues(result.issues, err, { notes: !(args.quiet || args.json) });
    if (args.json) {
      process.stdout.write(`${JSON.stringify({ out: result.out, bytes: result.bytes, tasks: result.data.tasks.length, left_out: result.data.leftOut })}\n`);
    } else if (!args.quiet) {
      err(`wrote ${result.out} (${countNoun(result.data.tasks.length, 'task')}, ${countNoun(result.data.summary.overall.attempts, 'attempt')}, ${(result.bytes / 1024).toFixed(0)} KiB)`);
    }
    return leftOut ? 1 : 0;
  },
});
