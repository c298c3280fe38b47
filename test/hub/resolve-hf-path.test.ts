import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { cacheLayout, HubError, resolveHfPath, type ResolveHfPathOptions } from '../../src/hub/index.js';
import { sparkFiles, startHubEmulator, type HubEmulator } from './emulator.js';
import { FAST_RETRY, tempDir } from './helpers.js';

const REPO = 'trajkit-test/spark-sample';
const files = sparkFiles();
let hub: HubEmulator;
let tmp: { dir: string; cleanup: () => Promise<void> };
let options: ResolveHfPathOptions;

beforeAll(async () => {
  hub = await startHubEmulator({ repos: [{ id: REPO, revisions: { main: files, v1: files.slice(0, 4) } }] });
});
afterAll(() => hub.close());
beforeEach(async () => {
  tmp = await tempDir();
  hub.requests.length = 0;
  // Everything comes from this env, as it would for a reading command.
  options = { env: { HF_ENDPOINT: hub.url, HF_HOME: tmp.dir }, retry: FAST_RETRY };
});
afterEach(() => tmp.cleanup());

const uri = (rest: string) => `hf://datasets/${REPO}${rest}`;

describe('resolveHfPath', () => {
  it('gives a file path for a file, downloading only that file into $HF_HOME/hub', async () => {
    const path = 'all_model_pdi/citation-check/trajectory.jsonl';
    const [local] = await resolveHfPath(uri(`/${path}`), options);
    expect(local).toBe(cacheLayout(join(tmp.dir, 'hub'), REPO).pointer(hub.sha(REPO), path));
    expect((await readFile(local)).equals(Buffer.from(files.find((f) => f.path === path)!.content))).toBe(true);
    expect(hub.bodyRequests().map((r) => r.path)).toEqual([path]);
  });

  it('gives the local folder for a folder, after downloading everything under it', async () => {
    const paths = await resolveHfPath(uri('/all_model_pdi/powerlifting-coef-calc'), options);
    expect(paths).toEqual([join(tmp.dir, 'hub', 'datasets--trajkit-test--spark-sample', 'snapshots', hub.sha(REPO), 'all_model_pdi', 'powerlifting-coef-calc')]);
    expect(hub.bodyRequests()).toHaveLength(3);
  });

  it('gives the snapshot folder for the whole dataset', async () => {
    const [root] = await resolveHfPath(uri(''), options);
    expect(root.endsWith(hub.sha(REPO))).toBe(true);
    expect(hub.bodyRequests()).toHaveLength(files.length);
  });

  it('matches a glob against the listing (* within a folder, ** across)', async () => {
    const one = await resolveHfPath(uri('/all_model_pdi/*/trajectory.jsonl'), options);
    expect(one.map((p) => p.split('/snapshots/')[1].slice(41))).toEqual([
      'all_model_pdi/citation-check/trajectory.jsonl',
      'all_model_pdi/mhc-layer-impl/trajectory.jsonl',
      'all_model_pdi/powerlifting-coef-calc/trajectory.jsonl',
    ]);
    expect(await resolveHfPath(uri('/*.jsonl'), options).catch((e: HubError) => e.code)).toBe('TK_HUB_ENTRY_NOT_FOUND');
    expect(await resolveHfPath(uri('/**/*.md'), options)).toHaveLength(3);
  });

  it('honours @revision and serves repeats from the cache', async () => {
    const first = await resolveHfPath(uri('@v1/README.md'), options);
    expect(first[0]).toContain(hub.sha(REPO, 'v1'));
    const bodies = hub.bodyRequests().length;
    await resolveHfPath(uri('@v1/README.md'), options);
    expect(hub.bodyRequests().length).toBe(bodies);
  });

  it('fails with exit 2 for a path that names nothing, and exit 1 when a file cannot be fetched', async () => {
    const missing = (await resolveHfPath(uri('/no/such/file.jsonl'), options).catch((e: unknown) => e)) as HubError;
    expect(missing).toBeInstanceOf(HubError);
    expect(missing.code).toBe('TK_HUB_ENTRY_NOT_FOUND');
    expect(missing.exitCode).toBe(2);
    expect(missing.message).toContain(uri('/no/such/file.jsonl'));

    hub.fault({ kind: 'resolve', path: 'README.md', action: { corrupt: true } });
    const corrupt = (await resolveHfPath(uri('/README.md'), options).catch((e: unknown) => e)) as HubError;
    expect(corrupt.code).toBe('TK_HUB_INTEGRITY');
    expect(corrupt.exitCode).toBe(1);
  });
});
