import { mkdir, writeFile } from 'node:fs/promises';
import { homedir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { HubError, resolveCacheDir, resolveEndpoint, resolveHubOptions, resolveToken } from '../../src/hub/index.js';
import { tempDir } from './helpers.js';

let tmp: { dir: string; cleanup: () => Promise<void> };
beforeEach(async () => {
  tmp = await tempDir();
});
afterEach(() => tmp.cleanup());

describe('resolveEndpoint', () => {
  it('prefers the flag, then HF_ENDPOINT, then the public Hub, without a trailing slash', () => {
    expect(resolveEndpoint({ endpoint: 'http://127.0.0.1:9/', env: { HF_ENDPOINT: 'https://mirror.example' } })).toBe('http://127.0.0.1:9');
    expect(resolveEndpoint({ env: { HF_ENDPOINT: 'https://mirror.example/hub/' } })).toBe('https://mirror.example/hub');
    expect(resolveEndpoint({ env: {} })).toBe('https://huggingface.co');
  });

  it.each([
    ['not a url', /not a URL/],
    ['ftp://example.com', /must be http/],
    ['https://user:hf_secret@example.com', /must not contain credentials/],
  ])('refuses %s', (endpoint, message) => {
    const error = (() => {
      try {
        resolveEndpoint({ endpoint, env: {} });
      } catch (e) {
        return e;
      }
    })();
    expect(error).toBeInstanceOf(HubError);
    expect((error as HubError).exitCode).toBe(2);
    expect((error as HubError).message).toMatch(message);
    expect((error as HubError).message).not.toContain('hf_secret');
  });
});

describe('resolveToken', () => {
  it('prefers the flag, then HF_TOKEN, then HF_TOKEN_PATH, then $HF_HOME/token', async () => {
    const home = join(tmp.dir, 'hf-home');
    await mkdir(home);
    await writeFile(join(home, 'token'), 'hf_from_home\n');
    await writeFile(join(tmp.dir, 'explicit'), 'hf_from_path');
    const env = { HF_HOME: home, HF_TOKEN_PATH: join(tmp.dir, 'explicit'), HF_TOKEN: 'hf_from_env' };
    expect(resolveToken({ token: 'hf_flag', env })).toEqual({ token: 'hf_flag', source: 'option' });
    expect(resolveToken({ env })).toEqual({ token: 'hf_from_env', source: 'HF_TOKEN' });
    expect(resolveToken({ env: { ...env, HF_TOKEN: '' } })).toEqual({ token: 'hf_from_path', source: 'HF_TOKEN_PATH' });
    expect(resolveToken({ env: { HF_HOME: home } })).toEqual({ token: 'hf_from_home', source: 'HF_HOME/token' });
    expect(resolveToken({ env: { HF_HOME: join(tmp.dir, 'empty') } })).toBeUndefined();
  });

  it('refuses a token without the hf_ prefix, naming the source but not the value', () => {
    const error = (() => {
      try {
        resolveToken({ env: { HF_TOKEN: 'sk-secret-value' } });
      } catch (e) {
        return e as HubError;
      }
    })();
    expect(error?.code).toBe('TK_HUB_CONFIG');
    expect(error?.message).toContain('HF_TOKEN');
    expect(error?.message).not.toContain('sk-secret-value');
  });
});

describe('resolveCacheDir', () => {
  it('follows huggingface_hub: HF_HUB_CACHE, HUGGINGFACE_HUB_CACHE, HF_HOME/hub, XDG_CACHE_HOME, ~/.cache', () => {
    const all = { HF_HUB_CACHE: '/a', HUGGINGFACE_HUB_CACHE: '/b', HF_HOME: '/c', XDG_CACHE_HOME: '/d' };
    expect(resolveCacheDir({ cacheDir: '/flag', env: all })).toBe('/flag');
    expect(resolveCacheDir({ env: all })).toBe('/a');
    expect(resolveCacheDir({ env: { ...all, HF_HUB_CACHE: '' } })).toBe('/b');
    expect(resolveCacheDir({ env: { HF_HOME: '/c', XDG_CACHE_HOME: '/d' } })).toBe('/c/hub');
    expect(resolveCacheDir({ env: { XDG_CACHE_HOME: '/d' } })).toBe('/d/huggingface/hub');
    expect(resolveCacheDir({ env: {} })).toBe(join(homedir(), '.cache', 'huggingface', 'hub'));
  });
});

describe('resolveHubOptions', () => {
  it('reads HF_HUB_OFFLINE', () => {
    expect(resolveHubOptions({ env: { HF_HUB_OFFLINE: '1' } }).offline).toBe(true);
    expect(resolveHubOptions({ env: { HF_HUB_OFFLINE: '0' } }).offline).toBe(false);
    expect(resolveHubOptions({ env: {} })).toMatchObject({ hubUrl: 'https://huggingface.co', accessToken: undefined, offline: false });
  });
});
