import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import {
  AdpTrajectoryUnversioned,
  AdpTrajectoryV1_0,
  AdpTrajectoryV1_1,
  AdpTrajectoryV1_2,
  AdpTrajectoryV1_3,
  AdpTrajectoryV1_3_1,
  AdpTrajectoryV1_3_2,
  AdpTrajectoryV1_4,
  AdpTrajectoryV1_5,
  AtifTrajectory,
  DatasetMetadata,
  TrajectoryV1_6,
  validateRecord,
  type SchemaName,
} from '../../src/schema/index.js';

const DATA = fileURLToPath(new URL('../../../shared/data/adp/', import.meta.url));

function load(file: string): unknown[] {
  const data: unknown = JSON.parse(readFileSync(DATA + file, 'utf8'));
  return Array.isArray(data) ? data : [data];
}

const idOf = (r: unknown) => {
  const o = r as { id?: string; session_id?: string };
  return o.id ?? o.session_id ?? '(metadata)';
};

/** Full zod models (structure + cross-item rules), to check they agree with validateRecord. */
const MODELS: Partial<Record<SchemaName, { safeParse(v: unknown): { success: boolean } }>> = {
  'adp@unversioned': AdpTrajectoryUnversioned,
  'adp@1.0.0': AdpTrajectoryV1_0,
  'adp@1.1.0': AdpTrajectoryV1_1,
  'adp@1.2.0': AdpTrajectoryV1_2,
  'adp@1.3.0': AdpTrajectoryV1_3,
  'adp@1.3.1': AdpTrajectoryV1_3_1,
  'adp@1.3.2': AdpTrajectoryV1_3_2,
  'adp@1.4.0': AdpTrajectoryV1_4,
  'adp@1.5.0': AdpTrajectoryV1_5,
  'adp@1.6.0': TrajectoryV1_6,
  'atif@1.7': AtifTrajectory,
  'adp-metadata': DatasetMetadata,
};

/**
 * Every real sample, judged by its own era. Pinned: the era detected, the record count, and the
 * verdict. Every published record obeys its era's rules (no issue at all, warnings included);
 * a change that rejects or warns about one of them must be deliberate and show up here.
 */
const EXPECTED: readonly { file: string; schema: SchemaName; records: number }[] = [
  { file: 'pre-1.0/agenttuning_alfworld/sample_std.json', schema: 'adp@unversioned', records: 5 },
  { file: 'pre-1.0/agenttuning_db/sample_std.json', schema: 'adp@unversioned', records: 5 },
  { file: 'pre-1.0/agenttuning_os/sample_std.json', schema: 'adp@unversioned', records: 5 },
  { file: 'pre-1.0/code_feedback/sample_std.json', schema: 'adp@unversioned', records: 10 },
  { file: 'pre-1.0/eto/sample_std.json', schema: 'adp@unversioned', records: 3 },
  { file: 'pre-1.0/llava_plus/sample_std.json', schema: 'adp@unversioned', records: 3 },
  { file: 'pre-1.0/mini-coder/sample_std.json', schema: 'adp@unversioned', records: 1 },
  { file: 'pre-1.0/nnetnav-wa/sample_std.json', schema: 'adp@unversioned', records: 5 },
  { file: 'pre-1.0/omniact/sample_std.json', schema: 'adp@unversioned', records: 3 },
  { file: 'pre-1.0/swe-gym_openhands_sampled_trajectories/sample_std.json', schema: 'adp@unversioned', records: 5 },
  { file: 'pre-1.0/turkingbench/sample_std.json', schema: 'adp@unversioned', records: 6 },
  { file: 'pre-1.0/webarena_successful/sample_std.json', schema: 'adp@unversioned', records: 6 },
  { file: 'legacy_v1/llava_plus/sample_std.json', schema: 'adp@1.0.0', records: 3 },
  { file: 'legacy_v1/toolmind/sample_std.json', schema: 'adp@1.1.0', records: 4 },
  { file: 'legacy_v1/dolci_instruct_sft_tool_use/sample_std.json', schema: 'adp@1.2.0', records: 5 },
  { file: 'legacy_v1/agenttuning_os/sample_std.json', schema: 'adp@1.3.1', records: 5 },
  { file: 'legacy_v1/codeactinstruct/sample_std.json', schema: 'adp@1.3.1', records: 5 },
  { file: 'legacy_v1/eto/sample_std.json', schema: 'adp@1.3.1', records: 3 },
  { file: 'legacy_v1/android_in_the_wild/sample_std.json', schema: 'adp@1.3.2', records: 1 },
  { file: 'legacy_v1/agenttuning_webshop/sample_std.json', schema: 'adp@1.5.0', records: 5 },
  { file: 'atif/agenttuning_os/sample_std.json', schema: 'atif@1.7', records: 5 },
  { file: 'atif/codeactinstruct/sample_std.json', schema: 'atif@1.7', records: 5 },
  { file: 'atif/enterpriselab/sample_std.json', schema: 'atif@1.7', records: 5 },
  { file: 'atif/eto/sample_std.json', schema: 'atif@1.7', records: 3 },
  { file: 'atif/llava_plus/sample_std.json', schema: 'atif@1.7', records: 3 },
  { file: 'atif/toolmind/sample_std.json', schema: 'atif@1.7', records: 4 },
  { file: 'atif/agenttuning_os/metadata.json', schema: 'adp-metadata', records: 1 },
  { file: 'atif/codeactinstruct/metadata.json', schema: 'adp-metadata', records: 1 },
  { file: 'atif/enterpriselab/metadata.json', schema: 'adp-metadata', records: 1 },
  { file: 'atif/eto/metadata.json', schema: 'adp-metadata', records: 1 },
  { file: 'atif/llava_plus/metadata.json', schema: 'adp-metadata', records: 1 },
  { file: 'atif/toolmind/metadata.json', schema: 'adp-metadata', records: 1 },
];

