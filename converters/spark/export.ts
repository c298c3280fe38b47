import type { Artifact } from '../../src/schema/artifact.js';
import type { LlmCall } from '../../src/schema/llm-call.js';
import { rebuildCodexStream, type CodexStreamFrame } from './codex-stream.js';
import { applyKeys, type KeyPatch } from './json-patch.js';
import type { JsonObject, SparkEventLine, SparkTrajectory } from './types.js';

/**
 * The inverse of converters/spark/import.ts: SPARK's original files from standardized records.
 * Used by the lossless tests, by the importer to check itself, and by anyone who needs the raw
 * release back (e.g. PDI tooling that reads the SPARK layout).
 */

/** One task's release files, rebuilt. */
export interface RebuiltSparkTask {
  /** The task folder name. */
  task: string;
  /** `trajectory.jsonl` events with their line numbers, in line order (none when the task had no trajectory). */
  events: SparkEventLine[];
  /** `attempts.json`, when the task had one. */
  attemptsJson?: JsonObject;
  /** `SKILL.md`, when the task had one. */
  skillMd?: string;
}

/** attempts.json fields the importer may leave out because the records rebuild them. */
export type DerivableAttemptsField = 'exploration_memo' | 'memo_history' | 'pdi.history';

const ATTEMPTS_JSON_ORDER = ['task_name', 'max_retries', 'exploration_memo', 'memo_history', 'attempts', 'pdi'];

function artifact(record: SparkTrajectory, name: string): Artifact | undefined {
  return record.artifacts?.find((a) => a.name === name);
}

function llmCall(record: SparkTrajectory, purpose: string): LlmCall | undefined {
  return record.llm_calls?.find((c) => c.purpose === purpose);
}

function lineMap(record: SparkTrajectory): Record<string, number> {
  return (record.provenance.extra?.lines ?? {}) as Record<string, number>;
}

function byAttempt(records: readonly SparkTrajectory[]): SparkTrajectory[] {
  return [...records].sort((a, b) => (a.provenance.attempt ?? 0) - (b.provenance.attempt ?? 0));
}

/**
 * The `trajectory.jsonl` events a record stands for, as the typed fields give them, before the
 * record's `details.spark_event_patches` are applied. Keys whose typed field is absent are
 * `undefined` (so a patch can tell "absent" from "different"). `knownStdout` skips rebuilding
 * `agent_stdout_full` when the caller already knows it (the importer, whose stream parse checks
 * every line as it goes).
 */
export function rebuildRecordEventsUnpatched(
  record: SparkTrajectory,
  options: { knownStdout?: string } = {},
): SparkEventLine[] {
  const out: SparkEventLine[] = [];
  const lines = lineMap(record);
  const attempt = record.provenance.attempt;
  const outcome = record.outcome ?? {};
  const extra = outcome.extra ?? {};

  if (lines.execution_result !== undefined) {
    const stdout = record.details.spark_agent_stdout as CodexStreamFrame | undefined;
    out.push({
      line: lines.execution_result,
      event: {
        type: 'execution_result',
        attempt,
        success: outcome.success,
        reward: outcome.reward,
        status: outcome.exit_status,
        n_passed: outcome.tests_passed,
        n_tests: outcome.tests_total,
        agent_stdout_full:
          options.knownStdout ??
          rebuildCodexStream(record.content, {
            head: stdout?.head,
            noFinalNewline: (stdout as { no_final_newline?: boolean } | undefined)?.no_final_newline,
          }),
        test_stdout_full: outcome.verifier_output,
        agent_commands: artifact(record, 'agent_commands')?.content ?? '',
        test_summary: outcome.test_summary,
        result_json: extra.result_json,
        ctrf_json: extra.ctrf_json,
        retry_injection: artifact(record, 'retry_injection')?.content ?? '',
        error: outcome.error ?? '',
        ts: record.provenance.extra?.execution_ts,
      },
    });
  }
  if (lines.pdi_snapshot !== undefined) {
    const pdi = record.pdi;
    out.push({
      line: lines.pdi_snapshot,
      event: {
        type: 'pdi_snapshot',
        attempt,
        step: pdi?.step,
        proxy_exec: pdi?.proxy_exec,
        proxy_plan: pdi?.proxy_plan,
        proxy_oss: pdi?.proxy_oss,
        raw_pdi: pdi?.raw_pdi,
        weight: pdi?.weight,
        weighted_pdi: pdi?.weighted_pdi,
        triggered: pdi?.triggered,
        level: pdi?.level,
        ts: pdi?.ts,
      },
    });
  }
  for (const [type, purpose] of [
    ['reflect_call', 'reflect'],
    ['skill_gen_call', 'skill_generation'],
  ] as const) {
    if (lines[type] === undefined) continue;
    const call = llmCall(record, purpose);
    const event: JsonObject = {
      type,
      attempt,
      model: call?.model,
      system_prompt: call?.system_prompt,
      user_prompt: call?.user_prompt,
      response: call?.response,
      input_tokens: call?.input_tokens,
      output_tokens: call?.output_tokens,
      latency_s: call?.latency_s,
    };
    if (type === 'reflect_call') {
      event.memo_before = artifact(record, 'memo_before')?.content ?? '';
      event.memo_after = artifact(record, 'memo_after')?.content ?? '';
    }
    event.ts = call?.ts;
    out.push({ line: lines[type], event });
  }
  if (lines.task_summary !== undefined) {
    out.push({ line: lines.task_summary, event: { type: 'task_summary', ...(record.details.spark_task_summary as JsonObject) } });
  }
  for (const ev of (record.details.spark_extra_events as SparkEventLine[] | undefined) ?? []) {
    out.push({ line: ev.line, event: ev.event });
  }
  return out;
}

