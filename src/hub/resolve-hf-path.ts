import { join } from 'node:path';
import picomatch from 'picomatch';
import { assertSafeRepoPath } from './assert-safe-repo-path.js';
import { downloadSnapshot, type DownloadSnapshotResult } from './download-snapshot.js';
import { parseHfUri } from './hf-uri.js';
import { HubError } from './hub-error.js';
import type { HubCacheOptions } from './hub-options.js';
import { resolveHubOptions } from './resolve-hub-options.js';

/** Options of {@link resolveHfPath}; anything left out comes from the environment. */
export interface ResolveHfPathOptions extends HubCacheOptions {
  /** Where `HF_ENDPOINT`, `HF_TOKEN`, `HF_HOME`, `HF_HUB_OFFLINE` are read. Default `process.env`. */
  env?: NodeJS.ProcessEnv;
}

/**
 * Turns an `hf://datasets/<owner>/<name>[@rev]/<path-or-glob>` URI into local paths, downloading
 * through the Hub cache first (the same cache and checks as `trajkit download`):
 * - a file path gives that file;
 * - a folder path (or none) gives the local folder, after downloading everything under it;
 * - a glob (`*` within a folder, `**` across folders, matched against the listing) gives the
 *   matching files, sorted.
 *
 * Throws a {@link HubError} when nothing matches (exit 2) or when some file could not be
 * downloaded (exit 1), since a reader must not silently work on part of the data.
 */
export async function resolveHfPath(uri: string, options: ResolveHfPathOptions = {}): Promise<string[]> {
  const { repo, revision, path } = parseHfUri(uri);
  const fromEnv = resolveHubOptions({ env: options.env });
  const common = {
    ...options,
    repo,
    revision,
    hubUrl: options.hubUrl ?? fromEnv.hubUrl,
    accessToken: options.accessToken ?? fromEnv.accessToken,
    cacheDir: options.cacheDir ?? fromEnv.cacheDir,
    offline: options.offline ?? fromEnv.offline,
  };
  const scan = picomatch.scan(path);

  if (scan.isGlob) {
    const base = scan.base.replace(/\/+$/, '');
    const isMatch = picomatch(path, { dot: true });
    const result = await select(uri, () => downloadSnapshot({ ...common, folder: base || undefined, filter: (p) => isMatch(p) }));
    return result.entries.map((entry) => entry.localPath);
  }

  if (path === '') {
    const result = await select(uri, () => downloadSnapshot(common));
    return [result.snapshotPath];
  }
  assertSafeRepoPath(path, uri);
  const slash = path.lastIndexOf('/');
  const result = await select(uri, () =>
    downloadSnapshot({
      ...common,
      folder: slash < 0 ? undefined : path.slice(0, slash),
      filter: (p) => p === path || p.startsWith(`${path}/`),
    }),
  );
  const exact = result.entries.find((entry) => entry.path === path);
  return exact ? [exact.localPath] : [join(result.snapshotPath, ...path.split('/'))];
}

async function select(uri: string, run: () => Promise<DownloadSnapshotResult>): Promise<DownloadSnapshotResult> {
  let result: DownloadSnapshotResult;
  try {
    result = await run();
  } catch (error) {
    if (error instanceof HubError && error.code === 'TK_HUB_ENTRY_NOT_FOUND') {
      throw new HubError('TK_HUB_ENTRY_NOT_FOUND', `${uri}: no such file or folder in the dataset`, { cause: error });
    }
    throw error;
  }
  if (result.failed.length > 0) {
    const [first] = result.failed;
    throw new HubError(
      first.error.code,
      `${uri}: ${result.failed.length} file(s) could not be downloaded; first: ${first.error.message}`,
      { exitCode: 1, cause: first.error },
    );
  }
  if (result.files === 0) {
    throw new HubError('TK_HUB_ENTRY_NOT_FOUND', `${uri}: no file of dataset ${result.repo}@${result.revision.slice(0, 12)} matches`);
  }
  return result;
}
