import { randomBytes } from 'node:crypto';
import { copyFile, lstat, readFile, readdir, readlink, rename, stat, symlink, unlink, writeFile } from 'node:fs/promises';
import { dirname, join, relative, resolve, sep } from 'node:path';
import { assertSafeRepoPath } from './assert-safe-repo-path.js';
import { cacheLayout, type CacheLayout } from './cache-layout.js';
import { createHubFetch } from './create-hub-fetch.js';
import { createPathFilter } from './create-path-filter.js';
import { downloadFileToCache } from './download-file-to-cache.js';
import { ensureDirInside } from './ensure-dir-inside.js';
import { HubError, type HubErrorCode } from './hub-error.js';
import type { DownloadProgress, HubCacheOptions } from './hub-options.js';
import { listDatasetFiles, type DatasetFile } from './list-dataset-files.js';
import { mapConcurrent } from './map-concurrent.js';
import { parseDatasetId } from './parse-dataset-id.js';
import { COMMIT_SHA, pinRevision } from './pin-revision.js';
import { DEFAULT_HUB_URL } from './resolve-endpoint.js';
import { resolveCacheDir } from './resolve-cache-dir.js';

/** What to download and where. */
export interface DownloadSnapshotOptions extends HubCacheOptions {
  /** `owner/name` (or `datasets/owner/name`). */
  repo: string;
  /** Branch, tag or commit sha. Default `main`. */
  revision?: string;
  /** `huggingface-cli`-style patterns (see `createPathFilter`). */
  include?: readonly string[];
  exclude?: readonly string[];
  /** List only under this folder of the repo (fewer listing requests for `hf://` paths). */
  folder?: string;
  /** A further selection on repo paths, applied after `include`/`exclude`. */
  filter?: (path: string) => boolean;
  /** Also copy the selected files into this plain folder (no symlinks, no cache layout). */
  out?: string;
}

/** One file of a finished download. */
export interface SnapshotFile {
  /** Repo-relative path. */
  path: string;
  size: number;
  /** Where to read it: under the snapshot folder, or under `out`. */
  localPath: string;
  /** Served from the cache without fetching its body. */
  cached: boolean;
}

/** A file that could not be downloaded; the others were. */
export interface FailedFile {
  path: string;
  error: HubError;
}

/** What {@link downloadSnapshot} did. */
export interface DownloadSnapshotResult {
  /** `owner/name` */
  repo: string;
  /** The commit sha the download is pinned to. */
  revision: string;
  /** The branch, tag or sha that was asked for. */
  requestedRevision: string;
  /** Selected files that are now in place. */
  files: number;
  /** Their total size. */
  bytes: number;
  /** How many of them were already in the cache. */
  cached: number;
  /** Body bytes received over the network. */
  downloadedBytes: number;
  /** `out` if given, else the snapshot folder `<cache>/datasets--o--n/snapshots/<sha>`. */
  path: string;
  snapshotPath: string;
  entries: SnapshotFile[];
  failed: FailedFile[];
}

/** Errors that stop the whole download instead of failing one file. */
const FATAL: ReadonlySet<HubErrorCode> = new Set([
  'TK_HUB_AUTH',
  'TK_HUB_GATED',
  'TK_HUB_REPO_NOT_FOUND',
  'TK_HUB_REVISION_NOT_FOUND',
  'TK_HUB_UNREACHABLE',
  'TK_HUB_OFFLINE',
  'TK_HUB_CONFIG',
  'TK_HUB_UNSAFE_PATH',
]);

/**
 * Downloads the selected files of a dataset at one pinned commit into the Hub cache
 * (Python-compatible: `blobs/<etag>`, `snapshots/<sha>/<path>` relative symlinks, `refs/<branch>`),
 * optionally copying them into a plain `out` folder. Files already in the cache cost no request;
 * the rest are fetched `concurrency` at a time with retries, resume and checksum checks
 * (see `downloadFileToCache`).
 *
 * Throws a {@link HubError} when the run cannot go on (access, missing repo or revision,
 * unreachable endpoint, an unsafe listing: checked before anything is written). Files that fail on
 * their own are reported in `failed`, and the rest still land.
 */
