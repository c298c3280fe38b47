import type { PdiMethod } from '../schema/pdi-snapshot.js';
import { computeTaskPdi, DEFAULT_PDI_SETTINGS, type PdiSettings, type PdiStepResult, type StepNumbering } from './engine.js';
import type { PdiIssue } from './issues.js';
import type { SparkAttemptsFile, SparkAttemptsSettings, SparkEvent } from './spark-records.js';
import { attemptsStepInputs, trajectoryStepInputs, type RecordedSnapshot, type SparkStepInput, type SparkTaskInputs } from './step-inputs.js';

/** What was read from one SPARK task folder (parsing is the caller's I/O; this stays pure). */
export interface SparkTaskRecords {
  task: string;
  trajectory?: { file: string; events: SparkEvent[]; issues: PdiIssue[] };
  /**
   * `attempts.json`: `settings` (its `pdi` block) serves every recomputation, `doc` only a
   * replay from `attempts.json` alone; `docIssues` are reported only when the replay is used.
   */
  attempts?: { file: string; settings?: SparkAttemptsSettings; doc?: SparkAttemptsFile; issues: PdiIssue[]; docIssues: PdiIssue[] };
}

/** Which file to take step inputs from: `auto` prefers the trajectory (spec §6.5). */
export type SparkInputSource = 'auto' | 'trajectory' | 'attempts';

/** What-if overrides; anything left out comes from the task's `attempts.json`, else the defaults. */
export interface PdiOverrides {
  method?: PdiMethod;
  warmup?: number;
  threshold?: number;
}

/** One recomputed step with its recorded counterpart (paired by attempt, or by order from `pdi.history`). */
export interface TaskPdiStep {
  input?: SparkStepInput;
  /** Recomputed under the numbering the task's writer used (legacy tasks: one less). */
  result?: PdiStepResult;
  /** Recomputed under each numbering, for comparisons that must tell them apart. */
  standard?: PdiStepResult;
  legacy?: PdiStepResult;
  recorded?: RecordedSnapshot;
}

/** The recomputed PDI of one task. */
export interface TaskPdi {
  task: string;
  source: 'trajectory' | 'attempts' | 'none';
  file?: string;
  settings: PdiSettings;
  /** Settings the run itself recorded (`attempts.json` `pdi`, else the defaults; method inferred). */
  recordedSettings: Pick<PdiSettings, 'method' | 'warmup' | 'threshold' | 'enabled'>;
  /** True when the method is not recorded anywhere and `token_overlap` is assumed (spec §6.5). */
  methodInferred: boolean;
  stepNumbering: StepNumbering;
  steps: TaskPdiStep[];
  issues: PdiIssue[];
}

/** The settings a SPARK run recorded in `attempts.json`, else the released defaults. */
export function recordedSettings(attempts: SparkAttemptsSettings | undefined): TaskPdi['recordedSettings'] {
  return {
    method: DEFAULT_PDI_SETTINGS.method,
    warmup: attempts?.pdi?.warmup ?? DEFAULT_PDI_SETTINGS.warmup,
    threshold: attempts?.pdi?.threshold ?? DEFAULT_PDI_SETTINGS.threshold,
    enabled: attempts?.pdi?.enabled ?? DEFAULT_PDI_SETTINGS.enabled,
  };
}

/**
 * Legacy step numbering (spec §6.5): an older writer stored `step = archived − 1`. A task uses
 * it when every recorded snapshot paired with a step carries that number (and there is one).
 */
export function detectStepNumbering(pairs: readonly { archived?: number; recordedStep?: number }[]): StepNumbering {
  let paired = 0;
  for (const { archived, recordedStep } of pairs) {
    if (archived === undefined || recordedStep === undefined) continue;
    if (recordedStep !== archived - 1) return 'standard';
    paired++;
  }
  return paired > 0 ? 'legacy' : 'standard';
}

/**
 * Recomputes one SPARK task from its records: step inputs from the trajectory (or
 * `attempts.json` alone), the task's own settings unless overridden, legacy numbering when the
 * recorded snapshots use it, and each step paired with its recorded snapshot.
 */