/** The `trajectory.jsonl` events a record stands for, exactly as in the release. */
export function rebuildRecordEvents(record: SparkTrajectory): SparkEventLine[] {
  const patches = new Map<number, KeyPatch>();
  for (const p of (record.details.spark_event_patches as ({ line: number } & KeyPatch)[] | undefined) ?? []) {
    patches.set(p.line, p);
  }
  return rebuildRecordEventsUnpatched(record).map(({ line, event }) => ({ line, event: applyKeys(event, patches.get(line)) }));
}

/** A record's `attempts.json` entry as the typed fields give it (before `spark_attempts_entry_patch`). */
export function rebuildAttemptsEntryUnpatched(record: SparkTrajectory): JsonObject {
  const outcome = record.outcome ?? {};
  return {
    attempt: record.provenance.attempt,
    status: outcome.status,
    reward: outcome.reward,
    agent_commands: artifact(record, 'agent_commands')?.content ?? '',
    test_summary: (outcome.extra?.attempts_json_test_summary as string | undefined) ?? outcome.test_summary,
    n_passed: outcome.tests_passed,
    n_tests: outcome.tests_total,
  };
}

/** A record's `attempts.json` entry, exactly as in the release. */
export function rebuildAttemptsEntry(record: SparkTrajectory): JsonObject {
  return applyKeys(rebuildAttemptsEntryUnpatched(record), record.details.spark_attempts_entry_patch as KeyPatch | undefined);
}

/**
 * An attempts.json field from the records of one task (docs/spark.md): `memo_history` = the
 * `memo_before` artifacts in attempt order; `exploration_memo` = the last reflect's `memo_after`;
 * `pdi.history` = the `pdi` snapshots without `ts` and trajkit's additions.
 */
export function deriveAttemptsJsonField(records: readonly SparkTrajectory[], field: DerivableAttemptsField): unknown {
  const sorted = byAttempt(records);
  switch (field) {
    case 'memo_history':
      return sorted.flatMap((r) => {
        const memo = artifact(r, 'memo_before')?.content;
        return memo === undefined ? [] : [memo];
      });
    case 'exploration_memo': {
      const reflected = sorted.filter((r) => llmCall(r, 'reflect') !== undefined);
      const lastReflected = reflected[reflected.length - 1];
      return lastReflected ? (artifact(lastReflected, 'memo_after')?.content ?? '') : '';
    }
    case 'pdi.history':
      return sorted.flatMap((r) => {
        const p = r.pdi;
        if (!p) return [];
        return [
          {
            step: p.step,
            proxy_exec: p.proxy_exec,
            proxy_plan: p.proxy_plan,
            proxy_oss: p.proxy_oss,
            raw_pdi: p.raw_pdi,
            weight: p.weight,
            weighted_pdi: p.weighted_pdi,
            triggered: p.triggered,
            level: p.level,
          },
        ];
      });
  }
}

/** The task's `attempts.json`, or undefined when the records carry none. */
export function rebuildAttemptsJson(records: readonly SparkTrajectory[]): JsonObject | undefined {
  const holder = records.find((r) => r.details.spark_attempts_json !== undefined);
  if (!holder) return undefined;
  const stored = holder.details.spark_attempts_json as JsonObject;
  const derived = new Set((holder.details.spark_attempts_json_derived as DerivableAttemptsField[] | undefined) ?? []);
  const values: JsonObject = { ...stored };
  if (derived.has('exploration_memo')) values.exploration_memo = deriveAttemptsJsonField(records, 'exploration_memo');
  if (derived.has('memo_history')) values.memo_history = deriveAttemptsJsonField(records, 'memo_history');
  if (derived.has('pdi.history')) {
    values.pdi = { ...(stored.pdi as JsonObject), history: deriveAttemptsJsonField(records, 'pdi.history') };
  }
  if (!('attempts' in stored)) {
    const listed = records
      .filter((r) => r.provenance.extra?.attempts_json_index !== undefined)
      .sort((a, b) => (a.provenance.extra!.attempts_json_index as number) - (b.provenance.extra!.attempts_json_index as number));
    if (listed.length > 0) values.attempts = listed.map(rebuildAttemptsEntry);
  }
  const out: JsonObject = {};
  for (const key of ATTEMPTS_JSON_ORDER) if (key in values) out[key] = values[key];
  for (const key of Object.keys(values)) if (!(key in out)) out[key] = values[key];
  return out;
}

/**
 * Rebuilds one task's release files from its records (all attempts of one `provenance.task`,
 * any order): every `trajectory.jsonl` event with its line, `attempts.json`, `SKILL.md`.
 */
export function rebuildSparkTask(records: readonly SparkTrajectory[]): RebuiltSparkTask {
  if (records.length === 0) throw new Error('rebuildSparkTask needs at least one record');
  const task = records[0].provenance.task ?? '';
  const events = byAttempt(records)
    .flatMap(rebuildRecordEvents)
    .sort((a, b) => a.line - b.line);
  const rebuilt: RebuiltSparkTask = { task, events };
  const attemptsJson = rebuildAttemptsJson(records);
  if (attemptsJson) rebuilt.attemptsJson = attemptsJson;
  for (const record of records) {
    const skill = artifact(record, 'SKILL.md');
    if (skill?.content !== undefined) rebuilt.skillMd = skill.content;
  }
  return rebuilt;
}

/** Groups records by `provenance.task`, keeping first-seen task order. */
export function groupSparkRecordsByTask(records: Iterable<SparkTrajectory>): Map<string, SparkTrajectory[]> {
  const groups = new Map<string, SparkTrajectory[]>();
  for (const record of records) {
    const task = record.provenance.task ?? '';
    let list = groups.get(task);
    if (!list) groups.set(task, (list = []));
    list.push(record);
  }
  return groups;
}
