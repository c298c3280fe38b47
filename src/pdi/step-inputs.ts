import type { PdiSnapshotValues } from '../schema/pdi-snapshot.js';
import type { PdiStepInput } from './engine.js';
import type { PdiIssue } from './issues.js';
import type { SparkAttemptsFile, SparkEvent, SparkExecutionResult, SparkReflectCall, SparkSnapshotFields } from './spark-records.js';

/** One step's inputs, with the attempt it belongs to and (from a trajectory) its reflect line. */
export interface SparkStepInput extends PdiStepInput {
  attempt: number;
  line?: number;
}

/** A snapshot as SPARK recorded it (values rounded to 4 dp), with where it came from. */
export interface RecordedSnapshot extends PdiSnapshotValues {
  /** The attempt it belongs to: known from a trajectory, not from `pdi.history`. */
  attempt?: number;
  line?: number;
}

/** The step inputs and recorded snapshots of one task, read from one source file. */
export interface SparkTaskInputs {
  source: 'trajectory' | 'attempts';
  file: string;
  steps: SparkStepInput[];
  recorded: RecordedSnapshot[];
  issues: PdiIssue[];
}

/** Prefix `attempts.json` gives the test summary of a judged infrastructure error (spec §4). */
export const INFRA_SUMMARY_PREFIX = 'Infrastructure error: ';
/** Prefix of an execution failure's test summary (spec §4). */
export const EXECUTION_FAILED_PREFIX = 'Execution failed: ';

/**
 * The test summary of an attempt as `attempts.json` stores it, from its trajectory
 * `execution_result` (spec §6.1): the recorded summary, except for a judged `INFRA_ERROR`
 * (non-null `result_json`), where it is `"Infrastructure error: " + error`.
 */
export function storedTestSummary(result: SparkExecutionResult): string {
  const judged = result.result_json !== undefined && result.result_json !== null;
  return result.status === 'INFRA_ERROR' && judged ? INFRA_SUMMARY_PREFIX + (result.error ?? '') : result.test_summary;
}

/**
 * Step inputs from a trajectory's events (spec §6.1, §6.5 "From the trajectory"): one step per
 * `reflect_call`, in attempt order (file order within an attempt). `step` counts the reflects
 * so far whose `memo_before` is non-empty, so it lags after unreflected attempts and leads
 * after a synthetic memo. Missing attempts are reported and read as empty texts.
 */
export function trajectoryStepInputs(events: readonly SparkEvent[], where: { task: string; file: string }): SparkTaskInputs {
  const issues: PdiIssue[] = [];
  const executions = new Map<number, SparkExecutionResult>();
  const reflects: { line: number; record: SparkReflectCall }[] = [];
  const snapshots: { line: number; record: SparkSnapshotFields & { attempt: number } }[] = [];
  const seenReflect = new Set<number>();
  for (const event of events) {
    if (event.kind === 'execution_result') {
      const attempt = event.record.attempt;
      if (executions.has(attempt)) {
        issues.push(issue('TK_PDI_DUPLICATE_EVENT', where, event.line, `a second execution_result for attempt ${attempt}; the first one is used`));
      } else executions.set(attempt, event.record);
    } else if (event.kind === 'reflect_call') {
      if (seenReflect.has(event.record.attempt)) {
        issues.push(issue('TK_PDI_DUPLICATE_EVENT', where, event.line, `a second reflect_call for attempt ${event.record.attempt}; both count as steps`));
      }
      seenReflect.add(event.record.attempt);
      reflects.push({ line: event.line, record: event.record });
    } else if (event.kind === 'pdi_snapshot') {
      snapshots.push({ line: event.line, record: event.record });
    }
  }
  const byAttemptThenLine = (a: { line: number; record: { attempt: number } }, b: { line: number; record: { attempt: number } }) =>
    a.record.attempt - b.record.attempt || a.line - b.line;
  reflects.sort(byAttemptThenLine);
  snapshots.sort(byAttemptThenLine);

  const steps: SparkStepInput[] = [];
  let archived = 0;
  for (const { line, record } of reflects) {
    const attempt = record.attempt;
    const current = executions.get(attempt);
    if (!current) issues.push(issue('TK_PDI_MISSING_ATTEMPT', where, line, `reflect_call for attempt ${attempt} has no execution_result; its commands and test summary are read as ""`));
    let previousTestSummary = '';
    if (attempt > 0) {
      const previous = executions.get(attempt - 1);
      if (previous) previousTestSummary = storedTestSummary(previous);
      else issues.push(issue('TK_PDI_MISSING_ATTEMPT', where, line, `no execution_result for attempt ${attempt - 1}; the previous test summary is read as ""`));
    }
    if (record.memo_before !== '') archived++;
    steps.push({
      attempt,
      line,
      archived,
      memo: record.memo_after,
      previousMemo: record.memo_before,
      agentCommands: current?.agent_commands ?? '',
      testSummary: current?.test_summary ?? '',
      previousTestSummary,
    });
  }
  const recorded = snapshots.map(({ line, record }) => ({ ...snapshotValues(record), attempt: record.attempt, line }));
  return { source: 'trajectory', file: where.file, steps, recorded, issues };
}