export function recomputeSparkTask(records: SparkTaskRecords, options: PdiOverrides & { source?: SparkInputSource } = {}): TaskPdi {
  const issues: PdiIssue[] = [...(records.trajectory?.issues ?? []), ...(records.attempts?.issues ?? [])];
  const recorded = recordedSettings(records.attempts?.settings);
  const settings: PdiSettings = {
    ...DEFAULT_PDI_SETTINGS,
    ...recorded,
    ...definedOnly({ method: options.method, warmup: options.warmup, threshold: options.threshold }),
  };
  const inputs = selectInputs(records, options.source ?? 'auto');
  if (!inputs) {
    issues.push(...(records.attempts?.docIssues ?? []));
    issues.push({ code: 'TK_PDI_NO_INPUT', task: records.task, message: 'no readable trajectory.jsonl or attempts.json; nothing to recompute' });
    return { task: records.task, source: 'none', settings, recordedSettings: recorded, methodInferred: true, stepNumbering: 'standard', steps: [], issues };
  }
  if (inputs.source === 'attempts') issues.push(...(records.attempts?.docIssues ?? []));
  issues.push(...inputs.issues);
  const paired = pairSteps(inputs);
  const stepNumbering = detectStepNumbering(paired.map(([step, snap]) => ({ archived: step?.archived, recordedStep: snap?.step })));
  const present = paired.flatMap(([step]) => (step ? [step] : []));
  const standard = computeTaskPdi(present, { ...settings, stepNumbering: 'standard' });
  const legacy = computeTaskPdi(present, { ...settings, stepNumbering: 'legacy' });
  let k = 0;
  const steps = paired.map(([input, snapshot]): TaskPdiStep => {
    if (!input) return { recorded: snapshot };
    const i = k++;
    const result = stepNumbering === 'legacy' ? legacy[i] : standard[i];
    return { input, result, standard: standard[i], legacy: legacy[i], recorded: snapshot };
  });
  return {
    task: records.task,
    source: inputs.source,
    file: inputs.file,
    settings: { ...settings, stepNumbering },
    recordedSettings: recorded,
    methodInferred: true,
    stepNumbering,
    steps,
    issues,
  };
}

function selectInputs(records: SparkTaskRecords, source: SparkInputSource): SparkTaskInputs | undefined {
  const where = (file: string) => ({ task: records.task, file });
  const fromTrajectory = records.trajectory ? trajectoryStepInputs(records.trajectory.events, where(records.trajectory.file)) : undefined;
  const doc = records.attempts?.doc;
  const fromAttempts = () => (doc && records.attempts ? attemptsStepInputs(doc, where(records.attempts.file)) : undefined);
  if (source === 'trajectory') return fromTrajectory;
  if (source === 'attempts') return fromAttempts();
  return fromTrajectory ?? fromAttempts();
}

/**
 * Pairs steps with recorded snapshots: by attempt (and order within it) for a trajectory,
 * by position for `pdi.history`, which has no attempt. Unpaired entries stay alone, in order.
 */
function pairSteps(inputs: SparkTaskInputs): [SparkStepInput | undefined, RecordedSnapshot | undefined][] {
  if (inputs.source === 'attempts') {
    const n = Math.max(inputs.steps.length, inputs.recorded.length);
    return Array.from({ length: n }, (_, i) => [inputs.steps[i], inputs.recorded[i]]);
  }
  const key = (attempt: number, nth: number) => `${attempt}#${nth}`;
  const keyed = <T extends { attempt?: number }>(items: readonly T[]) => {
    const counts = new Map<number, number>();
    return items.map((item) => {
      const attempt = item.attempt ?? -1;
      const nth = counts.get(attempt) ?? 0;
      counts.set(attempt, nth + 1);
      return { k: key(attempt, nth), attempt, nth, item };
    });
  };
  const steps = keyed(inputs.steps);
  const snaps = keyed(inputs.recorded);
  const snapByKey = new Map(snaps.map((s) => [s.k, s.item]));
  const stepKeys = new Set(steps.map((s) => s.k));
  const rows: { attempt: number; nth: number; step?: SparkStepInput; snap?: RecordedSnapshot }[] = [
    ...steps.map((s) => ({ attempt: s.attempt, nth: s.nth, step: s.item, snap: snapByKey.get(s.k) })),
    ...snaps.filter((s) => !stepKeys.has(s.k)).map((s) => ({ attempt: s.attempt, nth: s.nth, snap: s.item })),
  ];
  rows.sort((a, b) => a.attempt - b.attempt || a.nth - b.nth);
  return rows.map((r) => [r.step, r.snap]);
}

function definedOnly<T extends object>(value: T): Partial<T> {
  return Object.fromEntries(Object.entries(value).filter(([, v]) => v !== undefined)) as Partial<T>;
}
