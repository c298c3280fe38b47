import { readdirSync, readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { Ajv2020 } from 'ajv/dist/2020.js';
import addFormatsModule from 'ajv-formats';
import { describe, expect, it } from 'vitest';
import { JSON_SCHEMA_FILES, NOT_IN_JSON_SCHEMA, renderJsonSchemaFiles } from '../../src/schema/json-schema.js';
import { structureSchema, validateRecord, type SchemaName } from '../../src/schema/index.js';

const ROOT = fileURLToPath(new URL('../../', import.meta.url));
const SCHEMAS = `${ROOT}schemas/`;
const DATA = fileURLToPath(new URL('../../../shared/data/adp/', import.meta.url));

// ajv-formats is CommonJS with a default export; under ESM interop it may arrive wrapped.
const addFormats = ((addFormatsModule as unknown as { default?: unknown }).default ?? addFormatsModule) as (ajv: Ajv2020) => Ajv2020;

/**
 * The rules JSON Schema cannot state: they compare values across items (or across a list and
 * the items). Records that break only these pass ajv; validateRecord rejects them.
 */
const CROSS_ITEM_CODES = new Set([
  'tool_call_id_missing',
  'tool_call_id_duplicate',
  'tool_call_id_orphan',
  'tool_call_id_second_result',
  'tool_call_id_unanswered',
  'available_code_languages_missing',
  'available_code_languages_unused',
  'step_id_sequence',
  'source_call_id_dangling',
  'duplicate_tool_name',
]);

function makeAjv() {
  // allowUnionTypes: zod writes `"type": ["string", "number", "null"]` for ATIF reasoning_effort,
  // valid JSON Schema that ajv's strict mode only flags as a style matter.
  const ajv = new Ajv2020({ strict: true, allowUnionTypes: true, allErrors: false });
  addFormats(ajv);
  return ajv;
}

const ajv = makeAjv();
const validators = new Map(
  JSON_SCHEMA_FILES.map((entry) => [
    entry.schema,
    ajv.compile(JSON.parse(readFileSync(SCHEMAS + entry.file, 'utf8')) as object),
  ]),
);

function ajvValid(schema: SchemaName, record: unknown): boolean {
  return validators.get(schema)!(record) as boolean;
}

/** Every sample: real records and metadata, and every fixture (valid and invalid). */
function samples(): { name: string; record: unknown }[] {
  const out: { name: string; record: unknown }[] = [];
  for (const family of ['pre-1.0', 'legacy_v1', 'atif']) {
    for (const dataset of readdirSync(DATA + family)) {
      for (const file of readdirSync(`${DATA}${family}/${dataset}`)) {
        if (file !== 'sample_std.json' && file !== 'metadata.json') continue;
        const data: unknown = JSON.parse(readFileSync(`${DATA}${family}/${dataset}/${file}`, 'utf8'));
        (Array.isArray(data) ? data : [data]).forEach((record, i) => out.push({ name: `${family}/${dataset}/${file}#${i}`, record }));
      }
    }
  }
  for (const kind of ['valid', 'invalid']) {
    const dir = `${ROOT}fixtures/adp/${kind}/`;
    for (const file of readdirSync(dir)) out.push({ name: `fixtures/${kind}/${file}`, record: JSON.parse(readFileSync(dir + file, 'utf8')) });
  }
  return out;
}

const SAMPLES = samples();

describe('checked-in JSON Schema files', () => {
  it('are exactly what generation produces now (run `npm run schemas` after changing a model)', () => {
    const generated = renderJsonSchemaFiles();
    const onDisk = readdirSync(SCHEMAS).filter((f) => f.endsWith('.json')).sort();
    expect(onDisk).toEqual([...generated.keys()].sort());
    for (const [file, text] of generated) {
      expect(readFileSync(SCHEMAS + file, 'utf8'), file).toBe(text);
    }
  });

  it('are draft 2020-12, one per model, and say what they cannot express', () => {
    for (const entry of JSON_SCHEMA_FILES) {
      const doc = JSON.parse(readFileSync(SCHEMAS + entry.file, 'utf8')) as Record<string, unknown>;
      expect(doc.$schema).toBe('https://json-schema.org/draft/2020-12/schema');
      for (const rule of NOT_IN_JSON_SCHEMA[entry.schema]) expect(doc.$comment).toContain(rule);
    }
    expect(new Set(JSON_SCHEMA_FILES.map((e) => e.schema)).size).toBe(JSON_SCHEMA_FILES.length);
  });

  it('carry the per-item rules zod checks in refinements, as if/then', () => {
    const v13 = readFileSync(SCHEMAS + 'adp-1.3.0.schema.json', 'utf8');
    expect(v13).toContain('"if"');
    const atif = readFileSync(SCHEMAS + 'atif-1.7.schema.json', 'utf8');
    expect(atif).toContain('"if"');
  });
});

describe('ajv and zod agree', () => {
  it(`on every sample (${SAMPLES.length}) against every schema`, () => {
    let compared = 0;
    let rejectedByBoth = 0;
    for (const { name, record } of SAMPLES) {
      for (const entry of JSON_SCHEMA_FILES) {
        const byAjv = ajvValid(entry.schema, record);
        const byZod = structureSchema(entry.schema).safeParse(record).success;
        expect(byAjv, `${name} as ${entry.schema}`).toBe(byZod);
        // And validateRecord, once the rules JSON Schema cannot state are set aside.
        const errors = validateRecord(record, entry.schema).issues.filter((i) => i.severity === 'error');
        expect(byAjv, `${name} as ${entry.schema}`).toBe(errors.every((i) => CROSS_ITEM_CODES.has(i.code)));
        compared++;
        if (!byAjv) rejectedByBoth++;
      }
    }
    // Both verdicts occur in bulk, so agreement is not vacuous.
    expect(rejectedByBoth).toBeGreaterThan(compared / 2);
    expect(compared - rejectedByBoth).toBeGreaterThan(100);
  });

  it('on records that break only cross-item rules: ajv accepts, validateRecord rejects', () => {
    const crossOnly = SAMPLES.filter(({ name }) => name.startsWith('fixtures/invalid/')).filter(({ record }) => {
      const errors = validateRecord(record).issues.filter((i) => i.severity === 'error');
      return errors.length > 0 && errors.every((i) => CROSS_ITEM_CODES.has(i.code));
    });
    expect(crossOnly.map((s) => s.name).sort()).toEqual([
      'fixtures/invalid/atif-step-sequence.json',
      'fixtures/invalid/metadata-duplicate-tool.json',
      'fixtures/invalid/v1.3.0-missing-tool-call-id.json',
      'fixtures/invalid/v1.3.0-orphan-observation.json',
      'fixtures/invalid/v1.3.0-unanswered-action.json',
      'fixtures/invalid/v1.3.1-duplicate-action-id.json',
      'fixtures/invalid/v1.3.2-second-result.json',
      'fixtures/invalid/v1.5.0-unused-language.json',
    ]);
    for (const { record } of crossOnly) {
      const schema = validateRecord(record).schema!;
      expect(ajvValid(schema, record)).toBe(true);
    }
  });

  it('on thousands of single-point mutations of valid records', () => {
    const bases = SAMPLES.filter(({ name }) => name.startsWith('fixtures/valid/') || name.endsWith('#0'));
    const replacements: unknown[] = [null, 5, 1.5, -1, 'x', '', true, [], {}, [1, 'a'], { class_: 'text_observation' }];
    let count = 0;
    for (const { name, record } of bases) {
      const schema = validateRecord(record).schema!;
      const validate = validators.get(schema)!;
      const structure = structureSchema(schema);
      for (const mutant of mutate(record, replacements)) {
        const byAjv = validate(mutant.value) as boolean;
        const byZod = structure.safeParse(mutant.value).success;
        expect(byAjv, `${name}: ${mutant.what}`).toBe(byZod);
        count++;
      }
    }
    expect(count).toBeGreaterThan(5000);
  });
});

/** Every record obtained by one change at one place: delete a key, replace a value, add a key. */
function* mutate(record: unknown, replacements: readonly unknown[]): Generator<{ what: string; value: unknown }> {
  const paths: (string | number)[][] = [];
  const walk = (value: unknown, path: (string | number)[]) => {
    paths.push(path);
    if (path.length > 6) return;
    if (Array.isArray(value)) value.slice(0, 4).forEach((v, i) => walk(v, [...path, i]));
    else if (typeof value === 'object' && value !== null) for (const [k, v] of Object.entries(value)) walk(v, [...path, k]);
  };
  walk(record, []);
  const at = (root: unknown, path: (string | number)[]) => path.reduce<any>((v, k) => v[k], root);
  for (const path of paths) {
    const target = at(record, path);
    if (path.length > 0) {
      const copy = structuredClone(record);
      const parent = at(copy, path.slice(0, -1));
      const key = path[path.length - 1];
      if (Array.isArray(parent)) parent.splice(key as number, 1);
      else delete parent[key];
      yield { what: `delete ${path.join('.')}`, value: copy };
      for (const replacement of replacements) {
        const changed = structuredClone(record);
        at(changed, path.slice(0, -1))[key] = structuredClone(replacement);
        yield { what: `${path.join('.')} = ${JSON.stringify(replacement)}`, value: changed };
      }
    }
    if (typeof target === 'object' && target !== null && !Array.isArray(target)) {
      const added = structuredClone(record);
      at(added, path).zz_unknown = 1;
      yield { what: `add ${[...path, 'zz_unknown'].join('.')}`, value: added };
    }
  }
}
