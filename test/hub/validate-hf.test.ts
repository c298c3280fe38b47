import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, beforeEach, afterEach, describe, expect, it } from 'vitest';
import { startHubEmulator, type EmulatorFile, type HubEmulator } from './emulator.js';
import { runTrajkit, tempDir } from './helpers.js';

const ADP = fileURLToPath(new URL('../../../shared/data/adp/legacy_v1', import.meta.url));
const DATASETS = ['eto', 'toolmind'];
const REPO = 'trajkit-test/adp-sample';
let hub: HubEmulator;
let tmp: { dir: string; cleanup: () => Promise<void> };

const trajkit = (args: string[]) => runTrajkit(args, { home: tmp.dir, endpoint: hub.url });

beforeAll(async () => {
  const files: EmulatorFile[] = [{ path: 'README.md', content: '# ADP sample (test copy)\n' }];
  for (const name of DATASETS) {
    files.push({ path: `legacy_v1/${name}/sample_std.json`, content: readFileSync(join(ADP, name, 'sample_std.json')), lfs: name === 'eto' });
  }
  hub = await startHubEmulator({ repos: [{ id: REPO, revisions: { main: files } }] });
});
afterAll(() => hub.close());
beforeEach(async () => {
  tmp = await tempDir();
  hub.requests.length = 0;
});
afterEach(() => tmp.cleanup());

/** The counts of a `validate --json` report, which must not depend on where the files came from. */
function counts(stdout: string) {
  const report = JSON.parse(stdout) as Record<string, unknown>;
  return { files: report.files, records: report.records, valid: report.valid, invalid: report.invalid };
}

describe('trajkit validate hf://', () => {
  it('validates a dataset folder on the Hub exactly like the same files on disk', async () => {
    const local = await trajkit(['validate', ...DATASETS.map((d) => join(ADP, d)), '--json']);
    const remote = await trajkit(['validate', `hf://datasets/${REPO}/legacy_v1`, '--json']);
    expect(remote.stderr).toBe('');
    expect(remote.code).toBe(local.code);
    expect(counts(remote.stdout)).toEqual(counts(local.stdout));
    expect(counts(remote.stdout).records).toBeGreaterThan(0);
    expect(hub.bodyRequests().map((r) => r.path).sort()).toEqual(DATASETS.map((d) => `legacy_v1/${d}/sample_std.json`));
  });

  it('takes globs and revisions, and reuses the cache on the next run', async () => {
    const uri = `hf://datasets/${REPO}@main/**/sample_std.json`;
    const first = await trajkit(['validate', uri, '--json']);
    expect(counts(first.stdout).files).toBe(2);
    const second = await trajkit(['validate', uri, '--json']);
    expect(counts(second.stdout)).toEqual(counts(first.stdout));
    expect(hub.bodyRequests()).toHaveLength(2);
  });

  it('exits 2 with one line for a path that is not in the dataset', async () => {
    const run = await trajkit(['validate', `hf://datasets/${REPO}/legacy_v1/nope.jsonl`]);
    expect(run.code).toBe(2);
    expect(run.stderr).toMatch(/^trajkit: hf:\/\/datasets\/trajkit-test\/adp-sample\/legacy_v1\/nope\.jsonl: no file of dataset/);
    expect(run.stderr.trim().split('\n')).toHaveLength(1);
  });
});
