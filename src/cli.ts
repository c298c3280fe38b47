import yargs from 'yargs';
import { commands } from './commands/index.js';
import { TrajkitError } from './errors.js';

/**
 * Runs the trajkit CLI on `argv` (without `node` and the script) and resolves to the exit code:
 * 0 ok, 1 findings or failures, 2 usage errors. The one place where errors become messages.
 */
export async function main(argv: string[]): Promise<number> {
  let exitCode = 0;
  let usageError: string | undefined;
  const verbose = argv.includes('--verbose');

  const cli = yargs(argv)
    .scriptName('trajkit')
    .usage('$0 <command> [options]')
    .option('verbose', { type: 'boolean', describe: 'Show stack traces and extra logs on stderr', global: true })
    .strict()
    .demandCommand(1, 'Name a command; `trajkit --help` lists them.')
    .recommendCommands()
    .help()
    .version()
    .wrap(Math.min(100, process.stderr.columns ?? 100))
    // yargs would print the whole usage and exit 1; a usage error is exit 2 with one line.
    .fail((message, error) => {
      if (error) throw error;
      usageError = message;
      throw new UsageSignal();
    });

  for (const cmd of commands) {
    cli.command({
      command: cmd.command,
      describe: cmd.describe,
      builder: cmd.builder,
      handler: async (args) => {
        exitCode = await cmd.run(args);
      },
    });
  }

  try {
    await cli.parseAsync();
  } catch (error) {
    if (error instanceof UsageSignal || usageError !== undefined) {
      process.stderr.write(`trajkit: ${usageError ?? 'usage error'}\nRun \`trajkit --help\` for usage.\n`);
      return 2;
    }
    return reportError(error, verbose);
  }
  return exitCode;
}

class UsageSignal extends Error {}

function reportError(error: unknown, verbose: boolean): number {
  if (error instanceof TrajkitError) {
    process.stderr.write(`trajkit: ${error.message}\n`);
    if (verbose && error.stack) process.stderr.write(`${error.stack}\n`);
    return error.exitCode;
  }
  const message = error instanceof Error ? error.message : String(error);
  process.stderr.write(`trajkit: internal error: ${message}\n`);
  if (verbose && error instanceof Error && error.stack) process.stderr.write(`${error.stack}\n`);
  else process.stderr.write('Run again with --verbose for a stack trace.\n');
  return 2;
}
