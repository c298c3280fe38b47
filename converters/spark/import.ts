import type { Artifact } from '../../src/schema/artifact.js';
import type { LlmCall } from '../../src/schema/llm-call.js';
import type { Outcome, OutcomeStatus } from '../../src/schema/outcome.js';
import type { PdiSnapshot } from '../../src/schema/pdi-snapshot.js';
import type { AgentInfo, Provenance } from '../../src/schema/provenance.js';
import type { Task } from '../../src/schema/task.js';
import { parseCodexStream, ToolCallIds } from './codex-stream.js';
import {
  deriveAttemptsJsonField,
  rebuildAttemptsEntryUnpatched,
  rebuildRecordEventsUnpatched,
  type DerivableAttemptsField,
} from './export.js';
import { diffKeys, jsonEqual, type KeyPatch } from './json-patch.js';
import { analyzeSkillMd, LLM_ERROR_PREFIX } from './skill-md.js';
import type {
  JsonObject,
  SparkContentItem,
  SparkEventLine,
  SparkTaskInput,
  SparkTrajectory,
  SparkWarning,
  SparkWarningCode,
} from './types.js';

/** The Hugging Face dataset the release lives in; `provenance.source` of every record. */
export const SPARK_SOURCE = 'EtaYang10th/SPARK_PDI_Trajectory';

/** The three files of a task folder. */
export const SPARK_FILES = {
  trajectory: 'trajectory.jsonl',
  attempts: 'attempts.json',
  skill: 'SKILL.md',
} as const;

/** The per-attempt event types of `trajectory.jsonl` (spec §2), each at most once per attempt. */
export const SPARK_ATTEMPT_EVENTS = ['execution_result', 'pdi_snapshot', 'reflect_call', 'skill_gen_call'] as const;
type AttemptEventType = (typeof SPARK_ATTEMPT_EVENTS)[number];

/** The record id of attempt `attempt` of `task`. */
export function sparkRecordId(task: string, attempt: number): string {
  return `spark/${task}/attempt-${attempt}`;
}

/** What {@link sparkTaskToTrajectories} made of one task. */
export interface SparkTaskConversion {
  /** One trajectory per attempt, in attempt order. */
  records: SparkTrajectory[];
  warnings: SparkWarning[];
  /** Attempts found (the union of `trajectory.jsonl` and `attempts.json`). */
  attempts: number;
}

interface AttemptGroup {
  attempt: number;
  events: Partial<Record<AttemptEventType, SparkEventLine>>;
  extra: SparkEventLine[];
}

const STATUSES: ReadonlySet<string> = new Set(['PASS', 'FAIL', 'PARTIAL', 'ERROR', 'INFRA_ERROR']);
const TASK_PATTERN = '### Task Pattern:\n';

const isObject = (value: unknown): value is JsonObject =>
  typeof value === 'object' && value !== null && !Array.isArray(value);
const isInt = (value: unknown): value is number => Number.isInteger(value);
const isCount = (value: unknown): value is number => Number.isInteger(value) && (value as number) >= 0;
const isNumber = (value: unknown): value is number => typeof value === 'number' && Number.isFinite(value);
const str = (value: unknown): string | undefined => (typeof value === 'string' ? value : undefined);

/**
 * Converts one SPARK task (its parsed files) into ADP 1.6.0 trajectories, one per attempt, and
 * the warnings about what was odd. Pure: no file access. Every original event and
 * `attempts.json` field can be rebuilt from the records with `rebuildSparkTask`; the conversion
 * checks that itself and stores whatever the typed mapping misses (writer drift) verbatim.
 * See docs/spark.md for where each field goes.
 */
