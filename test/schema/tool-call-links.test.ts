import { describe, expect, it } from 'vitest';
import { AdpTrajectoryV1_5, backfillToolCallIds, checkToolCallLinks, validateRecord } from '../../src/schema/index.js';

const user = (content: string) => ({ class_: 'text_observation', content, name: null, source: 'user' });
const env = (content: string) => ({ class_: 'text_observation', content, name: null, source: 'environment' });
const bash = (content: string) => ({ class_: 'code_action', language: 'bash', content, description: null });
const api = (fn: string) => ({ class_: 'api_action', function: fn, kwargs: {}, description: null });
const finish = { class_: 'message_action', content: '<finish> ok </finish>', description: null };

describe('backfillToolCallIds', () => {
  it('links each tool action to the observation right after it, numbering call_NNNNNN from 1', () => {
    const record = { schema_version: '1.5.0', id: 'b1', content: [user('count'), bash('ls'), env('a b'), api('lookup'), user('{}'), finish], available_code_languages: ['bash'] };
    const filled = backfillToolCallIds(record);
    expect(filled.content).toEqual([
      user('count'),
      { ...bash('ls'), tool_call_id: 'call_000001' },
      { ...env('a b'), tool_call_id: 'call_000001' },
      { ...api('lookup'), tool_call_id: 'call_000002' },
      // A linked text result is a tool result: "user" becomes "environment".
      { ...user('{}'), source: 'environment', tool_call_id: 'call_000002' },
      finish,
    ]);
    expect(validateRecord(filled)).toEqual({ schema: 'adp@1.5.0', valid: true, issues: [] });
    expect(AdpTrajectoryV1_5.safeParse(filled).success).toBe(true);
  });

  it('is pure: the input is untouched and unchanged items are shared', () => {
    const record = { id: 'b2', content: [user('go'), bash('ls'), env('x'), finish] };
    const before = structuredClone(record);
    const filled = backfillToolCallIds(record);
    expect(record).toEqual(before);
    expect(filled).not.toBe(record);
    expect(filled.content).not.toBe(record.content);
    expect(filled.content[0]).toBe(record.content[0]);
    expect(filled.content[3]).toBe(record.content[3]);
    expect(filled.content[1]).not.toBe(record.content[1]);
  });

  it('skips ids already present anywhere, and copies an id that only one side has', () => {
    const content = [
      { ...bash('a'), tool_call_id: 'call_000002' },
      env('A'),
      bash('b'),
      { ...env('B'), tool_call_id: 'mine' },
      bash('c'),
      env('C'),
      bash('d'),
      { ...env('D'), tool_call_id: 'call_000001' },
    ];
    const ids = backfillToolCallIds({ content }).content.map((i) => (i as { tool_call_id?: string }).tool_call_id);
    expect(ids).toEqual(['call_000002', 'call_000002', 'mine', 'mine', 'call_000003', 'call_000003', 'call_000001', 'call_000001']);
  });

  it('leaves pairs that both have ids, actions not followed by an observation, and message actions', () => {
    const content = [
      { ...bash('a'), tool_call_id: 'x' },
      { ...env('A'), tool_call_id: 'y' },
      bash('b'),
      finish,
      finish,
      env('z'),
      bash('last'),
    ];
    const filled = backfillToolCallIds({ content });
    expect(filled.content).toEqual(content);
    // The mismatched pair stays for the validator to report.
    expect(checkToolCallLinks(filled.content).map((f) => f.code)).toEqual([
      'tool_call_id_orphan',
      'tool_call_id_unanswered',
    ]);
  });

  it('rewrites a linked image result from user, but not a web result (it has no source)', () => {
    const img = { class_: 'image_observation', content: 'a.png', annotations: null, source: 'user' };
    const web = { class_: 'web_observation', html: null, url: null, image_observation: null, viewport_size: null };
    const filled = backfillToolCallIds({ content: [api('shot'), img, api('open'), web] });
    expect(filled.content[1]).toEqual({ ...img, source: 'environment', tool_call_id: 'call_000001' });
    expect(filled.content[3]).toEqual({ ...web, tool_call_id: 'call_000002' });
  });

  it('makes a 1.2.0-style record valid as 1.5.0 (the converters did exactly this)', () => {
    const v12 = [user('count'), bash('wc -l notes.txt'), env('12 notes.txt'), finish];
    const as15 = { schema_version: '1.5.0', id: 'demo', content: v12, available_code_languages: ['bash'] };
    expect(validateRecord(as15).issues.map((i) => i.code)).toEqual(['tool_call_id_missing']);
    expect(validateRecord(backfillToolCallIds(as15)).valid).toBe(true);
  });
});

describe('checkToolCallLinks', () => {
  it('accepts linked pairs, unlinked observations and a trailing action', () => {
    const content = [
      user('hi'),
      { ...bash('a'), tool_call_id: 'c1' },
      { ...env('A'), tool_call_id: 'c1' },
      env('unprompted environment text'),
      bash('never answered'),
    ];
    expect(checkToolCallLinks(content)).toEqual([]);
  });

  it('reports each rule once, at the offending item', () => {
    const content = [
      bash('no id, answered'),
      env('A'),
      { ...bash('b'), tool_call_id: 'c1' },
      { ...env('B'), tool_call_id: 'c1' },
      { ...env('B again'), tool_call_id: 'c1' },
      { ...api('f'), tool_call_id: 'c1' },
      { ...env('F'), tool_call_id: 'c9' },
      { ...api('g'), tool_call_id: 'c2' },
    ];
    expect(checkToolCallLinks(content).map((f) => `${f.path.join('.')} ${f.code}`)).toEqual([
      'content.0.tool_call_id tool_call_id_missing',
      'content.4.tool_call_id tool_call_id_second_result',
      'content.5.tool_call_id tool_call_id_duplicate',
      'content.6.tool_call_id tool_call_id_orphan',
      'content.7.tool_call_id tool_call_id_unanswered',
    ]);
  });

  it('ignores what is not a list of objects', () => {
    expect(checkToolCallLinks(undefined)).toEqual([]);
    expect(checkToolCallLinks({ content: [] })).toEqual([]);
    expect(checkToolCallLinks([null, 1, 'x', [], { class_: 5 }])).toEqual([]);
  });
});
