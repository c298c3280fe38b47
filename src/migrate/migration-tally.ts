import type { LintConfig } from '../lint/config.js';
import type { JsonObject } from '../lint/is-json-object.js';
import type { RuleCount } from '../lint/lint-files.js';
import type { LintFinding } from '../lint/lint-record.js';
import { lintRules, type LintRuleId } from '../lint/rules.js';
import { migrateRecord, type MigrateTarget } from './migrate-record.js';

/**
 * What a run of consecutive records of one file contributed to a migration report, as plain
 * data: the single-thread path tallies a whole file, each worker one batch, and batches merge in
 * input order into exactly what the file would have tallied alone. One function decides what a
 * record contributes ({@link tallyRecord}), so both paths cannot drift apart.
 */
export interface MigrationTally extends MigrationCounts {
  /** In record order, at most `maxFindings`. */
  failures: TalliedFailure[];
  /** In record order, at most `maxFindings`. */
  findings: TalliedFinding[];
  /** A failure or finding was left out of a full list. */
  truncated: boolean;
}

/** Exact counts of a migration: of one batch, one file, or a whole run. */
export interface MigrationCounts {
  records: number;
  migrated: number;
  failed: number;
  /** Migrated records that still carry lint findings (keys that stayed in details, and why). */
  withFindings: number;
  errorCount: number;
  warningCount: number;
  byRule: Partial<Record<LintRuleId, RuleCount>>;
  /** Where the input schemas came from: `adp@unversioned` ×N, `atif@1.7` ×N, …. */
  from: Record<string, number>;
}

/** A record that failed (`failed`), or a note on a record that migrated with a problem. */
export interface TalliedFailure {
  /** Set when tallies of several files are merged (see {@link mergeTally}). */
  file?: string;
  line: number | null;
  index: number;
  path: string;
  message: string;
  failed: boolean;
}

export interface TalliedFinding {
  file?: string;
  line: number | null;
  index: number;
  finding: LintFinding;
}

/** One record as read: the parsed record, or why it could not be read. */
export interface TallyItem {
  line: number | null;
  index: number;
  record?: unknown;
  error?: { message: string; path?: string };
}

export interface TallyOptions {
  to: MigrateTarget;
  config: LintConfig;
  maxFindings: number;
}

export function emptyTally(): MigrationTally {
  return {
    records: 0,
    migrated: 0,
    failed: 0,
    withFindings: 0,
    errorCount: 0,
    warningCount: 0,
    from: {},
    byRule: {},
    failures: [],
    findings: [],
    truncated: false,
  };
}

/** Counts one record into `tally` and returns the migrated record to write (undefined: it failed). */
export function tallyRecord(tally: MigrationTally, item: TallyItem, options: TallyOptions): JsonObject | undefined {
  tally.records++;
  const { line, index } = item;
  const fail = (path: string, message: string) => {
    tally.failed++;
    if (tally.failures.length < options.maxFindings) tally.failures.push({ line, index, path, message, failed: true });
    else tally.truncated = true;
  };
  if (item.error) {
    fail(item.error.path ?? '', item.error.message);
    return undefined;
  }
  const result = migrateRecord(item.record, { to: options.to, config: options.config });
  tally.from[result.from] = (tally.from[result.from] ?? 0) + 1;
  if (!result.record) {
    const first = result.problems[0];
    fail(first?.path ?? '', result.problems.map((p) => (p.path ? `${p.path}: ${p.message}` : p.message)).join('; ') || 'could not migrate');
    return undefined;
  }
  for (const problem of result.problems) {
    // The record was migrated, but something in it needs a person's attention.
    if (tally.failures.length < options.maxFindings) {
      tally.failures.push({ line, index, path: problem.path, message: `migrated with a problem: ${problem.message}`, failed: false });
    }
  }
  tally.migrated++;
  if (result.findings.length > 0) tally.withFindings++;
  for (const finding of result.findings) {
    if (finding.severity === 'error') tally.errorCount++;
    else tally.warningCount++;
    countRule(tally.byRule, finding.rule, finding.severity, 1);
    if (tally.findings.length < options.maxFindings) tally.findings.push({ line, index, finding });
    else tally.truncated = true;
  }
  return result.record;
}

/**
 * Appends `part`, the tally of the records that follow `into`'s. A batch's lines and indexes
 * count from its start: `shift` says how many lines and records came before. Merging a file's
 * tally into a run's, `shift.file` names the file of its entries.
 */
export function mergeTally(
  into: MigrationTally,
  part: MigrationTally,
  shift: { lines: number; records: number; file?: string },
  maxFindings: number,
): void {
  into.records += part.records;
  into.migrated += part.migrated;
  into.failed += part.failed;
  into.withFindings += part.withFindings;
  into.errorCount += part.errorCount;
  into.warningCount += part.warningCount;
  for (const [from, count] of Object.entries(part.from)) into.from[from] = (into.from[from] ?? 0) + count;
  for (const [rule, counted] of Object.entries(part.byRule) as Array<[LintRuleId, RuleCount]>) countRule(into.byRule, rule, counted.severity, counted.count);
  const line = (at: number | null) => (at === null ? null : at + shift.lines);
  const file = shift.file;
  for (const failure of part.failures) {
    if (into.failures.length < maxFindings) into.failures.push({ ...failure, file: file ?? failure.file, line: line(failure.line), index: failure.index + shift.records });
    else if (failure.failed) into.truncated = true;
  }
  for (const { file: own, line: at, index, finding } of part.findings) {
    if (into.findings.length < maxFindings) into.findings.push({ file: file ?? own, line: line(at), index: index + shift.records, finding });
    else into.truncated = true;
  }
  // A list `part` cut short would have been cut here too: its dropped entries come after the kept ones.
  if (part.truncated) into.truncated = true;
}

/** The rule's count goes up; its severity is the last finding's (a config can change it per file). */
function countRule(byRule: Partial<Record<LintRuleId, RuleCount>>, rule: LintRuleId, severity: RuleCount['severity'], count: number): void {
  const counted = (byRule[rule] ??= { severity: lintRules[rule].severity, count: 0 });
  counted.severity = severity;
  counted.count += count;
}