export function sparkTaskToTrajectories(input: SparkTaskInput): SparkTaskConversion {
  const warnings: SparkWarning[] = [];
  const warn = (code: SparkWarningCode, file: string, line: number | undefined, message: string) => {
    warnings.push({ code, task: input.task, file, ...(line !== undefined && { line }), message });
  };
  const T = SPARK_FILES.trajectory;
  const A = SPARK_FILES.attempts;

  // ---- group trajectory events by attempt
  const groups = new Map<number, AttemptGroup>();
  const groupOf = (attempt: number) => {
    let group = groups.get(attempt);
    if (!group) groups.set(attempt, (group = { attempt, events: {}, extra: [] }));
    return group;
  };
  let taskSummary: SparkEventLine | undefined;
  const orphans: SparkEventLine[] = [];
  let lastGroup: AttemptGroup | undefined;
  for (const ev of input.events ?? []) {
    const { event, line } = ev;
    const type = event.type;
    if (type === 'task_summary' && taskSummary === undefined) {
      taskSummary = ev;
      continue;
    }
    const attempt = event.attempt;
    const known = (SPARK_ATTEMPT_EVENTS as readonly unknown[]).includes(type);
    if (known && isInt(attempt) && attempt >= 0) {
      const group = groupOf(attempt);
      lastGroup = group;
      if (group.events[type as AttemptEventType] === undefined) {
        group.events[type as AttemptEventType] = ev;
        continue;
      }
      warn('writer_drift', T, line, `second ${String(type)} for attempt ${attempt}; kept verbatim in details.spark_extra_events`);
      group.extra.push(ev);
      continue;
    }
    const why = type === 'task_summary'
      ? 'a second task_summary'
      : known
        ? `${String(type)} without a valid "attempt"`
        : `unknown event type ${JSON.stringify(type)}`;
    warn('unknown_event', T, line, `${why}; kept verbatim in details.spark_extra_events`);
    const target = isInt(attempt) && attempt >= 0 ? groupOf(attempt) : lastGroup;
    if (target) target.extra.push(ev);
    else orphans.push(ev);
  }
  if (input.events && input.events.length > 0 && taskSummary === undefined) {
    warn('missing_task_summary', T, undefined, 'no task_summary line (run cut off?); attempts imported without it');
  }

  // ---- attempts.json entries by attempt
  const attemptsJson = input.attemptsJson;
  const entries = new Map<number, { entry: JsonObject; index: number }>();
  let entriesVerbatim = false;
  if (attemptsJson) {
    const list = attemptsJson.attempts;
    if (Array.isArray(list)) {
      list.forEach((entry, index) => {
        if (isObject(entry) && isInt(entry.attempt) && entry.attempt >= 0 && !entries.has(entry.attempt)) {
          entries.set(entry.attempt, { entry, index });
        } else {
          entriesVerbatim = true;
        }
      });
      if (entriesVerbatim) {
        warn('writer_drift', A, undefined, 'attempts[] has entries without a unique integer "attempt"; the list is kept verbatim in details.spark_attempts_json.attempts');
        entries.clear();
      }
    } else if (list !== undefined) {
      entriesVerbatim = true;
      warn('writer_drift', A, undefined, '"attempts" is not a list; kept verbatim in details.spark_attempts_json.attempts');
    }
  }

  const attemptNumbers = [...new Set([...groups.keys(), ...entries.keys()])].sort((a, b) => a - b);
  if (input.events && attemptsJson && !entriesVerbatim) {
    for (const attempt of attemptNumbers) {
      const inTrajectory = groups.get(attempt)?.events.execution_result !== undefined;
      if (inTrajectory !== entries.has(attempt)) {
        warn(
          'attempt_mismatch',
          inTrajectory ? A : T,
          groups.get(attempt)?.events.execution_result?.line,
          `attempt ${attempt} is in ${inTrajectory ? T : A} but not in ${inTrajectory ? A : T}`,
        );
      }
    }
  }
  if (attemptNumbers.length === 0) {
    if (input.events?.length || attemptsJson) {
      warn('attempt_mismatch', input.events ? T : A, taskSummary?.line, 'the task has no attempts; nothing to import');
    }
    return { records: [], warnings, attempts: 0 };
  }

  // ---- task-level facts shared by every record
  const summary = taskSummary?.event;
  const config = isObject(summary?.exploration_config) ? summary.exploration_config : undefined;
  let instruction: string | undefined;
  for (const group of groups.values()) {
    const prompt = str(group.events.skill_gen_call?.event.user_prompt);
    if (prompt === undefined) continue;
    const start = prompt.indexOf(TASK_PATTERN);
    if (start < 0) continue;
    const from = start + TASK_PATTERN.length;
    const end = prompt.indexOf('\n### ', from);
    const text = prompt.slice(from, end < 0 ? undefined : end).trim();
    if (text !== '') instruction = text;
  }
  const maxRetries = isCount(attemptsJson?.max_retries) && attemptsJson.max_retries > 0
    ? attemptsJson.max_retries
    : isCount(config?.max_retries) && config.max_retries > 0 ? config.max_retries : undefined;
  const taskName = str(attemptsJson?.task_name) ?? str(summary?.task_name) ?? input.task;
  const task: Task = {
    name: taskName,
    ...(instruction !== undefined && { instruction }),
    ...(maxRetries !== undefined && { max_attempts: maxRetries }),
    ...(instruction !== undefined && { extra: { instruction_source: 'skill_prompt_task_pattern' } }),
  };
  const pdiConfig = isObject(attemptsJson?.pdi) ? attemptsJson.pdi : undefined;

  // ---- one record per attempt
  const records: SparkTrajectory[] = [];
  const lineOwner = new Map<number, SparkTrajectory>();
  for (const attempt of attemptNumbers) {
    const group = groups.get(attempt) ?? { attempt, events: {}, extra: [] };
    const found = entries.get(attempt);
    const record = buildRecord({
      input,
      attempt,
      group,
      entry: found?.entry,
      entryIndex: found?.index,
      task,
      instruction,
      config,
      pdiConfig,
      warn,
    });
    for (const ev of Object.values(group.events)) lineOwner.set(ev.line, record);
    for (const ev of group.extra) lineOwner.set(ev.line, record);
    records.push(record);
  }
  const first = records[0];
  const last = records[records.length - 1];
  if (orphans.length > 0) {
    first.details.spark_extra_events = [...orphans, ...((first.details.spark_extra_events as SparkEventLine[]) ?? [])];
    for (const ev of orphans) lineOwner.set(ev.line, first);
  }

  // ---- task level, on the last record
  if (taskSummary) {
    const { type: _type, ...fields } = taskSummary.event;
    last.details.spark_task_summary = fields;
    lines(last).task_summary = taskSummary.line;
    lineOwner.set(taskSummary.line, last);
  }
  if (attemptsJson) attachAttemptsJson(records, last, attemptsJson, entriesVerbatim, warn);

  // ---- SKILL.md, on the attempt that produced it
  if (input.skillMd !== undefined) {
    const owner =
      records.find((r) => r.llm_calls?.some((c) => c.purpose === 'skill_generation')) ??
      records.find((r) => r.outcome?.status === 'PASS');
    if (!owner) {
      warn('skill_without_pass', SPARK_FILES.skill, undefined, 'SKILL.md present but no attempt passed; attached to the last attempt');
    }
    const analysis = analyzeSkillMd(input.skillMd, input.task);
    for (const problem of analysis.problems) warn(problem.code, SPARK_FILES.skill, problem.line, problem.message);
    ((owner ?? last).artifacts ??= []).push({
      name: 'SKILL.md',
      kind: 'skill',
      media_type: 'text/markdown',
      content: input.skillMd,
      metadata: analysis.metadata,
    });
  }

  verifyAndPatch(input, records, lineOwner, entries, warn);
  return { records, warnings, attempts: attemptNumbers.length };
}

