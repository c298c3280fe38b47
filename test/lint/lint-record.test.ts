import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, test } from 'vitest';
import { resolveLintConfig } from '../../src/lint/config.js';
import { lintRecord, type LintFinding } from '../../src/lint/lint-record.js';

const FIXTURES = join(import.meta.dirname, '../../fixtures/lint');

function fixture(name: string): Record<string, any>[] {
  return readFileSync(join(FIXTURES, name), 'utf8')
    .split('\n')
    .filter((l) => l !== '')
    .map((l) => JSON.parse(l));
}

const byId = (name: string) => Object.fromEntries(fixture(name).map((r) => [r.id, r]));
const brief = (findings: LintFinding[]) => findings.map((f) => `${f.severity} ${f.rule} ${f.path}`);

const base = {
  schema_version: '1.5.0',
  id: 'x',
  content: [{ class_: 'text_observation', content: 'Hi', name: null, source: 'user' }],
};

describe('lintRecord', () => {
  test('clean records have no findings', () => {
    for (const record of fixture('clean.jsonl')) expect(lintRecord(record)).toEqual([]);
  });

  test('promoted keys are reported with their typed home, stringified values with the real value', () => {
    const r = byId('promoted.jsonl');
    expect(brief(lintRecord(r['promoted-1']))).toEqual([
      'error promoted-key details.dataset_source',
      'error promoted-key details.split',
      'error promoted-key details.row_index',
      'error stringified-value details.row_index',
      'error promoted-key details.resolved',
      'error stringified-value details.resolved',
      'error promoted-key details.reward',
      'error stringified-value details.reward',
    ]);
    const [resolved] = lintRecord(r['promoted-1']).filter((f) => f.path === 'details.resolved' && f.rule === 'promoted-key');
    expect(resolved.message).toBe('details.resolved holds the outcome (ADP #226); its 1.6.0 home is outcome.success');
    expect(resolved.fix).toBe('move to outcome.success as true');
    expect(resolved.fixable).toBe(true);
  });

  test('JSON-string tools are stringified; system prompt, patch and agent keys find their homes', () => {
    const r = byId('promoted.jsonl');
    const tools = lintRecord(r['promoted-2']).filter((f) => f.path === 'details.tools');
    expect(tools.map((f) => f.rule)).toEqual(['promoted-key', 'stringified-value']);
    expect(tools[1].message).toMatch(/is a JSON array written as the string/);
    const three = lintRecord(r['promoted-3']);
    expect(three.map((f) => f.message)).toEqual([
      'details.system_prompt holds the system prompt (ADP #226); its 1.6.0 home is a system observation at content[0]',
      'details.generated_patch holds a run artifact (ADP #226); its 1.6.0 home is artifacts[generated_patch] (kind patch)',
      'details.model_name holds agent identity (provenance) (ADP #226); its 1.6.0 home is provenance.agent.model',
    ]);
  });

  test('the same concept under two agreeing names is a duplicate-concept warning; dataset keys get value rules', () => {
    const findings = lintRecord(byId('promoted.jsonl')['promoted-4']);
    expect(brief(findings)).toEqual([
      'error promoted-key details.source',
      'error promoted-key details.dataset_source',
      'warn duplicate-concept details.dataset_source',
      'error promoted-key details.session_success',
      'error stringified-value details.session_success',
      'error stringified-value details.attempt_count',
      'warn stringified-json details.meta',
      'warn quoted-string details.origin',
    ]);
    expect(findings.find((f) => f.path === 'details.attempt_count')!.message).toBe(
      'details.attempt_count is the number 3 written as the string "3" (ADP requires "attempt_count" to be a JSON number)',
    );
  });

  test('two names that disagree: both stay, conflicting-value on each', () => {
    const findings = lintRecord(byId('conflicts.jsonl')['conflict-1']);
    expect(brief(findings)).toEqual([
      'error conflicting-value details.source',
      'error conflicting-value details.dataset_source',
      'error promoted-key details.split',
    ]);
    expect(findings[0].message).toBe(
      'details.source = "swe-gym", details.dataset_source = "swe-bench": these give provenance.source but disagree, so they stay in details',
    );
    expect(findings[0].fixable).toBe(false);
  });

  test('a value that disagrees with the typed field already present is a conflict', () => {
    const [finding] = lintRecord(byId('conflicts.jsonl')['conflict-5']);
    expect(finding).toMatchObject({ rule: 'conflicting-value', path: 'details.split', fixable: false });
    expect(finding.message).toBe('details.split ("test") disagrees with provenance.split already in the record ("train")');
  });

  test('unparseable strings cannot move: unconvertible-value says why', () => {
    const r = byId('conflicts.jsonl');
    expect(lintRecord(r['conflict-2']).map((f) => f.message)).toEqual([
      'details.resolved belongs in outcome.success but cannot move: expected a boolean, found the string "maybe"; it stays in details',
      'details.row_index belongs in provenance.row_index but cannot move: expected an integer, found the string "seven"; it stays in details',
    ]);
    const [tools] = lintRecord(r['conflict-3']);
    expect(tools.rule).toBe('unconvertible-value');
    expect(tools.message).toMatch(/^details\.tools belongs in tools but cannot move: tools is not valid JSON/);
  });

  test('tools that parse but are not function specs cannot move', () => {
    const [finding] = lintRecord({ ...base, details: { tools: '[{"name": "x"}]' } });
    expect(finding.rule).toBe('unconvertible-value');
    expect(finding.message).toMatch(/tools\[0\] is not an OpenAI function spec/);
  });

  test('system prompt in details and inside the first user observation: not both', () => {
    const [finding] = lintRecord(byId('conflicts.jsonl')['conflict-4']);
    expect(finding).toMatchObject({ rule: 'system-prompt-duplicated', severity: 'error', path: 'details.system_prompt', fixable: false });
  });

  test('system prompt in details equal to an existing system observation: fixable by dropping the copy', () => {
    const record = {
      ...base,
      content: [{ class_: 'text_observation', content: 'Be brief.', name: 'system', source: 'environment' }, ...base.content],
      details: { system_prompt: 'Be brief.' },
    };
    expect(brief(lintRecord(record))).toEqual(['error promoted-key details.system_prompt', 'error system-prompt-duplicated details.system_prompt']);
    expect(lintRecord(record).every((f) => f.fixable)).toBe(true);
  });

  test('a system observation repeated by the first user observation is flagged in 1.6.0 content too', () => {
    const record = {
      ...base,
      schema_version: '1.6.0',
      content: [
        { class_: 'text_observation', content: 'Be brief.', name: 'system', source: 'environment' },
        { class_: 'text_observation', content: 'Be brief.\nWhat is 2+2?', name: null, source: 'user' },
      ],
      details: {},
    };
    expect(brief(lintRecord(record))).toEqual(['error system-prompt-duplicated content[1].content']);
  });

  test('huge details values are blobs that belong in artifacts (limit configurable)', () => {
    const record = { ...base, details: { trace: 'x'.repeat(40_000), small: 'y' } };
    expect(brief(lintRecord(record))).toEqual(['warn large-value details.trace']);
    expect(lintRecord(record)[0].message).toBe('details.trace is larger than 32 KiB; blobs belong in artifacts');
    const strict = resolveLintConfig({ largeValueBytes: 100 });
    expect(brief(lintRecord({ ...base, details: { trace: 'x'.repeat(101) } }, { config: strict }))).toEqual(['warn large-value details.trace']);
    expect(lintRecord({ ...base, details: { trace: 'x'.repeat(99) } }, { config: strict })).toEqual([]);
    // Multi-byte text counts in UTF-8 bytes, and nested values count too.
    expect(brief(lintRecord({ ...base, details: { t: 'é'.repeat(60) } }, { config: strict }))).toEqual(['warn large-value details.t']);
    expect(brief(lintRecord({ ...base, details: { t: { a: ['x'.repeat(60), 'y'.repeat(60)] } } }, { config: strict }))).toEqual([
      'warn large-value details.t',
    ]);
  });

  test('config: rules switched off or re-levelled, dataset mappings added or removed', () => {
    const [record] = fixture('with-config/data.jsonl');
    // Defaults: run_id and meta are dataset-specific, answer is the gold answer, source is provenance.
    expect(brief(lintRecord(record))).toEqual([
      'error promoted-key details.answer',
      'error promoted-key details.source',
      'warn stringified-json details.meta',
      'error promoted-key details.split',
    ]);
    const config = resolveLintConfig(JSON.parse(readFileSync(join(FIXTURES, 'with-config/trajkit.config.json'), 'utf8')), 'trajkit.config.json');
    const findings = lintRecord(record, { config });
    expect(brief(findings)).toEqual([
      'error promoted-key details.run_id',
      'error promoted-key details.answer',
      'error stringified-json details.meta',
      'error promoted-key details.split',
    ]);
    expect(findings[0].message).toBe("details.run_id has a typed home by the config's mappings: provenance.extra.run_id");
    expect(findings[1].message).toBe("details.answer has a typed home by the config's mappings: artifacts[answer] (kind answer)");
    const off = resolveLintConfig({ rules: { 'promoted-key': 'off', 'stringified-json': 'off' } });
    expect(lintRecord(record, { config: off })).toEqual([]);
  });

  test('alternate spellings of a known key are caught', () => {
    expect(brief(lintRecord({ ...base, details: { datasetSource: 'a', 'Source-Split': 'train' } }))).toEqual([
      'error promoted-key details.datasetSource',
      'error promoted-key details["Source-Split"]',
    ]);
  });

  test('details_origin receipts must match the record (1.6.0)', () => {
    const record = {
      ...base,
      schema_version: '1.6.0',
      details: { split: 'train' },
      provenance: { source: 'a' },
      details_origin: [
        { key: 'split', field: 'provenance.split' },
        { key: 'source', field: 'provenance.source' },
        { key: 'source', field: 'provenance.source' },
        { key: 'reward', field: 'outcome.reward' },
        { key: 'x', field: 'nowhere.at.all' },
      ],
    };
    expect(lintRecord(record).filter((f) => f.rule === 'details-origin').map((f) => f.message)).toEqual([
      'details_origin[0]: key "split" is still in details, so down-conversion would overwrite it',
      'details_origin[0]: provenance.split is missing and no raw value was kept, so "split" cannot be restored',
      'details_origin[2]: key "source" was already restored by details_origin[1]',
      'details_origin[3]: outcome.reward is missing and no raw value was kept, so "reward" cannot be restored',
      'details_origin[4]: field "nowhere.at.all" is not a path trajkit can restore from',
    ]);
  });

  test('ATIF: value rules on extra.adp_details and root extra; extra.raw findings are at most warnings', () => {
    const atif = {
      schema_version: 'ATIF-v1.7',
      session_id: 's',
      agent: { name: 'demo', version: 'raw' },
      steps: [{ step_id: 1, source: 'user', message: 'hi' }],
      extra: { source_dataset: 'demo', raw: { reward: '1.0', id: "'os_1'" }, adp_details: { row_index: '3', source: 'x' } },
    };
    expect(brief(lintRecord(atif))).toEqual([
      'error stringified-value extra.adp_details.row_index',
      'warn stringified-value extra.raw.reward',
      'warn quoted-string extra.raw.id',
    ]);
    // adp_details becomes details on import, so migrate fixes it; extra.raw stays nested, so it does not.
    expect(lintRecord(atif).map((f) => f.fixable)).toEqual([true, false, false]);
  });

  test('never throws on any JSON value', () => {
    for (const value of [null, 1, 'x', [], [1], {}, { details: null }, { details: [] }, { content: 'x', details: { a: null } }]) {
      expect(() => lintRecord(value)).not.toThrow();
    }
    expect(lintRecord({ details: { reward: null, split: null } }).map((f) => f.rule)).toEqual(['promoted-key', 'promoted-key']);
  });
});
