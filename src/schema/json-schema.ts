import { z } from 'zod';
import { AtifTrajectory } from './atif.js';
import { DatasetMetadata } from './dataset-metadata.js';
import { AdpTrajectoryUnversioned } from './eras/unversioned.js';
import { AdpTrajectoryV1_0 } from './eras/v1-0.js';
import { AdpTrajectoryV1_1 } from './eras/v1-1.js';
import { AdpTrajectoryV1_2 } from './eras/v1-2.js';
import { AdpTrajectoryV1_3, AdpTrajectoryV1_3_1, AdpTrajectoryV1_3_2 } from './eras/v1-3.js';
import { AdpTrajectoryV1_4 } from './eras/v1-4.js';
import { AdpTrajectoryV1_5 } from './eras/v1-5.js';
import { TrajectoryV1_6 } from './eras/v1-6.js';
import { jsonSchemaExtras } from './json-schema-extras.js';
import type { SchemaName } from './validate-record.js';

/** One published JSON Schema file and the zod model it is generated from. */
export interface JsonSchemaFile {
  schema: SchemaName;
  /** File name under `schemas/`. */
  file: string;
  title: string;
  model: z.ZodType;
}

/** The files under `schemas/`, one per model. */
export const JSON_SCHEMA_FILES: readonly JsonSchemaFile[] = [
  { schema: 'adp@unversioned', file: 'adp-unversioned.schema.json', title: 'ADP trajectory (unversioned)', model: AdpTrajectoryUnversioned },
  { schema: 'adp@1.0.0', file: 'adp-1.0.0.schema.json', title: 'ADP trajectory 1.0.0', model: AdpTrajectoryV1_0 },
  { schema: 'adp@1.1.0', file: 'adp-1.1.0.schema.json', title: 'ADP trajectory 1.1.0', model: AdpTrajectoryV1_1 },
  { schema: 'adp@1.2.0', file: 'adp-1.2.0.schema.json', title: 'ADP trajectory 1.2.0', model: AdpTrajectoryV1_2 },
  { schema: 'adp@1.3.0', file: 'adp-1.3.0.schema.json', title: 'ADP trajectory 1.3.0', model: AdpTrajectoryV1_3 },
  { schema: 'adp@1.3.1', file: 'adp-1.3.1.schema.json', title: 'ADP trajectory 1.3.1', model: AdpTrajectoryV1_3_1 },
  { schema: 'adp@1.3.2', file: 'adp-1.3.2.schema.json', title: 'ADP trajectory 1.3.2', model: AdpTrajectoryV1_3_2 },
  { schema: 'adp@1.4.0', file: 'adp-1.4.0.schema.json', title: 'ADP trajectory 1.4.0', model: AdpTrajectoryV1_4 },
  { schema: 'adp@1.5.0', file: 'adp-1.5.0.schema.json', title: 'ADP trajectory 1.5.0', model: AdpTrajectoryV1_5 },
  { schema: 'adp@1.6.0', file: 'trajkit-1.6.0.schema.json', title: 'trajkit trajectory 1.6.0', model: TrajectoryV1_6 },
  { schema: 'atif@1.7', file: 'atif-1.7.schema.json', title: 'ATIF-v1.7 trajectory (ADP strict profile)', model: AtifTrajectory },
  { schema: 'adp-metadata', file: 'adp-metadata.schema.json', title: 'ADP dataset metadata.json', model: DatasetMetadata },
];

/**
 * Rules of each model that JSON Schema cannot state. Records breaking only these pass ajv;
 * `validateRecord` and the zod models catch them (docs/schema.md lists them too).
 */
export const NOT_IN_JSON_SCHEMA: Readonly<Record<SchemaName, readonly string[]>> = (() => {
  const links = [
    'tool_call_id links (ADP 1.3.0+ rules 1, 3, 4, 5): a tool action followed by an observation has an id; ids unique; an observation id names an earlier action; one observation per id',
  ];
  const languages = ['available_code_languages equals the set of code_action languages used'];
  return {
    'adp@unversioned': [],
    'adp@1.0.0': [],
    'adp@1.1.0': [],
    'adp@1.2.0': [],
    'adp@1.3.0': links,
    'adp@1.3.1': links,
    'adp@1.3.2': links,
    'adp@1.4.0': links,
    'adp@1.5.0': [...links, ...languages],
    'adp@1.6.0': [...links, ...languages],
    'atif@1.7': ['step_id values run 1, 2, … n', "source_call_id names a tool call of the same step (strict mode only)"],
    'adp-metadata': ['custom tool names are unique'],
  };
})();

/** Generates the JSON Schema document of one file (draft 2020-12, input side, ids as `$defs`). */
export function toJsonSchemaDocument(entry: JsonSchemaFile): Record<string, unknown> {
  const generated = z.toJSONSchema(entry.model, {
    target: 'draft-2020-12',
    io: 'input',
    unrepresentable: 'throw',
    override: ({ zodSchema, jsonSchema }) => {
      const extra = jsonSchemaExtras(zodSchema);
      if (extra) Object.assign(jsonSchema, extra);
    },
  }) as Record<string, unknown>;
  const { $schema, ...rest } = generated;
  const unsaid = NOT_IN_JSON_SCHEMA[entry.schema];
  const note = unsaid.length === 0 ? '' : ` Not expressible here (checked by trajkit's validator): ${unsaid.join('; ')}.`;
  return {
    $schema,
    title: entry.title,
    $comment: `Generated from trajkit's zod models by \`npm run schemas\`; do not edit.${note}`,
    ...rest,
  };
}

/** Every file's text (2-space JSON, trailing newline), keyed by file name. */
export function renderJsonSchemaFiles(): Map<string, string> {
  const files = new Map<string, string>();
  for (const entry of JSON_SCHEMA_FILES) {
    files.set(entry.file, `${JSON.stringify(toJsonSchemaDocument(entry), null, 2)}\n`);
  }
  return files;
}
