import type { AgentInfo, Provenance } from '../schema/provenance.js';
import type { Outcome } from '../schema/outcome.js';
import type { Task } from '../schema/task.js';
import type { ArtifactKind } from '../schema/artifact.js';
import { adpRequiresNumber } from './stringified.js';

/**
 * The JSON type a typed field needs, which decides how a details value is converted:
 * - `text`: a string (numbers/booleans are written as text, an extra layer of quotes is removed);
 * - `int`, `nonneg-int`, `pos-int`, `number`, `boolean`: parsed from strings like "3", "1.0", "True";
 * - `outcome-status`: one of PASS/FAIL/PARTIAL/ERROR/INFRA_ERROR (case-insensitive in details);
 * - `string-list`: an array of strings, or a JSON array in a string;
 * - `keywords`: a `string-list`, or comma-separated text;
 * - `json`: any JSON; an object or array serialised into a string is parsed;
 * - `tool-specs`: OpenAI function specs, as an array or a JSON string of one;
 * - `artifact`: the content of a named artifact (text; other values are written as JSON text);
 * - `system-prompt`: the text of a system observation at the start of `content`.
 */
export type ValueKind =
  | 'text'
  | 'int'
  | 'nonneg-int'
  | 'pos-int'
  | 'number'
  | 'boolean'
  | 'outcome-status'
  | 'string-list'
  | 'keywords'
  | 'json'
  | 'tool-specs'
  | 'artifact'
  | 'system-prompt';

/** Where a details key goes in 1.6.0, and the type it needs there. */
export interface FieldTarget {
  /** The field path as written in details_origin, e.g. `provenance.split`, `tools`, `artifacts[eval_logs]`. */
  field: string;
  kind: ValueKind;
  /** For `artifact` targets: the artifact's kind and media type. */
  artifactKind?: ArtifactKind;
  mediaType?: string;
}

// Exhaustive per typed object: a field added to the zod schema fails to compile here until it is
// given a kind (null = structural, not a target of its own).
const PROVENANCE_FIELDS: Record<keyof Provenance, ValueKind | null> = {
  source: 'text',
  config: 'text',
  split: 'text',
  revision: 'text',
  upstream_id: 'text',
  row_index: 'int',
  source_file: 'text',
  line: 'int',
  url: 'text',
  created_at: 'text',
  task: 'text',
  attempt: 'int',
  agent: null,
  extra: null,
};

const AGENT_FIELDS: Record<keyof AgentInfo, ValueKind | null> = {
  name: 'text',
  version: 'text',
  model: 'text',
  extra: null,
};

const OUTCOME_FIELDS: Record<keyof Outcome, ValueKind | null> = {
  status: 'outcome-status',
  success: 'boolean',
  reward: 'number',
  score: 'number',
  exit_status: 'text',
  tests_passed: 'nonneg-int',
  tests_total: 'nonneg-int',
  test_summary: 'text',
  verifier_output: 'text',
  feedback: 'text',
  polarity: 'text',
  error: 'text',
  eval_artifact: 'text',
  extra: null,
};

const TASK_FIELDS: Record<keyof Task, ValueKind | null> = {
  id: 'text',
  name: 'text',
  instruction: 'text',
  domain: 'text',
  subdomain: 'text',
  category: 'text',
  keywords: 'keywords',
  website: 'text',
  repo: 'text',
  gold_answer: 'json',
  gold_patch: 'text',
  solution_path: 'text',
  verification_files: 'json',
  config: 'text',
  max_attempts: 'pos-int',
  extra: null,
};

/** Root fields that can receive a details value. */
const ROOT_TARGETS: Record<string, ValueKind> = {
  tools: 'tool-specs',
  available_custom_tools: 'string-list',
  available_code_languages: 'string-list',
  system_prompt: 'system-prompt',
};

const ARTIFACT_KINDS: readonly ArtifactKind[] = ['patch', 'log', 'answer', 'skill', 'memo', 'prompt', 'commands', 'file', 'other'];

const MEDIA_TYPES: Partial<Record<ArtifactKind, string>> = { patch: 'text/x-diff', log: 'text/plain' };

/** Every typed field path a details key can be mapped to (for docs and config errors). */
export function typedFieldPaths(): string[] {
  const paths: string[] = [];
  const add = (prefix: string, table: Record<string, ValueKind | null>) => {
    for (const [name, kind] of Object.entries(table)) if (kind) paths.push(`${prefix}${name}`);
  };
  add('provenance.', PROVENANCE_FIELDS);
  add('provenance.agent.', AGENT_FIELDS);
  add('outcome.', OUTCOME_FIELDS);
  add('task.', TASK_FIELDS);
  paths.push(...Object.keys(ROOT_TARGETS));
  paths.push('provenance.extra.<key>', 'provenance.agent.extra.<key>', 'outcome.extra.<key>', 'task.extra.<key>');
  paths.push(...ARTIFACT_KINDS.map((k) => `artifacts:${k}`));
  return paths;
}

/**
 * Resolves a mapping target as written in the concept table or a config file into a
 * {@link FieldTarget} for details key `key`, or undefined when the target names no typed field.
 *
 * Accepted: a typed field path (`provenance.split`, `provenance.agent.model`, `task.keywords`), an
 * extra map (`outcome.extra`, or `outcome.extra.<name>` to rename), a root target (`tools`,
 * `available_custom_tools`, `system_prompt`), or `artifacts` / `artifacts:<kind>` (an artifact named
 * after the key).
 */
export function resolveTarget(spec: string, key: string): FieldTarget | undefined {
  if (spec === 'artifacts' || spec.startsWith('artifacts:')) {
    const kind = (spec === 'artifacts' ? 'other' : spec.slice('artifacts:'.length)) as ArtifactKind;
    if (!ARTIFACT_KINDS.includes(kind)) return undefined;
    return { field: `artifacts[${key}]`, kind: 'artifact', artifactKind: kind, mediaType: MEDIA_TYPES[kind] };
  }
  if (Object.hasOwn(ROOT_TARGETS, spec)) return { field: spec, kind: ROOT_TARGETS[spec] };
  for (const [prefix, table] of [
    ['provenance.agent.', AGENT_FIELDS],
    ['provenance.', PROVENANCE_FIELDS],
    ['outcome.', OUTCOME_FIELDS],
    ['task.', TASK_FIELDS],
  ] as const) {
    if (!spec.startsWith(prefix)) continue;
    const rest = spec.slice(prefix.length);
    if (rest === 'extra') return extraTarget(`${prefix}extra.${key}`, key);
    if (rest.startsWith('extra.') && rest.length > 'extra.'.length) return extraTarget(`${prefix}${rest}`, rest.slice(6));
    const kind = (table as Record<string, ValueKind | null>)[rest];
    if (Object.hasOwn(table, rest) && kind) return { field: spec, kind };
    return undefined;
  }
  return undefined;
}

/** Extra maps take any JSON; keys ADP requires to be numeric keep that requirement there. */
function extraTarget(field: string, name: string): FieldTarget {
  return { field, kind: adpRequiresNumber(name) ? 'number' : 'json' };
}