interface BuildContext {
  input: SparkTaskInput;
  attempt: number;
  group: AttemptGroup;
  entry: JsonObject | undefined;
  entryIndex: number | undefined;
  task: Task;
  instruction: string | undefined;
  config: JsonObject | undefined;
  pdiConfig: JsonObject | undefined;
  warn: (code: SparkWarningCode, file: string, line: number | undefined, message: string) => void;
}

function lines(record: SparkTrajectory): Record<string, number> {
  const extra = (record.provenance.extra ??= {});
  return (extra.lines ??= {}) as Record<string, number>;
}

function buildRecord(ctx: BuildContext): SparkTrajectory {
  const { input, attempt, group, entry } = ctx;
  const T = SPARK_FILES.trajectory;
  const exec = group.events.execution_result?.event;
  const execLine = group.events.execution_result?.line;
  const details: JsonObject = {};

  // ---- content: the instruction and injection the agent saw, then its Codex stream
  const content: SparkContentItem[] = [];
  const injection = str(exec?.retry_injection) ?? '';
  if (injection !== '' || ctx.instruction !== undefined) {
    const prefix = ctx.instruction ?? '';
    content.push({
      class_: 'text_observation',
      source: 'user',
      content: prefix + injection,
      extra: {
        instruction_source: ctx.instruction !== undefined ? 'skill_prompt_task_pattern' : 'not_recorded',
        retry_injection_offset: prefix.length,
      },
    });
  }
  const stdout = str(exec?.agent_stdout_full);
  if (stdout !== undefined && stdout !== '') {
    const stream = parseCodexStream(stdout, new ToolCallIds());
    const stdoutDetails: JsonObject = {};
    if (stream.head.length > 0) {
      const before = content[content.length - 1];
      if (before) {
        before.extra ??= {};
        before.extra.codex_after = stream.head;
      } else {
        stdoutDetails.head = stream.head;
      }
    }
    if (stream.noFinalNewline) stdoutDetails.no_final_newline = true;
    if (Object.keys(stdoutDetails).length > 0) details.spark_agent_stdout = stdoutDetails;
    content.push(...stream.items);
    if (stream.verbatimLines.length > 0) {
      ctx.warn(
        'verbatim_stdout',
        T,
        execLine,
        `agent_stdout_full: ${stream.verbatimLines.length} line(s) (first: stdout line ${stream.verbatimLines[0] + 1}) kept verbatim because re-serialising them does not give the original text`,
      );
    }
  }

  // ---- provenance
  const provenance: Provenance = { source: SPARK_SOURCE };
  if (input.revision !== undefined) provenance.revision = input.revision;
  provenance.task = input.task;
  provenance.attempt = attempt;
  const firstLine = Math.min(
    ...Object.values(group.events).map((ev) => ev.line),
    ...group.extra.map((ev) => ev.line),
  );
  if (Number.isFinite(firstLine)) {
    provenance.source_file = T;
    provenance.line = execLine ?? firstLine;
  } else {
    provenance.source_file = SPARK_FILES.attempts;
  }
  if (exec && isNumber(exec.ts)) {
    const date = new Date(exec.ts * 1000);
    if (!Number.isNaN(date.getTime())) provenance.created_at = date.toISOString();
  }
  const agent = agentInfo(exec, ctx.config);
  if (agent) provenance.agent = agent;
  const provExtra: JsonObject = {};
  const lineMap: Record<string, number> = {};
  for (const type of SPARK_ATTEMPT_EVENTS) {
    const ev = group.events[type];
    if (ev) lineMap[type] = ev.line;
  }
  if (Object.keys(lineMap).length > 0) provExtra.lines = lineMap;
  if (exec && 'ts' in exec) provExtra.execution_ts = exec.ts;
  if (ctx.entryIndex !== undefined) provExtra.attempts_json_index = ctx.entryIndex;
  if (Object.keys(provExtra).length > 0) provenance.extra = provExtra;

  // ---- outcome
  const outcome: Outcome = {};
  const trajStatus = str(exec?.status);
  const entryStatus = str(entry?.status);
  const status = entryStatus ?? (trajStatus === 'ERROR' && exec?.success === true ? 'PASS' : trajStatus);
  if (status !== undefined && STATUSES.has(status)) outcome.status = status as OutcomeStatus;
  if (trajStatus !== undefined) outcome.exit_status = trajStatus;
  if (entryStatus !== undefined && trajStatus !== undefined && entryStatus !== trajStatus) {
    ctx.warn(
      'status_mismatch',
      T,
      execLine,
      `attempt ${attempt}: trajectory.jsonl says ${trajStatus}${exec?.success === true ? ' (success: true)' : ''}, attempts.json says ${entryStatus}; outcome.status = ${entryStatus}, outcome.exit_status = ${trajStatus}`,
    );
  }
  const source = exec ?? entry;
  if (exec && typeof exec.success === 'boolean') outcome.success = exec.success;
  else if (!exec && outcome.status !== undefined) outcome.success = outcome.status === 'PASS';
  if (isNumber(source?.reward)) outcome.reward = source.reward;
  if (isCount(source?.n_passed)) outcome.tests_passed = source.n_passed;
  if (isCount(source?.n_tests)) outcome.tests_total = source.n_tests;
  const testSummary = str(source?.test_summary);
  if (testSummary !== undefined) outcome.test_summary = testSummary;
  if (exec && typeof exec.test_stdout_full === 'string') outcome.verifier_output = exec.test_stdout_full;
  if (exec && typeof exec.error === 'string' && exec.error !== '') outcome.error = exec.error;
  const outcomeExtra: JsonObject = {};
  if (exec && 'result_json' in exec) outcomeExtra.result_json = exec.result_json;
  if (exec && 'ctrf_json' in exec) outcomeExtra.ctrf_json = exec.ctrf_json;
  const entrySummary = str(entry?.test_summary);
  if (exec && entrySummary !== undefined && entrySummary !== testSummary) {
    outcomeExtra.attempts_json_test_summary = entrySummary;
  }
  if (Object.keys(outcomeExtra).length > 0) outcome.extra = outcomeExtra;

  // ---- artifacts
  const artifacts: Artifact[] = [];
  const commands = str(source?.agent_commands);
  if (commands !== undefined && commands !== '') {
    artifacts.push({ name: 'agent_commands', kind: 'commands', media_type: 'text/plain', content: commands });
  }
  if (injection !== '') {
    artifacts.push({ name: 'retry_injection', kind: 'prompt', media_type: 'text/markdown', content: injection });
  }

  // ---- LLM calls, memos, PDI
  const llmCalls: LlmCall[] = [];
  const reflect = group.events.reflect_call;
  if (reflect) {
    llmCalls.push(llmCall('reflect', reflect.event));
    checkLlmError(ctx, reflect, 'reflect_call response');
    for (const name of ['memo_before', 'memo_after'] as const) {
      const memo = str(reflect.event[name]);
      if (memo === undefined || memo === '') continue;
      artifacts.push({
        name,
        kind: 'memo',
        media_type: 'text/markdown',
        content: memo,
        ...(memo.startsWith(LLM_ERROR_PREFIX) && { metadata: { llm_error: true } }),
      });
    }
  }
  const skillGen = group.events.skill_gen_call;
  if (skillGen) {
    llmCalls.push(llmCall('skill_generation', skillGen.event));
    checkLlmError(ctx, skillGen, 'skill_gen_call response');
  }
  const snapshot = group.events.pdi_snapshot ? pdiSnapshot(group.events.pdi_snapshot.event, ctx.pdiConfig) : undefined;

  if (group.extra.length > 0) details.spark_extra_events = group.extra;

  const record: SparkTrajectory = {
    schema_version: '1.6.0',
    id: sparkRecordId(input.task, attempt),
    content,
    ...(content.some((item) => item.class_ === 'code_action') && { available_code_languages: ['bash'] }),
    provenance,
    task: { ...ctx.task, ...(ctx.task.extra && { extra: { ...ctx.task.extra } }) },
    outcome,
    ...(artifacts.length > 0 && { artifacts }),
    ...(llmCalls.length > 0 && { llm_calls: llmCalls }),
    ...(snapshot && { pdi: snapshot }),
    details,
  };
  return record;
}

