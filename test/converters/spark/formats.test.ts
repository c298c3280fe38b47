import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { gunzipSync } from 'node:zlib';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { groupSparkRecordsByTask, rebuildSparkTask } from '../../../converters/spark/export.js';
import { jsonEqual } from '../../../converters/spark/json-patch.js';
import type { SparkTrajectory } from '../../../converters/spark/types.js';
import { InputError } from '../../../src/errors.js';
import { importSparkToFile } from '../../../src/import/import-spark.js';
import { readRecords } from '../../../src/io/read-records.js';

const FIXTURES = join(import.meta.dirname, '..', '..', '..', 'fixtures', 'spark', 'dataset');

let dir: string;
let reference: SparkTrajectory[];

async function readAll(file: string): Promise<SparkTrajectory[]> {
  const out: SparkTrajectory[] = [];
  for await (const item of readRecords(file, { maxStringLength: Infinity })) {
    if (item.error) throw new Error(`${file}:${item.line ?? item.index}: ${item.error.message}`);
    out.push(item.record as SparkTrajectory);
  }
  return out;
}

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'trajkit-spark-formats-'));
  const summary = await importSparkToFile(FIXTURES, join(dir, 'reference.jsonl'));
  expect(summary.trajectories).toBe(9);
  reference = (await readAll(join(dir, 'reference.jsonl')));
});
afterAll(() => rm(dir, { recursive: true, force: true }));

describe('SPARK import output formats', () => {
  it('writes one JSON record per line to .jsonl', () => {
    const lines = readFileSync(join(dir, 'reference.jsonl'), 'utf8').split('\n');
    expect(lines.at(-1)).toBe('');
    expect(lines).toHaveLength(reference.length + 1);
    expect(JSON.parse(lines[0]).id).toBe('spark/apt-task/attempt-0');
  });

  it('writes the same records to .jsonl.gz', async () => {
    const out = join(dir, 'spark.jsonl.gz');
    await importSparkToFile(FIXTURES, out);
    expect(gunzipSync(readFileSync(out)).toString('utf8')).toBe(readFileSync(join(dir, 'reference.jsonl'), 'utf8'));
    expect(jsonEqual(await readAll(out), reference)).toBe(true);
  });

  it('writes the same records to .parquet (free-form parts as JSON columns), and the rebuild from Parquet is exact', async () => {
    const out = join(dir, 'spark.parquet');
    await importSparkToFile(FIXTURES, out);
    const back = await readAll(out);
    expect(back.map((r) => r.id)).toEqual(reference.map((r) => r.id));
    for (let i = 0; i < back.length; i++) expect(jsonEqual(back[i], reference[i]), back[i].id).toBe(true);
    // NUL and C1 characters survive DuckDB.
    const csv = back.find((r) => r.id === 'spark/csv-totals/attempt-0')!;
    expect(csv.content.some((c) => c.class_ === 'text_observation' && c.content.includes('\u0000'))).toBe(true);
    for (const [task, list] of groupSparkRecordsByTask(back)) {
      const ref = groupSparkRecordsByTask(reference).get(task)!;
      expect(jsonEqual(rebuildSparkTask(list), rebuildSparkTask(ref)), task).toBe(true);
    }
  });

  it('leaves nothing at --out when the import fails', async () => {
    const out = join(dir, 'never.jsonl');
    await expect(importSparkToFile(join(dir, 'no-such-folder'), out)).rejects.toBeInstanceOf(InputError);
    expect(existsSync(out)).toBe(false);
    expect(readdirSync(dir).filter((name) => name.includes('never'))).toEqual([]);
  });
});
