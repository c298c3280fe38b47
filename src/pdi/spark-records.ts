import { z } from 'zod';
import type { PdiIssue } from './issues.js';

/*
 * The parts of SPARK's raw records (spec §2, §3) that PDI reads. Unknown keys pass through:
 * these schemas check only what the computation depends on, so a writer adding fields never
 * breaks a recomputation.
 */

const int = z.number().int();

/** `execution_result` (spec §2.1), the fields PDI reads. `error` is `""` when absent. */
export const SparkExecutionResult = z.looseObject({
  type: z.literal('execution_result'),
  attempt: int,
  status: z.string(),
  test_summary: z.string(),
  agent_commands: z.string(),
  error: z.string().nullish(),
  result_json: z.unknown().optional(),
});

/** `reflect_call` (spec §2.3), the fields PDI reads. */
export const SparkReflectCall = z.looseObject({
  type: z.literal('reflect_call'),
  attempt: int,
  memo_before: z.string(),
  memo_after: z.string(),
});

/** A recorded snapshot, as in `pdi.history` (spec §3). A missing `level` means null. */
export const SparkSnapshotFields = z.looseObject({
  step: int,
  proxy_exec: z.number(),
  proxy_plan: z.number(),
  proxy_oss: z.number(),
  raw_pdi: z.number(),
  weight: z.number(),
  weighted_pdi: z.number(),
  triggered: z.boolean(),
  level: z.enum(['soft', 'strong']).nullable().optional(),
});

/** `pdi_snapshot` (spec §2.2). */
export const SparkPdiSnapshot = SparkSnapshotFields.extend({
  type: z.literal('pdi_snapshot'),
  attempt: int,
  ts: z.number().optional(),
});

/** Any other event: only `type` matters to PDI. */
export const SparkOtherEvent = z.looseObject({ type: z.string() });

/** One row of `attempts.json` `attempts` (spec §3). */
export const SparkAttemptRow = z.looseObject({
  attempt: int,
  status: z.string(),
  agent_commands: z.string(),
  test_summary: z.string(),
});

/** The run's PDI settings in `attempts.json` (`pdi`, spec §3); `null` reads as absent. */
export const SparkPdiSettings = z.looseObject({
  enabled: z.boolean().nullish(),
  observe_only: z.boolean().nullish(),
  warmup: z.number().nullish(),
  threshold: z.number().nullish(),
});

/** The part of `attempts.json` a trajectory-based recomputation reads: the settings. */
export const SparkAttemptsSettings = z.looseObject({ pdi: SparkPdiSettings.nullish() });

/** `attempts.json` (spec §3): the fields the replay from `attempts.json` alone reads. */
export const SparkAttemptsFile = z.looseObject({
  task_name: z.string().nullish(),
  max_retries: int.nullish(),
  exploration_memo: z.string(),
  memo_history: z.array(z.string()),
  attempts: z.array(SparkAttemptRow),
  pdi: SparkPdiSettings.extend({ history: z.array(SparkSnapshotFields).nullish() }).nullish(),
});

export type SparkExecutionResult = z.infer<typeof SparkExecutionResult>;
export type SparkReflectCall = z.infer<typeof SparkReflectCall>;
export type SparkSnapshotFields = z.infer<typeof SparkSnapshotFields>;
export type SparkPdiSnapshot = z.infer<typeof SparkPdiSnapshot>;
export type SparkAttemptRow = z.infer<typeof SparkAttemptRow>;
export type SparkAttemptsFile = z.infer<typeof SparkAttemptsFile>;
export type SparkAttemptsSettings = z.infer<typeof SparkAttemptsSettings>;

/** A trajectory event PDI understands, with the 1-based line it came from. */
export type SparkEvent =
  | { kind: 'execution_result'; line: number; record: SparkExecutionResult }
  | { kind: 'reflect_call'; line: number; record: SparkReflectCall }
  | { kind: 'pdi_snapshot'; line: number; record: SparkPdiSnapshot }
  | { kind: 'other'; line: number; type: string };

const EVENT_SCHEMAS = {
  execution_result: SparkExecutionResult,
  reflect_call: SparkReflectCall,
  pdi_snapshot: SparkPdiSnapshot,
} as const;

/** Escaped UTF-16 surrogates inside a JSON text (a cheap pre-check before walking the value). */
const ESCAPED_SURROGATE = /\\u[dD][89a-fA-F]/;