function agentInfo(exec: JsonObject | undefined, config: JsonObject | undefined): AgentInfo | undefined {
  const result = isObject(exec?.result_json) ? exec.result_json : undefined;
  const info = isObject(result?.agent_info) ? result.agent_info : undefined;
  const agentConfig = isObject(result?.config) && isObject(result.config.agent) ? result.config.agent : undefined;
  const agent: AgentInfo = {};
  const name = str(info?.name) ?? str(config?.agent);
  const version = str(info?.version);
  const model = str(agentConfig?.model_name) ?? str(config?.model);
  if (name !== undefined) agent.name = name;
  if (version !== undefined) agent.version = version;
  if (model !== undefined) agent.model = model;
  return Object.keys(agent).length > 0 ? agent : undefined;
}

function llmCall(purpose: 'reflect' | 'skill_generation', event: JsonObject): LlmCall {
  const call: LlmCall = { purpose };
  const model = str(event.model);
  if (model !== undefined) call.model = model;
  for (const key of ['system_prompt', 'user_prompt', 'response'] as const) {
    const text = str(event[key]);
    if (text !== undefined) call[key] = text;
  }
  if (isCount(event.input_tokens)) call.input_tokens = event.input_tokens;
  if (isCount(event.output_tokens)) call.output_tokens = event.output_tokens;
  if (isNumber(event.latency_s) && event.latency_s >= 0) call.latency_s = event.latency_s;
  if (isNumber(event.ts)) call.ts = event.ts;
  const response = str(event.response);
  if (response?.startsWith(LLM_ERROR_PREFIX)) call.error = response.split(/\r?\n/, 1)[0].slice(0, 200);
  return call;
}

