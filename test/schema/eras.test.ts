import { describe, expect, it } from 'vitest';
import {
  ADP_ERAS,
  AdpTrajectoryV1_3,
  AdpTrajectoryV1_5,
  AtifTrajectory,
  CODE_LANGUAGES,
  DatasetMetadata,
  isCodeLanguage,
  normalizeObservationSource,
  TrajectoryV1_6,
  validateRecord,
  type AdpEraName,
} from '../../src/schema/index.js';

const user = { class_: 'text_observation', content: 'count', name: null, source: 'user' };
const code = { class_: 'code_action', language: 'bash', content: 'wc -l notes.txt', description: 'Count.' };
const result = { class_: 'text_observation', content: '12', name: null, source: 'environment' };
const finish = { class_: 'message_action', content: '<finish> 12 </finish>', description: null };

const errors = (record: unknown, era: AdpEraName) =>
  validateRecord(record, era).issues.filter((i) => i.severity === 'error').map((i) => `${i.path} ${i.code}`);
const warnings = (record: unknown, era: AdpEraName) =>
  validateRecord(record, era).issues.filter((i) => i.severity === 'warning').map((i) => `${i.path} ${i.code}`);

describe('the era table', () => {
  it('has the facts of spec §1', () => {
    const row = (name: AdpEraName) => {
      const e = ADP_ERAS[name];
      return [e.rootUnknownKeys, e.itemUnknownKeys, e.detailsValues, e.toolCallIds, e.availableToolsKey ?? '-', e.availableCodeLanguages, e.emitsNullBaseFields].join(' ');
    };
    expect(Object.fromEntries(Object.keys(ADP_ERAS).map((n) => [n, row(n as AdpEraName)]))).toEqual({
      'adp@unversioned': 'ignore ignore string false - false false',
      'adp@1.0.0': 'ignore ignore string false - false false',
      'adp@1.1.0': 'reject ignore json false available_apis false true',
      'adp@1.2.0': 'reject ignore json false available_apis false true',
      'adp@1.3.0': 'reject reject json true available_apis false false',
      'adp@1.3.1': 'reject reject json true available_apis false false',
      'adp@1.3.2': 'reject reject json true available_apis false false',
      'adp@1.4.0': 'reject reject json true available_custom_tools false false',
      'adp@1.5.0': 'reject reject json true available_custom_tools true false',
      'adp@1.6.0': 'reject reject json true available_custom_tools true false',
    });
    expect(ADP_ERAS['adp@1.5.0'].acceptedVersions).toEqual(['1.0.0', '1.1.0', '1.2.0', '1.3.0', '1.3.1', '1.3.2', '1.4.0', '1.5.0']);
    expect(ADP_ERAS['adp@unversioned'].oldSourceSpellings).toBe(true);
    expect(Object.values(ADP_ERAS).filter((e) => e.typedFields).map((e) => e.name)).toEqual(['adp@1.6.0']);
  });

  it('keeps all 304 code languages, upstream misspellings included', () => {
    expect(CODE_LANGUAGES).toHaveLength(304);
    expect(new Set(CODE_LANGUAGES).size).toBe(304);
    for (const typo of ['javasript', 'dockefile', 'javascipt', 'python4', 'obscuria', 'scificode']) expect(isCodeLanguage(typo)).toBe(true);
    expect(isCodeLanguage('pyton')).toBe(false);
    expect(isCodeLanguage('Python')).toBe(false);
  });

  it('maps old source spellings the way readers do', () => {
    expect(['user_msg', 'assistant', 'system', 'user', 'environment'].map(normalizeObservationSource)).toEqual([
      'user',
      'agent',
      'environment',
      'user',
      'environment',
    ]);
  });
});