/**
 * Parses one line of `trajectory.jsonl` into an event, or into issues naming the file, line
 * and field. Lines DuckDB's JSON reader cannot accept are rejected here too, so the
 * TypeScript and DuckDB paths always see the same events: invalid UTF-8, and strings holding
 * a lone UTF-16 surrogate (valid for `JSON.parse`, not valid Unicode). Blank lines are skipped.
 */
export function parseTrajectoryLine(
  text: string,
  where: { file: string; line: number; invalidUtf8?: boolean },
): { event?: SparkEvent; issues: PdiIssue[] } {
  if (text.trim() === '') return { issues: [] };
  const at = { file: where.file, line: where.line };
  if (where.invalidUtf8) {
    return { issues: [{ code: 'TK_PDI_MALFORMED_LINE', ...at, message: 'line is not valid UTF-8' }] };
  }
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch (error) {
    return { issues: [{ code: 'TK_PDI_MALFORMED_LINE', ...at, message: `not JSON: ${(error as Error).message}` }] };
  }
  if (ESCAPED_SURROGATE.test(text)) {
    const path = findLoneSurrogate(value, '');
    if (path !== undefined) {
      return { issues: [{ code: 'TK_PDI_MALFORMED_LINE', ...at, path, message: 'string holds a lone UTF-16 surrogate (not valid Unicode)' }] };
    }
  }
  const base = SparkOtherEvent.safeParse(value);
  if (!base.success) return { issues: zodIssues(base.error, at, 'TK_PDI_INVALID_RECORD') };
  const type = base.data.type;
  if (type === 'execution_result' || type === 'reflect_call' || type === 'pdi_snapshot') {
    const parsed = EVENT_SCHEMAS[type].safeParse(value);
    if (!parsed.success) return { issues: zodIssues(parsed.error, at, 'TK_PDI_INVALID_RECORD', `${type}: `) };
    return { event: { kind: type, line: where.line, record: parsed.data } as SparkEvent, issues: [] };
  }
  return { event: { kind: 'other', line: where.line, type }, issues: [] };
}

/**
 * Validates a parsed `attempts.json` twice: its settings (`pdi`), which every recomputation of
 * the task reads, and the whole document, which only a replay from `attempts.json` alone needs.
 * Issues name the file and the field path.
 */
export function parseAttemptsFile(
  value: unknown,
  file: string,
): { settings?: SparkAttemptsSettings; settingsIssues: PdiIssue[]; doc?: SparkAttemptsFile; docIssues: PdiIssue[] } {
  const settings = SparkAttemptsSettings.safeParse(value);
  const doc = SparkAttemptsFile.safeParse(value);
  return {
    settings: settings.success ? settings.data : undefined,
    settingsIssues: settings.success ? [] : zodIssues(settings.error, { file }, 'TK_PDI_INVALID_RECORD', 'attempts.json: '),
    doc: doc.success ? doc.data : undefined,
    docIssues: doc.success ? [] : zodIssues(doc.error, { file }, 'TK_PDI_INVALID_RECORD', 'attempts.json: '),
  };
}

function zodIssues(error: z.ZodError, at: { file: string; line?: number }, code: PdiIssue['code'], prefix = ''): PdiIssue[] {
  return error.issues.map((issue) => ({
    code,
    ...at,
    path: issue.path.map(String).join('.'),
    message: `${prefix}${issue.message}`,
  }));
}

// With the `u` flag a paired surrogate is one astral code point, so only lone halves match Cs.
const LONE_SURROGATE = /\p{Cs}/u;

/** The dot path of the first string (or key) in `value` holding a lone UTF-16 surrogate. */
export function findLoneSurrogate(value: unknown, path = ''): string | undefined {
  if (typeof value === 'string') return LONE_SURROGATE.test(value) ? path || '(value)' : undefined;
  if (Array.isArray(value)) {
    for (let i = 0; i < value.length; i++) {
      const found = findLoneSurrogate(value[i], path ? `${path}.${i}` : String(i));
      if (found !== undefined) return found;
    }
    return undefined;
  }
  if (value !== null && typeof value === 'object') {
    for (const [key, item] of Object.entries(value)) {
      const at = path ? `${path}.${key}` : key;
      if (LONE_SURROGATE.test(key)) return at;
      const found = findLoneSurrogate(item, at);
      if (found !== undefined) return found;
    }
  }
  return undefined;
}
