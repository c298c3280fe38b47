import { describe, expect, test } from 'vitest';
import { importAtifRecord } from '../../converters/atif/import.js';
import { migrateRecord } from '../../src/migrate/migrate-record.js';
import { validateRecord } from '../../src/schema/validate-record.js';

// The example of atif.md §8, plus the parts of ATIF that ADP has no place for.
const atif = {
  schema_version: 'ATIF-v1.7',
  session_id: 'demo-7',
  trajectory_id: 'demo-7',
  agent: {
    name: 'demo',
    version: 'raw',
    model_name: 'gpt-x',
    tool_definitions: [{ type: 'function', function: { name: 'lookup', parameters: { type: 'object', properties: {} } } }],
  },
  steps: [
    { step_id: 1, source: 'system', message: 'You are a careful shell agent.' },
    { step_id: 2, source: 'user', message: 'How many lines in notes.txt?' },
    {
      step_id: 3,
      source: 'agent',
      message: 'Count them.',
      reasoning_content: 'wc is enough.',
      timestamp: '2026-01-01T00:00:00Z',
      metrics: { prompt_tokens: 10, completion_tokens: 5 },
      tool_calls: [
        { tool_call_id: 'call_1', function_name: 'terminal', arguments: { command: 'wc -l notes.txt' } },
        { tool_call_id: 'call_2', function_name: 'execute_code', arguments: { language: 'ruby', content: 'puts 1' } },
        { tool_call_id: 'call_3', function_name: 'terminal', arguments: { command: 'ls', timeout: 5 } },
      ],
      observation: {
        results: [
          { source_call_id: 'call_1', content: '12 notes.txt' },
          { source_call_id: 'call_2', content: '1' },
          { source_call_id: 'call_3', content: 'notes.txt' },
          { content: [{ type: 'image', source: { path: 'shot.png' } }] },
        ],
      },
    },
    {
      step_id: 4,
      source: 'agent',
      message: '',
      tool_calls: [{ tool_call_id: 'call_4', function_name: 'finish', arguments: { message: '12', task_completed: true } }],
    },
  ],
  notes: 'hand-made',
  final_metrics: { reward: 1.0, total_steps: 4 },
  extra: { source_dataset: 'demo', raw: { split: 'train' } },
};

describe('importAtifRecord', () => {
  test('follows atif.md §9 "Reverse" and keeps what ADP cannot hold under provenance.extra.atif', () => {
    const { record, warnings, errors } = importAtifRecord(atif);
    expect(errors).toEqual([]);
    expect(record).toEqual({
      schema_version: '1.6.0',
      id: 'demo-7',
      content: [
        { class_: 'text_observation', content: 'You are a careful shell agent.', name: 'system', source: 'environment' },
        { class_: 'text_observation', content: 'How many lines in notes.txt?', name: null, source: 'user' },
        {
          tool_call_id: 'call_1',
          class_: 'code_action',
          language: 'bash',
          content: 'wc -l notes.txt',
          description: 'Count them.',
          reasoning_content: 'wc is enough.',
        },
        { tool_call_id: 'call_1', class_: 'text_observation', content: '12 notes.txt', name: null, source: 'environment' },
        { tool_call_id: 'call_2', class_: 'code_action', language: 'ruby', content: 'puts 1', description: null },
        { tool_call_id: 'call_2', class_: 'text_observation', content: '1', name: null, source: 'environment' },
        // Arguments a code_action cannot hold (timeout) keep the call an api_action: nothing lost.
        { tool_call_id: 'call_3', class_: 'api_action', function: 'terminal', kwargs: { command: 'ls', timeout: 5 }, description: null },
        { tool_call_id: 'call_3', class_: 'text_observation', content: 'notes.txt', name: null, source: 'environment' },
        { class_: 'image_observation', content: 'shot.png', annotations: null, source: 'environment' },
        // A call without a result in its step gets no id (ADP rule 5).
        { class_: 'api_action', function: 'finish', kwargs: { message: '12', task_completed: true }, description: null },
      ],
      available_code_languages: ['bash', 'ruby'],
      details: { source_dataset: 'demo', raw: { split: 'train' } },
      tools: atif.agent.tool_definitions,
      outcome: { reward: 1, extra: { final_metrics: { total_steps: 4 } } },
      provenance: {
        agent: { name: 'demo', version: 'raw', model: 'gpt-x' },
        extra: {
          atif: {
            steps: {
              '3': { timestamp: '2026-01-01T00:00:00Z', metrics: { prompt_tokens: 10, completion_tokens: 5 } },
              '4': { unanswered_call_ids: ['call_4'] },
            },
            notes: 'hand-made',
          },
        },
      },
    });
    expect(warnings.map((w) => w.path)).toEqual(['steps', 'notes']);
    expect(validateRecord(record, 'adp@1.6.0').issues.filter((i) => i.severity === 'error')).toEqual([]);
  });

  test('migrateRecord then promotes the details it brought along', () => {
    const result = migrateRecord(atif);
    expect(result.from).toBe('atif@1.7');
    expect(result.record!.details).toEqual({ raw: { split: 'train' } });
    expect(result.record!.provenance).toMatchObject({ source: 'demo' });
    expect(result.findings).toEqual([]);
  });

  test('an ATIF record without an id, or without steps, is refused with the reason', () => {
    expect(importAtifRecord({ schema_version: 'ATIF-v1.7', steps: [] }).errors).toEqual([
      { path: '', message: 'neither trajectory_id nor session_id is set, so the ADP record has no id' },
    ]);
    expect(migrateRecord({ schema_version: 'ATIF-v1.7', session_id: 's' }).problems).toEqual([{ path: 'steps', message: 'steps must be an array' }]);
  });
});
