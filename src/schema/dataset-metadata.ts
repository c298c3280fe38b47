import { z } from 'zod';
import { CodeLanguage } from './code-languages.js';
import { addFindings } from './issue-text.js';
import { asJsonObject } from './json-object.js';
import type { RuleFinding } from './record-issue.js';

/**
 * A dataset's `metadata.json` (adp-schema.md §6; ADP 1.4.0 on, still used with ATIF). Every
 * object rejects unknown keys. Checks that need the dataset's samples (code_enabled equals the
 * languages used, browser and editor flags, sample minima) belong to dataset linting.
 */

/** `{"type": "function", "function": {name, description?, parameters}}` as ADP's metadata has it. */
export const MetadataToolSpec = z
  .strictObject({
    type: z.literal('function').optional(),
    function: z.strictObject({
      name: z.string(),
      description: z.string().nullish(),
      parameters: z
        .record(z.string(), z.unknown())
        .optional()
        .describe('JSON Schema of the arguments; defaults to {"type": "object", "properties": {}}.'),
    }),
  })
  .meta({ id: 'MetadataToolSpec' });

const minimum = z.number().int().nonnegative().nullish();

/** Minimum sizes the dataset's samples must reach (ATIF era). */
export const SampleExpectations = z
  .strictObject({ min_std_steps: minimum, min_std_tool_calls: minimum, min_sdk_messages: minimum })
  .meta({ id: 'SampleExpectations' });

/** The structure alone: what JSON Schema can express. */
export const DatasetMetadataStructure = z.strictObject({
  custom_tools: z.array(MetadataToolSpec).optional(),
  code_enabled: z.array(CodeLanguage).optional(),
  file_editor_enabled: z.boolean().optional(),
  browser_enabled: z.boolean().optional(),
  sample_expectations: SampleExpectations.optional(),
});

/** Rules JSON Schema cannot say: unique tool names (error); code_enabled sorted and unique (warning). */
export function checkDatasetMetadata(record: unknown): RuleFinding[] {
  const root = asJsonObject(record);
  if (!root) return [];
  const { custom_tools: tools, code_enabled: languages } = root;
  const findings: RuleFinding[] = [];
  if (Array.isArray(tools)) {
    const firstAt = new Map<string, number>();
    tools.forEach((tool, index) => {
      const fn = (tool as { function?: { name?: unknown } } | null)?.function;
      const name = typeof fn === 'object' && fn !== null ? fn.name : undefined;
      if (typeof name !== 'string') return;
      const first = firstAt.get(name);
      if (first === undefined) firstAt.set(name, index);
      else
        findings.push({
          path: ['custom_tools', index, 'function', 'name'],
          code: 'duplicate_tool_name',
          severity: 'error',
          message: `custom tool "${name}" is declared again (first at custom_tools[${first}]); names must be unique`,
        });
    });
  }
  if (Array.isArray(languages) && languages.every((l) => typeof l === 'string')) {
    const canonical = [...new Set(languages as string[])].sort();
    if (canonical.length !== languages.length || canonical.some((l, i) => l !== languages[i])) {
      findings.push({
        path: ['code_enabled'],
        code: 'code_enabled_not_canonical',
        severity: 'warning',
        message: `code_enabled should be sorted and de-duplicated (${JSON.stringify(canonical)}); ADP sorted it when loading`,
      });
    }
  }
  return findings;
}

/**
 * Dataset metadata. Parsing sorts and de-duplicates `code_enabled`, as ADP did when loading it;
 * duplicate custom tool names are an error.
 */
export const DatasetMetadata = DatasetMetadataStructure.superRefine(
  (record, ctx) => addFindings(ctx, checkDatasetMetadata(record)),
  { when: () => true },
)
  .transform((record) =>
    record.code_enabled === undefined ? record : { ...record, code_enabled: [...new Set(record.code_enabled)].sort() },
  )
  .meta({ id: 'DatasetMetadata', description: "A dataset's metadata.json: custom tools, enabled code languages, browser/editor flags, sample minima." });

export type DatasetMetadata = z.infer<typeof DatasetMetadata>;
export type MetadataToolSpec = z.infer<typeof MetadataToolSpec>;
export type SampleExpectations = z.infer<typeof SampleExpectations>;
