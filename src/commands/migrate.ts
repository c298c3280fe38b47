import { UsageError } from '../errors.js';
import { defineCommand } from './command.js';
import { countArg, maxStringLengthOption, stringLengthLimit } from './options.js';
import { runMigration } from './run-migration.js';

/** `trajkit migrate <paths...> --out <file> [--to 1.6.0|1.5.0] [--in-place]`: a thin layer over `migrateFiles`. */
export const migrateCommand = defineCommand({
  command: 'migrate <paths...>',
  describe: 'Migrate records (ADP any era, 1.6.0, ATIF) to trajkit 1.6.0 or back to ADP 1.5.0, losslessly',
  builder: (y) =>
    y
      .positional('paths', {
        type: 'string',
        array: true,
        demandOption: true,
        describe: 'Files (.json, .jsonl, .ndjson, .gz of those, .parquet) or directories (searched recursively)',
      })
      .option('out', { type: 'string', describe: 'Write all migrated records to this file (.jsonl, .jsonl.gz, .json, .parquet)' })
      .option('in-place', { type: 'boolean', default: false, describe: 'Rewrite each input file (atomically; a file with a failed record is left as it is)' })
      .option('to', { type: 'string', choices: ['1.6.0', '1.5.0'], default: '1.6.0', describe: 'Target schema version' })
      .option('config', {
        type: 'string',
        describe: 'Config file (trajkit.config.json, or package.json with a "trajkit" key); default: the nearest one above each input',
      })
      .option('json', { type: 'boolean', default: false, describe: 'Print one JSON report on stdout' })
      .option('max-findings', { type: 'number', default: 1000, describe: 'List at most this many findings and problems (counts stay exact)' })
      .option('max-string-length', maxStringLengthOption('unreadable')),
  run: async (args) => {
    const maxFindings = countArg(args['max-findings'], 'max-findings');
    const maxStringLength = stringLengthLimit(args['max-string-length']);
    if ((args.out === undefined) === !args['in-place']) throw new UsageError('give exactly one of --out <file> or --in-place');

    const { loadConfigOption } = await import('../lint/load-config-option.js');
    const config = await loadConfigOption(args.config);
    return runMigration(
      args.paths,
      { out: args.out, inPlace: args['in-place'], to: args.to as '1.6.0' | '1.5.0', config, maxFindings, maxStringLength },
      args.json,
    );
  },
});
