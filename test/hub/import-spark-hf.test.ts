import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { importSpark, type SparkImportItem } from '../../src/import/import-spark.js';
import { sparkFiles, startHubEmulator, type HubEmulator } from './emulator.js';
import { tempDir } from './helpers.js';

const REPO = 'trajkit-test/spark-sample';
const LOCAL = fileURLToPath(new URL('../../../shared/data/spark/all_model_pdi', import.meta.url));
let hub: HubEmulator;
let tmp: { dir: string; cleanup: () => Promise<void> };
const saved = { ...process.env };

beforeAll(async () => {
  hub = await startHubEmulator({ repos: [{ id: REPO, revisions: { main: sparkFiles(['citation-check', 'mhc-layer-impl']) } }] });
});
afterAll(() => hub.close());
beforeEach(async () => {
  tmp = await tempDir();
  process.env.HF_ENDPOINT = hub.url;
  process.env.HF_HOME = tmp.dir;
  delete process.env.HF_TOKEN;
  delete process.env.HF_HUB_CACHE;
  delete process.env.HUGGINGFACE_HUB_CACHE;
});
afterEach(async () => {
  process.env = { ...saved };
  await tmp.cleanup();
});

async function collect(path: string, revision?: string) {
  const items: SparkImportItem[] = [];
  for await (const item of importSpark(path, revision ? { revision } : {})) items.push(item);
  return items;
}

describe('importSpark with an hf:// path', () => {
  it('imports the same records as from disk, recording the Hub commit as the revision', async () => {
    const remote = await collect(`hf://datasets/${REPO}/all_model_pdi`);
    const records = remote.flatMap((i) => (i.kind === 'record' ? [i.record] : []));
    expect(records.length).toBeGreaterThan(0);
    expect(new Set(records.map((r) => r.provenance.revision))).toEqual(new Set([hub.sha(REPO)]));

    // Same content as the local copy of the two tasks, apart from the revision.
    const local: typeof records = [];
    for (const task of ['citation-check', 'mhc-layer-impl']) {
      for (const item of await collect(join(LOCAL, task), hub.sha(REPO))) if (item.kind === 'record') local.push(item.record);
    }
    expect(records.map((r) => r.id).sort()).toEqual(local.map((r) => r.id).sort());
  });
});
