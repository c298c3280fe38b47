import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { InputError } from '../../src/errors.js';
import { HubError } from '../../src/hub/index.js';
import { expandInputs } from '../../src/io/inputs.js';
import { sparkFiles, startHubEmulator, type HubEmulator } from './emulator.js';
import { tempDir } from './helpers.js';

const REPO = 'trajkit-test/spark-sample';
let hub: HubEmulator;
let tmp: { dir: string; cleanup: () => Promise<void> };
const saved = { ...process.env };

beforeAll(async () => {
  hub = await startHubEmulator({ repos: [{ id: REPO, revisions: { main: sparkFiles() } }] });
});
afterAll(() => hub.close());
beforeEach(async () => {
  tmp = await tempDir();
  // expandInputs takes its Hub settings from the environment, as every reading command does.
  process.env.HF_ENDPOINT = hub.url;
  process.env.HF_HOME = tmp.dir;
  delete process.env.HF_TOKEN;
  delete process.env.HF_HUB_CACHE;
  delete process.env.HUGGINGFACE_HUB_CACHE;
  delete process.env.HF_HUB_OFFLINE;
});
afterEach(async () => {
  process.env = { ...saved };
  await tmp.cleanup();
});

async function collect(paths: string[]) {
  const out: string[] = [];
  for await (const file of expandInputs(paths)) out.push(file.path.split('/snapshots/')[1].slice(41));
  return out;
}

describe('expandInputs with hf:// arguments', () => {
  it('expands a folder URI to the record files under it, downloaded into $HF_HOME/hub', async () => {
    expect(await collect([`hf://datasets/${REPO}/all_model_pdi/citation-check`])).toEqual([
      'all_model_pdi/citation-check/attempts.json',
      'all_model_pdi/citation-check/trajectory.jsonl',
    ]);
  });

  it('expands a glob URI and a file URI', async () => {
    expect(await collect([`hf://datasets/${REPO}/**/trajectory.jsonl`, `hf://datasets/${REPO}/all_model_pdi/citation-check/attempts.json`])).toEqual([
      'all_model_pdi/citation-check/trajectory.jsonl',
      'all_model_pdi/mhc-layer-impl/trajectory.jsonl',
      'all_model_pdi/powerlifting-coef-calc/trajectory.jsonl',
      'all_model_pdi/citation-check/attempts.json',
    ]);
  });

  it('refuses a URI naming a non-record file, or nothing', async () => {
    await expect(collect([`hf://datasets/${REPO}/README.md`])).rejects.toThrow(InputError);
    await expect(collect([`hf://datasets/${REPO}/nope.jsonl`])).rejects.toThrow(HubError);
  });
});
