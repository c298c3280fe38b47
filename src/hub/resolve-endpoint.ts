import { HubError } from './hub-error.js';

/** The public Hub. */
export const DEFAULT_HUB_URL = 'https://huggingface.co';

/**
 * Picks the Hub endpoint: `endpoint` (the `--endpoint` flag), else `HF_ENDPOINT`, else the public
 * Hub. Returns it without a trailing slash. Credentials inside the URL are refused, because the
 * URL ends up in messages and logs.
 */
export function resolveEndpoint(options: { endpoint?: string; env?: NodeJS.ProcessEnv } = {}): string {
  const env = options.env ?? process.env;
  const raw = nonEmpty(options.endpoint) ?? nonEmpty(env.HF_ENDPOINT) ?? DEFAULT_HUB_URL;
  let url: URL;
  try {
    url = new URL(raw);
  } catch {
    throw new HubError('TK_HUB_CONFIG', `endpoint is not a URL: ${JSON.stringify(raw)}`);
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:') {
    throw new HubError('TK_HUB_CONFIG', `endpoint must be http(s): ${url.protocol}//${url.host}`);
  }
  if (url.username !== '' || url.password !== '') {
    throw new HubError('TK_HUB_CONFIG', 'endpoint must not contain credentials; pass the token with --token or HF_TOKEN');
  }
  if (url.search !== '' || url.hash !== '') {
    throw new HubError('TK_HUB_CONFIG', `endpoint must not have a query or fragment: ${url.origin}${url.pathname}`);
  }
  return `${url.origin}${url.pathname}`.replace(/\/+$/, '');
}

function nonEmpty(value: string | undefined): string | undefined {
  return value === undefined || value.trim() === '' ? undefined : value.trim();
}
