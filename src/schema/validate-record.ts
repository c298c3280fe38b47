import type { z } from 'zod';
import { UsageError } from '../errors.js';
import { ADP_ERAS, ADP_VERSIONS, TRAJKIT_SCHEMA_VERSION, type AdpEraName } from './adp-eras.js';
import { checkAdpRecord } from './adp-checks.js';
import { ATIF_SCHEMA_VERSION, AtifTrajectoryStructure, checkAtifRecord } from './atif.js';
import { checkDatasetMetadata, DatasetMetadataStructure } from './dataset-metadata.js';
import type { AdpEraModel } from './era-model.js';
import { AdpUnversionedEra } from './eras/unversioned.js';
import { AdpV1_0Era } from './eras/v1-0.js';
import { AdpV1_1Era } from './eras/v1-1.js';
import { AdpV1_2Era } from './eras/v1-2.js';
import { AdpV1_3Era, AdpV1_3_1Era, AdpV1_3_2Era } from './eras/v1-3.js';
import { AdpV1_4Era } from './eras/v1-4.js';
import { AdpV1_5Era } from './eras/v1-5.js';
import { TrajkitV1_6Era } from './eras/v1-6.js';
import { describeValue, listOr } from './issue-text.js';
import { asJsonObject } from './json-object.js';
import { issueAt, type PathSegments, type RecordIssue, type RuleFinding } from './record-issue.js';
import { toRecordIssues, type KeyHint } from './zod-issues.js';

export type { RecordIssue } from './record-issue.js';

/** Every record schema trajkit knows. */
export type SchemaName = AdpEraName | 'atif@1.7' | 'adp-metadata';

/** What to validate against: a schema, a family to detect the era within, or `auto`. */
export type SchemaSelector = 'auto' | 'adp' | 'atif' | 'metadata' | SchemaName;

/** Every schema name, oldest ADP era first. */
export const SCHEMA_NAMES: readonly SchemaName[] = [
  ...(Object.keys(ADP_ERAS) as AdpEraName[]),
  'atif@1.7',
  'adp-metadata',
];

const SELECTORS: readonly SchemaSelector[] = ['auto', 'adp', 'atif', 'metadata', ...SCHEMA_NAMES];

/**
 * Parses a `--schema` value: `auto`, `adp` (detect the era), `adp@1.3.0`, `atif`, `atif@1.7`,
 * `metadata` or `adp-metadata`. Throws a UsageError listing the valid values otherwise.
 */
export function parseSchemaSelector(text: string): SchemaSelector {
  const value = text.trim();
  const match = SELECTORS.find((s) => s === value);
  if (match === undefined) {
    throw new UsageError(`unknown schema "${text}"; valid values: ${SELECTORS.join(', ')}`);
  }
  return match;
}

/** The verdict on one record. */
export interface RecordVerdict {
  /** The schema the record was judged by; undefined when none applies (e.g. unknown version). */
  schema: SchemaName | undefined;
  /** No issue of severity `error`. */
  valid: boolean;
  issues: RecordIssue[];
}

/** Options of {@link validateRecord}. */
export interface ValidateRecordOptions {
  /**
   * Strict mode: rules the ADP profiles tolerate become errors. Today: an ATIF result whose
   * `source_call_id` names no tool call of its step (Harbor's rule) is an error, not a warning.
   */
  strict?: boolean;
}

const SEMVER = /^\d+\.\d+\.\d+$/;
const ATIF_VERSION = /^ATIF-v\d+\.\d+$/;
const METADATA_KEYS: ReadonlySet<string> = new Set(Object.keys(DatasetMetadataStructure.shape));

const ERA_BY_VERSION = new Map<string, AdpEraName>(
  Object.values(ADP_ERAS)
    .filter((e) => e.version !== undefined)
    .map((e) => [e.version as string, e.name]),
);
const KNOWN_VERSIONS = [...ADP_VERSIONS, TRAJKIT_SCHEMA_VERSION];

/**
 * The schema a record declares: ATIF by `"ATIF-v1.x"`, an ADP era by its semver `schema_version`,
 * unversioned ADP when there is none, dataset metadata by the shape of `metadata.json`.
 * Undefined for a non-object or a `schema_version` trajkit does not know.
 */
export function detectSchema(record: unknown): SchemaName | undefined {
  const root = asJsonObject(record);
  if (!root) return undefined;
  const version = root.schema_version;
  if (version === undefined) {
    if ('steps' in root) return 'atif@1.7';
    const keys = Object.keys(root);
    if (!('id' in root) && !('content' in root) && (keys.length === 0 || keys.some((k) => METADATA_KEYS.has(k)))) {
      return 'adp-metadata';
    }
    return 'adp@unversioned';
  }
  if (typeof version !== 'string') return undefined;
  if (ATIF_VERSION.test(version) && version.startsWith('ATIF-v1.')) return 'atif@1.7';
  return ERA_BY_VERSION.get(version);
}

/** Why no schema applies, as an issue. */
function undetectable(record: unknown, family: 'any' | 'adp'): RecordIssue {
  const root = asJsonObject(record);
  if (!root) {
    return issueAt([], 'not_an_object', `expected a JSON object (a trajectory${family === 'any' ? ' or dataset metadata' : ''}), found ${describeValue(record)}`);
  }
  const version = root.schema_version;
  if (typeof version !== 'string') {
    return issueAt(['schema_version'], 'invalid_type', `schema_version must be a string, found ${describeValue(version)}`);
  }
  if (family === 'adp' && ATIF_VERSION.test(version)) {
    return issueAt(['schema_version'], 'not_adp', `schema_version "${version}" marks an ATIF record, not legacy ADP; validate it as atif`);
  }
  return issueAt(
    ['schema_version'],
    'unknown_schema_version',
    `unknown schema_version "${version}"; trajkit knows ADP ${listOr(KNOWN_VERSIONS)} and ${ATIF_SCHEMA_VERSION}`,
  );
}

