import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, test } from 'vitest';
import { resolveLintConfig } from '../../src/lint/config.js';
import { lintRecord } from '../../src/lint/lint-record.js';
import { downgradeRecord } from '../../src/migrate/downgrade-record.js';
import { migrateRecord } from '../../src/migrate/migrate-record.js';
import { upgradeToV1_5 } from '../../src/migrate/upgrade-to-v1-5.js';
import { validateRecord } from '../../src/schema/validate-record.js';

const FIXTURES = join(import.meta.dirname, '../../fixtures/lint');
const fixture = (name: string): Record<string, any>[] =>
  readFileSync(join(FIXTURES, name), 'utf8')
    .split('\n')
    .filter((l) => l !== '')
    .map((l) => JSON.parse(l));
const byId = (name: string) => Object.fromEntries(fixture(name).map((r) => [r.id, r]));
const errors = (record: unknown, schema: 'adp@1.6.0' | 'adp@1.5.0') => validateRecord(record, schema).issues.filter((i) => i.severity === 'error');

describe('migrateRecord to 1.6.0', () => {
  test('moves every promoted key, parses stringified values, keeps dataset keys, writes receipts', () => {
    const result = migrateRecord(byId('promoted.jsonl')['promoted-1']);
    expect(result.from).toBe('adp@1.5.0');
    expect(result.findings).toEqual([]);
    const r = result.record!;
    expect(r.schema_version).toBe('1.6.0');
    expect(r.provenance).toEqual({ source: 'swe-gym', split: 'train', row_index: 7 });
    expect(r.outcome).toEqual({ success: true, reward: 1 });
    expect(r.details).toEqual({ run_id: 'r-1' });
    expect(r.details_origin).toEqual([
      { key: 'dataset_source', field: 'provenance.source' },
      { key: 'split', field: 'provenance.split' },
      { key: 'row_index', field: 'provenance.row_index', raw: '7' },
      { key: 'resolved', field: 'outcome.success', raw: 'True' },
      { key: 'reward', field: 'outcome.reward', raw: '1.0' },
    ]);
    expect(errors(r, 'adp@1.6.0')).toEqual([]);
  });

  test('tools, keywords, system prompt, patch artifact and agent model', () => {
    const r2 = migrateRecord(byId('promoted.jsonl')['promoted-2']).record!;
    expect(r2.tools).toEqual([
      {
        type: 'function',
        function: {
          name: 'lookup_order',
          description: 'Fetch an order by id.',
          parameters: { type: 'object', properties: { order_id: { type: 'string' } }, required: ['order_id'] },
        },
      },
    ]);
    expect(r2.task).toEqual({ instruction: 'Count the lines.', keywords: ['files', 'shell'] });
    expect(r2.outcome).toEqual({ exit_status: 'submitted' });

    const three = migrateRecord(byId('promoted.jsonl')['promoted-3']);
    expect(three.from).toBe('adp@unversioned');
    const r3 = three.record!;
    expect((r3.content as unknown[])[0]).toEqual({ class_: 'text_observation', content: 'You are a careful shell agent.', name: 'system', source: 'environment' });
    expect(r3.content).toHaveLength(5);
    expect(r3.artifacts).toEqual([{ name: 'generated_patch', kind: 'patch', media_type: 'text/x-diff', content: 'diff --git a/x b/x\n' }]);
    expect(r3.provenance).toEqual({ agent: { model: 'gpt-4o' } });
    expect(r3.details_origin).toEqual([
      { key: 'system_prompt', field: 'content[0]' },
      { key: 'generated_patch', field: 'artifacts[generated_patch]' },
      { key: 'model_name', field: 'provenance.agent.model' },
    ]);
    expect(errors(r3, 'adp@1.6.0')).toEqual([]);
    expect(lintRecord(r3)).toEqual([]);
  });

  test('agreeing duplicates both move; dataset-specific values are normalised in place with raw receipts', () => {
    const r = migrateRecord(byId('promoted.jsonl')['promoted-4']).record!;
    expect(r.provenance).toEqual({ source: 'alpha' });
    expect(r.outcome).toEqual({ success: false });
    expect(r.details).toEqual({ attempt_count: 3, meta: { a: 1 }, origin: 'human' });
    expect(r.details_origin).toEqual([
      { key: 'attempt_count', field: 'details.attempt_count', raw: '3' },
      { key: 'meta', field: 'details.meta', raw: '{"a": 1}' },
      { key: 'origin', field: 'details.origin', raw: "'human'" },
      { key: 'source', field: 'provenance.source' },
      { key: 'dataset_source', field: 'provenance.source' },
      { key: 'session_success', field: 'outcome.success', raw: 'False' },
    ]);
    expect(lintRecord(r)).toEqual([]);
  });

  test('what cannot move stays in details, and the findings say why', () => {
    const r = byId('conflicts.jsonl');
    const one = migrateRecord(r['conflict-1']);
    expect(one.record!.details).toEqual({ source: 'swe-gym', dataset_source: 'swe-bench' });
    expect(one.record!.provenance).toEqual({ split: 'train' });
    expect(one.findings.map((f) => `${f.rule} ${f.path}`)).toEqual(['conflicting-value details.source', 'conflicting-value details.dataset_source']);
    const two = migrateRecord(r['conflict-2']);
    expect(two.record!.details).toEqual({ resolved: 'maybe', row_index: 'seven' });
    expect(two.findings.map((f) => f.rule)).toEqual(['unconvertible-value', 'unconvertible-value']);
    const four = migrateRecord(r['conflict-4']);
    expect(four.record!.details).toEqual({ system_prompt: 'You are a careful shell agent.' });
    expect(four.record!.content).toHaveLength(2);
    expect(four.findings.map((f) => f.rule)).toEqual(['system-prompt-duplicated']);
    const five = migrateRecord(r['conflict-5']);
    expect(five.record!.details).toEqual({ split: 'test' });
    expect(five.record!.provenance).toEqual({ split: 'train' });
  });

  test('a value equal to the typed field already present only leaves a receipt', () => {
    const record = { ...byId('conflicts.jsonl')['conflict-5'], details: { split: 'train' } };
    const r = migrateRecord(record).record!;
    expect(r.details).toEqual({});
    expect(r.details_origin).toEqual([{ key: 'split', field: 'provenance.split' }]);
    expect(r.provenance).toEqual({ split: 'train' });
  });

  test('large dataset-specific values move to artifacts; a config can switch that off', () => {
    const record = { ...byId('clean.jsonl')['clean-2'], details: { trace: 'x'.repeat(40_000), stats: { rows: Array(20_000).fill(1) } } };
    const r = migrateRecord(record).record!;
    expect(r.details).toEqual({});
    expect((r.artifacts as any[]).map((a) => [a.name, a.kind, a.media_type, a.content.length])).toEqual([
      ['trace', 'other', undefined, 40_000],
      ['stats', 'other', 'application/json', JSON.stringify(record.details.stats, null, 2).length],
    ]);
    expect(r.details_origin).toEqual([
      { key: 'trace', field: 'artifacts[trace]' },
      { key: 'stats', field: 'artifacts[stats]', raw: record.details.stats },
    ]);
    const off = migrateRecord(record, { config: resolveLintConfig({ rules: { 'large-value': 'off' } }) }).record!;
    expect(off.details).toEqual(record.details);
    expect(off.artifacts).toBeUndefined();
  });

  test('null values move with a null receipt, so down-conversion restores them', () => {
    const record = { ...byId('clean.jsonl')['clean-2'], details: { reward: null, split: null, source: 'a', dataset_source: null } };
    const r = migrateRecord(record).record!;
    expect(r.details).toEqual({});
    expect(r.provenance).toEqual({ source: 'a' });
    expect(r.outcome).toBeUndefined();
    expect(r.details_origin).toEqual([
      { key: 'reward', field: 'outcome.reward', raw: null },
      { key: 'split', field: 'provenance.split', raw: null },
      { key: 'source', field: 'provenance.source' },
      { key: 'dataset_source', field: 'provenance.source', raw: null },
    ]);
    expect(lintRecord(r)).toEqual([]);
    expect(downgradeRecord(r).record.details).toEqual(record.details);
  });

  test('rules that are off are not fixed: promoted-key off leaves details as they are', () => {
    const config = resolveLintConfig({ rules: { 'promoted-key': 'off' } });
    const r = migrateRecord(byId('promoted.jsonl')['promoted-1'], { config }).record!;
    expect(r.details).toEqual(byId('promoted.jsonl')['promoted-1'].details);
    expect(r.details_origin).toBeUndefined();
  });

  test('records that are not ADP trajectories are refused with a reason', () => {
    expect(migrateRecord([1]).problems).toEqual([{ path: '', message: 'a record must be a JSON object, found an array' }]);
    expect(migrateRecord({ id: 'x', conversations: [] }).problems[0].message).toMatch(/^not an ADP trajectory: content must be an array/);
    expect(migrateRecord({ schema_version: '2.0.0', id: 'x', content: [] }).problems[0]).toMatchObject({ path: 'schema_version' });
    expect(migrateRecord({ schema_version: '2.0.0', id: 'x', content: [] }).record).toBeUndefined();
  });
});

