import { readFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startHubEmulator, type EmulatorFile, type HubEmulator } from './emulator.js';
import { runTrajkit, tempDir } from './helpers.js';

const SPARK = fileURLToPath(new URL('../../../shared/data/spark/all_model_pdi', import.meta.url));
const TASKS = ['citation-check', 'dialogue-parser', 'powerlifting-coef-calc'];
const REPO = 'trajkit-test/spark-sample';
let hub: HubEmulator;
let tmp: { dir: string; cleanup: () => Promise<void> };

const trajkit = (args: string[]) => runTrajkit(args, { home: tmp.dir, endpoint: hub.url });

beforeAll(async () => {
  const files: EmulatorFile[] = [];
  for (const task of TASKS) {
    for (const name of readdirSync(join(SPARK, task))) {
      files.push({ path: `all_model_pdi/${task}/${name}`, content: readFileSync(join(SPARK, task, name)), lfs: name === 'trajectory.jsonl' });
    }
  }
  hub = await startHubEmulator({ repos: [{ id: REPO, revisions: { main: files } }] });
  tmp = await tempDir();
});
afterAll(async () => {
  await hub.close();
  await tmp.cleanup();
});

describe('trajkit pdi hf://', () => {
  it('recomputes PDI of a dataset folder on the Hub exactly like the same folders on disk', async () => {
    const local = await trajkit(['pdi', ...TASKS.map((t) => join(SPARK, t)), '--compare', '--json']);
    const remote = await trajkit(['pdi', `hf://datasets/${REPO}/all_model_pdi`, '--compare', '--json']);
    expect(remote.code).toBe(0);
    expect(JSON.parse(remote.stdout)).toEqual(JSON.parse(local.stdout));
    expect(JSON.parse(remote.stdout)).toMatchObject({ tasks: TASKS.length, mismatches: [] });
  });
});
