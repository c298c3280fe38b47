import { HubApiError, InvalidApiResponseFormatError } from '@huggingface/hub';
import { hubErrorCodeFor } from './create-hub-fetch.js';
import { HubError, type HubErrorFacts } from './hub-error.js';

/** What was being done when an error happened, for the message. */
export interface HubErrorContext {
  /** `owner/name` */
  repo: string;
  /** The revision the user asked for (branch, tag or sha). */
  revision?: string;
  /** The file being fetched, if any. */
  path?: string;
  hubUrl: string;
  /** Only used to scrub it from server text; never printed. */
  accessToken?: string;
  /** The `createHubFetch` fetch used for the request, which knows the Hub's `X-Error-Code`s. */
  fetch?: typeof fetch;
}

/**
 * Maps anything a Hub call threw (the client's `HubApiError`, a `HubError` from our fetch, a
 * malformed answer) to one {@link HubError} with a one-line message and the exit code the CLI
 * should use: access, missing repo/revision and configuration problems are 2, failures while
 * running are 1. Errors that are not about the Hub are returned unchanged.
 */
export function toHubError(error: unknown, context: HubErrorContext): unknown {
  if (error instanceof HubError) return error;
  const dataset = `dataset ${context.repo}`;
  if (error instanceof HubApiError) {
    const facts = { status: error.statusCode, url: error.url, requestId: error.requestId, cause: error };
    const code = hubErrorCodeFor(context.fetch, error.url);
    const token = context.accessToken !== undefined;
    switch (error.statusCode) {
      case 401:
        if (code === 'RepoNotFound') return notFound(context, token, facts);
        if (code === 'GatedRepo') {
          return new HubError('TK_HUB_GATED', `${dataset} is gated: pass --token (or set HF_TOKEN) for an account that was granted access`, facts);
        }
        return new HubError(
          'TK_HUB_AUTH',
          token
            ? `the Hub rejected the token for ${dataset}: it is invalid or expired, or the dataset does not exist`
            : `${dataset} needs authentication: it is private or gated, or does not exist; pass --token or set HF_TOKEN`,
          facts,
        );
      case 403:
        if (code === 'GatedRepo') {
          return new HubError('TK_HUB_GATED', `${dataset} is gated and this token's account has no access: accept its conditions at ${context.hubUrl}/datasets/${context.repo}`, facts);
        }
        return new HubError('TK_HUB_AUTH', `access to ${dataset} is forbidden for this token (it may lack read permission)`, facts);
      case 404:
        if (code === 'RevisionNotFound') {
          return new HubError('TK_HUB_REVISION_NOT_FOUND', `revision ${JSON.stringify(context.revision ?? 'main')} not found in ${dataset}`, facts);
        }
        if (code === 'EntryNotFound' && context.path !== undefined) {
          return new HubError('TK_HUB_ENTRY_NOT_FOUND', `${context.path} not found in ${dataset}`, facts);
        }
        return notFound(context, token, facts);
      default: {
        const server = serverMessage(error, context.accessToken);
        return new HubError(
          'TK_HUB_HTTP',
          `the Hub failed a request for ${context.path ?? dataset}${server ? `: ${server}` : ''}`,
          { ...facts, exitCode: error.statusCode >= 500 || error.statusCode === 429 ? 1 : 2 },
        );
      }
    }
  }
  if (error instanceof InvalidApiResponseFormatError || error instanceof SyntaxError) {
    return new HubError('TK_HUB_BAD_RESPONSE', `the Hub sent an unusable answer for ${context.path ?? dataset}: ${redact(error.message, context.accessToken)}`, {
      exitCode: 1,
      cause: error,
    });
  }
  return error;
}

function notFound(context: HubErrorContext, token: boolean, facts: HubErrorFacts): HubError {
  const hint = token ? ' (or this token cannot see it)' : ' (if it is private, pass --token or set HF_TOKEN)';
  return new HubError('TK_HUB_REPO_NOT_FOUND', `dataset ${context.repo} not found on ${context.hubUrl}${hint}`, facts);
}

/** Replaces every occurrence of the token, in case a server echoes it back. */
export function redact(text: string, token: string | undefined): string {
  return token ? text.split(token).join('hf_***') : text;
}

function serverMessage(error: HubApiError, token: string | undefined): string {
  const data = error.data as { error?: unknown; message?: unknown } | undefined;
  const text = typeof data?.error === 'string' ? data.error : typeof data?.message === 'string' ? data.message : '';
  // Server text is untrusted and may be an HTML page: keep one short line.
  const line = redact(text, token).replace(/\s+/g, ' ').trim();
  return line.length > 200 ? `${line.slice(0, 200)}…` : line;
}
