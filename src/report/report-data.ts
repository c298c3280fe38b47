import type { PdiSummary } from '../analytics/summary.js';

/** One attempt of a task, as the report draws it. */
export interface ReportAttempt {
  attempt: number;
  status: string | null;
  reward: number | null;
  passed: boolean;
  n_passed: number | null;
  n_tests: number | null;
  /** The PDI feedback this attempt's prompt carried (derived from the earlier snapshots, spec §7). */
  intervention: 'soft' | 'strong' | null;
}

/** One PDI step (snapshot) of a task. `attempt` is null when it could not be placed. */
export interface ReportStep {
  attempt: number | null;
  step: number | null;
  proxy_exec: number | null;
  proxy_plan: number | null;
  proxy_oss: number | null;
  raw_pdi: number | null;
  weight: number | null;
  weighted_pdi: number | null;
  triggered: boolean;
  level: 'soft' | 'strong' | null;
}

/** One task: its attempts and PDI steps. */
export interface ReportTask {
  task: string;
  final_outcome: string | null;
  max_attempts: number | null;
  /** The trigger threshold of its snapshots (SPARK's default −0.5 when none is recorded). */
  threshold: number;
  attempts: ReportAttempt[];
  steps: ReportStep[];
}

/** Everything {@link renderReport} draws; plain JSON, so a report can be re-rendered from a saved copy. */
export interface ReportData {
  title: string;
  /** The inputs as named on the command line. */
  inputs: string[];
  /** Shown in the header when set (renderReport itself never reads the clock). */
  generated?: string;
  summary: Omit<PdiSummary, 'issues' | 'counts'>;
  counts: PdiSummary['counts'];
  /** Records left out while loading, and notes counted by code. */
  leftOut: number;
  notes: Record<string, number>;
  tasks: ReportTask[];
}
