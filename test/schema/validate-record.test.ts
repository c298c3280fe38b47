import { readdirSync, readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { UsageError } from '../../src/errors.js';
import {
  detectSchema,
  parseSchemaSelector,
  SCHEMA_NAMES,
  structureSchema,
  validateRecord,
  type SchemaName,
} from '../../src/schema/index.js';

const FIXTURES = fileURLToPath(new URL('../../fixtures/adp/', import.meta.url));
const fixture = (path: string): unknown => JSON.parse(readFileSync(FIXTURES + path, 'utf8'));

/** `[path, code]` of each issue, warnings marked with a leading `~`. */
function summary(record: unknown, ...args: Parameters<typeof validateRecord> extends [unknown, ...infer R] ? R : never) {
  const verdict = validateRecord(record, ...args);
  return {
    schema: verdict.schema,
    valid: verdict.valid,
    issues: verdict.issues.map((i) => `${i.severity === 'warning' ? '~' : ''}${i.path || '(root)'} ${i.code}`),
  };
}

const VALID: Record<string, { schema: SchemaName; warnings?: string[] }> = {
  'unversioned-old-spellings.json': {
    schema: 'adp@unversioned',
    warnings: [
      '~source_file unknown_key_ignored',
      '~content[0].source old_source_spelling',
      '~content[1].source old_source_spelling',
      '~content[2].thoughts unknown_key_ignored',
      '~content[5].source old_source_spelling',
    ],
  },
  'v1.0.0-late-base-fields.json': { schema: 'adp@1.0.0' },
  'v1.1.0-null-base-fields.json': { schema: 'adp@1.1.0' },
  'v1.2.0-demo.json': { schema: 'adp@1.2.0' },
  'v1.3.0-web-and-links.json': { schema: 'adp@1.3.0' },
  'v1.3.2-annotated-image.json': { schema: 'adp@1.3.2' },
  'v1.4.0-custom-tools.json': { schema: 'adp@1.4.0' },
  'v1.5.0-demo.json': { schema: 'adp@1.5.0' },
  'v1.6.0-typed-fields.json': { schema: 'adp@1.6.0' },
  'atif-demo.json': { schema: 'atif@1.7' },
  'atif-harbor-metrics.json': {
    schema: 'atif@1.7',
    warnings: ['~steps[1].observation.results[0].source_call_id source_call_id_dangling'],
  },
  'metadata-demo.json': { schema: 'adp-metadata' },
};

const INVALID: Record<string, { schema: SchemaName | undefined; issues: string[] }> = {
  'unversioned-details-number.json': {
    schema: 'adp@unversioned',
    issues: ['details.resolved details_value_not_string', 'details.reward details_value_not_string'],
  },
  'unversioned-json-observation.json': { schema: 'adp@unversioned', issues: ['content[1].class_ unknown_class'] },
  'v1.0.0-details-object.json': { schema: 'adp@1.0.0', issues: ['details.meta details_value_not_string'] },
  'v1.1.0-custom-tools-key.json': { schema: 'adp@1.1.0', issues: ['available_custom_tools unknown_key'] },
  'v1.2.0-code-description-missing.json': { schema: 'adp@1.2.0', issues: ['content[1].description missing_key'] },
  'v1.2.0-viewport-floats.json': { schema: 'adp@1.2.0', issues: ['content[1].viewport_size[0] invalid_type'] },
  'v1.3.0-missing-tool-call-id.json': { schema: 'adp@1.3.0', issues: ['content[1].tool_call_id tool_call_id_missing'] },
  'v1.3.0-orphan-observation.json': {
    schema: 'adp@1.3.0',
    issues: ['content[1].tool_call_id tool_call_id_orphan', 'content[2].tool_call_id tool_call_id_unanswered'],
  },
  'v1.3.0-unanswered-action.json': { schema: 'adp@1.3.0', issues: ['content[1].tool_call_id tool_call_id_unanswered'] },
  'v1.3.0-message-action-id.json': { schema: 'adp@1.3.0', issues: ['content[1].tool_call_id message_action_tool_call_id'] },
  'v1.3.0-linked-user-result.json': { schema: 'adp@1.3.0', issues: ['content[2].source linked_result_user_source'] },
  'v1.3.0-item-unknown-key.json': { schema: 'adp@1.3.0', issues: ['content[1].thoughts unknown_key'] },
  'v1.3.1-duplicate-action-id.json': {
    schema: 'adp@1.3.1',
    issues: ['content[3].tool_call_id tool_call_id_duplicate', 'content[4].tool_call_id tool_call_id_second_result'],
  },
  'v1.3.2-second-result.json': { schema: 'adp@1.3.2', issues: ['content[3].tool_call_id tool_call_id_second_result'] },
  'v1.4.0-available-apis.json': { schema: 'adp@1.4.0', issues: ['available_apis unknown_key'] },
  'v1.5.0-unused-language.json': { schema: 'adp@1.5.0', issues: ['available_code_languages available_code_languages_unused'] },
  'v1.5.0-unknown-language.json': {
    schema: 'adp@1.5.0',
    issues: ['content[1].language invalid_language', '~available_code_languages available_code_languages_absent'],
  },
  'v1.5.0-absolute-image-path.json': { schema: 'adp@1.5.0', issues: ['content[0].content non_portable_image'] },
  'v1.5.0-windows-image-path.json': {
    schema: 'adp@1.5.0',
    issues: ['content[0].content non_portable_image', 'content[1].content non_portable_image'],
  },
  'v1.5.0-old-source-spelling.json': { schema: 'adp@1.5.0', issues: ['content[0].source old_source_spelling'] },
  'v1.5.0-web-missing-url.json': { schema: 'adp@1.5.0', issues: ['content[1].url missing_key'] },
  'v1.5.0-reasoning-on-observation.json': { schema: 'adp@1.5.0', issues: ['content[0].reasoning_content unknown_key'] },
  'v1.6.0-system-prompt-in-details.json': {
    schema: 'adp@1.6.0',
    issues: ['details.system_prompt forbidden_details_key', 'details.available_custom_tools forbidden_details_key'],
  },
  'v1.6.0-bad-typed-fields.json': {
    schema: 'adp@1.6.0',
    issues: ['provenance.row unknown_key', 'outcome.status invalid_value', 'outcome.reward invalid_type', 'artifacts[0].kind invalid_value'],
  },
  'unknown-schema-version.json': { schema: undefined, issues: ['schema_version unknown_schema_version'] },
  'not-an-object.json': { schema: undefined, issues: ['(root) not_an_object'] },
  'atif-non-agent-tool-calls.json': {
    schema: 'atif@1.7',
    issues: ['steps[0].tool_calls non_agent_step_field', 'steps[0].reasoning_content non_agent_step_field'],
  },
  'atif-step-sequence.json': { schema: 'atif@1.7', issues: ['steps[1].step_id step_id_sequence'] },
  'atif-arguments-string.json': { schema: 'atif@1.7', issues: ['steps[0].tool_calls[0].arguments arguments_not_object'] },
  'atif-old-version.json': { schema: 'atif@1.7', issues: ['schema_version unsupported_schema_version'] },
  'atif-unknown-step-key.json': { schema: 'atif@1.7', issues: ['steps[0].role unknown_key'] },
  'atif-no-steps.json': { schema: 'atif@1.7', issues: ['steps no_steps'] },
  'atif-bad-content-part.json': {
    schema: 'atif@1.7',
    issues: ['steps[0].message[0].source missing_key', 'steps[0].message[1].type invalid_value'],
  },
  'metadata-duplicate-tool.json': { schema: 'adp-metadata', issues: ['custom_tools[1].function.name duplicate_tool_name'] },
  'metadata-unknown-key.json': { schema: 'adp-metadata', issues: ['tools_enabled unknown_key'] },
  'metadata-bad-language.json': {
    schema: 'adp-metadata',
    issues: ['code_enabled[1] invalid_language', 'sample_expectations.min_std_steps too_small'],
  },
};

describe('validateRecord on fixtures', () => {
  it('has an expectation for every fixture file', () => {
    expect(readdirSync(FIXTURES + 'valid').sort()).toEqual(Object.keys(VALID).sort());
    expect(readdirSync(FIXTURES + 'invalid').sort()).toEqual(Object.keys(INVALID).sort());
  });

  it.each(Object.entries(VALID))('valid/%s', (file, { schema, warnings = [] }) => {
    expect(summary(fixture(`valid/${file}`))).toEqual({ schema, valid: true, issues: warnings });
  });

  it.each(Object.entries(INVALID))('invalid/%s', (file, { schema, issues }) => {
    expect(summary(fixture(`invalid/${file}`))).toEqual({ schema, valid: false, issues });
  });

  it('strict mode turns a dangling ATIF source_call_id into an error', () => {
    const record = fixture('valid/atif-harbor-metrics.json');
    expect(summary(record, 'atif', { strict: true })).toEqual({
      schema: 'atif@1.7',
      valid: false,
      issues: ['steps[1].observation.results[0].source_call_id source_call_id_dangling'],
    });
  });
});

describe('messages say what was expected and what was found', () => {
  const messages = (file: string) => validateRecord(fixture(file)).issues.map((i) => `${i.path}: ${i.message}`);

  it('link rules name the item and the id', () => {
    expect(messages('invalid/v1.3.0-missing-tool-call-id.json')).toMatchInlineSnapshot(`
      [
        "content[1].tool_call_id: tool action content[1] (code_action) is followed by an observation (content[2] (text_observation)) but has no tool_call_id (required from ADP 1.3.0)",
      ]
    `);
    expect(messages('invalid/v1.3.1-duplicate-action-id.json')).toMatchInlineSnapshot(`
      [
        "content[3].tool_call_id: tool action content[3] (code_action) reuses tool_call_id "call_000001" of content[1] (code_action); tool-action ids must be unique",
        "content[4].tool_call_id: observation content[4] (text_observation) is a second result for tool_call_id "call_000001" (the first is content[2]); each tool call has exactly one",
      ]
    `);
  });

  it('structure errors name the expected and the found value', () => {
    expect(messages('invalid/v1.2.0-viewport-floats.json')).toMatchInlineSnapshot(`
      [
        "content[1].viewport_size[0]: expected an integer, found the number 1280.5",
      ]
    `);
    expect(messages('invalid/v1.2.0-code-description-missing.json')).toMatchInlineSnapshot(`
      [
        "content[1].description: required key is missing (expected a string or null; null is allowed but the key must be present)",
      ]
    `);
    expect(messages('invalid/unversioned-json-observation.json')).toMatchInlineSnapshot(`
      [
        "content[1].class_: expected class_ "api_action", "code_action", "message_action", "text_observation", "image_observation" or "web_observation", found the string "json_observation"; json_observation is defined in ADP's source but never joined the content union",
      ]
    `);
    expect(messages('invalid/v1.1.0-custom-tools-key.json')).toMatchInlineSnapshot(`
      [
        "available_custom_tools: unknown key "available_custom_tools" is not allowed here in ADP 1.1.0 (available_custom_tools arrived in ADP 1.4.0; ADP 1.1.0 calls it available_apis)",
      ]
    `);
    expect(messages('invalid/unknown-schema-version.json')).toMatchInlineSnapshot(`
      [
        "schema_version: unknown schema_version "1.9.0"; trajkit knows ADP "1.0.0", "1.1.0", "1.2.0", "1.3.0", "1.3.1", "1.3.2", "1.4.0", "1.5.0" or "1.6.0" and ATIF-v1.7",
      ]
    `);
    expect(messages('invalid/v1.6.0-system-prompt-in-details.json')[0]).toMatchInlineSnapshot(
      `"details.system_prompt: details.system_prompt is not allowed: the system prompt is a text_observation with source "environment" and name "system""`,
    );
    expect(messages('invalid/v1.5.0-unknown-language.json')[0]).toMatchInlineSnapshot(
      `"content[1].language: "pyton" is not one of the 304 ADP code languages"`,
    );
  });

  it('a path quotes keys that are not identifiers', () => {
    const verdict = validateRecord({ id: 'x', content: [], details: { 'run id': 3 } });
    expect(verdict.issues.map((i) => i.path)).toEqual(['details["run id"]']);
  });
});

describe('detectSchema', () => {
  it.each([
    [{ schema_version: 'ATIF-v1.7', steps: [] }, 'atif@1.7'],
    [{ schema_version: 'ATIF-v1.5', steps: [] }, 'atif@1.7'],
    [{ schema_version: '1.3.2', id: 'x', content: [] }, 'adp@1.3.2'],
    [{ schema_version: '1.6.0', id: 'x', content: [] }, 'adp@1.6.0'],
    [{ id: 'x', content: [] }, 'adp@unversioned'],
    [{ id: 'x' }, 'adp@unversioned'],
    [{ steps: [] }, 'atif@1.7'],
    [{ custom_tools: [], code_enabled: ['python'] }, 'adp-metadata'],
    [{ browser_enabled: true, whatever: 1 }, 'adp-metadata'],
    [{}, 'adp-metadata'],
    [{ schema_version: '2.0.0', id: 'x', content: [] }, undefined],
    [{ schema_version: 'ATIF-v2.0', steps: [] }, undefined],
    [{ schema_version: 1.5, id: 'x', content: [] }, undefined],
    [[], undefined],
    ['text', undefined],
    [null, undefined],
  ])('%j → %s', (record, expected) => {
    expect(detectSchema(record)).toBe(expected);
  });
});

describe('parseSchemaSelector', () => {
  it.each(['auto', 'adp', 'atif', 'metadata', 'adp@1.3.0', 'atif@1.7', 'adp-metadata', ...SCHEMA_NAMES])('accepts %s', (text) => {
    expect(parseSchemaSelector(text)).toBe(text);
  });

  it('trims whitespace', () => {
    expect(parseSchemaSelector(' adp@1.5.0 ')).toBe('adp@1.5.0');
  });

  it.each(['adp@2', 'ADP', 'atif@1.6', '', 'adp@1.5'])('rejects %j with a UsageError listing the valid values', (text) => {
    expect(() => parseSchemaSelector(text)).toThrow(UsageError);
    expect(() => parseSchemaSelector(text)).toThrow(/valid values: auto, adp, atif, metadata, adp@unversioned, .*adp-metadata/);
  });
});

describe('selectors', () => {
  const v15 = fixture('valid/v1.5.0-demo.json');

  it('adp detects the era; an explicit era overrides the record', () => {
    expect(validateRecord(v15, 'adp').schema).toBe('adp@1.5.0');
    expect(summary(v15, 'adp@1.3.0')).toEqual({
      schema: 'adp@1.3.0',
      valid: false,
      issues: ['schema_version unsupported_schema_version', 'available_code_languages unknown_key'],
    });
  });

  it('adp refuses ATIF and unknown versions with a clear issue', () => {
    expect(summary(fixture('valid/atif-demo.json'), 'adp')).toEqual({
      schema: undefined,
      valid: false,
      issues: ['schema_version not_adp'],
    });
    expect(summary({ schema_version: '0.9', id: 'x', content: [] }, 'adp').issues).toEqual(['schema_version unknown_schema_version']);
  });

  it('an unknown selector from an untyped caller is an issue, not a crash', () => {
    expect(summary(v15, 'adp@9' as never)).toEqual({ schema: undefined, valid: false, issues: ['(root) unknown_schema'] });
  });

  it('atif and metadata force their schema', () => {
    expect(summary(v15, 'atif')).toMatchObject({ schema: 'atif@1.7', valid: false });
    expect(summary(v15, 'metadata').issues).toEqual([
      'schema_version unknown_key',
      'id unknown_key',
      'content unknown_key',
      'available_code_languages unknown_key',
      'details unknown_key',
    ]);
  });
});

describe('validateRecord never throws', () => {
  // Deterministic pseudo-random JSON values, biased towards trajectory-like shapes.
  function* values(seed: number, count: number): Generator<unknown> {
    let state = seed;
    const rand = () => ((state = (state * 1103515245 + 12345) % 2 ** 31) / 2 ** 31);
    const pick = <T>(xs: readonly T[]): T => xs[Math.floor(rand() * xs.length)];
    const keys = ['schema_version', 'id', 'content', 'class_', 'tool_call_id', 'steps', 'source', 'details', 'step_id', 'observation', 'results', 'kwargs', '__proto__', 'constructor', ''];
    const scalars = [null, true, 0, -1, 1.5, '', 'ATIF-v1.7', '1.3.0', 'code_action', 'text_observation', 'agent', 'user', 1e308];
    const make = (depth: number): unknown => {
      const r = rand();
      if (depth > 4 || r < 0.35) return pick(scalars);
      if (r < 0.6) return Array.from({ length: Math.floor(rand() * 4) }, () => make(depth + 1));
      const o: Record<string, unknown> = {};
      for (let i = Math.floor(rand() * 5); i > 0; i--) o[pick(keys)] = make(depth + 1);
      return o;
    };
    for (let i = 0; i < count; i++) yield make(0);
  }

  it('on thousands of odd JSON values, under every selector', () => {
    const selectors = ['auto', 'adp', 'atif', 'metadata', ...SCHEMA_NAMES] as const;
    for (const value of values(7, 1500)) {
      for (const selector of selectors) {
        const verdict = validateRecord(value, selector);
        expect(verdict.issues.every((i) => typeof i.path === 'string' && typeof i.message === 'string')).toBe(true);
        expect(verdict.issues.some((i) => i.code === 'internal_error')).toBe(false);
        expect(verdict.valid).toBe(!verdict.issues.some((i) => i.severity === 'error'));
      }
    }
  });

  it('on JSON.parse output with an own __proto__ key and on deep nesting', () => {
    const proto = JSON.parse('{"__proto__": {"x": 1}, "id": "p", "content": [], "details": {"__proto__": "s"}}');
    expect(validateRecord(proto).issues.every((i) => i.code !== 'internal_error')).toBe(true);
    let deep: unknown = 'leaf';
    for (let i = 0; i < 10_000; i++) deep = { nested: deep };
    const record = { schema_version: '1.5.0', id: 'd', content: [], details: { deep } };
    expect(validateRecord(record)).toEqual({ schema: 'adp@1.5.0', valid: true, issues: [] });
  });

  it('on null or scalar items where objects belong, under every schema (zod models included)', () => {
    const holes = [null, 3, 'x', []];
    for (const hole of holes) {
      const records = [
        { schema_version: 'ATIF-v1.7', agent: {}, steps: [hole] },
        { schema_version: 'ATIF-v1.7', agent: {}, steps: [{ step_id: 1, source: 'agent', tool_calls: [hole], observation: { results: [hole] } }] },
        { schema_version: '1.3.0', id: 'x', content: [hole, { class_: 'code_action', language: 'bash', content: 'ls', description: null }, hole] },
        { schema_version: '1.6.0', id: 'x', content: [hole], provenance: hole, details: hole },
        { id: 'x', content: [{ class_: 'web_observation', html: null, url: null, image_observation: hole, viewport_size: hole }] },
        { custom_tools: [hole, { function: hole }], code_enabled: [hole] },
      ];
      for (const record of records) {
        for (const name of SCHEMA_NAMES) {
          expect(() => structureSchema(name).safeParse(record)).not.toThrow();
          expect(validateRecord(record, name).issues.some((i) => i.code === 'internal_error')).toBe(false);
        }
      }
    }
  });

  it('on values that are not JSON at all', () => {
    for (const value of [undefined, () => 1, Symbol('s'), 10n]) {
      expect(validateRecord(value).valid).toBe(false);
    }
  });
});
