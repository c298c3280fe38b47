import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { validateRecord } from '../../src/schema/index.js';

const DOC = readFileSync(fileURLToPath(new URL('../../docs/schema.md', import.meta.url)), 'utf8');
const blocks = [...DOC.matchAll(/```json\n([\s\S]*?)```/g)].map((m) => m[1]);

const base = {
  schema_version: '1.6.0',
  id: 'docs',
  content: [{ class_: 'text_observation', content: 'hi', name: null, source: 'user' }],
};

describe('docs/schema.md examples', () => {
  it('has whole records and field examples', () => {
    expect(blocks.filter((b) => b.trimStart().startsWith('{"schema_version"'))).toHaveLength(2);
    expect(blocks.filter((b) => b.trimStart().startsWith('"')).length).toBeGreaterThanOrEqual(9);
  });

  it('whole records are valid in their own era (before: 1.5.0, after: 1.6.0)', () => {
    const records = blocks.filter((b) => b.trimStart().startsWith('{"schema_version"')).map((b) => JSON.parse(b) as unknown);
    expect(records.map((r) => validateRecord(r))).toEqual([
      { schema: 'adp@1.5.0', valid: true, issues: [] },
      { schema: 'adp@1.6.0', valid: true, issues: [] },
    ]);
  });

  it('every field example is valid in a 1.6.0 record', () => {
    for (const block of blocks.filter((b) => b.trimStart().startsWith('"'))) {
      const fields = JSON.parse(`{${block}}`) as Record<string, unknown>;
      expect(validateRecord({ ...base, ...fields }), block).toEqual({ schema: 'adp@1.6.0', valid: true, issues: [] });
    }
  });

  it('the system prompt example is a valid content item', () => {
    const item = JSON.parse(blocks.find((b) => b.includes('"name": "system"') && b.trimStart().startsWith('{"class_"'))!) as unknown;
    expect(validateRecord({ ...base, content: [item] }).valid).toBe(true);
  });
});