function checkLlmError(ctx: BuildContext, ev: SparkEventLine, what: string): void {
  const response = str(ev.event.response);
  if (response?.startsWith(LLM_ERROR_PREFIX)) {
    ctx.warn(
      'llm_error_text',
      SPARK_FILES.trajectory,
      ev.line,
      `${what} is an [LLM ERROR] string (${response.length} chars), not an answer; kept verbatim and flagged (llm_calls[].error${what.startsWith('reflect') ? ', memo artifact metadata.llm_error' : ''})`,
    );
  }
}

const SNAPSHOT_NUMBERS = ['proxy_exec', 'proxy_plan', 'proxy_oss', 'raw_pdi', 'weight', 'weighted_pdi'] as const;

function pdiSnapshot(event: JsonObject, config: JsonObject | undefined): PdiSnapshot | undefined {
  if (!isInt(event.step) || typeof event.triggered !== 'boolean') return undefined;
  if (!SNAPSHOT_NUMBERS.every((key) => isNumber(event[key]))) return undefined;
  const level = event.level;
  if (level !== null && level !== 'soft' && level !== 'strong') return undefined;
  const snapshot: PdiSnapshot = {
    step: event.step,
    proxy_exec: event.proxy_exec as number,
    proxy_plan: event.proxy_plan as number,
    proxy_oss: event.proxy_oss as number,
    raw_pdi: event.raw_pdi as number,
    weight: event.weight as number,
    weighted_pdi: event.weighted_pdi as number,
    triggered: event.triggered,
    level,
    method: 'token_overlap',
    method_inferred: true,
  };
  if (isNumber(config?.warmup)) snapshot.warmup = config.warmup;
  if (isNumber(config?.threshold)) snapshot.threshold = config.threshold;
  if (isNumber(event.ts)) snapshot.ts = event.ts;
  return snapshot;
}