describe('upgradeToV1_5', () => {
  test('brings an unversioned record with old spellings, nulls and available_apis to a valid 1.5.0 record', () => {
    const record = {
      id: 'u-1',
      content: [
        { class_: 'text_observation', content: 'Rules.', source: 'system' },
        { class_: 'text_observation', content: 'Go.', source: 'user_msg' },
        { class_: 'api_action', function: 'lookup', kwargs: {}, description: null, reasoning_content: null, reward: null },
        { class_: 'text_observation', content: 'found', source: 'user', reward: null },
        { class_: 'code_action', language: 'python', content: 'print(1)', description: null },
        { class_: 'text_observation', content: '1', source: 'environment' },
        { class_: 'message_action', content: 'done', description: null },
      ],
      available_apis: ['lookup'],
      extra_root: 'kept',
      details: { a: 'b' },
    };
    const { record: up, changes, problems } = upgradeToV1_5(record);
    expect(problems).toEqual([]);
    expect(up).toEqual({
      schema_version: '1.5.0',
      id: 'u-1',
      content: [
        { class_: 'text_observation', content: 'Rules.', source: 'environment', name: 'system' },
        { class_: 'text_observation', content: 'Go.', source: 'user' },
        { class_: 'api_action', function: 'lookup', kwargs: {}, description: null, tool_call_id: 'call_000001' },
        { class_: 'text_observation', content: 'found', source: 'environment', tool_call_id: 'call_000001' },
        { class_: 'code_action', language: 'python', content: 'print(1)', description: null, tool_call_id: 'call_000002' },
        { class_: 'text_observation', content: '1', source: 'environment', tool_call_id: 'call_000002' },
        { class_: 'message_action', content: 'done', description: null },
      ],
      available_custom_tools: ['lookup'],
      available_code_languages: ['python'],
      details: { a: 'b', extra_root: 'kept' },
    });
    expect(changes).toHaveLength(6);
    expect(errors(up, 'adp@1.5.0')).toEqual([]);
  });
});

