import { readFileSync } from 'node:fs';
import { homedir } from 'node:os';
import { join } from 'node:path';
import { HubError } from './hub-error.js';

/** Where a token came from, so messages can say which setting to fix without showing it. */
export type TokenSource = 'option' | 'HF_TOKEN' | 'HF_TOKEN_PATH' | 'HF_HOME/token';

/**
 * Finds the Hub access token: `token` (the `--token` flag), else `HF_TOKEN`, else the file named
 * by `HF_TOKEN_PATH`, else `$HF_HOME/token` (default `~/.cache/huggingface/token`, where
 * `huggingface-cli login` writes it). Returns `undefined` when there is none.
 *
 * A token that does not start with `hf_` is refused here: @huggingface/hub would throw a bare
 * TypeError on first use. The error names the source, never the value.
 */
export function resolveToken(
  options: { token?: string; env?: NodeJS.ProcessEnv } = {},
): { token: string; source: TokenSource } | undefined {
  const env = options.env ?? process.env;
  const found = fromValue(options.token, 'option') ?? fromValue(env.HF_TOKEN, 'HF_TOKEN') ?? fromFile(env);
  if (found === undefined) return undefined;
  if (!found.token.startsWith('hf_') || /\s/.test(found.token)) {
    const where = found.source === 'option' ? '--token' : found.source;
    throw new HubError('TK_HUB_CONFIG', `the token from ${where} is not a Hugging Face token (it must start with "hf_")`);
  }
  return found;
}

function fromValue(value: string | undefined, source: TokenSource): { token: string; source: TokenSource } | undefined {
  const token = value?.trim();
  return token ? { token, source } : undefined;
}

function fromFile(env: NodeJS.ProcessEnv): { token: string; source: TokenSource } | undefined {
  const explicit = env.HF_TOKEN_PATH?.trim();
  const home = env.HF_HOME?.trim() || join(env.XDG_CACHE_HOME?.trim() || join(homedir(), '.cache'), 'huggingface');
  const [path, source]: [string, TokenSource] = explicit ? [explicit, 'HF_TOKEN_PATH'] : [join(home, 'token'), 'HF_HOME/token'];
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch (error) {
    // A missing token file just means "anonymous"; an unreadable one named explicitly is a mistake.
    if (explicit && (error as NodeJS.ErrnoException).code !== 'ENOENT') {
      throw new HubError('TK_HUB_CONFIG', `cannot read the token file named by HF_TOKEN_PATH: ${path}`);
    }
    return undefined;
  }
  return fromValue(text, source);
}
