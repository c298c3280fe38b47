import { UsageError } from '../errors.js';
import { defineCommand } from './command.js';
import { countArg, maxStringLengthOption, stringLengthLimit } from './options.js';
import { runMigration } from './run-migration.js';

/** `trajkit lint <paths...>`: a thin layer over `lintFilesStream`, `detailsStatsFiles` and (`--fix`) `migrateFiles`. */
export const lintCommand = defineCommand({
  command: 'lint <paths...>',
  describe: 'Find misuse of details (ADP #226: promoted keys, stringified values, conflicts, blobs); --fix migrates to the typed 1.6.0 fields',
  builder: (y) =>
    y
      .positional('paths', {
        type: 'string',
        array: true,
        demandOption: true,
        describe: 'Files (.json, .jsonl, .ndjson, .gz of those, .parquet) or directories (searched recursively)',
      })
      .option('json', { type: 'boolean', default: false, describe: 'Print one JSON report on stdout' })
      .option('config', {
        type: 'string',
        describe: 'Config file (trajkit.config.json, or package.json with a "trajkit" key); default: the nearest one above each input, else above the working directory',
      })
      .option('stats', { type: 'boolean', default: false, describe: 'Print the details key inventory (keys, records, datasets, value types, concepts) instead of findings' })
      .option('fix', { type: 'boolean', default: false, describe: 'Migrate to 1.6.0, fixing what can be fixed losslessly; needs --out or --in-place' })
      .option('out', { type: 'string', describe: 'With --fix: write all fixed records to this file (.jsonl, .jsonl.gz, .json, .parquet)' })
      .option('in-place', { type: 'boolean', default: false, describe: 'With --fix: rewrite each input file (atomically; a file with an unreadable record is left as it is)' })
      .option('max-findings', { type: 'number', default: 1000, describe: 'List at most this many findings (counts stay exact)' })
      .option('max-string-length', maxStringLengthOption('unreadable')),
  run: async (args) => {
    const maxFindings = countArg(args['max-findings'], 'max-findings');
    const maxStringLength = stringLengthLimit(args['max-string-length']);
    if (!args.fix && (args.out !== undefined || args['in-place'])) throw new UsageError('--out and --in-place go with --fix');
    if (args.fix && args.stats) throw new UsageError('--stats and --fix cannot be combined');
    if (args.fix && (args.out === undefined) === !args['in-place']) throw new UsageError('--fix needs exactly one of --out <file> or --in-place');

    const [{ loadConfigOption }, { createProgress }] = await Promise.all([import('../lint/load-config-option.js'), import('../progress.js')]);
    const config = await loadConfigOption(args.config);

    if (args.stats) {
      const [{ detailsStatsFiles }, { formatInventory }] = await Promise.all([import('../lint/details-stats.js'), import('../lint/format-report.js')]);
      const inventory = await detailsStatsFiles(args.paths, { config, maxStringLength });
      process.stdout.write(args.json ? `${JSON.stringify(inventory)}\n` : formatInventory(inventory));
      return inventory.unreadable > 0 ? 1 : 0;
    }

    if (args.fix) {
      return runMigration(args.paths, { out: args.out, inPlace: args['in-place'], to: '1.6.0', config, maxFindings, maxStringLength }, args.json);
    }

    const progress = createProgress({ enabled: args.json ? false : undefined });

    const [{ lintFilesStream }, { formatLintReport }] = await Promise.all([import('../lint/lint-files.js'), import('../lint/format-report.js')]);
    let report;
    try {
      for await (const event of lintFilesStream(args.paths, {
        config,
        maxFindings,
        maxStringLength,
        onProgress: progress.enabled
          ? (p) => progress.update({ done: p.fileIndex, total: p.fileCount, text: `file ${p.fileIndex + 1}/${p.fileCount} ${p.file}: ${p.records.toLocaleString('en-US')} records` })
          : undefined,
      })) {
        if (event.type === 'done') report = event.report;
      }
    } finally {
      progress.done();
    }
    if (!report) throw new Error('lint ended without a report');
    process.stdout.write(args.json ? `${JSON.stringify(report)}\n` : formatLintReport(report, maxFindings));
    return report.errorCount > 0 || report.unreadable > 0 ? 1 : 0;
  },
});
