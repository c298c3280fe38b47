import { TrajkitError } from '../errors.js';

/** Stable codes of {@link HubError}; scripts branch on these, never on the wording. */
export type HubErrorCode =
  /** Credentials missing or refused (401), or access denied (403). */
  | 'TK_HUB_AUTH'
  /** The dataset is gated and the token's account has not been granted access. */
  | 'TK_HUB_GATED'
  /** No such dataset (or it is private and invisible to this token). */
  | 'TK_HUB_REPO_NOT_FOUND'
  /** The dataset exists but the branch, tag or commit does not. */
  | 'TK_HUB_REVISION_NOT_FOUND'
  /** A path or glob names nothing in the dataset. */
  | 'TK_HUB_ENTRY_NOT_FOUND'
  /** The endpoint cannot be reached at all (refused, unknown host). */
  | 'TK_HUB_UNREACHABLE'
  /** Any other HTTP failure, after retries where retrying makes sense. */
  | 'TK_HUB_HTTP'
  /** A file's bytes did not match its size, sha256 or git oid. */
  | 'TK_HUB_INTEGRITY'
  /** A transfer kept breaking off and retries ran out. */
  | 'TK_HUB_TRANSFER'
  /** The Hub named a path that would land outside the target folder. */
  | 'TK_HUB_UNSAFE_PATH'
  /** The Hub answered something the client cannot use. */
  | 'TK_HUB_BAD_RESPONSE'
  /** `HF_HUB_OFFLINE` is set and the cache does not hold what was asked. */
  | 'TK_HUB_OFFLINE'
  /** Endpoint, token or repo id given in a form that cannot work. */
  | 'TK_HUB_CONFIG';

/** Facts a {@link HubError} carries besides its message. */
export interface HubErrorFacts {
  /** HTTP status, when a response was received. */
  status?: number;
  /** The request URL (never carries credentials: tokens travel in headers only). */
  url?: string;
  /** The Hub's `X-Request-Id`, worth quoting in a bug report to the Hub. */
  requestId?: string;
  /** 1 = the command ran and failed; 2 = usage, access or configuration. Defaults to 2. */
  exitCode?: 1 | 2;
  cause?: unknown;
}

/**
 * The one error type of trajkit's Hub access. The message is one line, names the dataset and
 * what to do, and never contains the access token.
 */
export class HubError extends TrajkitError {
  declare readonly code: HubErrorCode;
  readonly status: number | undefined;
  readonly url: string | undefined;
  readonly requestId: string | undefined;

  constructor(code: HubErrorCode, message: string, facts: HubErrorFacts = {}) {
    const detail = [
      facts.status === undefined ? undefined : `HTTP ${facts.status}`,
      facts.requestId === undefined ? undefined : `request id ${facts.requestId}`,
    ].filter((part) => part !== undefined);
    super(code, detail.length > 0 ? `${message} (${detail.join(', ')})` : message, {
      exitCode: facts.exitCode ?? 2,
      cause: facts.cause,
    });
    this.status = facts.status;
    this.url = facts.url;
    this.requestId = facts.requestId;
  }
}