describe('real ADP data, each record judged by its own era', () => {
  it.each(EXPECTED)('$file ($schema)', ({ file, schema, records }) => {
    const data = load(file);
    expect(data).toHaveLength(records);
    for (const record of data) {
      const verdict = validateRecord(record);
      expect({ id: idOf(record), ...verdict }).toEqual({ id: idOf(record), schema, valid: true, issues: [] });
      // The family selectors and the explicit era agree with auto-detection.
      const family = schema === 'atif@1.7' ? 'atif' : schema === 'adp-metadata' ? 'metadata' : 'adp';
      expect(validateRecord(record, family)).toEqual(verdict);
      expect(validateRecord(record, schema)).toEqual(verdict);
      expect(validateRecord(record, schema, { strict: true }).valid).toBe(true);
      expect(MODELS[schema]?.safeParse(record).success).toBe(true);
    }
  });

  it('covers every sample_std.json and metadata.json under pre-1.0, legacy_v1 and atif', async () => {
    const { readdirSync } = await import('node:fs');
    const found: string[] = [];
    for (const family of ['pre-1.0', 'legacy_v1', 'atif']) {
      for (const dataset of readdirSync(DATA + family)) {
        for (const name of readdirSync(`${DATA}${family}/${dataset}`)) {
          if (name === 'sample_std.json' || name === 'metadata.json') found.push(`${family}/${dataset}/${name}`);
        }
      }
    }
    expect(found.sort()).toEqual(EXPECTED.map((e) => e.file).sort());
  });

  it('the legacy eras are not interchangeable on real data', () => {
    // A 1.3.1 record judged as 1.2.0: the version is not one 1.2.0 accepted, and its
    // tool_call_ids are unknown (ignored) item keys there.
    const linked = load('legacy_v1/codeactinstruct/sample_std.json')[0];
    const asV1_2 = validateRecord(linked, 'adp@1.2.0');
    expect(asV1_2.issues.filter((i) => i.severity === 'error')).toEqual([
      {
        path: 'schema_version',
        code: 'unsupported_schema_version',
        severity: 'error',
        message: 'schema_version "1.3.1" is not accepted by ADP 1.2.0 (accepted: "1.0.0", "1.1.0" or "1.2.0")',
      },
    ]);
    expect(new Set(asV1_2.issues.filter((i) => i.severity === 'warning').map((i) => i.code))).toEqual(
      new Set(['unknown_key_ignored']),
    );
    // 1.1.0 records have available_apis, which 1.4.0 renamed.
    const v11 = load('legacy_v1/toolmind/sample_std.json')[0];
    expect(validateRecord(v11, 'adp@1.4.0').issues).toContainEqual(
      expect.objectContaining({ path: 'available_apis', code: 'unknown_key', severity: 'error' }),
    );
    // Unversioned records have no schema_version, which every versioned era requires.
    const u = load('pre-1.0/agenttuning_os/sample_std.json')[0];
    expect(validateRecord(u, 'adp@1.0.0').issues).toContainEqual(
      expect.objectContaining({ path: 'schema_version', code: 'unsupported_schema_version' }),
    );
    // 1.3.1 records with code actions but no available_code_languages: a 1.5.0 warning only.
    const v131 = load('legacy_v1/agenttuning_os/sample_std.json')[0];
    const asV1_5 = validateRecord(v131, 'adp@1.5.0');
    expect(asV1_5.valid).toBe(true);
    expect(asV1_5.issues.map((i) => i.code)).toEqual(['available_code_languages_absent']);
  });
});
