import { z } from 'zod';
import { FORBIDDEN_DETAILS_KEYS } from './adp-eras.js';
import { CodeLanguage } from './code-languages.js';
import { describeValue, listOr, ruleError } from './issue-text.js';

/**
 * Building blocks of the ADP root object (spec §2), shared by the era models in `eras/`.
 */

/** `details` of unversioned and 1.0.0 records: every value a string. */
export const StringDetails = z
  .record(
    z.string(),
    z.string({
      error: ruleError(
        'details_value_not_string',
        (issue) => `details values must be strings before ADP 1.1.0, found ${describeValue(issue.input)}`,
        ['invalid_type'],
      ),
    }),
  )
  .meta({ id: 'StringDetails', description: 'Dataset-specific metadata; string values only (unversioned ADP, 1.0.0).' });

/** `details` from 1.1.0 on: any JSON values. */
export const JsonDetails = z
  .record(z.string(), z.unknown())
  .meta({ id: 'JsonDetails', description: 'Dataset-specific metadata (any JSON values).' });

const FORBIDDEN_KEY = new RegExp(`^(?!(?:${FORBIDDEN_DETAILS_KEYS.join('|')})$)`);

/** `details` of trajkit 1.6.0: any JSON, but not the keys that have a home elsewhere (spec §8). */
export const TrajkitDetails = z
  .record(
    z.string().regex(FORBIDDEN_KEY, {
      error: ruleError('forbidden_details_key', (issue) => {
        const key = String(issue.input);
        return key === 'system_prompt'
          ? 'details.system_prompt is not allowed: the system prompt is a text_observation with source "environment" and name "system"'
          : `details.${key} is not allowed: it is a root field`;
      }),
    }),
    z.unknown(),
  )
  .meta({
    id: 'TrajkitDetails',
    description: `Truly dataset-specific metadata. Must not contain ${listOr(FORBIDDEN_DETAILS_KEYS)}; common concepts have typed fields.`,
  });

/** A list of tool names (`available_apis`, `available_custom_tools`). */
export const ToolNameList = z.array(z.string());

/** `available_code_languages` (1.5.0+): valid languages; must equal the set used (checked separately). */
export const CodeLanguageList = z.array(CodeLanguage);

/** The `schema_version` key of an era that accepts `accepted` (ADP lists were cumulative). */
export function schemaVersionField<const V extends readonly [string, ...string[]]>(accepted: V, label: string) {
  return z.enum(accepted, {
    error: ruleError('unsupported_schema_version', (issue) =>
      issue.input === undefined
        ? `schema_version is required in ${label} records (accepted: ${listOr(accepted)})`
        : `schema_version ${typeof issue.input === 'string' ? JSON.stringify(issue.input) : `as ${describeValue(issue.input)}`} is not accepted by ${label} (accepted: ${listOr(accepted)})`,
    ),
  });
}