describe('what each era accepts', () => {
  const v12shape = (version: string) => ({
    schema_version: version,
    id: 'demo-7',
    content: [
      { reward: null, ...user },
      { reasoning_content: null, reward: null, ...code },
      { reward: null, ...result },
      { reasoning_content: null, reward: null, ...finish },
    ],
    details: { split: 'train' },
  });

  it('null base fields: emitted (1.1/1.2 style) and omitted (1.3+ style) are both read', () => {
    for (const era of ['adp@1.1.0', 'adp@1.2.0'] as const) {
      expect(errors(v12shape(era.slice(4)), era)).toEqual([]);
      expect(errors({ schema_version: era.slice(4), id: 'x', content: [user, finish] }, era)).toEqual([]);
    }
    // A 1.3 build still emitting reward: null (and tool_call_id: null) on unlinked items.
    const v13 = { schema_version: '1.3.0', id: 'x', content: [{ ...user, reward: null, tool_call_id: null }, { ...finish, reward: null, tool_call_id: null }] };
    expect(errors(v13, 'adp@1.3.0')).toEqual([]);
  });

  it('details: strings only until 1.0.0, any JSON from 1.1.0', () => {
    const record = (version?: string) => ({ ...(version ? { schema_version: version } : {}), id: 'x', content: [], details: { resolved: true, reward: 1 } });
    expect(errors(record(), 'adp@unversioned')).toEqual(['details.resolved details_value_not_string', 'details.reward details_value_not_string']);
    expect(errors(record('1.0.0'), 'adp@1.0.0')).toHaveLength(2);
    expect(errors(record('1.1.0'), 'adp@1.1.0')).toEqual([]);
    expect(errors(record('1.6.0'), 'adp@1.6.0')).toEqual([]);
  });

  it('content items carry an `extra` map from 1.6.0 only', () => {
    const record = (version: string) => ({
      schema_version: version,
      id: 'x',
      content: [
        { ...user },
        { tool_call_id: 'call_1', class_: 'code_action', language: 'bash', content: 'ls', description: null, extra: { item_id: 'item_1' } },
        { tool_call_id: 'call_1', class_: 'text_observation', content: 'a.txt', name: null, source: 'environment', extra: { exit_code: 0 } },
      ],
      available_code_languages: ['bash'],
    });
    expect(errors(record('1.6.0'), 'adp@1.6.0')).toEqual([]);
    expect(errors(record('1.5.0'), 'adp@1.5.0')).toEqual(['content[1].extra unknown_key', 'content[2].extra unknown_key']);
  });

  it('unknown root keys: ignored with a warning until 1.0.0, rejected from 1.1.0', () => {
    const record = (version?: string) => ({ ...(version ? { schema_version: version } : {}), id: 'x', content: [], note: 'n' });
    expect(errors(record(), 'adp@unversioned')).toEqual([]);
    expect(warnings(record(), 'adp@unversioned')).toEqual(['note unknown_key_ignored']);
    expect(warnings(record('1.0.0'), 'adp@1.0.0')).toEqual(['note unknown_key_ignored']);
    for (const era of ['adp@1.1.0', 'adp@1.2.0', 'adp@1.3.0', 'adp@1.4.0', 'adp@1.5.0', 'adp@1.6.0'] as const) {
      expect(errors(record(era.slice(4)), era)).toEqual(['note unknown_key']);
    }
  });

  it('unknown item keys: ignored with a warning until 1.2.0, rejected from 1.3.0', () => {
    const record = (version: string) => ({ schema_version: version, id: 'x', content: [{ ...finish, thoughts: 't' }] });
    for (const era of ['adp@1.0.0', 'adp@1.1.0', 'adp@1.2.0'] as const) {
      expect(errors(record(era.slice(4)), era)).toEqual([]);
      expect(warnings(record(era.slice(4)), era)).toEqual(['content[0].thoughts unknown_key_ignored']);
    }
    for (const era of ['adp@1.3.0', 'adp@1.3.1', 'adp@1.3.2', 'adp@1.4.0', 'adp@1.5.0', 'adp@1.6.0'] as const) {
      expect(errors(record(era.slice(4)), era)).toEqual(['content[0].thoughts unknown_key']);
    }
  });

  it('tool lists: available_apis 1.1–1.3.x, available_custom_tools from 1.4.0, available_code_languages from 1.5.0', () => {
    const withKey = (version: string, key: string, value: unknown) => ({ schema_version: version, id: 'x', content: [], [key]: value });
    expect(errors(withKey('1.3.2', 'available_apis', ['f']), 'adp@1.3.2')).toEqual([]);
    expect(errors(withKey('1.3.2', 'available_apis', null), 'adp@1.3.2')).toEqual([]);
    expect(errors(withKey('1.4.0', 'available_custom_tools', ['f']), 'adp@1.4.0')).toEqual([]);
    expect(errors(withKey('1.4.0', 'available_code_languages', []), 'adp@1.4.0')).toEqual(['available_code_languages unknown_key']);
    expect(errors(withKey('1.5.0', 'available_code_languages', []), 'adp@1.5.0')).toEqual([]);
    expect(errors(withKey('1.5.0', 'available_code_languages', ['cobol']), 'adp@1.5.0')).toEqual([
      'available_code_languages available_code_languages_unused',
    ]);
    expect(errors(withKey('1.5.0', 'available_code_languages', ['klingon']), 'adp@1.5.0')).toEqual([
      'available_code_languages[0] invalid_language',
      'available_code_languages available_code_languages_unused',
    ]);
  });

  it('available_code_languages: set equality, duplicates allowed, absence only warned', () => {
    const record = (langs: unknown) => ({
      schema_version: '1.5.0',
      id: 'x',
      content: [user, { ...code, tool_call_id: 'c' }, { ...result, tool_call_id: 'c' }, { ...code, language: 'python' }],
      ...(langs === undefined ? {} : { available_code_languages: langs }),
    });
    expect(errors(record(['python', 'bash', 'bash']), 'adp@1.5.0')).toEqual([]);
    expect(errors(record(['bash']), 'adp@1.5.0')).toEqual(['available_code_languages available_code_languages_missing']);
    expect(errors(record(undefined), 'adp@1.5.0')).toEqual([]);
    expect(warnings(record(undefined), 'adp@1.5.0')).toEqual(['available_code_languages available_code_languages_absent']);
    expect(warnings(record(null), 'adp@1.6.0')).toEqual(['available_code_languages available_code_languages_absent']);
  });

  it('link rules start at 1.3.0', () => {
    const unlinked = (version: string) => ({ schema_version: version, id: 'x', content: [user, code, result, finish] });
    expect(errors(unlinked('1.2.0'), 'adp@1.2.0')).toEqual([]);
    expect(errors(unlinked('1.3.0'), 'adp@1.3.0')).toEqual(['content[1].tool_call_id tool_call_id_missing']);
  });

  it('old source spellings: warned in unversioned records, errors once versioned', () => {
    const record = (version?: string) => ({
      ...(version ? { schema_version: version } : {}),
      id: 'x',
      content: [{ class_: 'text_observation', content: 'hi', source: 'user_msg' }],
    });
    expect(validateRecord(record()).valid).toBe(true);
    expect(warnings(record(), 'adp@unversioned')).toEqual(['content[0].source old_source_spelling']);
    expect(errors(record('1.0.0'), 'adp@1.0.0')).toEqual(['content[0].source old_source_spelling']);
    const robot = { ...record('1.0.0'), content: [{ class_: 'text_observation', content: 'hi', source: 'robot' }] };
    expect(errors(robot, 'adp@1.0.0')).toEqual(['content[0].source invalid_value']);
  });

  it('trajkit 1.6.0 = 1.5.0 + typed fields; a 1.5.0 record is valid 1.6.0 once its version says so', () => {
    const v15 = { schema_version: '1.5.0', id: 'x', content: [user, finish], details: { split: 'train' } };
    expect(errors(v15, 'adp@1.5.0')).toEqual([]);
    expect(errors({ ...v15, schema_version: '1.6.0' }, 'adp@1.6.0')).toEqual([]);
    expect(errors({ ...v15, schema_version: '1.6.0' }, 'adp@1.5.0')).toEqual(['schema_version unsupported_schema_version']);
    const typed = { ...v15, schema_version: '1.6.0', outcome: { success: true, reward: 1 }, provenance: { split: 'train' } };
    expect(errors(typed, 'adp@1.6.0')).toEqual([]);
    expect(errors({ ...typed, schema_version: '1.5.0' }, 'adp@1.5.0')).toEqual(['outcome unknown_key', 'provenance unknown_key']);
  });
});

