/** How the Hub client retries 5xx answers and broken connections. */
export interface RetryOptions {
  /** Total tries per request, the first one included. Default 5. */
  attempts?: number;
  /** Delay before the first retry; doubles each time, with jitter. Default 500 ms. */
  baseDelayMs?: number;
  /** Upper bound of one delay. Default 10 s. */
  maxDelayMs?: number;
}

/** A retry the client is about to make, for `--verbose` logs. */
export interface RetryEvent {
  url: string;
  /** The try that failed, 1-based. */
  attempt: number;
  attempts: number;
  delayMs: number;
  /** `HTTP 503`, `ECONNRESET`, … */
  reason: string;
}

/**
 * Options every Hub function takes. Nothing is read from the environment here: callers resolve
 * endpoint, token and cache folder first (see `resolveHubOptions`), so tests need no globals.
 */
export interface HubRequestOptions {
  /** Hub base URL without trailing slash. Default `https://huggingface.co`. */
  hubUrl?: string;
  /** `hf_…` token, sent as a Bearer header only. */
  accessToken?: string;
  /** Injectable fetch (tests, proxies). Default `globalThis.fetch`. */
  fetch?: typeof fetch;
  retry?: RetryOptions;
  onRetry?: (event: RetryEvent) => void;
  /** Abandons in-flight requests; a partly downloaded file stays resumable. */
  signal?: AbortSignal;
}

/** Bytes and files of a running download, reported as they change. */
export interface DownloadProgress {
  filesTotal: number;
  filesDone: number;
  /** Files found in the cache, included in `filesDone`. */
  filesCached: number;
  bytesTotal: number;
  /** Bytes in place so far, cached ones included. */
  bytesDone: number;
}

/** Options of functions that fill the local cache. */
export interface HubCacheOptions extends HubRequestOptions {
  /** Hub cache root (the `hub` folder). See `resolveCacheDir`. */
  cacheDir?: string;
  /** Files downloaded at the same time. Default 8. */
  concurrency?: number;
  onProgress?: (progress: DownloadProgress) => void;
  /** Serve only from the cache, never touch the network (`HF_HUB_OFFLINE=1`). */
  offline?: boolean;
  /** Abort a transfer that receives nothing for this long, then resume it. Default 60 s. */
  idleTimeoutMs?: number;
}
