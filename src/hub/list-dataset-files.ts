import { listFiles } from '@huggingface/hub';
import { assertSafeRepoPath } from './assert-safe-repo-path.js';
import { createHubFetch } from './create-hub-fetch.js';
import { HubError } from './hub-error.js';
import type { HubRequestOptions } from './hub-options.js';
import { DEFAULT_HUB_URL } from './resolve-endpoint.js';
import { toHubError } from './to-hub-error.js';

/** One file of a dataset at a pinned commit, as the tree listing describes it. */
export interface DatasetFile {
  /** Repo-relative path with `/` separators, checked by `assertSafeRepoPath`. */
  path: string;
  /** Size of the file's content in bytes (for LFS files, of the real content, not the pointer). */
  size: number;
  /** Name of the cache blob: the LFS sha256, else the git blob oid (sha1). */
  etag: string;
  /** Git blob oid of what git stores (the pointer file, for LFS files). */
  oid: string;
  /** Present for files stored with Git LFS (or Xet): sha256 and size of the content. */
  lfs?: { oid: string; size: number };
}

const SHA1 = /^[0-9a-f]{40}$/;
const SHA256 = /^[0-9a-f]{64}$/;

/**
 * Lists the files of dataset `repo` at commit `sha` (recursively, under `folder` if given),
 * following the Hub's pagination. Every path is checked for traversal tricks and every blob name
 * for shape before anything is yielded; a listing that repeats a page is refused rather than
 * followed forever.
 */
export async function* listDatasetFiles(
  options: HubRequestOptions & { repo: string; sha: string; folder?: string },
): AsyncGenerator<DatasetFile> {
  const hubUrl = options.hubUrl ?? DEFAULT_HUB_URL;
  const hubFetch = createHubFetch(options);
  const where = `dataset ${options.repo}@${options.sha.slice(0, 12)}`;
  const seenPages = new Set<string>();
  const guardedFetch = (async (input: string | URL | Request, init?: RequestInit) => {
    const url = typeof input === 'string' ? input : input instanceof URL ? input.href : input.url;
    if (seenPages.has(url)) {
      throw new HubError('TK_HUB_BAD_RESPONSE', `${where}: the tree listing's pagination loops back to a page it already sent`, { url, exitCode: 1 });
    }
    seenPages.add(url);
    return hubFetch(input, init);
  }) as typeof fetch;

  const folder = options.folder?.replace(/\/+$/, '');
  if (folder) assertSafeRepoPath(folder, where);
  const seenPaths = new Set<string>();
  try {
    for await (const entry of listFiles({
      repo: { type: 'dataset', name: options.repo },
      revision: options.sha,
      recursive: true,
      expand: false,
      hubUrl,
      fetch: guardedFetch,
      ...(folder ? { path: folder.split('/').map(encodeURIComponent).join('/') } : {}),
      ...(options.accessToken ? { accessToken: options.accessToken } : {}),
    })) {
      if (entry.type !== 'file') {
        // Directories are implied by file paths, but a hostile name must not pass unnoticed.
        assertSafeRepoPath(entry.path, where);
        continue;
      }
      const file = checkEntry(entry, where);
      if (seenPaths.has(file.path)) {
        throw new HubError('TK_HUB_BAD_RESPONSE', `${where}: the listing names ${file.path} twice`, { exitCode: 1 });
      }
      seenPaths.add(file.path);
      yield file;
    }
  } catch (error) {
    throw toHubError(error, {
      repo: options.repo,
      revision: options.sha,
      path: folder,
      hubUrl,
      accessToken: options.accessToken,
      fetch: hubFetch,
    });
  }
}

function checkEntry(entry: { path: string; size: number; oid?: string; lfs?: { oid: string; size: number } }, where: string): DatasetFile {
  assertSafeRepoPath(entry.path, where);
  const bad = (what: string) =>
    new HubError('TK_HUB_BAD_RESPONSE', `${where}: the listing entry for ${entry.path} has ${what}`, { exitCode: 1 });
  if (!Number.isSafeInteger(entry.size) || entry.size < 0) throw bad('no valid size');
  if (typeof entry.oid !== 'string' || !SHA1.test(entry.oid)) throw bad('no valid git oid');
  if (entry.lfs !== undefined && entry.lfs !== null) {
    const lfs = entry.lfs;
    if (typeof lfs.oid !== 'string' || !SHA256.test(lfs.oid)) throw bad('no valid LFS sha256');
    if (!Number.isSafeInteger(lfs.size) || lfs.size < 0) throw bad('no valid LFS size');
    return { path: entry.path, size: lfs.size, etag: lfs.oid, oid: entry.oid, lfs: { oid: lfs.oid, size: lfs.size } };
  }
  return { path: entry.path, size: entry.size, etag: entry.oid, oid: entry.oid };
}