/**
 * Step inputs replayed from `attempts.json` alone (spec §6.5 "Replay"): walk `attempts` up to
 * the first `PASS`. An attempt with empty `agent_commands` and a test summary starting
 * `Execution failed: ` installs the synthetic memo when the current memo is empty (consuming
 * the next memo, no snapshot); any other `INFRA_ERROR` does nothing; every other attempt is a
 * reflect consuming the next memo of `memo_history + [exploration_memo]`. `step` counts the
 * non-empty memos replaced so far. Memos that do not line up with the attempts are reported.
 */
export function attemptsStepInputs(doc: SparkAttemptsFile, where: { task: string; file: string }): SparkTaskInputs {
  const issues: PdiIssue[] = [];
  const memos = [...doc.memo_history, doc.exploration_memo];
  doc.memo_history.forEach((memo, i) => {
    if (memo === '') issues.push({ ...at(where, `memo_history.${i}`), code: 'TK_PDI_MEMO_REPLAY', message: 'empty memo in memo_history (SPARK archives only non-empty memos); the replay may be misaligned' });
  });
  const summaries = new Map<number, string>();
  for (const row of doc.attempts) if (!summaries.has(row.attempt)) summaries.set(row.attempt, row.test_summary);
  const steps: SparkStepInput[] = [];
  let next = 0;
  let current = '';
  let archived = 0;
  for (const [index, row] of doc.attempts.entries()) {
    if (row.status === 'PASS') break;
    if (row.agent_commands === '' && row.test_summary.startsWith(EXECUTION_FAILED_PREFIX)) {
      if (current === '') {
        if (next >= memos.length) {
          issues.push({ ...at(where, `attempts.${index}`), code: 'TK_PDI_MEMO_REPLAY', message: `execution failure at attempt ${row.attempt} needs a synthetic memo, but memo_history + exploration_memo has only ${memos.length} memos; replay stops` });
          break;
        }
        current = memos[next++]!;
      }
      continue;
    }
    if (row.status === 'INFRA_ERROR') continue;
    if (next >= memos.length) {
      issues.push({ ...at(where, `attempts.${index}`), code: 'TK_PDI_MEMO_REPLAY', message: `attempt ${row.attempt} needs memo #${next + 1}, but memo_history + exploration_memo has only ${memos.length}; replay stops` });
      break;
    }
    const memo = memos[next++]!;
    if (current !== '') archived++;
    let previousTestSummary = '';
    if (row.attempt > 0) {
      const previous = summaries.get(row.attempt - 1);
      if (previous !== undefined) previousTestSummary = previous;
      else issues.push({ ...at(where, `attempts.${index}`), code: 'TK_PDI_MISSING_ATTEMPT', message: `no attempt ${row.attempt - 1} in attempts; the previous test summary is read as ""` });
    }
    steps.push({
      attempt: row.attempt,
      archived,
      memo,
      previousMemo: current,
      agentCommands: row.agent_commands,
      testSummary: row.test_summary,
      previousTestSummary,
    });
    current = memo;
  }
  const unused = memos.length - next;
  // The final exploration_memo stays unconsumed only when no memo was ever installed.
  if (unused > 1 || (unused === 1 && memos[next] !== '')) {
    issues.push({ ...at(where, 'memo_history'), code: 'TK_PDI_MEMO_REPLAY', message: `${unused} memo(s) of memo_history + exploration_memo were not consumed by the attempts; the replay may be misaligned` });
  }
  const recorded = (doc.pdi?.history ?? []).map(snapshotValues);
  return { source: 'attempts', file: where.file, steps, recorded, issues };
}

function snapshotValues(record: SparkSnapshotFields): RecordedSnapshot {
  return {
    step: record.step,
    proxy_exec: record.proxy_exec,
    proxy_plan: record.proxy_plan,
    proxy_oss: record.proxy_oss,
    raw_pdi: record.raw_pdi,
    weight: record.weight,
    weighted_pdi: record.weighted_pdi,
    triggered: record.triggered,
    level: record.level ?? null,
  };
}

function issue(code: PdiIssue['code'], where: { task: string; file: string }, line: number, message: string): PdiIssue {
  return { code, task: where.task, file: where.file, line, message };
}

function at(where: { task: string; file: string }, path: string): { task: string; file: string; path: string } {
  return { task: where.task, file: where.file, path };
}