/** `details.spark_attempts_json` on the last record: attempts.json minus what the records rebuild. */
function attachAttemptsJson(
  records: SparkTrajectory[],
  last: SparkTrajectory,
  attemptsJson: JsonObject,
  entriesVerbatim: boolean,
  warn: BuildContext['warn'],
): void {
  const A = SPARK_FILES.attempts;
  const kept: JsonObject = {};
  const derived: DerivableAttemptsField[] = [];
  for (const [key, value] of Object.entries(attemptsJson)) {
    if (key === 'attempts') {
      if (entriesVerbatim) kept.attempts = value;
      continue;
    }
    if (key === 'exploration_memo' || key === 'memo_history') {
      if (jsonEqual(value, deriveAttemptsJsonField(records, key))) derived.push(key);
      else kept[key] = value;
      continue;
    }
    if (key === 'pdi' && isObject(value) && 'history' in value) {
      const { history, ...rest } = value;
      if (jsonEqual(history, deriveAttemptsJsonField(records, 'pdi.history'))) {
        derived.push('pdi.history');
        kept.pdi = rest;
      } else {
        kept.pdi = value;
      }
      continue;
    }
    kept[key] = value;
  }
  last.details.spark_attempts_json = kept;
  if (derived.length > 0) last.details.spark_attempts_json_derived = derived;

  const llmErrors: string[] = [];
  if (str(attemptsJson.exploration_memo)?.startsWith(LLM_ERROR_PREFIX)) llmErrors.push('exploration_memo');
  if (Array.isArray(attemptsJson.memo_history)) {
    attemptsJson.memo_history.forEach((memo, i) => {
      if (str(memo)?.startsWith(LLM_ERROR_PREFIX)) llmErrors.push(`memo_history[${i}]`);
    });
  }
  if (llmErrors.length > 0) {
    warn('llm_error_text', A, undefined, `[LLM ERROR] text stored as a memo in ${llmErrors.join(', ')}; kept verbatim`);
  }
}

