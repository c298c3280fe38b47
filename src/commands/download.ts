import { UsageError } from '../errors.js';
import type { DownloadSnapshotResult } from '../hub/download-snapshot.js';
import { defineCommand } from './command.js';

/** `trajkit download <owner/name>`: a thin layer over `downloadSnapshot`. */
export const downloadCommand = defineCommand({
  command: 'download <repo>',
  describe: 'Download a dataset from the Hugging Face Hub into the shared HF cache (pinned to a commit)',
  builder: (y) =>
    y
      .positional('repo', { type: 'string', demandOption: true, describe: 'Dataset id, owner/name' })
      .option('revision', { type: 'string', describe: 'Branch, tag or commit sha (default: main)' })
      .option('include', { type: 'string', array: true, describe: 'Only files matching these patterns (fnmatch: * also crosses /)' })
      .option('exclude', { type: 'string', array: true, describe: 'Skip files matching these patterns' })
      .option('out', { type: 'string', describe: 'Also copy the files into this plain folder' })
      .option('endpoint', { type: 'string', describe: 'Hub URL (default: $HF_ENDPOINT, else https://huggingface.co)' })
      .option('token', { type: 'string', describe: 'Access token (default: $HF_TOKEN, else $HF_HOME/token)' })
      .option('cache-dir', { type: 'string', describe: 'Hub cache root (default: $HF_HUB_CACHE, else $HF_HOME/hub)' })
      .option('concurrency', { type: 'number', default: 8, describe: 'Files downloaded at the same time' })
      .option('json', { type: 'boolean', default: false, describe: 'Print one JSON summary on stdout' })
      .option('quiet', { alias: 'q', type: 'boolean', default: false, describe: 'No progress or summary on stderr' }),
  run: async (args) => {
    // Loaded on use, so other commands do not pay for the Hub client at startup.
    const [{ downloadSnapshot }, { resolveHubOptions }, { formatBytes }, { createProgress }] = await Promise.all([
      import('../hub/download-snapshot.js'),
      import('../hub/resolve-hub-options.js'),
      import('../hub/format-bytes.js'),
      import('../progress.js'),
    ]);
    const verbose = (args as { verbose?: boolean }).verbose === true;
    if (!Number.isInteger(args.concurrency) || args.concurrency < 1 || args.concurrency > 64) {
      throw new UsageError('--concurrency must be an integer from 1 to 64');
    }
    const hub = resolveHubOptions({ endpoint: args.endpoint, token: args.token, cacheDir: args['cache-dir'] });
    const progress = createProgress({ enabled: args.quiet ? false : undefined });
    let result: DownloadSnapshotResult;
    try {
      result = await downloadSnapshot({
        ...hub,
        repo: args.repo,
        revision: args.revision,
        include: args.include,
        exclude: args.exclude,
        out: args.out,
        concurrency: args.concurrency,
        onProgress: progress.enabled
          ? (p) =>
              progress.update({
                done: p.bytesDone,
                total: p.bytesTotal,
                text: `${args.repo}: ${p.filesDone}/${p.filesTotal} files, ${formatBytes(p.bytesDone)} of ${formatBytes(p.bytesTotal)}${p.filesCached > 0 ? ` (${p.filesCached} cached)` : ''}`,
              })
          : undefined,
        onRetry: verbose
          ? (e) => process.stderr.write(`trajkit: retrying ${new URL(e.url).pathname} in ${e.delayMs} ms (${e.reason}, try ${e.attempt}/${e.attempts})\n`)
          : undefined,
      });
    } finally {
      progress.done();
    }

    for (const { path, error } of result.failed) process.stderr.write(`trajkit: ${path}: ${error.message}\n`);
    // An empty selection is almost always a mistyped pattern; succeeding silently would hide it.
    const nothing = result.files === 0 && result.failed.length === 0;
    if (nothing) process.stderr.write(`trajkit: no file of ${result.repo}@${result.revision} matches --include/--exclude\n`);
    if (args.json) {
      process.stdout.write(
        `${JSON.stringify({
          repo: result.repo,
          revision: result.revision,
          files: result.files,
          bytes: result.bytes,
          cached: result.cached,
          path: result.path,
          failed: result.failed.map(({ path, error }) => ({ path, code: error.code, message: error.message })),
        })}\n`,
      );
    } else {
      process.stdout.write(`${result.path}\n`);
      if (!args.quiet) {
        process.stderr.write(
          `${result.repo}@${result.revision}: ${result.files} files, ${formatBytes(result.bytes)} ` +
            `(${result.cached} from cache, ${formatBytes(result.downloadedBytes)} downloaded)` +
            `${result.failed.length > 0 ? `, ${result.failed.length} failed` : ''}\n`,
        );
      }
    }
    return result.failed.length > 0 || nothing ? 1 : 0;
  },
});