export async function downloadSnapshot(options: DownloadSnapshotOptions): Promise<DownloadSnapshotResult> {
  const repo = parseDatasetId(options.repo);
  const hubUrl = options.hubUrl ?? DEFAULT_HUB_URL;
  const cacheDir = options.cacheDir ?? resolveCacheDir();
  const layout = cacheLayout(cacheDir, repo);
  const requestedRevision = options.revision ?? 'main';
  const select = combine(createPathFilter(options), options.filter);
  if (options.folder) assertSafeRepoPath(options.folder.replace(/\/+$/, ''), `dataset ${repo}`);

  if (options.offline) return fromCacheOnly(options, repo, layout, requestedRevision, select);

  const fetch = createHubFetch(options);
  const request = { ...options, hubUrl, fetch, repo };
  const pinned = await pinRevision({ ...request, revision: requestedRevision });
  if (pinned.gated && !options.accessToken) {
    throw new HubError('TK_HUB_GATED', `dataset ${repo} is gated: pass --token (or set HF_TOKEN) for an account that was granted access`);
  }
  const sha = pinned.sha;

  const selected: DatasetFile[] = [];
  for await (const file of listDatasetFiles({ ...request, sha, folder: options.folder })) {
    if (select(file.path)) selected.push(file);
  }
  assertNoPathConflicts(selected, repo);
  selected.sort((a, b) => (a.path < b.path ? -1 : a.path > b.path ? 1 : 0));

  if (requestedRevision !== sha) await writeRef(layout, requestedRevision, sha, repo);
  const snapshotPath = layout.snapshotDir(sha);
  await ensureDirInside(cacheDir, relative(cacheDir, snapshotPath).split(sep).join('/'));

  const progress: DownloadProgress = {
    filesTotal: selected.length,
    filesDone: 0,
    filesCached: 0,
    bytesTotal: selected.reduce((sum, file) => sum + file.size, 0),
    bytesDone: 0,
  };
  const emit = () => options.onProgress?.({ ...progress });
  emit();

  // Identical contents share one blob: fetch each etag once, then link every path to it.
  const entries = new Map<string, SnapshotFile>();
  const pending = new Map<string, DatasetFile[]>();
  for (const file of selected) {
    if (await isLinked(layout, sha, file)) {
      entries.set(file.path, { path: file.path, size: file.size, localPath: layout.pointer(sha, file.path), cached: true });
      progress.filesDone++;
      progress.filesCached++;
      progress.bytesDone += file.size;
    } else {
      const group = pending.get(file.etag);
      if (group) group.push(file);
      else pending.set(file.etag, [file]);
    }
  }
  emit();

  const failed: FailedFile[] = [];
  let downloadedBytes = 0;
  const stop = new AbortController();
  const signal = options.signal ? AbortSignal.any([options.signal, stop.signal]) : stop.signal;
  let fatal: unknown;
  await mapConcurrent(
    [...pending.values()],
    options.concurrency ?? 8,
    async (group) => {
      const [first] = group;
      try {
        const result = await downloadFileToCache({
          ...request,
          signal,
          cacheDir,
          sha,
          file: first,
          onBytes: (delta) => {
            progress.bytesDone += delta;
            emit();
          },
        });
        downloadedBytes += result.bytesFetched;
        for (const file of group) {
          await linkPointer(layout, cacheDir, sha, file, result.blobPath);
          entries.set(file.path, { path: file.path, size: file.size, localPath: layout.pointer(sha, file.path), cached: result.cached });
          progress.filesDone++;
          if (result.cached) progress.filesCached++;
          // The first file's bytes were counted as they arrived, unless its blob was already there.
          if (file !== first || result.cached) progress.bytesDone += file.size;
        }
        emit();
      } catch (error) {
        if (stop.signal.aborted || options.signal?.aborted) return;
        if (!(error instanceof HubError) || FATAL.has(error.code)) {
          fatal = error;
          stop.abort(error);
          return;
        }
        for (const file of group) failed.push({ path: file.path, error });
      }
    },
    signal,
  );
  if (fatal !== undefined) throw fatal;
  if (options.signal?.aborted) throw options.signal.reason;

  const done = selected.filter((file) => entries.has(file.path)).map((file) => entries.get(file.path)!);
  if (options.out !== undefined) await materialise(done, resolve(options.out));
  failed.sort((a, b) => (a.path < b.path ? -1 : 1));
  return {
    repo,
    revision: sha,
    requestedRevision,
    files: done.length,
    bytes: done.reduce((sum, file) => sum + file.size, 0),
    cached: done.filter((file) => file.cached).length,
    downloadedBytes,
    path: options.out !== undefined ? resolve(options.out) : snapshotPath,
    snapshotPath,
    entries: done,
    failed,
  };
}

function combine(a: (path: string) => boolean, b: ((path: string) => boolean) | undefined): (path: string) => boolean {
  return b ? (path) => a(path) && b(path) : a;
}

/** A listing where `a` is a file and `a/b` another would make one of them overwrite a folder. */
function assertNoPathConflicts(files: readonly DatasetFile[], repo: string): void {
  const paths = new Set(files.map((file) => file.path));
  for (const file of files) {
    const parts = file.path.split('/');
    for (let i = 1; i < parts.length; i++) {
      const parent = parts.slice(0, i).join('/');
      if (paths.has(parent)) {
        throw new HubError('TK_HUB_UNSAFE_PATH', `dataset ${repo}: the listing names ${parent} both as a file and as the folder of ${file.path}`, {
          exitCode: 1,
        });
      }
    }
  }
}

/** The pointer exists and leads to the complete blob this listing expects (or is a copy of the right size). */
async function isLinked(layout: CacheLayout, sha: string, file: DatasetFile): Promise<boolean> {
  const pointer = layout.pointer(sha, file.path);
  try {
    const info = await lstat(pointer);
    if (info.isSymbolicLink()) {
      const target = resolve(dirname(pointer), await readlink(pointer));
      if (target !== layout.blob(file.etag)) return false;
      return (await stat(target)).size === file.size;
    }
    return info.isFile() && info.size === file.size;
  } catch {
    return false;
  }
}

