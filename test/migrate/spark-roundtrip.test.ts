import { join } from 'node:path';
import { expect, test } from 'vitest';
import { importSpark } from '../../src/import/import-spark.js';
import { lintRecord } from '../../src/lint/lint-record.js';
import { migrateRecord } from '../../src/migrate/migrate-record.js';
import { validateRecord } from '../../src/schema/validate-record.js';

// Native 1.6.0 records (typed fields that never were details: pdi, llm_calls, artifacts, …)
// must survive the trip to ADP 1.5.0, which has no place for them, and back.
const SPARK = join(import.meta.dirname, '../../../shared/data/spark/all_model_pdi');

test.each(['citation-check', 'powerlifting-coef-calc', 'video-tutorial-indexer'])(
  'SPARK %s: imported records lint clean, and 1.6.0 → 1.5.0 → 1.6.0 is the identity',
  async (task) => {
    let records = 0;
    for await (const item of importSpark(join(SPARK, task))) {
      if (item.kind !== 'record') continue;
      records++;
      const record = item.record as unknown as Record<string, unknown>;
      expect(lintRecord(record)).toEqual([]);
      const down = migrateRecord(record, { to: '1.5.0' });
      expect(down.problems).toEqual([]);
      expect(validateRecord(down.record, 'adp@1.5.0').issues.filter((i) => i.severity === 'error')).toEqual([]);
      const up = migrateRecord(down.record);
      expect(up.problems).toEqual([]);
      expect(up.record).toEqual(record);
    }
    expect(records).toBeGreaterThan(0);
  },
);
