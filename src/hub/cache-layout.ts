import { join } from 'node:path';

/** Paths of one dataset inside a Hub cache root, in the layout Python's `huggingface_hub` uses. */
export interface CacheLayout {
  /** `<cache>/datasets--owner--name` */
  repoDir: string;
  /** `blobs/<etag>`: file bodies, named by sha256 (LFS) or git blob oid. */
  blob(etag: string): string;
  /** Where a blob is written until it is complete and verified. */
  incomplete(etag: string): string;
  /** `snapshots/<sha>`: one folder of relative symlinks per commit. */
  snapshotDir(sha: string): string;
  /** `snapshots/<sha>/<path>`; `path` must have passed `assertSafeRepoPath`. */
  pointer(sha: string, path: string): string;
  /** `refs/<revision>`: a file holding the commit sha a branch or tag pointed at. */
  ref(revision: string): string;
}

/**
 * The cache layout of dataset `repo` (`owner/name`, already validated) under `cacheDir`.
 * Compatible both ways with Python's cache: a file either tool downloaded is reused by the other.
 */
export function cacheLayout(cacheDir: string, repo: string): CacheLayout {
  const repoDir = join(cacheDir, ['datasets', ...repo.split('/')].join('--'));
  return {
    repoDir,
    blob: (etag) => join(repoDir, 'blobs', etag),
    incomplete: (etag) => join(repoDir, 'blobs', `${etag}.incomplete`),
    snapshotDir: (sha) => join(repoDir, 'snapshots', sha),
    pointer: (sha, path) => join(repoDir, 'snapshots', sha, ...path.split('/')),
    ref: (revision) => join(repoDir, 'refs', ...revision.split('/')),
  };
}

/**
 * The commit sha of the snapshot a local path lies in (`…/snapshots/<sha>/…`), or undefined
 * when the path is not inside a Hub cache snapshot. Lets readers of `hf://` inputs record the
 * exact revision they read.
 */
export function snapshotRevisionOf(path: string): string | undefined {
  return /[\\/]snapshots[\\/]([0-9a-f]{40})(?:[\\/]|$)/.exec(path)?.[1];
}
