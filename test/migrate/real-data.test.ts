import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { isDeepStrictEqual } from 'node:util';
import { describe, expect, test } from 'vitest';
import { datasetDetails } from '../../src/lint/dataset-details.js';
import { getFieldValue, parseFieldRef } from '../../src/lint/field-path.js';
import { lintRecord } from '../../src/lint/lint-record.js';
import { migrateRecord } from '../../src/migrate/migrate-record.js';
import { validateRecord } from '../../src/schema/validate-record.js';

// Every real ADP sample: pre-versioning, versioned 1.x, and ATIF-v1.7.
const ROOT = join(import.meta.dirname, '../../../shared/data/adp');
const samples = ['pre-1.0', 'legacy_v1', 'atif'].flatMap((era) =>
  readdirSync(join(ROOT, era))
    .sort()
    .map((dataset) => ({ era, dataset, file: join(ROOT, era, dataset, 'sample_std.json') })),
);

type Json = Record<string, unknown>;

function load(file: string): Json[] {
  const parsed = JSON.parse(readFileSync(file, 'utf8'));
  return Array.isArray(parsed) ? parsed : [parsed];
}

/** Where an original details value is in a migrated record: still in details, or behind a receipt. */
function findOriginal(migrated: Json, key: string, value: unknown): string | undefined {
  const details = migrated.details as Json;
  if (Object.hasOwn(details, key) && isDeepStrictEqual(details[key], value)) return 'details';
  for (const origin of (migrated.details_origin ?? []) as Json[]) {
    if (origin.key !== key) continue;
    if ('raw' in origin) return isDeepStrictEqual(origin.raw, value) ? `raw of ${origin.field}` : undefined;
    const ref = parseFieldRef(String(origin.field));
    return ref && isDeepStrictEqual(getFieldValue(migrated, ref), value) ? String(origin.field) : undefined;
  }
  return undefined;
}

describe.each(samples)('$era/$dataset', ({ era, file }) => {
  const records = load(file);

  test('migrates to 1.6.0 losslessly: every details value is found again, the record validates and lints clean', () => {
    expect(records.length).toBeGreaterThan(0);
    for (const record of records) {
      const original = datasetDetails(record);
      const result = migrateRecord(record);
      expect(result.problems).toEqual([]);
      expect(result.record).toBeDefined();
      const migrated = result.record!;
      for (const [key, value] of Object.entries(original?.map ?? {})) {
        expect(findOriginal(migrated, key, value), `${record.id ?? record.session_id} details.${key}`).toBeDefined();
      }
      const verdict = validateRecord(migrated, 'adp@1.6.0');
      expect(verdict.issues.filter((i) => i.severity === 'error')).toEqual([]);
      expect(lintRecord(migrated)).toEqual([]);
      expect(result.findings).toEqual([]);
      // Migrating again changes nothing.
      expect(migrateRecord(migrated).record).toEqual(migrated);
      // Receipts are exact: no key is both receipted and still in details.
      for (const origin of (migrated.details_origin ?? []) as Json[]) {
        if (!String(origin.field).startsWith('details.')) expect(Object.keys(migrated.details as Json)).not.toContain(origin.key);
      }
    }
  });

  if (era !== 'atif') {
    test('1.5.0 → 1.6.0 → 1.5.0 is the identity on the record upgraded to 1.5.0', () => {
      for (const record of records) {
        const v15 = migrateRecord(record, { to: '1.5.0' });
        expect(v15.problems).toEqual([]);
        expect(validateRecord(v15.record, 'adp@1.5.0').issues.filter((i) => i.severity === 'error')).toEqual([]);
        const v16 = migrateRecord(v15.record, { to: '1.6.0' });
        const back = migrateRecord(v16.record, { to: '1.5.0' });
        expect(back.problems).toEqual([]);
        expect(back.record).toEqual(v15.record);
        // Byte-level too, apart from key order, which JSON does not give meaning to.
        expect(JSON.stringify(sortKeys(back.record))).toBe(JSON.stringify(sortKeys(v15.record)));
      }
    });
  } else {
    test('an imported ATIF record survives 1.6.0 → 1.5.0 → 1.6.0', () => {
      for (const record of records) {
        const v16 = migrateRecord(record).record!;
        const v15 = migrateRecord(v16, { to: '1.5.0' });
        expect(v15.problems).toEqual([]);
        expect(validateRecord(v15.record, 'adp@1.5.0').issues.filter((i) => i.severity === 'error')).toEqual([]);
        const again = migrateRecord(v15.record).record!;
        expect(sortKeys(again)).toEqual(sortKeys(v16));
      }
    });
  }
});

function sortKeys(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(sortKeys);
  if (value === null || typeof value !== 'object') return value;
  return Object.fromEntries(
    Object.keys(value)
      .sort()
      .map((k) => [k, sortKeys((value as Json)[k])]),
  );
}

describe('what the real samples turn into', () => {
  const first = (era: string, dataset: string) => migrateRecord(load(join(ROOT, era, dataset, 'sample_std.json'))[0]).record!;

  test('swe-gym: resolved "True", JSON-string tools and test_result get typed homes with raw receipts', () => {
    const r = first('pre-1.0', 'swe-gym_openhands_sampled_trajectories');
    expect(r.outcome).toMatchObject({ success: true });
    expect(typeof (r.outcome as Json).verifier_output).toBe('string');
    expect((r.tools as Json[]).map((t) => (t.function as Json).name)).toEqual(['execute_bash', 'finish', 'str_replace_editor']);
    expect(r.details).toEqual({ run_id: expect.any(String) });
    const origins = r.details_origin as Json[];
    expect(origins.find((o) => o.key === 'resolved')).toEqual({ key: 'resolved', field: 'outcome.success', raw: 'True' });
    expect(origins.find((o) => o.key === 'tools')).toMatchObject({ key: 'tools', field: 'tools', raw: expect.stringMatching(/^\[\n/) });
    expect(origins.find((o) => o.key === 'test_result')).toEqual({ key: 'test_result', field: 'outcome.verifier_output' });
  });

  test('toolmind 1.1.0: row_index "0" becomes 0; source and source_file move verbatim', () => {
    const r = first('legacy_v1', 'toolmind');
    expect(r.provenance).toEqual({ source: 'Nanbeige/ToolMind', source_file: 'graphsyn', row_index: 0 });
    expect(r.details).toEqual({});
    expect(r.available_custom_tools).toEqual(['get_current_time', 'search_books']);
  });

  test('turkingbench: task, title, task_description, comma-separated keywords', () => {
    const r = first('pre-1.0', 'turkingbench');
    expect(r.task).toEqual({
      id: 'Evaluate the Quality of Explanations (Relative CommonsenseQA)',
      name: 'Given 2 explanations for a decision, select the best one.',
      instruction: expect.stringMatching(/^This task will involve/),
      keywords: ['commonsense', 'explanations', 'AI', 'reading', 'interpretation'],
    });
  });

  test('ATIF eto: final_metrics.reward → outcome.reward, root extra → details, source_dataset → provenance.source', () => {
    const r = first('atif', 'eto');
    expect(r.outcome).toEqual({ reward: 1 });
    expect(r.provenance).toMatchObject({ source: 'eto', agent: { name: 'eto', version: 'raw' } });
    expect(r.details).toEqual({ raw: { id: 'webshop_0', reward: 1, source: 'human' } });
  });
});
