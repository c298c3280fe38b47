import { createHash, type Hash } from 'node:crypto';
import { createReadStream, createWriteStream } from 'node:fs';
import { mkdir, rename, stat, truncate, unlink, writeFile } from 'node:fs/promises';
import { dirname } from 'node:path';
import { Readable, Transform } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import type { ReadableStream as NodeReadableStream } from 'node:stream/web';
import { HubApiError } from '@huggingface/hub';
import { cacheLayout } from './cache-layout.js';
import { createHubFetch, isRetryableNetworkError, retrySettings, backoffDelay, sleep } from './create-hub-fetch.js';
import { HubError } from './hub-error.js';
import type { HubCacheOptions } from './hub-options.js';
import type { DatasetFile } from './list-dataset-files.js';
import { DEFAULT_HUB_URL } from './resolve-endpoint.js';
import { resolveCacheDir } from './resolve-cache-dir.js';
import { toHubError } from './to-hub-error.js';

/** What {@link downloadFileToCache} did for one file. */
export interface FileDownloadResult {
  /** `blobs/<etag>` in the cache. */
  blobPath: string;
  /** The blob was already complete; no request was made. */
  cached: boolean;
  /** Body bytes received over the network (0 when cached). */
  bytesFetched: number;
}

/**
 * Makes sure the blob of `file` (from a listing at commit `sha`) is complete in the cache and
 * returns its path. Bytes go to `blobs/<etag>.incomplete`; an interrupted transfer resumes with a
 * `Range` request, both within this call (connection resets, idle stalls, retried with backoff) and
 * across runs (a leftover `.incomplete`). The result is checked against the listing's size and
 * sha256 (LFS) or git blob oid before it is renamed into place; a file that fails the check is
 * deleted and a `TK_HUB_INTEGRITY` error thrown.
 */
export async function downloadFileToCache(
  options: HubCacheOptions & { repo: string; sha: string; file: DatasetFile; onBytes?: (delta: number) => void },
): Promise<FileDownloadResult> {
  const { file } = options;
  const hubUrl = options.hubUrl ?? DEFAULT_HUB_URL;
  const layout = cacheLayout(options.cacheDir ?? resolveCacheDir(), options.repo);
  const blobPath = layout.blob(file.etag);
  if ((await sizeOf(blobPath)) === file.size) return { blobPath, cached: true, bytesFetched: 0 };
  if (options.offline) {
    throw new HubError('TK_HUB_OFFLINE', `${file.path} of dataset ${options.repo} is not in the cache and HF_HUB_OFFLINE is set`);
  }

  await mkdir(dirname(blobPath), { recursive: true });
  const incomplete = layout.incomplete(file.etag);
  const url = `${hubUrl}/datasets/${options.repo}/resolve/${options.sha}/${file.path.split('/').map(encodeURIComponent).join('/')}`;
  const hubFetch = createHubFetch(options);
  const retry = retrySettings(options);
  const errorContext = { repo: options.repo, revision: options.sha, path: file.path, hubUrl, accessToken: options.accessToken, fetch: hubFetch };
  let reported = 0;
  const report = (total: number) => {
    if (total !== reported) options.onBytes?.(total - reported);
    reported = total;
  };
  let fetched = 0;
  let digest: string;

  for (let attempt = 1; ; attempt++) {
    const state = { offset: 0, received: 0 };
    try {
      digest = await transfer(state);
      fetched += state.received;
      break;
    } catch (error) {
      fetched += state.received;
      if (options.signal?.aborted) throw error;
      const resumable = error instanceof ResumableError || (!(error instanceof HubError) && isRetryableNetworkError(error));
      if (!resumable) throw toHubError(error, errorContext);
      if (attempt >= retry.attempts) {
        throw new HubError(
          'TK_HUB_TRANSFER',
          `${file.path}: the transfer kept breaking off (${describe(error)}) after ${attempt} tries; run again to resume it`,
          { url, exitCode: 1, cause: error },
        );
      }
      const delayMs = backoffDelay(attempt, retry);
      options.onRetry?.({ url, attempt, attempts: retry.attempts, delayMs, reason: describe(error) });
      await sleep(delayMs, options.signal);
    }
  }

  const expected = file.lfs ? file.lfs.oid : file.oid;
  if (digest !== expected) {
    await unlink(incomplete).catch(() => undefined);
    report(0);
    throw new HubError(
      'TK_HUB_INTEGRITY',
      `${file.path}: content does not match the listing (${file.lfs ? 'sha256' : 'git oid'} ${digest.slice(0, 12)}…, expected ${expected.slice(0, 12)}…); not kept in the cache`,
      { url, exitCode: 1 },
    );
  }
  await rename(incomplete, blobPath);
  return { blobPath, cached: false, bytesFetched: fetched };

  /** One request: appends to the `.incomplete` file and returns the content digest once complete. */
  async function transfer(state: { offset: number; received: number }): Promise<string> {
    let offset = (await sizeOf(incomplete)) ?? 0;
    if (offset > file.size) {
      await truncate(incomplete, 0);
      offset = 0;
    }
    state.offset = offset;
    report(offset);
    if (offset === file.size) {
      // An empty file needs no request; otherwise a previous run got every byte but stopped before the rename.
      if (offset === 0) await writeFile(incomplete, '');
      return hashFile(newHasher(file), incomplete, offset);
    }

    const idle = new AbortController();
    const signal = options.signal ? AbortSignal.any([options.signal, idle.signal]) : idle.signal;
    const headers: Record<string, string> = {};
    if (options.accessToken) headers.Authorization = `Bearer ${options.accessToken}`;
    if (offset > 0) headers.Range = `bytes=${offset}-`;
    const idleMs = options.idleTimeoutMs ?? 60_000;
    let timer = setTimeout(() => idle.abort(new ResumableError(`no data for ${idleMs} ms`)), idleMs);
    try {
      const response = await hubFetch(url, { headers, signal });
      if (response.status === 416 && offset > 0) {
        await response.body?.cancel().catch(() => undefined);
        await truncate(incomplete, 0);
        throw new ResumableError('server refused the resume range');
      }
      if (!response.ok) throw await apiError(response);
      if (response.status === 200 && offset > 0) {
        // The server ignored Range and sends the whole file: start over.
        offset = 0;
        state.offset = 0;
        report(0);
      } else if (response.status === 206) {
        const start = /^bytes (\d+)-/.exec(response.headers.get('content-range') ?? '')?.[1];
        if (start === undefined || Number(start) !== offset) {
          await response.body?.cancel().catch(() => undefined);
          throw new HubError('TK_HUB_BAD_RESPONSE', `${file.path}: the Hub answered a resume from byte ${offset} with range ${JSON.stringify(response.headers.get('content-range'))}`, { url, exitCode: 1 });
        }
      } else if (response.status !== 200) {
        await response.body?.cancel().catch(() => undefined);
        throw new HubError('TK_HUB_BAD_RESPONSE', `${file.path}: unexpected HTTP ${response.status} for a file download`, { url, exitCode: 1 });
      }
      if (!response.body) throw new ResumableError('empty response body');

      const hasher = newHasher(file);
      if (offset > 0) await hashFile(hasher, incomplete, offset, false);
      const counter = new Transform({
        transform(chunk: Buffer, _encoding, callback) {
          clearTimeout(timer);
          timer = setTimeout(() => idle.abort(new ResumableError(`no data for ${idleMs} ms`)), idleMs);
          if (offset + state.received + chunk.length > file.size) {
            callback(new SizeError(offset + state.received + chunk.length));
            return;
          }
          state.received += chunk.length;
          hasher.update(chunk);
          report(offset + state.received);
          callback(null, chunk);
        },
      });
      await pipeline(
        Readable.fromWeb(response.body as NodeReadableStream<Uint8Array>),
        counter,
        createWriteStream(incomplete, { flags: offset > 0 ? 'a' : 'w' }),
      );
      if (offset + state.received < file.size) throw new ResumableError(`connection closed at byte ${offset + state.received} of ${file.size}`);
      return hasher.digest('hex');
    } catch (error) {
      if (error instanceof SizeError) {
        await unlink(incomplete).catch(() => undefined);
        report(0);
        throw new HubError('TK_HUB_INTEGRITY', `${file.path}: the Hub sent more than the ${file.size} bytes the listing announced; not kept in the cache`, { url, exitCode: 1 });
      }
      // An abort we caused for idleness surfaces as an AbortError; report it as the stall it is.
      if (idle.signal.aborted && !options.signal?.aborted) throw idle.signal.reason;
      throw error;
    } finally {
      clearTimeout(timer);
    }
  }
}

