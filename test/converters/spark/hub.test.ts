import { execFile } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { sparkFiles, startHubEmulator, type HubEmulator } from '../../hub/emulator.js';
import { tempDir } from '../../hub/helpers.js';

// The built CLI against the Hub emulator on 127.0.0.1 (no network).
const BIN = fileURLToPath(new URL('../../../bin/trajkit.js', import.meta.url));
const LOCAL = fileURLToPath(new URL('../../../../shared/data/spark/all_model_pdi', import.meta.url));
const REPO = 'EtaYang10th/SPARK_PDI_Trajectory';
const TASKS = ['citation-check', 'powerlifting-coef-calc', 'mhc-layer-impl'];
let hub: HubEmulator;
let tmp: { dir: string; cleanup: () => Promise<void> };

function trajkit(args: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  const env = { PATH: process.env.PATH, HOME: tmp.dir, HF_HOME: join(tmp.dir, 'hf'), HF_ENDPOINT: hub.url };
  return new Promise((resolve) => {
    execFile(process.execPath, [BIN, ...args], { env, timeout: 60_000, maxBuffer: 64 * 1024 * 1024 }, (error, stdout, stderr) => {
      resolve({ code: error ? ((error as { code?: number }).code ?? -1) : 0, stdout, stderr });
    });
  });
}

beforeAll(async () => {
  hub = await startHubEmulator({ repos: [{ id: REPO, revisions: { main: sparkFiles(TASKS) } }] });
});
afterAll(() => hub.close());
beforeEach(async () => {
  tmp = await tempDir('trajkit-spark-hub-');
});
afterEach(() => tmp.cleanup());

describe('trajkit import spark hf://', () => {
  it('imports the dataset folder from the Hub like the local folders, recording the revision', async () => {
    const out = join(tmp.dir, 'hub.jsonl');
    const remote = await trajkit(['import', 'spark', `hf://datasets/${REPO}/all_model_pdi`, '--out', out, '--json']);
    expect(remote.code).toBe(0);
    const local = await trajkit(['import', 'spark', LOCAL, '--out', join(tmp.dir, 'all.jsonl'), '--json']);
    expect(local.code).toBe(0);

    const report = JSON.parse(remote.stdout) as { tasks: number; trajectories: number; warnings: { task: string }[] };
    expect(report.tasks).toBe(TASKS.length);
    const records = readFileSync(out, 'utf8').trim().split('\n').map((line) => JSON.parse(line) as { id: string; provenance: Record<string, unknown> });
    expect(new Set(records.map((r) => r.provenance.task))).toEqual(new Set(TASKS));
    for (const r of records) expect(r.provenance.revision).toBe(hub.sha(REPO));

    // Same records as from disk, apart from the revision only the Hub knows.
    const fromDisk = new Map(
      readFileSync(join(tmp.dir, 'all.jsonl'), 'utf8')
        .trim()
        .split('\n')
        .map((line) => JSON.parse(line) as { id: string; provenance: Record<string, unknown> })
        .map((r) => [r.id, r]),
    );
    for (const r of records) {
      const { revision, ...provenance } = r.provenance;
      expect(revision).toBeDefined();
      expect({ ...r, provenance }).toEqual(fromDisk.get(r.id));
    }
  });

  it('fails with exit 2 and one line when the path is not in the dataset', async () => {
    const result = await trajkit(['import', 'spark', `hf://datasets/${REPO}/no_such_folder`, '--out', join(tmp.dir, 'x.jsonl')]);
    expect(result.code).toBe(2);
    expect(result.stderr.trim().split('\n')).toHaveLength(1);
    expect(result.stderr).toContain('no_such_folder');
  });
});