/** Python-compatible pointer: a relative symlink to the blob, or a copy where symlinks fail. */
async function linkPointer(layout: CacheLayout, cacheDir: string, sha: string, file: DatasetFile, blobPath: string): Promise<void> {
  const pointer = layout.pointer(sha, file.path);
  const relDir = relative(cacheDir, dirname(pointer)).split(sep).join('/');
  await ensureDirInside(cacheDir, relDir);
  const temp = `${pointer}.${randomBytes(6).toString('hex')}.tmp`;
  try {
    await symlink(relative(dirname(pointer), blobPath), temp);
  } catch {
    await copyFile(blobPath, temp);
  }
  try {
    await rename(temp, pointer);
  } catch (error) {
    await unlink(temp).catch(() => undefined);
    throw error;
  }
}

/** `refs/<branch>` holds the sha the branch pointed at, as Python's client writes it. */
async function writeRef(layout: CacheLayout, revision: string, sha: string, repo: string): Promise<void> {
  assertSafeRepoPath(revision, `dataset ${repo} revision`);
  const path = layout.ref(revision);
  const cacheRoot = dirname(layout.repoDir);
  await ensureDirInside(cacheRoot, relative(cacheRoot, dirname(path)).split(sep).join('/'));
  const temp = `${path}.${randomBytes(6).toString('hex')}.tmp`;
  await writeFile(temp, sha);
  await rename(temp, path);
}

/** Copies the files into a plain folder, each through a temp file and a rename. */
async function materialise(files: readonly SnapshotFile[], out: string): Promise<void> {
  for (const file of files) {
    const slash = file.path.lastIndexOf('/');
    const dir = await ensureDirInside(out, slash < 0 ? '' : file.path.slice(0, slash));
    const target = join(dir, file.path.slice(slash + 1));
    const temp = `${target}.${randomBytes(6).toString('hex')}.tmp`;
    await copyFile(file.localPath, temp);
    await rename(temp, target);
    file.localPath = target;
  }
}

/** `HF_HUB_OFFLINE`: the revision comes from `refs/`, the file list from the snapshot folder. */
async function fromCacheOnly(
  options: DownloadSnapshotOptions,
  repo: string,
  layout: CacheLayout,
  requestedRevision: string,
  select: (path: string) => boolean,
): Promise<DownloadSnapshotResult> {
  let sha = requestedRevision;
  if (!COMMIT_SHA.test(sha)) {
    assertSafeRepoPath(requestedRevision, `dataset ${repo} revision`);
    try {
      sha = (await readFile(layout.ref(requestedRevision), 'utf8')).trim();
    } catch {
      throw new HubError('TK_HUB_OFFLINE', `dataset ${repo}@${requestedRevision} is not in the cache and HF_HUB_OFFLINE is set`);
    }
    if (!COMMIT_SHA.test(sha)) throw new HubError('TK_HUB_OFFLINE', `the cached ref ${layout.ref(requestedRevision)} does not hold a commit sha`);
  }
  const snapshotPath = layout.snapshotDir(sha);
  const folder = options.folder?.replace(/\/+$/, '');
  const files: SnapshotFile[] = [];
  const walk = async (relDir: string): Promise<void> => {
    let names: string[];
    try {
      names = (await readdir(join(snapshotPath, ...relDir.split('/').filter(Boolean)))).sort();
    } catch {
      return;
    }
    for (const name of names) {
      if (name.endsWith('.tmp')) continue;
      const path = relDir ? `${relDir}/${name}` : name;
      const local = join(snapshotPath, ...path.split('/'));
      const info = await stat(local).catch(() => undefined);
      if (info?.isDirectory()) await walk(path);
      else if (info?.isFile() && select(path)) files.push({ path, size: info.size, localPath: local, cached: true });
    }
  };
  if ((await stat(snapshotPath).catch(() => undefined))?.isDirectory() !== true) {
    throw new HubError('TK_HUB_OFFLINE', `dataset ${repo}@${requestedRevision} is not in the cache and HF_HUB_OFFLINE is set`);
  }
  await walk(folder ?? '');
  options.onProgress?.({
    filesTotal: files.length,
    filesDone: files.length,
    filesCached: files.length,
    bytesTotal: files.reduce((s, f) => s + f.size, 0),
    bytesDone: files.reduce((s, f) => s + f.size, 0),
  });
  if (options.out !== undefined) await materialise(files, resolve(options.out));
  return {
    repo,
    revision: sha,
    requestedRevision,
    files: files.length,
    bytes: files.reduce((s, f) => s + f.size, 0),
    cached: files.length,
    downloadedBytes: 0,
    path: options.out !== undefined ? resolve(options.out) : snapshotPath,
    snapshotPath,
    entries: files,
    failed: [],
  };
}
