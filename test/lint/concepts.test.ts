import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, test } from 'vitest';
import { conceptKeys, findConceptKey, normalizeKey } from '../../src/lint/concepts.js';
import { resolveTarget, typedFieldPaths } from '../../src/lint/typed-targets.js';
import { Provenance, AgentInfo } from '../../src/schema/provenance.js';
import { Outcome } from '../../src/schema/outcome.js';
import { Task } from '../../src/schema/task.js';
import { lintRuleIds, lintRules } from '../../src/lint/rules.js';

const spec = readFileSync(join(import.meta.dirname, '../../../shared/spec/adp-schema.md'), 'utf8');
const section9 = spec.slice(spec.indexOf('## 9.'));

/** Every backticked key in the #226 concept table rows and in the "other keys in the wild" paragraph. */
function keysNamedInSpec(): { table: string[]; wild: string[] } {
  const table: string[] = [];
  for (const line of section9.split('\n')) {
    if (!line.startsWith('| ') || line.startsWith('| Concept') || line.startsWith('|---')) continue;
    const cells = line.split('|');
    for (const m of cells[2].matchAll(/`([a-z_]+)`/g)) table.push(m[1]);
  }
  const wildText = section9.slice(section9.indexOf('Other keys in the wild'), section9.indexOf('**The exact names'));
  const wild = [...wildText.matchAll(/`([a-z_]+)`/g)].map((m) => m[1]);
  return { table, wild };
}

describe('concept table', () => {
  test('covers every details key ADP issue #226 names, and every "other key in the wild"', () => {
    const { table, wild } = keysNamedInSpec();
    expect(table.length).toBeGreaterThanOrEqual(45);
    expect(wild.length).toBeGreaterThanOrEqual(12);
    const known = new Set(conceptKeys.map((c) => c.key));
    expect(table.filter((k) => !known.has(k))).toEqual([]);
    expect(wild.filter((k) => !known.has(k))).toEqual([]);
    for (const key of table) expect(findConceptKey(key)?.from, key).not.toBe('wild');
  });

  test('every entry resolves to a real typed field', () => {
    for (const entry of conceptKeys) {
      const target = resolveTarget(entry.target, entry.key);
      expect(target, entry.key).toBeDefined();
    }
    expect(new Set(conceptKeys.map((c) => c.key)).size).toBe(conceptKeys.length);
  });

  test('typed field paths exist in the zod schemas (the table cannot drift from the lead\'s shapes)', () => {
    const shapes: Record<string, Record<string, unknown>> = {
      'provenance.agent.': AgentInfo.shape,
      'provenance.': Provenance.shape,
      'outcome.': Outcome.shape,
      'task.': Task.shape,
    };
    for (const path of typedFieldPaths()) {
      if (path.includes('<') || path.startsWith('artifacts:') || !path.includes('.')) continue;
      const prefix = Object.keys(shapes).find((p) => path.startsWith(p))!;
      expect(Object.keys(shapes[prefix]), path).toContain(path.slice(prefix.length));
    }
  });

  test('alternate spellings normalise to the canonical key', () => {
    expect(normalizeKey('datasetSource')).toBe('dataset_source');
    expect(normalizeKey('Dataset-Source')).toBe('dataset_source');
    expect(normalizeKey('source split')).toBe('source_split');
    expect(findConceptKey('createdAt')?.key).toBe('created_at');
    expect(findConceptKey('run_id')).toBeUndefined();
  });

  test('resolveTarget accepts fields, extras, root targets and artifact kinds, and nothing else', () => {
    expect(resolveTarget('provenance.split', 'k')).toEqual({ field: 'provenance.split', kind: 'text' });
    expect(resolveTarget('outcome.extra', 'pass_count')).toEqual({ field: 'outcome.extra.pass_count', kind: 'number' });
    expect(resolveTarget('task.extra.my.key', 'k')).toEqual({ field: 'task.extra.my.key', kind: 'json' });
    expect(resolveTarget('artifacts:log', 'eval')).toEqual({ field: 'artifacts[eval]', kind: 'artifact', artifactKind: 'log', mediaType: 'text/plain' });
    expect(resolveTarget('tools', 'k')).toEqual({ field: 'tools', kind: 'tool-specs' });
    for (const bad of ['provenance', 'provenance.nope', 'artifacts:blob', 'details.x', 'outcome.extra.', 'nowhere']) {
      expect(resolveTarget(bad, 'k'), bad).toBeUndefined();
    }
  });
});

describe('rule registry', () => {
  test('every rule has a severity and a one-line description, and docs/lint.md documents each one', () => {
    const docs = readFileSync(join(import.meta.dirname, '../../docs/lint.md'), 'utf8');
    for (const id of lintRuleIds) {
      expect(['error', 'warn']).toContain(lintRules[id].severity);
      expect(lintRules[id].description).not.toContain('\n');
      expect(docs, id).toContain(`### \`${id}\` (${lintRules[id].severity})`);
    }
  });
});