describe('the zod models judge like validateRecord', () => {
  it('the full era models include the cross-item rules', () => {
    const unlinked = { schema_version: '1.3.0', id: 'x', content: [user, code, result, finish] };
    const parsed = AdpTrajectoryV1_3.safeParse(unlinked);
    expect(parsed.success).toBe(false);
    expect(parsed.error?.issues.map((i) => [i.path.join('.'), i.message])).toEqual([
      ['content.1.tool_call_id', 'tool action content[1] (code_action) is followed by an observation (content[2] (text_observation)) but has no tool_call_id (required from ADP 1.3.0)'],
    ]);
    const mismatch = { schema_version: '1.5.0', id: 'x', content: [finish], available_code_languages: ['go'] };
    expect(AdpTrajectoryV1_5.safeParse(mismatch).success).toBe(false);
    expect(TrajectoryV1_6.safeParse({ ...mismatch, schema_version: '1.6.0', available_code_languages: [] }).success).toBe(true);
  });

  it('parsing keeps unknown keys of lenient eras instead of dropping them', async () => {
    const { AdpTrajectoryUnversioned } = await import('../../src/schema/index.js');
    const record = { id: 'x', content: [{ ...finish, thoughts: 't' }], source_file: 'a.jsonl' };
    expect(AdpTrajectoryUnversioned.parse(record)).toEqual(record);
  });

  it('ATIF: cost and cost_usd are both read; the model allows dangling links, strict validation does not', () => {
    const record = {
      schema_version: 'ATIF-v1.7',
      agent: { name: 'x', version: '1' },
      steps: [
        { step_id: 1, source: 'agent', message: 'a', metrics: { cost: 0.1 } },
        { step_id: 2, source: 'agent', message: 'b', metrics: { cost_usd: 0.2 }, observation: { results: [{ source_call_id: 'gone', content: 'late' }] } },
      ],
    };
    expect(AtifTrajectory.safeParse(record).success).toBe(true);
    expect(validateRecord(record).valid).toBe(true);
    expect(validateRecord(record, 'atif', { strict: true }).valid).toBe(false);
  });

  it('dataset metadata: parsing sorts and de-duplicates code_enabled; validation warns', () => {
    const record = { code_enabled: ['python', 'bash', 'python'] };
    expect(DatasetMetadata.parse(record)).toEqual({ code_enabled: ['bash', 'python'] });
    expect(validateRecord(record).issues.map((i) => `${i.severity} ${i.code}`)).toEqual(['warning code_enabled_not_canonical']);
  });
});