/** A transfer that broke off in a way a `Range` request can continue. */
class ResumableError extends Error {}

class SizeError extends Error {
  constructor(readonly size: number) {
    super(`body exceeds ${size} bytes`);
  }
}

/** sha256 of the content for LFS files; otherwise git's blob oid, sha1 over `blob <size>\0` + content. */
function newHasher(file: DatasetFile): Hash {
  if (file.lfs) return createHash('sha256');
  return createHash('sha1').update(`blob ${file.size}\0`);
}

async function hashFile(hasher: Hash, path: string, length: number, finish: true): Promise<string>;
async function hashFile(hasher: Hash, path: string, length: number, finish: false): Promise<void>;
async function hashFile(hasher: Hash, path: string, length: number): Promise<string>;
async function hashFile(hasher: Hash, path: string, length: number, finish = true): Promise<string | void> {
  if (length > 0) {
    for await (const chunk of createReadStream(path, { start: 0, end: length - 1 })) hasher.update(chunk as Buffer);
  }
  if (finish) return hasher.digest('hex');
}

async function sizeOf(path: string): Promise<number | undefined> {
  try {
    const info = await stat(path);
    return info.isFile() ? info.size : undefined;
  } catch {
    return undefined;
  }
}

async function apiError(response: Response): Promise<HubApiError> {
  const error = new HubApiError(response.url, response.status, response.headers.get('x-request-id') ?? undefined);
  const text = await response.text().catch(() => '');
  let data: Record<string, unknown> = { message: text.slice(0, 1000) };
  if (response.headers.get('content-type')?.startsWith('application/json')) {
    try {
      data = JSON.parse(text) as Record<string, unknown>;
    } catch {
      // keep the raw text
    }
  }
  error.data = data as HubApiError['data'];
  error.message = `Api error with status ${response.status}`;
  return error;
}

function describe(error: unknown): string {
  if (error instanceof ResumableError) return error.message;
  const code = (error as { cause?: { code?: string } })?.cause?.code;
  return code ?? (error instanceof Error ? error.message : String(error));
}