/**
 * Rebuilds every event and attempts.json entry from the records just made and, where the typed
 * mapping did not reproduce the original exactly (writer drift), stores the difference as a
 * patch so that the rebuild is exact.
 */
function verifyAndPatch(
  input: SparkTaskInput,
  records: SparkTrajectory[],
  lineOwner: ReadonlyMap<number, SparkTrajectory>,
  entries: ReadonlyMap<number, { entry: JsonObject; index: number }>,
  warn: BuildContext['warn'],
): void {
  const originals = new Map<number, JsonObject>();
  for (const ev of input.events ?? []) originals.set(ev.line, ev.event);
  const rebuiltLines = new Set<number>();
  for (const record of records) {
    const patches: ({ line: number } & KeyPatch)[] = [];
    // parseCodexStream checked every stdout line against its rebuild, so the stream is exact.
    const execLine = (record.provenance.extra?.lines as Record<string, number> | undefined)?.execution_result;
    const exec = execLine === undefined ? undefined : originals.get(execLine);
    const knownStdout = typeof exec?.agent_stdout_full === 'string' ? exec.agent_stdout_full : undefined;
    for (const rebuilt of rebuildRecordEventsUnpatched(record, { knownStdout })) {
      rebuiltLines.add(rebuilt.line);
      const original = originals.get(rebuilt.line);
      if (original === undefined) continue;
      const patch = diffKeys(original, rebuilt.event);
      if (patch) {
        patches.push({ line: rebuilt.line, ...patch });
        const keys = [...Object.keys(patch.set ?? {}), ...(patch.unset ?? [])];
        warn('writer_drift', SPARK_FILES.trajectory, rebuilt.line, `${String(original.type)}: field(s) ${keys.join(', ')} do not fit the typed mapping; kept verbatim in details.spark_event_patches`);
      }
    }
    if (patches.length > 0) record.details.spark_event_patches = patches;

    const attempt = record.provenance.attempt!;
    const found = entries.get(attempt);
    if (found) {
      const patch = diffKeys(found.entry, rebuildAttemptsEntryUnpatched(record));
      if (patch) {
        record.details.spark_attempts_entry_patch = patch;
        const keys = [...Object.keys(patch.set ?? {}), ...(patch.unset ?? [])];
        warn('writer_drift', SPARK_FILES.attempts, undefined, `attempts[${found.index}] (attempt ${attempt}): ${keys.join(', ')} differ from trajectory.jsonl or do not fit the typed mapping; attempts.json values kept in details.spark_attempts_entry_patch`);
      }
    }
  }
  // Every input line must come back; one that does not (an importer bug) is kept verbatim.
  for (const ev of input.events ?? []) {
    if (rebuiltLines.has(ev.line)) continue;
    const owner = lineOwner.get(ev.line) ?? records[records.length - 1];
    const extra = ((owner.details.spark_extra_events as SparkEventLine[] | undefined) ??= []);
    extra.push(ev);
    warn('writer_drift', SPARK_FILES.trajectory, ev.line, 'event not reproduced by the typed mapping; kept verbatim in details.spark_extra_events');
  }
}
