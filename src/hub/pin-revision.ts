import { datasetInfo } from '@huggingface/hub';
import { createHubFetch } from './create-hub-fetch.js';
import { HubError } from './hub-error.js';
import type { HubRequestOptions } from './hub-options.js';
import { DEFAULT_HUB_URL } from './resolve-endpoint.js';
import { toHubError } from './to-hub-error.js';

/** A revision pinned to the commit it points at now. */
export interface PinnedRevision {
  /** `owner/name` */
  repo: string;
  /** What was asked for: a branch, tag or sha (default `main`). */
  revision: string;
  /** The 40-hex commit sha it resolved to. */
  sha: string;
  /** `false`, `"auto"` or `"manual"`, as the Hub reports it. */
  gated: false | 'auto' | 'manual';
  private: boolean;
}

/** Matches a full commit sha, the only revision form used in cache paths and file URLs. */
export const COMMIT_SHA = /^[0-9a-f]{40}$/;

/**
 * Resolves `revision` (default `main`) of dataset `repo` to its commit sha with one
 * `datasetInfo` call, so that the listing and every file come from the same commit and the
 * download can say which commit it got. Throws a {@link HubError} for a missing repo or
 * revision, refused access or an unreachable endpoint.
 */
export async function pinRevision(options: HubRequestOptions & { repo: string; revision?: string }): Promise<PinnedRevision> {
  const hubUrl = options.hubUrl ?? DEFAULT_HUB_URL;
  const fetch = createHubFetch(options);
  const revision = options.revision ?? 'main';
  let info: Awaited<ReturnType<typeof datasetInfo<'sha'>>>;
  try {
    info = await datasetInfo({
      name: options.repo,
      revision,
      hubUrl,
      fetch,
      additionalFields: ['sha'],
      ...(options.accessToken ? { accessToken: options.accessToken } : {}),
    });
  } catch (error) {
    throw toHubError(error, { repo: options.repo, revision, hubUrl, accessToken: options.accessToken, fetch });
  }
  const sha = (info as { sha?: unknown }).sha;
  if (typeof sha !== 'string' || !COMMIT_SHA.test(sha)) {
    throw new HubError('TK_HUB_BAD_RESPONSE', `the Hub did not return a commit sha for revision ${JSON.stringify(revision)} of dataset ${options.repo}`, {
      exitCode: 1,
    });
  }
  const gated = info.gated === 'auto' || info.gated === 'manual' ? info.gated : false;
  return { repo: options.repo, revision, sha, gated, private: info.private === true };
}