interface SchemaEntry {
  label: string;
  structure: z.ZodType;
  check: (record: unknown, options: ValidateRecordOptions) => RuleFinding[];
  keyHint?: KeyHint;
}

const TYPED_FIELDS = ['provenance', 'outcome', 'task', 'tools', 'artifacts', 'llm_calls', 'pdi', 'details_origin'];

function adpKeyHint(model: AdpEraModel): KeyHint {
  const { era } = model;
  return (key, path: PathSegments) => {
    if (path.length > 0) {
      if (key === 'tool_call_id' && !era.toolCallIds) return 'tool_call_id arrived in ADP 1.3.0';
      if (key === 'reasoning_content') return 'only actions carry reasoning_content';
      return undefined;
    }
    if (key === 'available_apis' && era.availableToolsKey === 'available_custom_tools') return 'renamed available_custom_tools in ADP 1.4.0';
    if (key === 'available_custom_tools' && era.availableToolsKey === 'available_apis') return `available_custom_tools arrived in ADP 1.4.0; ${era.label} calls it available_apis`;
    if (key === 'available_code_languages' && !era.availableCodeLanguages) return 'available_code_languages arrived in ADP 1.5.0';
    if (TYPED_FIELDS.includes(key) && !era.typedFields) return `${key} is a trajkit 1.6.0 field`;
    return undefined;
  };
}

function adpEntry(model: AdpEraModel): SchemaEntry {
  return {
    label: model.era.label,
    structure: model.structure,
    check: (record) => checkAdpRecord(model.shape, record),
    keyHint: adpKeyHint(model),
  };
}

const ENTRIES: Readonly<Record<SchemaName, SchemaEntry>> = {
  'adp@unversioned': adpEntry(AdpUnversionedEra),
  'adp@1.0.0': adpEntry(AdpV1_0Era),
  'adp@1.1.0': adpEntry(AdpV1_1Era),
  'adp@1.2.0': adpEntry(AdpV1_2Era),
  'adp@1.3.0': adpEntry(AdpV1_3Era),
  'adp@1.3.1': adpEntry(AdpV1_3_1Era),
  'adp@1.3.2': adpEntry(AdpV1_3_2Era),
  'adp@1.4.0': adpEntry(AdpV1_4Era),
  'adp@1.5.0': adpEntry(AdpV1_5Era),
  'adp@1.6.0': adpEntry(TrajkitV1_6Era),
  'atif@1.7': {
    label: ATIF_SCHEMA_VERSION,
    structure: AtifTrajectoryStructure,
    check: (record, options) => checkAtifRecord(record, { strict: options.strict }),
  },
  'adp-metadata': { label: 'dataset metadata', structure: DatasetMetadataStructure, check: checkDatasetMetadata },
};

/** The zod structure schema (no cross-item rules) behind a schema name: what JSON Schema expresses. */
export function structureSchema(name: SchemaName): z.ZodType {
  return ENTRIES[name].structure;
}

function resolve(record: unknown, selector: SchemaSelector): SchemaName | RecordIssue {
  switch (selector) {
    case 'auto':
      return detectSchema(record) ?? undetectable(record, 'any');
    case 'adp': {
      const root = asJsonObject(record);
      if (!root) return undetectable(record, 'adp');
      if (root.schema_version === undefined) return 'adp@unversioned';
      const era = typeof root.schema_version === 'string' ? ERA_BY_VERSION.get(root.schema_version) : undefined;
      return era ?? undetectable(record, 'adp');
    }
    case 'atif':
      return 'atif@1.7';
    case 'metadata':
      return 'adp-metadata';
    default:
      return selector;
  }
}

/**
 * Judges one record (any JSON value) against a schema: the record's own era by default.
 * Never throws; every problem is an issue with a JSON path, a stable code and a message that
 * says what was expected and what was found. Warnings leave the record valid.
 */
export function validateRecord(
  record: unknown,
  selector: SchemaSelector = 'auto',
  options: ValidateRecordOptions = {},
): RecordVerdict {
  let schema: SchemaName | undefined;
  try {
    const resolved = resolve(record, selector);
    if (typeof resolved !== 'string') return { schema: undefined, valid: false, issues: [resolved] };
    if (!Object.hasOwn(ENTRIES, resolved)) {
      // Only reachable from untyped callers; parseSchemaSelector guards the CLI.
      const message = `unknown schema selector "${String(resolved)}"; valid values: ${SELECTORS.join(', ')}`;
      return { schema: undefined, valid: false, issues: [issueAt([], 'unknown_schema', message)] };
    }
    schema = resolved;
    const entry = ENTRIES[schema];
    const issues: RecordIssue[] = [];
    const parsed = entry.structure.safeParse(record);
    if (!parsed.success) {
      issues.push(...toRecordIssues(parsed.error.issues, { record, label: entry.label, keyHint: entry.keyHint }));
    }
    for (const finding of entry.check(record, options)) {
      issues.push(issueAt(finding.path, finding.code, finding.message, finding.severity));
    }
    return { schema, valid: !issues.some((i) => i.severity === 'error'), issues };
  } catch (error) {
    // A bug in trajkit, not in the record: say so instead of throwing into a batch.
    const message = error instanceof Error ? error.message : String(error);
    return {
      schema,
      valid: false,
      issues: [{ path: '', code: 'internal_error', message: `trajkit could not validate this record: ${message}`, severity: 'error' }],
    };
  }
}