describe('downgradeRecord', () => {
  test('1.5.0 → 1.6.0 → 1.5.0 is the identity on every fixture record', () => {
    for (const name of ['clean.jsonl', 'promoted.jsonl', 'conflicts.jsonl']) {
      for (const record of fixture(name)) {
        if (record.schema_version === '1.6.0') continue;
        const v15 = migrateRecord(record, { to: '1.5.0' }).record!;
        const v16 = migrateRecord(v15).record!;
        const back = migrateRecord(v16, { to: '1.5.0' });
        expect(back.problems).toEqual([]);
        expect(back.record).toEqual(v15);
      }
    }
  });

  test('typed data with no 1.5.0 home is kept under details._trajkit and restored on the way up', () => {
    const native = {
      schema_version: '1.6.0',
      id: 'spark-1',
      content: [
        { class_: 'text_observation', content: 'Solve it.', name: null, source: 'user', extra: { turn: 1 } },
        { class_: 'message_action', content: 'done', description: null },
      ],
      details: { run: 'a', split: 'train' },
      provenance: { source: 'EtaYang10th/SPARK_PDI_Trajectory', task: 't1', attempt: 0 },
      outcome: { status: 'PASS' },
      llm_calls: [{ purpose: 'reflect', model: 'm' }],
    };
    const down = downgradeRecord(native);
    expect(down.problems).toEqual([]);
    expect(down.record).toEqual({
      schema_version: '1.5.0',
      id: 'spark-1',
      content: [
        { class_: 'text_observation', content: 'Solve it.', name: null, source: 'user' },
        { class_: 'message_action', content: 'done', description: null },
      ],
      details: {
        run: 'a',
        split: 'train',
        _trajkit: {
          provenance: native.provenance,
          outcome: native.outcome,
          llm_calls: native.llm_calls,
          content_extra: { '0': { turn: 1 } },
        },
      },
    });
    expect(errors(down.record, 'adp@1.5.0')).toEqual([]);
    const up = migrateRecord(down.record).record!;
    expect(up.provenance).toEqual({ ...native.provenance, split: 'train' });
    expect(up.content).toEqual(native.content);
    expect(up.llm_calls).toEqual(native.llm_calls);
    expect(up.details).toEqual({ run: 'a' });
  });

  test('a receipt that cannot be honoured is reported and kept, never dropped', () => {
    const record = {
      schema_version: '1.6.0',
      id: 'x',
      content: [],
      details: {},
      details_origin: [{ key: 'reward', field: 'outcome.reward' }],
    };
    const down = downgradeRecord(record);
    expect(down.problems).toEqual([
      {
        path: 'details_origin[0]',
        message: 'outcome.reward is missing and no raw value was kept, so details.reward cannot be restored; receipt kept under details._trajkit',
      },
    ]);
    expect(down.record.details).toEqual({ _trajkit: { details_origin: [{ key: 'reward', field: 'outcome.reward' }] } });
  });

  test('a details key named _trajkit blocks the stash: the record is not down-converted', () => {
    const record = { schema_version: '1.6.0', id: 'x', content: [], details: { _trajkit: 1 }, pdi: undefined, llm_calls: [{ purpose: 'judge' }] };
    const result = migrateRecord(record, { to: '1.5.0' });
    expect(result.record).toBeUndefined();
    expect(result.problems[0].message).toMatch(/details already has a "_trajkit" key/);
  });
});
