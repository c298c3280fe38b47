import type { HubCacheOptions } from './hub-options.js';
import { resolveCacheDir } from './resolve-cache-dir.js';
import { resolveEndpoint } from './resolve-endpoint.js';
import { resolveToken } from './resolve-token.js';

/** Settings a user can give as flags; each falls back to the environment. */
export interface HubSettings {
  endpoint?: string;
  token?: string;
  cacheDir?: string;
  /** Defaults to `HF_HUB_OFFLINE` being `1`/`true`/`yes`/`on`. */
  offline?: boolean;
  env?: NodeJS.ProcessEnv;
}

/**
 * Turns flags plus environment into the explicit options the Hub functions take: endpoint
 * (`HF_ENDPOINT`), token (`HF_TOKEN`, token files), cache root (`HF_HUB_CACHE`, `HF_HOME`) and
 * offline mode (`HF_HUB_OFFLINE`).
 */
export function resolveHubOptions(settings: HubSettings = {}): Required<Pick<HubCacheOptions, 'hubUrl' | 'cacheDir' | 'offline'>> & {
  accessToken: string | undefined;
} {
  const env = settings.env ?? process.env;
  return {
    hubUrl: resolveEndpoint({ endpoint: settings.endpoint, env }),
    accessToken: resolveToken({ token: settings.token, env })?.token,
    cacheDir: resolveCacheDir({ cacheDir: settings.cacheDir, env }),
    offline: settings.offline ?? /^(1|true|yes|on)$/i.test(env.HF_HUB_OFFLINE?.trim() ?? ''),
  };
}
