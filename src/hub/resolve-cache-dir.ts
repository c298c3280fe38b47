import { homedir } from 'node:os';
import { join, resolve } from 'node:path';

/**
 * The Hub cache root, in the order Python's `huggingface_hub` uses, so both share one cache:
 * `cacheDir` (the `--cache-dir` flag), `HF_HUB_CACHE`, `HUGGINGFACE_HUB_CACHE`, `$HF_HOME/hub`,
 * `$XDG_CACHE_HOME/huggingface/hub`, `~/.cache/huggingface/hub`.
 */
export function resolveCacheDir(options: { cacheDir?: string; env?: NodeJS.ProcessEnv } = {}): string {
  const env = options.env ?? process.env;
  const pick = (value: string | undefined) => (value?.trim() ? value.trim() : undefined);
  const dir =
    pick(options.cacheDir) ??
    pick(env.HF_HUB_CACHE) ??
    pick(env.HUGGINGFACE_HUB_CACHE) ??
    (pick(env.HF_HOME) ? join(pick(env.HF_HOME)!, 'hub') : undefined) ??
    join(pick(env.XDG_CACHE_HOME) ?? join(homedir(), '.cache'), 'huggingface', 'hub');
  return resolve(dir);
}
