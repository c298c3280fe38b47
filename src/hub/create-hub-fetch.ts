import { HubError } from './hub-error.js';
import type { HubRequestOptions } from './hub-options.js';

const STATE = Symbol('trajkit.hubFetch');

/**
 * A `fetch` for Hub requests: retries 5xx/429 answers and reset connections with exponential
 * backoff, turns unreachable endpoints into a {@link HubError}, and remembers the Hub's
 * `X-Error-Code` of failed responses (which @huggingface/hub's `HubApiError` drops) so errors can
 * say "revision not found" rather than just "404".
 */
export type HubFetch = typeof fetch & {
  readonly [STATE]: { errorCodes: Map<string, string> };
};

const RETRYABLE_NETWORK = new Set([
  'ECONNRESET',
  'EPIPE',
  'ETIMEDOUT',
  'ECONNABORTED',
  'EAI_AGAIN',
  'UND_ERR_SOCKET',
  'UND_ERR_CONNECT_TIMEOUT',
  'UND_ERR_HEADERS_TIMEOUT',
  'UND_ERR_BODY_TIMEOUT',
  'UND_ERR_CLOSED',
]);

/** Settings with defaults filled in; exported for the body download loop, which retries the same way. */
export function retrySettings(options: HubRequestOptions): { attempts: number; baseDelayMs: number; maxDelayMs: number } {
  return {
    attempts: Math.max(1, Math.floor(options.retry?.attempts ?? 5)),
    baseDelayMs: Math.max(0, options.retry?.baseDelayMs ?? 500),
    maxDelayMs: Math.max(0, options.retry?.maxDelayMs ?? 10_000),
  };
}

/** Wraps `options.fetch` (or the global one); a fetch that is already wrapped is returned as is. */
export function createHubFetch(options: HubRequestOptions): HubFetch {
  const given = options.fetch as Partial<HubFetch> | undefined;
  if (given && given[STATE]) return given as HubFetch;
  const base = options.fetch ?? globalThis.fetch;
  const retry = retrySettings(options);
  const errorCodes = new Map<string, string>();

  const hubFetch = async (input: string | URL | Request, init?: RequestInit): Promise<Response> => {
    const url = typeof input === 'string' ? input : input instanceof URL ? input.href : input.url;
    const signal = init?.signal ?? options.signal;
    for (let attempt = 1; ; attempt++) {
      let response: Response;
      try {
        response = await base(input, { ...init, signal });
      } catch (error) {
        if (signal?.aborted) throw error;
        const code = networkErrorCode(error);
        if (!RETRYABLE_NETWORK.has(code) || attempt >= retry.attempts) throw unreachable(url, code, attempt, error);
        await pause(url, attempt, code, undefined);
        continue;
      }
      if (isRetryableStatus(response.status) && attempt < retry.attempts) {
        const retryAfter = parseRetryAfter(response.headers.get('retry-after'));
        await response.body?.cancel().catch(() => undefined);
        await pause(url, attempt, `HTTP ${response.status}`, retryAfter);
        continue;
      }
      if (!response.ok) {
        const code = response.headers.get('x-error-code');
        if (code) errorCodes.set(response.url || url, code);
      }
      return response;
    }

    async function pause(url: string, attempt: number, reason: string, retryAfterMs: number | undefined) {
      const delayMs = backoffDelay(attempt, retry, retryAfterMs);
      options.onRetry?.({ url, attempt, attempts: retry.attempts, delayMs, reason });
      await sleep(delayMs, signal);
    }
  };
  return Object.assign(hubFetch, { [STATE]: { errorCodes } }) as HubFetch;
}

/** The `X-Error-Code` the Hub sent with a failed response to `url`, if any. */
export function hubErrorCodeFor(fetchFn: typeof fetch | undefined, url: string): string | undefined {
  return (fetchFn as Partial<HubFetch> | undefined)?.[STATE]?.errorCodes.get(url);
}

/** 429 and every 5xx except 501 (which will not change on retry). */
export function isRetryableStatus(status: number): boolean {
  return status === 429 || (status >= 500 && status <= 599 && status !== 501);
}

/** Whether a thrown fetch/stream error is a broken connection worth resuming. */
export function isRetryableNetworkError(error: unknown): boolean {
  return RETRYABLE_NETWORK.has(networkErrorCode(error));
}

/** Exponential backoff with full jitter on the upper half, honouring a short `Retry-After`. */
export function backoffDelay(
  attempt: number,
  retry: { baseDelayMs: number; maxDelayMs: number },
  retryAfterMs?: number,
): number {
  const exp = Math.min(retry.maxDelayMs, retry.baseDelayMs * 2 ** (attempt - 1));
  const jittered = exp / 2 + Math.random() * (exp / 2);
  return Math.round(Math.min(retry.maxDelayMs, Math.max(jittered, retryAfterMs ?? 0)));
}

/** Resolves after `ms`, or rejects when `signal` aborts. */
export function sleep(ms: number, signal?: AbortSignal): Promise<void> {
  if (ms <= 0) return Promise.resolve();
  return new Promise((resolve, reject) => {
    if (signal?.aborted) return reject(signal.reason);
    const timer = setTimeout(() => {
      signal?.removeEventListener('abort', onAbort);
      resolve();
    }, ms);
    const onAbort = () => {
      clearTimeout(timer);
      reject(signal?.reason);
    };
    signal?.addEventListener('abort', onAbort, { once: true });
  });
}

/** undici wraps socket errors as `TypeError('fetch failed', {cause})`; dig out the errno-style code. */
export function networkErrorCode(error: unknown): string {
  let current: unknown = error;
  for (let depth = 0; depth < 5 && current !== null && typeof current === 'object'; depth++) {
    const record = current as { code?: unknown; errors?: unknown[]; cause?: unknown; name?: unknown };
    if (typeof record.code === 'string' && record.code !== '') return record.code;
    if (Array.isArray(record.errors) && record.errors.length > 0) current = record.errors[0];
    else current = record.cause;
  }
  if (error instanceof Error && /terminated|other side closed|socket/i.test(error.message)) return 'UND_ERR_SOCKET';
  return 'UNKNOWN';
}

function parseRetryAfter(header: string | null): number | undefined {
  if (header === null) return undefined;
  const seconds = Number(header);
  return Number.isFinite(seconds) && seconds >= 0 ? seconds * 1000 : undefined;
}

function unreachable(url: string, code: string, attempt: number, cause: unknown): HubError {
  const origin = safeOrigin(url);
  if (RETRYABLE_NETWORK.has(code)) {
    return new HubError('TK_HUB_TRANSFER', `the connection to ${origin} kept failing (${code}) after ${attempt} tries`, {
      url,
      exitCode: 1,
      cause,
    });
  }
  const what =
    code === 'ECONNREFUSED'
      ? 'connection refused'
      : code === 'ENOTFOUND'
        ? 'unknown host'
        : code === 'UNKNOWN'
          ? innermostMessage(cause)
          : code;
  return new HubError('TK_HUB_UNREACHABLE', `cannot reach the Hub at ${origin}: ${what} (check --endpoint / HF_ENDPOINT)`, {
    url,
    cause,
  });
}

function innermostMessage(error: unknown): string {
  let current = error;
  while (current instanceof Error && current.cause instanceof Error) current = current.cause;
  return current instanceof Error && current.message ? current.message : 'network error';
}

function safeOrigin(url: string): string {
  try {
    return new URL(url).origin;
  } catch {
    return 'the endpoint';
  }
}
